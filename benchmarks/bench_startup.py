"""Start-up: `mlgolden --help` next to `cookiecutter --help`, `cruft --help`, `copier --help`.

    python benchmarks/bench_startup.py [--repeat 5] [--quick]

Each tool runs from its own virtualenv under ~/.cache/mlgolden-bench (made on first use; see
_harness.py), one warm-up run, then the median of --repeat runs (wall clock, one process each).
Target: mlgolden ≤ half of `cookiecutter --help`. Record the result in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys

import _harness as h


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    h.common_args(parser, repeat=10)
    args = parser.parse_args()
    h.header("start-up (--help)")
    peers, mlg, env = h.peers_bin(), h.mlgolden_bin(), h.tool_env()
    results = [
        h.measure(f"{name} --help", [str(binary), "--help"], env=env, repeat=h.repeats(args))
        for name, binary in [
            ("mlgolden", mlg / "mlgolden"),
            ("cookiecutter", peers / "cookiecutter"),
            ("cruft", peers / "cruft"),
            ("copier", peers / "copier"),
        ]
    ]
    mine, cookiecutter = results[0].median, results[1].median
    print(
        f"target mlgolden ≤ 0.5 × cookiecutter: {mine:.3f} vs {cookiecutter:.3f} s → ratio "
        f"{mine / cookiecutter:.2f} ({'met' if mine <= cookiecutter / 2 else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
