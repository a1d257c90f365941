"""`mlgolden upgrade`: three-way template upgrades with git's own merge machinery.

For one repository the steps are:

1. ``inspect``   – find the project (its folder may be a subfolder of a monorepo), refuse a
                   dirty project folder, a merge in progress, a detached HEAD;
2. ``plan``      – read the recorded answers, pick the target (a version, or the commit a branch
                   names), refuse a downgrade;
3. ``render``    – re-render the *base* (recorded version, recorded answers, recorded platform)
                   and the *target* (new version, changed answers or pattern) in temp dirs;
4. ``commit``    – store both as commits in the repo's object database (the project at its
                   folder): target's parent is base;
5. ``merge``     – three-way merge of base → target into HEAD's tree *in memory*
                   (``git merge-tree``), with rename detection, binary handling and conflicts
                   exactly like any git merge; modify/delete conflicts are settled the way a team
                   expects; untracked or ignored files in the way are refused, naming the path;
6. ``apply``     – ONE git command writes the result: a fast-forward to the merged commit, or,
                   when conflicts remain, ``git cherry-pick`` of the target, which leaves an
                   ordinary cherry-pick to resolve or abort. SIGINT/SIGTERM wait for it; if it
                   fails, the touched paths are put back. Nothing depends on the repo's history.

The cost grows with the template (two small renders, a few dozen blobs), never with the repo's
size, history or git-ignored files, which are never read.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mlgolden import gitops, migrations
from mlgolden.answers import (
    AnswerError,
    applies,
    coerce,
    collect,
    inapplicable,
    parse_set_options,
    questions_for,
)
from mlgolden.catalog import BUILTIN, available_versions, open_catalog, parse_version, version_key
from mlgolden.errors import Interrupted, MlgoldenError, NotApplied, UsageError
from mlgolden.locking import repo_lock
from mlgolden.models import Manifest, PlatformSettings
from mlgolden.platform import deep_merge, load_platform
from mlgolden.project import (
    Location,
    find_project,
    open_recorded_catalog,
    read_manifest,
    recorded_platform,
    render_answers,
)

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
    catalog: str | None = None  # --catalog: the recorded catalog moved or mirrored elsewhere
    branch: bool = False  # fleet mode: work on mlgolden/upgrade-<version>
    ask: Callable | None = None  # the interview for questions the new version adds (None: defaults)


@dataclass
class Outcome:
    repo: Path
    current: str = "?"
    target: str = "?"
    result: str = "failed"  # upgraded | conflicts | current | behind | planned | failed
    detail: str = ""
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # e.g. a --set for a question that does not apply
    changes: list[tuple[str, str]] = field(default_factory=list)  # dry run: (what, path)
    exit_code: int = 0


@dataclass
class Target:
    ref: str | None  # what to open the catalog at (None: its newest / the plain folder)
    version: str  # the version label
    commit: str | None = None  # the catalog commit, for git catalogs


@dataclass
class Plan:
    where: Location
    manifest: Manifest
    current: str
    target: str
    answers: dict
    pattern: str
    switching: bool
    platform: PlatformSettings
    changed_answers: dict = field(default_factory=dict)  # id -> (old, new)
    new_answers: dict = field(default_factory=dict)  # questions the recorded answers lack -> value taken
    asked: dict = field(default_factory=dict)  # new questions answered at the terminal
    catalog_changed: bool = True
    warnings: list[str] = field(default_factory=list)  # --set answers that do not apply, with why

    @property
    def root(self) -> Path:
        return self.where.top


# --- one repository ------------------------------------------------------------------------


def upgrade_repo(path: Path, opts: UpgradeOptions) -> Outcome:
    """Upgrade one project; refusals raise UsageError, the rest is in the Outcome."""
    writes = not (opts.check or opts.dry_run)
    where = inspect(path, need_clean=writes)
    manifest = read_manifest(where.folder, catalog=opts.catalog)
    target = pick_target(manifest, opts.ref)
    if opts.check:  # cheap: no render, no checkout of the catalog
        return check(where, manifest, target)
    with repo_lock(gitops.git_dir(where.top) / LOCK_NAME, where.top):
        start_branch = gitops.current_branch(where.top)
        created = False
        if opts.branch and writes:
            created, manifest = enter_upgrade_branch(where, target.version)
        try:
            outcome = _upgrade(where, manifest, target, opts)
        except BaseException:
            if opts.branch and writes:
                leave_upgrade_branch(where, start_branch, created)
            raise
        if opts.branch and writes and outcome.result == "current" and created:
            leave_upgrade_branch(where, start_branch, created)
        return outcome


def _upgrade(where: Location, manifest: Manifest, target: Target, opts: UpgradeOptions) -> Outcome:
    outcome = Outcome(repo=where.folder, current=manifest.catalog.version, target=target.version)
    with (
        tempfile.TemporaryDirectory(prefix="mlgolden-upgrade-") as tmp,
        open_catalog(_source_arg(manifest.catalog.source), target.ref, trust=opts.trust) as catalog,
    ):
        plan = make_plan(where, manifest, catalog, opts)
        outcome.target = plan.target
        outcome.warnings += plan.warnings
        if not (plan.catalog_changed or plan.changed_answers or plan.switching):
            outcome.result, outcome.detail = "current", f"already at {plan.target}"
            return outcome
        base, target_commit = commit_renders(plan, catalog, Path(tmp), trust=opts.trust)
        outcome.notes += _answer_notes(plan)
        merged = merge(plan, base, target_commit, Path(tmp), outcome)
        if opts.dry_run:
            outcome = dry_run(plan, base, target_commit, merged, outcome)
        else:
            outcome = apply(plan, target_commit, merged, outcome)
        return migrations.after_upgrade(plan, catalog, merged.tree, outcome, trust=opts.trust)


def upgrade_branch(version: str) -> str:
    return f"mlgolden/upgrade-{version}"


def enter_upgrade_branch(where: Location, version: str) -> tuple[bool, Manifest]:
    """Fleet mode: work on mlgolden/upgrade-<version> (a re-run continues where it stopped)."""
    branch = upgrade_branch(version)
    if gitops.current_branch(where.top) == branch:
        return False, read_manifest(where.folder)
    exists = gitops.branch_exists(where.top, branch)
    gitops.switch(where.top, branch, create=not exists)
    return not exists, read_manifest(where.folder)


def leave_upgrade_branch(where: Location, start_branch: str | None, created: bool) -> None:
    """Back to the branch the repo was on (after aborting what mlgolden started)."""
    if gitops.in_progress(where.top) == "cherry-pick":
        gitops.abort_cherry_pick(where.top)
    current = gitops.current_branch(where.top)
    if start_branch and current != start_branch and not gitops.dirty_paths(where.top):
        gitops.switch(where.top, start_branch, create=False)
        if created and current:
            gitops.delete_branch(where.top, current)


def inspect(path: Path, *, need_clean: bool) -> Location:
    where = find_project(path)
    root = where.top
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
        # the project folder must be clean; elsewhere only staged changes stop an upgrade (a
        # cherry-pick would commit them with it)
        dirty = gitops.dirty_paths(root, where.prefix) or gitops.staged_paths(root)
        if dirty:
            more = f" and {len(dirty) - 1} more" if len(dirty) > 1 else ""
            raise UsageError(
                f"{where.folder} has uncommitted changes ({dirty[0]}{more})",
                hint="commit or stash them first",
            )
    return where


def pick_target(manifest: Manifest, ref: str | None) -> Target:
    """The target: a version (tag) compared by label, or a branch/HEAD/commit compared by commit.
    Refuses downgrades and unknown refs."""
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
        return Target(None if _is_plain_dir(source) else target, target)
    label = ref[1:] if ref.startswith("v") and ref[1:2].isdigit() else ref
    is_version = parse_version(label) is not None
    if is_version and version_key(label) < version_key(current):
        raise UsageError(f"{ref} is older than the project's {current}; downgrades are refused")
    if is_version or source == BUILTIN or _is_plain_dir(source):
        return Target(ref, label)
    commit = gitops.ref_commit(source, ref)
    if commit is None:
        raise UsageError(f"unknown ref {ref!r} in catalog {source}")
    return Target(ref, f"{ref}@{commit[:10]}", commit)


def check(where: Location, manifest: Manifest, target: Target) -> Outcome:
    """--check: current or behind, from the recorded version (or commit, for a branch ref)."""
    recorded = manifest.catalog
    outcome = Outcome(repo=where.folder, current=recorded.version, target=target.version)
    if target.commit:
        behind = target.commit != recorded.commit
        newest = target.version
    else:
        behind = target.version != recorded.version
        newest = target.version
    if behind:
        outcome.result, outcome.exit_code = "behind", 1
        outcome.detail = f"current {recorded.version}, newest {newest}"
    else:
        outcome.result, outcome.detail = "current", f"already at {newest}"
    return outcome


def _is_plain_dir(source: str) -> bool:
    return source != "builtin" and not gitops.is_git_source(source)


def _source_arg(source: str) -> str | None:
    return None if source == "builtin" else source


def make_plan(where: Location, manifest: Manifest, catalog, opts: UpgradeOptions) -> Plan:
    """The target's answers: recorded ones, changed by --set, validated against the target; the
    platform settings: recorded ones (an upgrade never silently changes them), then --platform."""
    pattern = catalog.pattern(opts.pattern or manifest.pattern)
    platform = load_platform(deep_merge(catalog.platform_defaults(), manifest.platform), opts.platform_file)
    questions = {q.id: q for q in questions_for(catalog.spec.questions, pattern, platform)}
    answers = dict(manifest.answers)
    sets = parse_set_options(opts.sets)
    for key, value in sets.items():
        if key not in questions:
            raise UsageError(
                f"--set: unknown question {key!r}", hint=f"this pattern asks: {', '.join(sorted(questions))}"
            )
        try:
            answers[key] = coerce(questions[key], value, answers)
        except AnswerError as exc:
            raise UsageError(f"--set: {exc}") from None
    asked = {}
    if opts.ask is not None and not opts.dry_run:  # questions the new version adds, at a terminal
        for item in questions.values():
            if item.id not in answers and applies(item, answers):
                answers[item.id] = asked[item.id] = opts.ask(item, item.default, answers)
    # a --set for a question that does not apply to the other answers is not used: say so, and
    # do not count it as a changed answer
    applicable = collect(list(questions.values()), [("--set", answers)])
    warnings = inapplicable(list(questions.values()), applicable, [("--set", sets)])
    for key in sets:
        if key not in applicable:
            answers.pop(key, None)
    try:  # a branch or a commit has no order to compare: only versions can be downgrades
        catalog_version = catalog.version
        by_version = opts.ref is None or parse_version(opts.ref.removeprefix("v")) is not None
        older = by_version and version_key(catalog_version) < version_key(manifest.catalog.version)
    except UsageError:
        older = False
    if older:
        raise UsageError(
            f"{catalog_version} is older than the project's "
            f"{manifest.catalog.version}; downgrades are refused"
        )
    recorded = manifest.catalog
    if catalog.commit and recorded.commit:
        catalog_changed = catalog.commit != recorded.commit
    else:
        catalog_changed = catalog.version != recorded.version
    changed = {
        k: (manifest.answers.get(k), v)
        for k, v in answers.items()
        if manifest.answers.get(k) != v and k not in asked
    }
    return Plan(
        where=where,
        manifest=manifest,
        current=recorded.version,
        target=catalog.version,
        answers=answers,
        pattern=pattern.name,
        switching=pattern.name != manifest.pattern,
        platform=platform,
        changed_answers=changed,
        asked=asked,
        catalog_changed=catalog_changed or platform.model_dump() != manifest.platform,
        warnings=warnings,
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
            home=plan.where.folder,
        )
    target_dir = render_answers(
        catalog,
        plan.pattern,
        plan.answers,
        plan.platform,
        tmp / "target",
        validate_config=validate_config,
        origin="--set",
        home=plan.where.folder,
    )
    taken = read_manifest(target_dir).answers
    plan.new_answers = {k: v for k, v in taken.items() if k not in plan.answers}
    index = tmp / "index"
    base_tree = gitops.tree_of_directory(plan.root, base_dir, index, plan.where.prefix)
    target_tree = gitops.tree_of_directory(plan.root, target_dir, index, plan.where.prefix)
    base = gitops.commit_tree(plan.root, base_tree, f"mlgolden template {plan.current} (base)")
    target = gitops.commit_tree(plan.root, target_tree, _message(plan), parent=base)
    return base, target


def _message(plan: Plan) -> str:
    title = f"mlgolden upgrade {plan.current} → {plan.target}"
    if plan.current == plan.target:
        title = f"mlgolden upgrade {plan.current}"
    if plan.switching:
        title += f" ({plan.manifest.pattern} → {plan.pattern})"
    if plan.changed_answers and not plan.switching:
        title += f": answers changed ({', '.join(sorted(plan.changed_answers))})"
    body = [line for line in _answer_notes(plan)]
    if plan.where.prefix:
        body.insert(0, f"project: {plan.where.prefix}")
    return title + ("\n\n" + "\n".join(body) if body else "")


def _answer_notes(plan: Plan) -> list[str]:
    notes = [
        f"answer changed: {k}: {old!r} → {new!r}" for k, (old, new) in sorted(plan.changed_answers.items())
    ]
    notes += [f"new question {k}: answered {v!r}" for k, v in sorted(plan.asked.items())]
    notes += [f"new question {k}: took {v!r}" for k, v in sorted(plan.new_answers.items())]
    return notes


# --- merge in memory, then one write --------------------------------------------------------


@dataclass
class Merged:
    head: str
    tree: str  # the merged tree, conflicts settled where a team expects it
    conflicts: list[str]  # what stays conflicted (→ a cherry-pick to resolve)
    remove: list[str] = field(default_factory=list)  # settled: stays deleted
    keep: list[str] = field(default_factory=list)  # settled: the team's copy stays
    writes: list[str] = field(default_factory=list)  # work-tree paths the apply would create
    adjacent: dict = field(default_factory=dict)  # settled by the adjacent-lines merge: (mode, object)


def merge(plan: Plan, base: str, target: str, tmp: Path, outcome: Outcome) -> Merged:
    """Merge base → target into HEAD in memory; settle modify/delete conflicts the way a team
    expects; refuse (before anything is written) when untracked or ignored files are in the way."""
    root = plan.root
    head = gitops.head(root)
    result = gitops.merge_in_memory(root, base, gitops.tree_of(root, head), target)
    remove, keep, put, remaining, adjacent = [], [], {}, [], {}
    for path, stages in sorted(result.conflicts.items()):
        if set(stages) == {1, 3}:  # the team deleted it, the template changed it: stays deleted
            remove.append(path)
            outcome.notes.append(
                f"kept deleted: {_rel(plan, path)} (you deleted it; the new template changes it)"
            )
        elif set(stages) == {1, 2} and not plan.switching:  # the template removed it, the team changed it
            keep.append(path)
            put[path] = stages[2]
            outcome.notes.append(
                f"kept: {_rel(plan, path)} (the new template removes it, but you changed it)"
            )
        elif (merged_text := _merge_adjacent(root, stages)) is not None:  # edits next to each other
            put[path] = adjacent[path] = merged_text
        else:
            remaining.append(path)
    tree = result.tree
    if remove or put:
        tree = gitops.edit_tree(root, result.tree, tmp / "merge-index", remove=remove, put=put)
    # what git will create in the work tree: with conflicts, cherry-pick also writes the settled ones
    effective = result.tree if remaining else tree
    writes = [p for s, p in gitops.diff_names(root, head, effective) if s in "AT"]
    merged = Merged(head, tree, remaining, remove, keep, writes, adjacent)
    blocked = gitops.untracked_in_the_way(root, writes)
    if blocked:
        more = f" (and {len(blocked) - 1} more)" if len(blocked) > 1 else ""
        raise UsageError(
            f"the upgrade would write {blocked[0]}{more}, which exists untracked or git-ignored; "
            "nothing was changed",
            hint=f"move {blocked[0]} away (or commit it), then run the upgrade again",
        )
    return merged


def _merge_adjacent(root: Path, stages: dict[int, tuple[str, str]]) -> tuple[str, str] | None:
    """(mode, object) of a text file git left conflicted only because the team's edit and the
    template's change sit on adjacent lines (see linemerge); None when they really overlap."""
    from mlgolden.linemerge import merge_lines  # noqa: PLC0415

    if set(stages) != {1, 2, 3} or any(mode not in ("100644", "100755") for mode, _ in stages.values()):
        return None
    try:
        base, ours, theirs = (gitops.read_blob(root, stages[n][1]).decode("utf-8") for n in (1, 2, 3))
    except UnicodeDecodeError:
        return None
    if "\0" in base + ours + theirs:
        return None
    text = merge_lines(base, ours, theirs)
    if text is None:
        return None
    mode = stages[3][0] if stages[1][0] != stages[3][0] else stages[2][0]
    return mode, gitops.write_blob(root, text.encode("utf-8"))


