"""Migrations as code: scripts a catalog version ships for changes a three-way merge can't express.

A catalog may hold ``migrations/<version>/*.py``. When `mlgolden upgrade` takes a project from
version A to version B, the scripts of every version V with A < V ≤ B run in version order (and by
file name within a version), each as its own process::

    python migrations/1.2.0/10_move_module.py PROJECT_DIR

with the project as the working directory and these environment variables:

    MLGOLDEN_PROJECT            the project's folder (also argv[1])
    MLGOLDEN_FROM_VERSION       the project's version before the upgrade (A)
    MLGOLDEN_TO_VERSION         the version the upgrade takes it to (B)
    MLGOLDEN_MIGRATION_VERSION  the version this script belongs to (V)
    MLGOLDEN_OLD_ANSWERS        the recorded answers before the upgrade, as JSON
    MLGOLDEN_NEW_ANSWERS        the answers after it (with --set changes), as JSON

A script changes files in the project (tracked files; git-ignored ones are not there) and exits 0;
any other exit fails the upgrade.

Where the changes land: in **their own commit**, right after the upgrade commit
(``mlgolden migrate 1.1.0 → 1.2.0: 1.2.0/10_move_module.py``). The upgrade commit stays what it
always is — the template's changes merged into the team's tree — and the migration's rewrite of
team-owned code is reviewed, bisected and, if need be, reverted on its own.

Safety, compared with copier's ``_migrations``, nx ``migrate`` and Angular ``ng update``, which run
in the user's tree and leave whatever a failing script half-did:

- scripts run in a scratch git worktree of the upgraded commit, never in the user's tree; only a
  complete, successful run is fast-forwarded into the repository, so a failing migration (or an
  interrupt) leaves the repository exactly as it was before the upgrade;
- ``--dry-run`` runs them on a scratch copy of the would-be merge and lists what they would change;
- migrations are code: those of an untrusted catalog refuse the upgrade unless ``--trust`` is
  given (a dry run lists them without running them);
- when the merge stops with conflicts, migrations cannot run on a conflicted tree: the outcome
  names them and they must be run after the conflicts are resolved (see docs/writing-a-catalog.md#migrations).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mlgolden import gitops
from mlgolden.catalog import parse_version
from mlgolden.errors import Interrupted, OperationError, UsageError

FOLDER = "migrations"
TIMEOUT = 600  # seconds per script


@dataclass(frozen=True)
class Migration:
    version: str
    script: Path

    @property
    def name(self) -> str:
        return f"{self.version}/{self.script.name}"


def pending(catalog_root: Path, current: str, target: str) -> list[Migration]:
    """The migrations between ``current`` (excluded) and ``target`` (included), in order."""
    folder = catalog_root / FOLDER
    low, high = parse_version(current), parse_version(target)
    if not folder.is_dir() or low is None or high is None:
        return []
    found = []
    for entry in folder.iterdir():
        version = parse_version(entry.name)
        if entry.is_dir() and version is not None and low < version <= high:
            found += [Migration(entry.name.removeprefix("v"), s) for s in sorted(entry.glob("*.py"))]
    return sorted(found, key=lambda m: (parse_version(m.version), m.script.name))


def after_upgrade(plan, catalog, base: str, target: str, outcome, *, trust: bool = False):
    """Run the catalog's migrations for an upgrade that just happened (or was planned): the one
    call `mlgolden upgrade` makes. Returns the outcome, with the migrations in its notes (or, for
    a dry run, their changes in ``outcome.changes``)."""
    todo = pending(catalog.root, plan.current, plan.target)
    if not todo:
        return outcome
    names = ", ".join(m.name for m in todo)
    trusted = catalog.trusted or trust
    if outcome.result == "planned":
        if not trusted:
            outcome.notes.append(
                f"would run migrations {names} (they need --trust: the catalog is not trusted)"
            )
            return outcome
        return _dry_run(plan, todo, base, target, outcome)
    if outcome.result == "conflicts":
        outcome.notes.append(
            f"migrations {names} did not run: they need the merge finished; resolve the conflicts, "
            "then run them (see docs/writing-a-catalog.md#migrations)"
        )
        return outcome
    if outcome.result != "upgraded":
        return outcome
    if not trusted:
        _undo_upgrade(plan.root)
        raise UsageError(
            f"catalog {catalog.source} {plan.target} ships migrations ({names}), which are code, and "
            "is not trusted; the repository is as it was",
            hint="read them, then pass --trust (or list the catalog under trusted_catalogs)",
        )
    try:
        commit = _run_in_scratch(plan, todo)
    except BaseException:
        _undo_upgrade(plan.root)
        raise
    if commit is not None:
        gitops.run(plan.root, "merge", "--ff-only", "--quiet", commit)
        outcome.notes.append(f"migrations {names} ran (their own commit, after the upgrade's)")
    else:
        outcome.notes.append(f"migrations {names} ran and changed nothing")
    return outcome


def _environment(plan, migration: Migration, project: Path) -> dict[str, str]:
    return {
        **os.environ,
        "MLGOLDEN_PROJECT": str(project),
        "MLGOLDEN_FROM_VERSION": plan.current,
        "MLGOLDEN_TO_VERSION": plan.target,
        "MLGOLDEN_MIGRATION_VERSION": migration.version,
        "MLGOLDEN_OLD_ANSWERS": json.dumps(dict(plan.manifest.answers), sort_keys=True),
        "MLGOLDEN_NEW_ANSWERS": json.dumps(dict(plan.answers), sort_keys=True),
    }


def run_scripts(plan, todo: list[Migration], project: Path) -> None:
    """Run each migration in ``project``; the first failure raises OperationError."""
    import subprocess  # noqa: PLC0415

    for migration in todo:
        try:
            result = subprocess.run(  # noqa: S603 - the catalog is trusted (checked by the caller)
                [sys.executable, str(migration.script), str(project)],
                cwd=project,
                env=_environment(plan, migration, project),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise OperationError(
                f"migration {migration.name} ran longer than {TIMEOUT} s; the repository is as it was"
            ) from None
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
            raise OperationError(
                f"migration {migration.name} failed (exit {result.returncode}): {last}; "
                "the repository is as it was before the upgrade"
            )


def _run_in_scratch(plan, todo: list[Migration]) -> str | None:
    """Run the migrations in a scratch worktree of HEAD; the commit of their changes, or None."""
    root = plan.root
    with tempfile.TemporaryDirectory(prefix="mlgolden-migrate-") as tmp:
        scratch = Path(tmp) / "project"
        gitops.run(root, "worktree", "add", "--detach", "--quiet", "--", str(scratch), "HEAD")
        try:
            run_scripts(plan, todo, scratch)
            gitops.run(scratch, "add", "--all")
            if gitops.run(scratch, "diff", "--cached", "--quiet", check=False).ok:
                return None
            message = f"mlgolden migrate {plan.current} → {plan.target}: " + ", ".join(m.name for m in todo)
            gitops.run(
                scratch, "commit", "--quiet", "--no-verify", "-m", message, env=gitops.identity_env(root)
            )
            return gitops.head(scratch)
        finally:
            gitops.run(root, "worktree", "remove", "--force", "--", str(scratch), check=False)
            gitops.run(root, "worktree", "prune", check=False)


def _undo_upgrade(root: Path) -> None:
    """Drop the upgrade commit just made (the tree was clean before it, so nothing else is lost)."""
    gitops.run(root, "reset", "--quiet", "--hard", "HEAD~1")


def _dry_run(plan, todo: list[Migration], base: str, target: str, outcome):
    """Run the migrations on a scratch copy of the would-be merge and list what they change."""
    if outcome.conflicts:
        outcome.notes.append(
            f"migrations {', '.join(m.name for m in todo)} would run once the conflicts are resolved"
        )
        return outcome
    root = plan.root
    head_tree = gitops.run(root, "rev-parse", "HEAD^{tree}").stdout.strip()
    ours = gitops.commit_tree(root, head_tree, "mlgolden dry run (the repo as it is)", parent=base)
    merged = gitops.run(root, "merge-tree", "--write-tree", "--no-messages", ours, target)
    tree = merged.stdout.splitlines()[0].strip()
    with tempfile.TemporaryDirectory(prefix="mlgolden-migrate-") as tmp:
        scratch = Path(tmp) / "project"
        scratch.mkdir()
        gitops.export_tree(root, tree, scratch)
        before = _fingerprint(scratch)
        try:
            run_scripts(plan, todo, scratch)
        except OperationError as exc:
            outcome.notes.append(exc.message.replace("; the repository is as it was before the upgrade", ""))
            outcome.exit_code = 1
            return outcome
        except (KeyboardInterrupt, Interrupted):
            raise Interrupted("interrupted; nothing was changed") from None
        after = _fingerprint(scratch)
    for path in sorted(set(before) | set(after)):
        if before.get(path) != after.get(path):
            what = "add" if path not in before else "remove" if path not in after else "modify"
            outcome.changes.append((f"migrate:{what}", path))
    outcome.notes.append(f"migrations {', '.join(m.name for m in todo)} would run (their own commit)")
    return outcome


def _fingerprint(folder: Path) -> dict[str, bytes]:
    import hashlib  # noqa: PLC0415

    found = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).digest()
    return found
