"""`mlgolden upgrade`: three-way template upgrades with git's own merge machinery.

For one repository the steps are:

1. ``inspect``   – find the project, refuse a dirty tree, a merge in progress, a detached HEAD;
2. ``plan``      – read the recorded answers, pick the target version, refuse a downgrade;
3. ``render``    – re-render the *base* (recorded version, recorded answers, recorded platform)
                   and the *target* (new version, changed answers or pattern) in temp dirs;
4. ``commit``    – store both as commits in the repo's object database: target's parent is base;
5. ``apply``     – ``git cherry-pick`` the target onto HEAD: a three-way merge of base → target
                   into the team's tree, with rename detection, binary handling and conflicts
                   exactly like any git merge. Nothing depends on the repo's history.

The cost grows with the template (two small renders, a few dozen blobs), never with the repo's
size, history or git-ignored files, which are never read.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mlgolden import gitops
from mlgolden.answers import AnswerError, coerce, parse_set_options, questions_for
from mlgolden.catalog import available_versions, open_catalog, version_key
from mlgolden.errors import Interrupted, MlgoldenError, OperationError, UsageError
from mlgolden.locking import repo_lock
from mlgolden.models import Manifest, PlatformSettings
from mlgolden.platform import load_platform
from mlgolden.project import open_recorded_catalog, recorded_platform, render_answers
from mlgolden.render import MANIFEST, read_manifest

LOCK_NAME = "mlgolden-upgrade.lock"


@dataclass
class UpgradeOptions:
    ref: str | None = None
    sets: list[str] = field(default_factory=list)
    pattern: str | None = None
    check: bool = False
    dry_run: bool = False
    platform_file: Path | None = None
    trust: bool = False
    branch: bool = False  # fleet mode: work on mlgolden/upgrade-<version>


@dataclass
class Outcome:
    repo: Path
    current: str = "?"
    target: str = "?"
    result: str = "failed"  # upgraded | conflicts | current | behind | planned | failed
    detail: str = ""
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: list[tuple[str, str]] = field(default_factory=list)  # dry run: (what, path)
    exit_code: int = 0


@dataclass
class Plan:
    root: Path
    manifest: Manifest
    current: str
    target: str
    answers: dict
    pattern: str
    switching: bool
    platform: PlatformSettings


# --- one repository ------------------------------------------------------------------------


def upgrade_repo(path: Path, opts: UpgradeOptions) -> Outcome:
    """Upgrade one repository; refusals raise UsageError, the rest is in the Outcome."""
    writes = not (opts.check or opts.dry_run)
    root = inspect(path, need_clean=writes)
    manifest = read_manifest(root)
    target_ref, target_version = pick_target(manifest, opts.ref)
    if opts.branch and writes:
        branch = upgrade_branch(target_version)
        if gitops.branch_exists(root, branch) and gitops.current_branch(root) != branch:
            gitops.switch(root, branch, create=False)  # a re-run continues where it stopped
            manifest = read_manifest(root)
    outcome = Outcome(repo=root, current=manifest.catalog.version, target=target_version)
    if opts.check:  # cheap: no render, no checkout of the catalog
        if target_version == manifest.catalog.version:
            outcome.result, outcome.detail = "current", f"already at {target_version}"
        else:
            outcome.result, outcome.exit_code = "behind", 1
            outcome.detail = f"current {manifest.catalog.version}, newest {target_version}"
        return outcome
    with (
        repo_lock(gitops.git_dir(root) / LOCK_NAME, root),
        tempfile.TemporaryDirectory(prefix="mlgolden-upgrade-") as tmp,
        open_catalog(_source_arg(manifest.catalog.source), target_ref, trust=opts.trust) as catalog,
    ):
        plan = make_plan(root, manifest, catalog, opts)
        if plan.current == plan.target and plan.answers == manifest.answers and not plan.switching:
            outcome.result, outcome.detail = "current", f"already at {plan.target}"
            return outcome
        base, target = commit_renders(plan, catalog, Path(tmp), trust=opts.trust)
        if opts.dry_run:
            return dry_run(plan, base, target, outcome)
        if opts.branch and gitops.current_branch(root) != upgrade_branch(plan.target):
            gitops.switch(root, upgrade_branch(plan.target), create=True)
        return apply(plan, base, target, outcome)


def upgrade_branch(version: str) -> str:
    return f"mlgolden/upgrade-{version}"


def inspect(path: Path, *, need_clean: bool) -> Path:
    gitops.require_git()
    if not path.exists():
        raise UsageError(f"{path} does not exist")
    root = gitops.toplevel(path) if path.is_dir() else None
    if root is None:
        raise UsageError(f"{path} is not a git repository", hint="mlgolden upgrade works on git repos")
    if not (root / MANIFEST).is_file():
        raise UsageError(f"{root} is not an mlgolden project (no {MANIFEST})")
    if not gitops.has_commits(root):
        raise UsageError(f"{root} has no commits yet", hint="commit the project first")
    if need_clean:
        busy = gitops.in_progress(root)
        if busy:
            raise UsageError(
                f"a git {busy} is in progress in {root}", hint=f"finish it or run `git {busy} --abort` first"
            )
        if gitops.current_branch(root) is None:
            raise UsageError(f"{root} is on a detached HEAD", hint="switch to a branch first")
        dirty = gitops.dirty_paths(root)
        if dirty:
            more = f" and {len(dirty) - 1} more" if len(dirty) > 1 else ""
            raise UsageError(
                f"{root} has uncommitted changes ({dirty[0]}{more})", hint="commit or stash them first"
            )
    return root


def pick_target(manifest: Manifest, ref: str | None) -> tuple[str | None, str]:
    """(ref to open, version label) of the target; refuses downgrades and unknown refs."""
    current = manifest.catalog.version
    source = manifest.catalog.source
    if ref is None:
        versions = available_versions(source)
        if not versions:
            raise UsageError(f"catalog {source} has no versions")
        target = versions[-1]
        if current not in versions and not _is_plain_dir(source):
            raise UsageError(
                f"the answers file records catalog version {current}, which {source} does not have",
                hint="was .mlgolden.yml edited? restore it from git history",
            )
        return (None if _is_plain_dir(source) else target), target
    target = ref[1:] if ref.startswith("v") and ref[1:2].isdigit() else ref
    try:
        older = version_key(target) < version_key(current)
    except UsageError:
        older = False  # a branch or a commit: no order to compare
    if older:
        raise UsageError(f"{ref} is older than the project's {current}; downgrades are refused")
    return ref, target


def _is_plain_dir(source: str) -> bool:
    return source != "builtin" and not gitops.is_git_source(source)


def _source_arg(source: str) -> str | None:
    return None if source == "builtin" else source


def make_plan(root: Path, manifest: Manifest, catalog, opts: UpgradeOptions) -> Plan:
    """The target's answers: recorded ones, changed by --set, validated against the target."""
    pattern = catalog.pattern(opts.pattern or manifest.pattern)
    platform = load_platform(catalog.platform_defaults(), opts.platform_file)
    questions = {q.id: q for q in questions_for(catalog.spec.questions, pattern, platform)}
    answers = dict(manifest.answers)
    for key, value in parse_set_options(opts.sets).items():
        if key not in questions:
            raise UsageError(
                f"--set: unknown question {key!r}", hint=f"this pattern asks: {', '.join(sorted(questions))}"
            )
        try:
            answers[key] = coerce(questions[key], value, answers)
        except AnswerError as exc:
            raise UsageError(f"--set: {exc}") from None
    try:
        catalog_version = catalog.version
        older = version_key(catalog_version) < version_key(manifest.catalog.version)
    except UsageError:
        older = False
    if older:
        raise UsageError(
            f"{catalog_version} is older than the project's "
            f"{manifest.catalog.version}; downgrades are refused"
        )
    return Plan(
        root=root,
        manifest=manifest,
        current=manifest.catalog.version,
        target=catalog.version,
        answers=answers,
        pattern=pattern.name,
        switching=pattern.name != manifest.pattern,
        platform=platform,
    )