def _rel(plan: Plan, path: str) -> str:
    prefix = plan.where.prefix
    return path[len(prefix) + 1 :] if prefix and path.startswith(prefix + "/") else path


def apply(plan: Plan, target: str, merged: Merged, outcome: Outcome) -> Outcome:
    """Write the merge with one git command; on failure put everything back and say so."""
    root = plan.root
    try:
        if merged.conflicts:
            return _leave_conflicts(plan, target, merged, outcome)
        commit = gitops.commit_tree(root, merged.tree, _message(plan), parent=merged.head, sign=None)
        touched = [p for _, p in gitops.diff_names(root, merged.head, commit)]
        result = gitops.fast_forward(root, commit)
        if gitops.head(root) != commit:
            raise NotApplied(_failed(plan, merged, touched, result))
    except (Interrupted, KeyboardInterrupt):
        raise Interrupted(f"interrupted; {state(plan, merged)}") from None
    except gitops.OperationError as exc:  # e.g. commit signing that cannot sign: nothing written
        raise NotApplied(f"upgrade not applied: {exc.message}; the repository is as it was") from None
    outcome.result = "upgraded"
    outcome.detail = f"{plan.current} → {plan.target}"
    return outcome


def _leave_conflicts(plan: Plan, target: str, merged: Merged, outcome: Outcome) -> Outcome:
    root = plan.root
    touched = sorted(
        {*merged.writes, *merged.conflicts, *(p for _, p in gitops.diff_names(root, merged.head, target))}
    )
    result = gitops.cherry_pick(root, target)
    if gitops.in_progress(root) != "cherry-pick":
        if gitops.head(root) != merged.head:  # merged cleanly after all
            outcome.result, outcome.detail = "upgraded", f"{plan.current} → {plan.target}"
            return outcome
        raise NotApplied(_failed(plan, merged, touched, result))
    for path in merged.remove:
        gitops.resolve_deleted(root, path)
    for path in merged.keep:
        gitops.resolve_keep_ours(root, path)
    for path, (mode, oid) in merged.adjacent.items():
        gitops.resolve_with(root, path, mode, oid)
    outcome.result, outcome.exit_code = "conflicts", 1
    outcome.conflicts = [_rel(plan, p) for p in merged.conflicts]
    outcome.detail = f"{len(merged.conflicts)} conflicted file(s)"
    return outcome


