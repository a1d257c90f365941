"""Create: `mlgolden new --no-input` next to `cookiecutter --no-input` and `copier copy`.

    python benchmarks/bench_create.py [--repeat 5] [--quick] [--keep]

All three render the same template content: the built-in batch-prediction pattern. mlgolden
reads it from a git catalog (the built-in catalog committed and tagged in a temp dir); cookiecutter
and copier read the pattern's merged component tree with mlgolden's context as defaults (see
_harness.write_peer_templates), so the three projects are byte for byte the same files (checked
below). mlgolden also makes the git repository and its first commit; the others do not.
One warm-up run, then the median of --repeat runs. Target: mlgolden no slower than cookiecutter.
"""

from __future__ import annotations

import argparse
import shutil
import sys

import _harness as h


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    h.common_args(parser)
    args = parser.parse_args()
    h.header("create (--no-input, same template content)")
    peers, mlg = h.peers_bin(), h.mlgolden_bin()
    with h.workdir("bench-create-", keep=args.keep) as tmp:
        fx = h.build_fixture(tmp)
        env = h.tool_env(fx.ext)
        out = tmp / "out"
        clean = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731
        runs = {
            "mlgolden new (+ git init/commit)": (
                [mlg / "mlgolden", "new", "--no-input", "--catalog", fx.catalog, "-o", out / "mlgolden"],
                out / "mlgolden" / "churn-model",
            ),
            "cookiecutter --no-input": (
                [peers / "cookiecutter", "--no-input", fx.cookiecutter, "-o", out / "cookiecutter"],
                out / "cookiecutter" / "churn-model",
            ),
            "copier copy --defaults (git template)": (
                [
                    peers / "copier",
                    "copy",
                    "--defaults",
                    "--trust",
                    "--quiet",
                    fx.copier,
                    out / "copier" / "churn-model",
                ],
                out / "copier" / "churn-model",
            ),
        }
        results, trees = [], {}
        for label, (cmd, project) in runs.items():
            results.append(
                h.measure(label, [str(c) for c in cmd], env=env, setup=clean, repeat=h.repeats(args))
            )
            trees[label] = h.snapshot(project, skip=(".git", ".mlgolden.yml", ".copier-answers.yml"))
        first = next(iter(trees.values()))
        same = all(tree == first for tree in trees.values())
        print(f"same files from all three: {same} ({len(first)} files)")
        mine, cookiecutter = results[0].median, results[1].median
        print(
            f"target mlgolden ≤ cookiecutter: {mine:.2f} vs {cookiecutter:.2f} s → ratio "
            f"{mine / cookiecutter:.2f} ({'met' if mine <= cookiecutter else 'MISSED'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
