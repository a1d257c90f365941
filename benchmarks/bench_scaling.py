"""Upgrade scaling: repo size, git-ignored data, history length, fleets; peak memory.

    python benchmarks/bench_scaling.py [--repeat 5] [--quick] [--keep]
        [--sizes 100,5000,50000] [--commits 2000] [--fleets 1,10,50] [--jobs 4]

Every repo is the same mlgolden project (batch-prediction, git catalog v1.0.0 with the team's
edits, see _harness) grown to N tracked files (small .py/.csv/.md/.json files in nested folders),
optionally with a git-ignored data/lake/ folder (20,000 files of 4 KB and 8 files of 64 MB),
squashed to 1 commit or followed by more commits (git fast-import, each changing WORKLOG.md).
`mlgolden upgrade` (v1.0.0 → v2.0.0) is timed with the repo reset before each run (untimed);
memory is the peak RSS of the process tree (largest process, and the sampled sum).
Fleets: copies of the smallest repo upgraded with `mlgolden upgrade --repos FILE --jobs J`.
Targets: flat within 1.5× from the smallest to the largest repo and from 1 to 2,000 commits;
a fleet of 50 well under 50× one repo; peak memory < 150 MB on the largest repo.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import _harness as h


def grow(base: Path, dest: Path, files: int, *, ignored: bool, commits: int) -> Path:
    shutil.copytree(base, dest, symlinks=True)
    tracked = len(h.git(dest, "ls-files").splitlines())
    h.add_files(dest, max(0, files - tracked))
    if ignored:
        h.add_ignored_data(dest, small=2_000 if files < 1000 else 20_000)
    h.git(dest, "add", "--all")
    h.git(dest, "-c", "gc.auto=0", "commit", "-q", "-m", "grow")  # no background gc: see below
    h.squash_to_one_commit(dest)
    h.add_history(dest, commits - 1)
    h.git(dest, "gc", "-q", "--prune=now")  # packed, like a clone; no auto-gc during the timings
    return dest


def time_upgrade(label: str, repo: Path, env: dict, repeat: int) -> h.Result:
    start = h.git(repo, "rev-parse", "HEAD").strip()
    result = h.measure(
        label,
        [str(h.mlgolden_bin() / "mlgolden"), "upgrade"],
        cwd=repo,
        env=env,
        setup=lambda: h.reset_repo(repo, start),
        check=lambda: h.check_committed(repo),
        repeat=repeat,
        sample_tree=True,
    )
    h.reset_repo(repo, start)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    h.common_args(parser)
    parser.add_argument("--sizes", default="100,5000,50000")
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--fleets", default="1,10,50")
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--fleet-only", action="store_true", help="only the smallest repo and the fleets")
    args = parser.parse_args()
    sizes = [100, 2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    commits = 200 if args.quick else args.commits
    fleets = [1, 5] if args.quick else [int(s) for s in args.fleets.split(",")]
    repeat = h.repeats(args)
    h.header("upgrade scaling")
    with h.workdir("bench-scaling-", keep=args.keep) as tmp:
        fx = h.build_fixture(tmp)
        env = h.tool_env()
        base = h.mlgolden_project(fx, tmp / "base")
        h.team_edits(base)
        small, big = sizes[0], sizes[-1]
        cases = [(n, False, 1) for n in sizes] + [
            (big, True, 1),
            (small, False, commits),
            (big, True, commits),
        ]
        if args.fleet_only:
            cases = cases[:1]
        results = {}
        for n, ignored, history in cases:
            name = f"{n} files{' + ignored data' if ignored else ''}, {history} commit(s)"
            repo = grow(base, tmp / f"r-{n}-{int(ignored)}-{history}", n, ignored=ignored, commits=history)
            results[(n, ignored, history)] = time_upgrade(name, repo, env, repeat)
        one = results[(small, False, 1)]
        for key, label in [
            ((big, False, 1), f"{big} files"),
            ((big, True, 1), f"{big} files + ignored"),
            ((small, False, commits), f"{commits} commits"),
            ((big, True, commits), "largest (all of it)"),
        ][: 0 if args.fleet_only else 4]:
            ratio = results[key].median / one.median
            print(
                f"  {label:<24} ÷ {small} files, 1 commit: {ratio:.2f}× "
                f"({'met' if ratio <= 1.5 else 'MISSED'} ≤ 1.5×)"
            )
        largest = results.get((big, True, commits), one)
        print(
            f"  peak memory on the largest repo: {largest.max_rss_kb / 1024:.0f} MB largest process, "
            f"{largest.tree_rss_kb / 1024:.0f} MB tree sum "
            f"({'met' if largest.tree_rss_kb < 150 * 1024 else 'MISSED'} < 150 MB)"
        )

        fleet_repo = tmp / f"r-{small}-0-1"
        start = h.git(fleet_repo, "rev-parse", "HEAD").strip()
        copies = [fleet_repo] + [tmp / "fleet" / f"repo{i:02d}" for i in range(1, max(fleets))]
        for copy in copies[1:]:
            shutil.copytree(fleet_repo, copy, symlinks=True)
        fleet_times = {}
        for size in fleets:
            listing = tmp / f"fleet-{size}.txt"
            listing.write_text("".join(f"{p}\n" for p in copies[:size]))
            reset = lambda size=size: [h.reset_repo(p, start) for p in copies[:size]]  # noqa: E731
            fleet_times[size] = h.measure(
                f"fleet of {size} (--jobs {args.jobs})",
                [
                    str(h.mlgolden_bin() / "mlgolden"),
                    "upgrade",
                    "--repos",
                    str(listing),
                    "--jobs",
                    str(args.jobs),
                ],
                env=env,
                setup=reset,
                repeat=repeat,
                sample_tree=True,
                check=lambda size=size: [h.check_committed(p) for p in copies[:size]],
            )
            reset()
        biggest = max(fleets)
        ratio = fleet_times[biggest].median / one.median
        print(
            f"  fleet of {biggest} ÷ one repo ({one.median:.2f} s): {ratio:.1f}× "
            f"({biggest * 0.5:.0f}× would be half of sequential)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