def commit_renders(plan: Plan, catalog, tmp: Path, *, trust: bool = False) -> tuple[str, str]:
    """Render base and target and store them as two commits (target's parent is base)."""
    manifest = plan.manifest
    validate_config = manifest.validate_.model_dump()
    with open_recorded_catalog(manifest, trust=trust) as recorded:
        base_dir = render_answers(
            recorded,
            manifest.pattern,
            manifest.answers,
            recorded_platform(manifest),
            tmp / "base",
            validate_config=validate_config,
        )
    target_dir = render_answers(
        catalog,
        plan.pattern,
        plan.answers,
        plan.platform,
        tmp / "target",
        validate_config=validate_config,
        origin="--set",
    )
    index = tmp / "index"
    base_tree = gitops.tree_of_directory(plan.root, base_dir, index)
    index.unlink(missing_ok=True)
    target_tree = gitops.tree_of_directory(plan.root, target_dir, index)
    base = gitops.commit_tree(plan.root, base_tree, f"mlgolden template {plan.current} (base)")
    title = f"mlgolden upgrade {plan.current} → {plan.target}"
    if plan.switching:
        title += f" ({manifest.pattern} → {plan.pattern})"
    target = gitops.commit_tree(plan.root, target_tree, title, parent=base)
    return base, target


