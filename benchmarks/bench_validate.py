"""Benchmark `mlgolden validate` on a generated project with many extra files (run by hand).

    python benchmarks/bench_validate.py [--files 5000] [--pattern live-service] [--repeat 5]
                                        [--tools]   # also Airflow/Feast venvs (slower, constant)
                                        [--quick]   # 500 files, 2 repeats: a smoke run

Generates the project with the real CLI, commits N extra files to it (a realistic mix: Python
modules, CSV/JSON data, Markdown notes, in nested folders, plus 1 MiB+ files that are not read),
and times `validate` in-process: one warm-up run, then the median of --repeat runs (the same rule
as the other benchmarks, see _harness.py), with the per-check durations of the last run. Record
the result in docs/benchmarks.md (section "validate").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def extra_files(project: Path, count: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    total = 0
    for i in range(count):
        folder = project / "extra" / f"area{i % 50:02d}" / f"sub{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        kind = i % 4
        if kind == 0:
            body = "\n".join(
                f"def f{j}(x):\n    return x * {rng.randint(1, 99)}  # step {j}" for j in range(20)
            )
            name = f"mod{i}.py"
        elif kind == 1:
            body = "id,value,label\n" + "\n".join(
                f"{j},{rng.random():.6f},{rng.choice('abc')}" for j in range(40)
            )
            name = f"data{i}.csv"
        elif kind == 2:
            body = "# Notes\n\n" + "\n".join(
                f"- item {j}: see ticket ML-{rng.randint(100, 999)}" for j in range(25)
            )
            name = f"notes{i}.md"
        else:
            body = json.dumps(
                {"run": i, "metrics": {"auc": round(rng.random(), 4), "loss": round(rng.random(), 4)}}
            )
            name = f"run{i}.json"
        (folder / name).write_text(body + "\n")
        total += len(body) + 1
    for i in range(3):  # big files: listed, never read
        (project / "extra" / f"big{i}.csv").write_text("x,y\n" + "1,2\n" * 600_000)
    return total


def git(project: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)


def timed(project: Path, repeat: int, warmup: int = 1):
    """(median seconds of ``repeat`` runs after ``warmup`` runs, the last validation)."""
    from mlgolden.validate import Options, validate_project

    times = []
    for i in range(warmup + repeat):
        started = time.perf_counter()
        validation = validate_project(project, Options())
        if i >= warmup:
            times.append(time.perf_counter() - started)
    return statistics.median(times), validation


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--pattern", default="live-service")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tools", action="store_true", help="use the Airflow/Feast venvs when present")
    parser.add_argument("--quick", action="store_true", help="smoke run: 500 files, 2 repeats")
    args = parser.parse_args()
    if args.quick:
        args.files, args.repeat = 500, 2
    for name in ("airflow", "feast"):  # their start-up is a constant ~5-10 s, whatever the file count
        venv = os.environ.get(f"MLGOLDEN_{name.upper()}_PYTHON") or f"/opt/venvs/{name}/bin/python"
        os.environ[f"MLGOLDEN_{name.upper()}_PYTHON"] = venv if args.tools else "/nonexistent/python"
    from mlgolden import __version__
    from mlgolden.cli import run

    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp:
        assert run(["new", "--no-input", "--pattern", args.pattern, "--output-dir", tmp]) == 0
        project = next(Path(tmp).iterdir())
        base, base_v = timed(project, args.repeat)
        size = extra_files(project, args.files)
        git(project, "add", "--all")
        git(project, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "extra files")
        loaded, loaded_v = timed(project, args.repeat)
        scanned = next(r for r in loaded_v.results if r.id == "secrets").notes
        print(
            f"mlgolden {__version__}, Python {platform.python_version()}, {platform.machine()}, "
            f"{os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M')}, "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        print(
            f"pattern {args.pattern}; tools: hadolint, groovy, terraform"
            + (", airflow, feast" if args.tools else " (airflow/feast skipped)")
        )
        print(f"median of {args.repeat} runs after a warm-up")
        print(f"fresh project:             {base:6.2f} s  ({len(base_v.results)} checks)")
        print(f"+{args.files} files ({size / 1e6:.1f} MB): {loaded:6.2f} s  (secrets: {'; '.join(scanned)})")
        print(
            "per check (with the extra files): "
            + ", ".join(f"{r.id} {r.duration:.2f}" for r in loaded_v.results)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