def _failed(plan: Plan, merged: Merged, touched: list[str], result: gitops.GitResult) -> str:
    """Put the touched paths back after git failed half-way; the one line telling the state."""
    detail = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
    root = plan.root
    try:
        with gitops.deferred_signals():  # putting back must not stop half-way either
            if gitops.in_progress(root) == "cherry-pick":
                gitops.abort_cherry_pick(root)
            gitops.restore(root, merged.head, touched)
    except gitops.OperationError:
        pass
    return f"upgrade not applied: git failed ({detail}); {state(plan, merged)}"


def state(plan: Plan, merged: Merged) -> str:
    """One line: what state the repository is in, and the command to run if any."""
    root = plan.root
    if gitops.in_progress(root) == "cherry-pick":
        return "a cherry-pick is in progress: run `git cherry-pick --abort` to restore the repository"
    if gitops.head(root) != merged.head:
        return f"the upgrade was committed ({gitops.head(root)[:10]})"
    if gitops.dirty_paths(root, plan.where.prefix):
        return (
            f"files under {plan.where.folder} could not all be put back: run "
            f"`git -C {plan.root} checkout --no-overlay HEAD -- {plan.where.prefix or '.'}` to restore them"
        )
    return "the repository is as it was"


def dry_run(plan: Plan, base: str, target: str, merged: Merged, outcome: Outcome) -> Outcome:
    root = plan.root
    words = {"A": "add", "M": "modify", "D": "remove", "T": "modify"}
    for status, path in gitops.diff_names(root, base, target):
        what = "conflict" if path in merged.conflicts else words.get(status, status)
        outcome.changes.append((what, _rel(plan, path)))
    outcome.conflicts = [_rel(plan, p) for p in merged.conflicts]
    outcome.result = "planned"
    if merged.conflicts:
        outcome.exit_code = 1
    conflicts = f"{len(merged.conflicts)} conflict(s)" if merged.conflicts else "no conflicts"
    outcome.detail = f"{len(outcome.changes)} change(s), {conflicts}"
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
    """Upgrade several projects, each repo on its own branch, ``jobs`` repos at a time; never
    stops early. Projects that share a repository (monorepo folders) are upgraded one after the
    other, in the order listed."""
    from concurrent.futures import ThreadPoolExecutor, as_completed  # noqa: PLC0415

    opts.branch = True
    groups: dict[Path, list[Path]] = {}
    for path in paths:
        groups.setdefault(_repo_key(path), []).append(path)

    def run_group(group: list[Path]) -> list[Outcome]:
        results = []
        for path in group:
            results.append(safe_upgrade(path, opts))
            if progress is not None:
                progress(results[-1])
        return results

    outcomes: dict[Path, Outcome] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        futures = {pool.submit(run_group, group): group for group in groups.values()}
        for future in as_completed(futures):
            outcomes.update(zip(futures[future], future.result(), strict=True))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # an interrupt lets running repos finish
    return [outcomes[path] for path in paths]


def _repo_key(path: Path) -> Path:
    """The repository a listed path belongs to (the path itself when it is not in one)."""
    top = gitops.toplevel(path) if path.is_dir() else None
    return top.resolve() if top else path.resolve()