def apply(plan: Plan, base: str, target: str, outcome: Outcome) -> Outcome:
    root = plan.root
    blocked = gitops.untracked_existing(
        root, [p for s, p in gitops.diff_names(root, base, target) if s == "A"]
    )
    if blocked:
        raise UsageError(
            f"the new template adds {blocked[0]}, which exists untracked or git-ignored "
            "in the repo; move it away first"
        )
    try:
        result = gitops.cherry_pick(root, target)
        if not result.ok:
            unresolved = _resolve_deletions(root, plan, outcome)
            if gitops.in_progress(root) != "cherry-pick" and not unresolved:
                raise OperationError(f"git cherry-pick failed: {result.stderr.strip().splitlines()[-1:]}")
            if unresolved:
                outcome.result, outcome.exit_code = "conflicts", 1
                outcome.conflicts = unresolved
                outcome.detail = f"{len(unresolved)} conflicted file(s)"
                return outcome
            gitops.continue_cherry_pick(root)
    except (Interrupted, KeyboardInterrupt):
        if gitops.in_progress(root) == "cherry-pick":
            gitops.abort_cherry_pick(root)
        raise Interrupted("interrupted; the repository is as it was") from None
    outcome.result = "upgraded"
    outcome.detail = f"{plan.current} → {plan.target}"
    return outcome


def _resolve_deletions(root: Path, plan: Plan, outcome: Outcome) -> list[str]:
    """Settle modify/delete conflicts the way a team expects; return what stays conflicted."""
    remaining = []
    for path, stages in sorted(gitops.unmerged(root).items()):
        if stages == {1, 3}:  # the team deleted it, the template changed it: stays deleted
            gitops.resolve_deleted(root, path)
            outcome.notes.append(f"kept deleted: {path} (you deleted it; the new template changes it)")
        elif stages == {1, 2} and not plan.switching:  # the template removed it, the team changed it
            gitops.resolve_keep_ours(root, path)
            outcome.notes.append(f"kept: {path} (the new template removes it, but you changed it)")
        else:
            remaining.append(path)
    return remaining


def dry_run(plan: Plan, base: str, target: str, outcome: Outcome) -> Outcome:
    root = plan.root
    head_tree = gitops.run(root, "rev-parse", "HEAD^{tree}").stdout.strip()
    ours = gitops.commit_tree(root, head_tree, "mlgolden dry run (the repo as it is)", parent=base)
    clean, conflicted = gitops.merge_tree(root, ours, target)
    words = {"A": "add", "M": "modify", "D": "remove", "T": "modify"}
    for status, path in gitops.diff_names(root, base, target):
        outcome.changes.append(("conflict" if path in conflicted else words.get(status, status), path))
    outcome.conflicts = conflicted
    outcome.result = "planned"
    outcome.detail = (
        f"{len(outcome.changes)} change(s), {'no conflicts' if clean else f'{len(conflicted)} conflict(s)'}"
    )
    return outcome


def safe_upgrade(path: Path, opts: UpgradeOptions) -> Outcome:
    """Like upgrade_repo, but every error becomes a 'failed' outcome (for fleets)."""
    try:
        return upgrade_repo(path, opts)
    except Interrupted:
        raise
    except MlgoldenError as exc:
        return Outcome(repo=path, result="failed", detail=exc.one_line(), exit_code=exc.exit_code)
    except Exception as exc:  # noqa: BLE001 - one repo's bug must not stop the fleet
        return Outcome(repo=path, result="failed", detail=f"{type(exc).__name__}: {exc}", exit_code=1)


# --- a fleet of repositories ----------------------------------------------------------------


def read_repos_file(path: Path) -> list[Path]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read repos file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"repos file {path} is not a UTF-8 text file") from None
    repos = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            repo = Path(line).expanduser()
            repos.append(repo if repo.is_absolute() else (path.parent / repo))
    if not repos:
        raise UsageError(f"repos file {path} lists no repositories")
    return repos


def upgrade_fleet(paths: list[Path], opts: UpgradeOptions, *, jobs: int = 4, progress=None) -> list[Outcome]:
    """Upgrade several repos, each on its own branch, ``jobs`` at a time; never stops early."""
    from concurrent.futures import ThreadPoolExecutor, as_completed  # noqa: PLC0415

    opts.branch = True
    outcomes: dict[Path, Outcome] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(safe_upgrade, path, opts): path for path in paths}
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[futures[future]] = outcome
            if progress is not None:
                progress(outcome)
    return [outcomes[path] for path in paths]
