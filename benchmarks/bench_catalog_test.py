"""Benchmark `mlgolden catalog test` on the built-in catalog (run by hand, not in the suite).

    python benchmarks/bench_catalog_test.py [--matrix pairwise|flips|defaults] [--jobs 1 2 4]
                                            [--repeat 1] [--project-tests]

Runs the real CLI as its own process (`python -m mlgolden catalog test builtin ...`) for each
--jobs value and prints the wall time (median of --repeat runs after no warm-up: one run already
renders dozens of projects), the number of cases and the mean time per case, from the command's
own JUnit report. The validate tools must be installed as in CI (`source ~/.cache/mlgolden-ci/
ci.env`; MLGOLDEN_FEAST_PYTHON / MLGOLDEN_AIRFLOW_PYTHON default to its venvs), because every
case runs `validate --require-tools`. Record the result in docs/benchmarks.md ("catalog test").
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tool_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("FEAST", "AIRFLOW"):
        ci = env.get(f"MLGOLDEN_CI_{name}_PYTHON")
        if ci and not env.get(f"MLGOLDEN_{name}_PYTHON"):
            env[f"MLGOLDEN_{name}_PYTHON"] = ci
    return env


def run_once(matrix: str, jobs: int, project_tests: bool) -> tuple[float, int, int, float]:
    with tempfile.TemporaryDirectory(prefix="bench-catalog-test-") as tmp:
        report = Path(tmp) / "report.xml"
        command = [sys.executable, "-m", "mlgolden", "catalog", "test", "builtin", "--matrix", matrix]
        command += ["--jobs", str(jobs), "--format", "junit", "--output", str(report)]
        command += ["--project-tests"] if project_tests else []
        started = time.perf_counter()
        done = subprocess.run(command, env=tool_env(), capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        if not report.is_file():
            sys.exit(f"catalog test wrote no report (exit {done.returncode}): {done.stderr[-2000:]}")
        suite = ET.parse(report).getroot()
        cases = [float(c.get("time", "0")) for c in suite.iter("testcase")]
        return wall, len(cases), int(suite.get("failures", "0")), statistics.mean(cases or [0.0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matrix", default="pairwise", choices=["pairwise", "flips", "defaults"])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--project-tests", action="store_true")
    args = parser.parse_args()
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"# mlgolden catalog test builtin --matrix {args.matrix}")
    print("| --jobs | wall (median) | cases | failed | mean per case |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for jobs in args.jobs:
        runs = [run_once(args.matrix, jobs, args.project_tests) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs)
        _, cases, failed, per_case = runs[-1]
        print(f"| {jobs} | {wall:.1f} s | {cases} | {failed} | {per_case:.1f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
