"""How `mlgolden upgrade` tells people what happened: one repo in prose, a fleet as a table."""

from __future__ import annotations

from pathlib import Path

from mlgolden.errors import EXIT_FAILED, EXIT_OK
from mlgolden.ui import Reporter
from mlgolden.upgrade import Outcome, UpgradeOptions, read_repos_file, upgrade_fleet, upgrade_repo


def run(paths: list[Path], repos_file: Path | None, opts: UpgradeOptions, jobs: int, report: Reporter) -> int:
    if repos_file is not None:
        paths = [*paths, *read_repos_file(repos_file)]
    if len(paths) <= 1 and repos_file is None:
        outcome = upgrade_repo(paths[0] if paths else Path("."), opts)
        describe(outcome, report)
        return outcome.exit_code
    return _fleet(paths, opts, jobs, report)


def describe(outcome: Outcome, report: Reporter) -> None:
    repo = outcome.repo
    for warning in outcome.warnings:
        report.warn(warning)
    if outcome.result == "current":
        report.info(f"{repo}: already current ({outcome.current}); nothing to do")
    elif outcome.result == "behind":
        report.info(f"{repo}: behind: current {outcome.current}, newest {outcome.target}")
        report.info("  run `mlgolden upgrade` to take it")
    elif outcome.result == "planned":
        report.info(
            f"{repo}: upgrade {outcome.current} → {outcome.target} would make "
            f"{outcome.detail} (dry run: nothing changed)"
        )
        for what, path in outcome.changes:
            report.info(f"  {what:<9} {path}")
        if outcome.conflicts:
            report.info("exit 1: the upgrade would stop with conflicts in the files marked `conflict`")
    elif outcome.result == "upgraded":
        report.info(f"{repo}: upgraded {outcome.current} → {outcome.target} (one commit)")
    elif outcome.result == "conflicts":
        report.info(f"{repo}: upgrade {outcome.current} → {outcome.target} stopped with conflicts in:")
        for path in outcome.conflicts:
            report.info(f"  {path}")
        report.info("Resolve the markers, `git add` the files and run `git cherry-pick --continue`;")
        report.info("or run `git cherry-pick --abort` to restore the repository exactly as it was.")
    for note in outcome.notes:
        report.info(f"  {note}")


def _fleet(paths: list[Path], opts: UpgradeOptions, jobs: int, report: Reporter) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    columns = (TextColumn("upgrading"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"))
    with Progress(*columns, console=report.console, transient=True, disable=report.quiet) as bar:
        task = bar.add_task("", total=len(paths))
        outcomes = upgrade_fleet(
            paths, opts, jobs=jobs, progress=lambda o: bar.update(task, advance=1, description=str(o.repo))
        )
    table = Table("repo", "from", "to", "result", "why")
    table.columns[0].overflow = "fold"
    table.columns[4].overflow = "fold"  # whole paths, never cut with an ellipsis
    for outcome in outcomes:
        why = _why(outcome)
        cells = (_short(outcome.repo), outcome.current, outcome.target, outcome.result, why)
        table.add_row(*(Text(str(cell)) for cell in cells))  # user text: never read as markup
        report.lines.append(f"{outcome.repo}\t{outcome.current}\t{outcome.target}\t{outcome.result}\t{why}")
    report.rich(table)
    bad = [o for o in outcomes if o.result in ("conflicts", "failed", "behind")]
    return EXIT_FAILED if bad else EXIT_OK


def _why(outcome: Outcome) -> str:
    """What happened, with whole paths, and for a failed or conflicted repo one next step."""
    why = outcome.detail
    if outcome.result == "conflicts":
        why = f"conflicts: {', '.join(outcome.conflicts)}; next: resolve them in {outcome.repo}, then "
        why += "`git cherry-pick --continue` (or `git cherry-pick --abort`)"
    elif outcome.result == "failed" and "next:" not in why:
        why += f"; next: fix that, then run `mlgolden upgrade {outcome.repo}`"
    if outcome.notes or outcome.warnings:
        why += "; " + "; ".join([*(f"warning: {w}" for w in outcome.warnings), *outcome.notes])
    return why


def _short(path: Path) -> str:
    import os  # noqa: PLC0415

    relative = os.path.relpath(path)
    return relative if not relative.startswith("../..") else str(path)
