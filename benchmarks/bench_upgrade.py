"""Upgrade: `mlgolden upgrade` next to `cruft update` and `copier update`, same v1 → v2 change.

    python benchmarks/bench_upgrade.py [--repeat 5] [--quick] [--keep]

One template change (v1.0.0 → v2.0.0: Dockerfile and Makefile changed, SECURITY.md added, see
_harness.apply_v2_change) in three forms of the same content: an mlgolden git catalog, a
cookiecutter template (for cruft) and a copier template, each a git repo with both tags. Each tool
generates a project at v1.0.0, the team's edits are committed (README line, a new module), then
the upgrade is timed; the repo is reset (untimed) before every run. The three upgraded trees are
compared. mlgolden's time includes its commit; cruft and copier leave the changes uncommitted.
Target: mlgolden ≤ half of the fastest peer.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import _harness as h


def peer_projects(fx: h.Fixture, parent: Path, env: dict) -> dict[str, Path]:
    """The same project made at v1.0.0 by each tool, with the team's edits committed."""
    peers = h.peers_bin()
    projects = {"mlgolden": h.mlgolden_project(fx, parent / "mlgolden")}
    h.run_once(
        [
            str(peers / "cruft"),
            "create",
            "--no-input",
            "--checkout",
            h.V1,
            "--output-dir",
            str(parent / "cruft"),
            str(fx.cookiecutter),
        ],
        env=env,
    )
    h.run_once(
        [
            str(peers / "copier"),
            "copy",
            "--defaults",
            "--trust",
            "--quiet",
            "--vcs-ref",
            h.V1,
            str(fx.copier),
            str(parent / "copier" / "churn-model"),
        ],
        env=env,
    )
    for tool in ("cruft", "copier"):
        projects[tool] = parent / tool / "churn-model"
        h.git_save(projects[tool], "generated")
    for project in projects.values():
        h.team_edits(project)
    return projects


def upgrade_commands(tool: str) -> list[str]:
    peers, mlg = h.peers_bin(), h.mlgolden_bin()
    return {
        "mlgolden": [str(mlg / "mlgolden"), "upgrade"],
        # cruft keeps the recorded context; the template's version is a variable like any other
        "cruft": [
            str(peers / "cruft"),
            "update",
            "-y",
            "--checkout",
            h.V2,
            "--variables-to-update",
            '{"template_version": "2.0.0"}',
        ],
        "copier": [str(peers / "copier"), "update", "--defaults", "--trust", "--quiet", "--vcs-ref", h.V2],
    }[tool]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    h.common_args(parser)
    args = parser.parse_args()
    h.header("upgrade v1.0.0 → v2.0.0 (same change, same team edits)")
    with h.workdir("bench-upgrade-", keep=args.keep) as tmp:
        fx = h.build_fixture(tmp)
        env = h.tool_env(fx.ext)
        projects = peer_projects(fx, tmp / "projects", env)
        results, trees = {}, {}
        for tool, project in projects.items():
            start = h.git(project, "rev-parse", "HEAD").strip()
            results[tool] = h.measure(
                f"{tool} {' '.join(upgrade_commands(tool)[1:2])}",
                upgrade_commands(tool),
                cwd=project,
                env=env,
                setup=lambda p=project, s=start: h.reset_repo(p, s),
                check=lambda p=project: h.check_upgraded(p),
                repeat=h.repeats(args),
                sample_tree=True,
            )
            trees[tool] = h.snapshot(
                project, skip=(".git", ".mlgolden.yml", ".cruft.json", ".copier-answers.yml")
            )
        first = trees["mlgolden"]
        print(
            f"same upgraded files from all three: {all(t == first for t in trees.values())} "
            f"({len(first)} files)"
        )
        mine = results["mlgolden"].median
        fastest = min(results["cruft"].median, results["copier"].median)
        print(
            f"target mlgolden ≤ 0.5 × fastest peer: {mine:.2f} vs {fastest:.2f} s → ratio "
            f"{mine / fastest:.2f} ({'met' if mine <= fastest / 2 else 'MISSED'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
