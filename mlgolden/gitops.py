"""The one gateway to git: small verbs, git failures turned into mlgolden errors.

Every verb runs the real git executable with subprocess (importing GitPython for this cost more
than a whole render on a busy machine; see docs/benchmarks.md).

Safety rules every verb follows:

- pathspecs are literal (``GIT_LITERAL_PATHSPECS=1``): a file named ``dont_wildmatch*`` is that file;
- every value that comes from a file or the command line (a catalog source, a ref, a path) follows
  ``--`` or ``--end-of-options``, so that ``--upload-pack=…`` can never be read as an option;
- a write that must not stop half-way (:func:`critical`) runs git in its own process group, so a
  Ctrl-C at the terminal does not reach it, with SIGINT/SIGTERM deferred until git has finished.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mlgolden.errors import OperationError, UsageError

FALLBACK_IDENTITY = {
    "GIT_AUTHOR_NAME": "mlgolden",
    "GIT_AUTHOR_EMAIL": "mlgolden@localhost",
    "GIT_COMMITTER_NAME": "mlgolden",
    "GIT_COMMITTER_EMAIL": "mlgolden@localhost",
}


@dataclass
class GitResult:
    status: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.status == 0


def require_git() -> None:
    """Fail early, before anything is written, when git is missing."""
    import shutil  # noqa: PLC0415

    if shutil.which("git") is None:
        raise UsageError("git is not installed or not on PATH", hint="install git, then run again")


def _execute(
    cwd: Path | str,
    args: list[str],
    env: dict[str, str],
    *,
    own_group: bool = False,
    data: bytes | None = None,
) -> tuple[int, bytes, bytes]:
    """Run ``git ARGS``; on an interrupt, let git finish what it started (no lock left behind)."""
    import subprocess  # noqa: PLC0415

    try:
        proc = subprocess.Popen(
            ["git", *args],
            cwd=str(cwd),
            env=env,
            stdin=subprocess.DEVNULL if data is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=own_group,
        )
    except FileNotFoundError as exc:
        raise UsageError("git is not installed or not on PATH", hint="install git") from exc
    try:
        out, err = proc.communicate(data)
    except BaseException:
        proc.communicate()
        raise
    return proc.returncode, out, err


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """git never prompts, speaks C so that its messages can be parsed, and reads pathspecs
    literally (``ext::`` transports stay off: git's default protocol.ext.allow=never)."""
    return {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "LC_ALL": "C",
        "GIT_LITERAL_PATHSPECS": "1",
        **(extra or {}),
    }


def run(
    cwd: Path | str,
    *args: str,
    env: dict[str, str] | None = None,
    check: bool = True,
    stdin: str | None = None,
    own_group: bool = False,
) -> GitResult:
    """Run ``git ARGS`` in ``cwd`` (``stdin`` as its input); with ``check`` a failure raises
    OperationError."""
    data = stdin.encode("utf-8", "surrogateescape") if stdin is not None else None
    status, out, err = _execute(cwd, list(args), _env(env), own_group=own_group, data=data)
    result = GitResult(
        status,
        out.decode("utf-8", "surrogateescape"),
        err.decode("utf-8", "surrogateescape").removesuffix("\n"),
    )
    if check and not result.ok:
        detail = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise OperationError(f"git {args[0]} failed in {cwd}: {detail}")
    return result


def identity_env(cwd: Path) -> dict[str, str]:
    """The user's git identity if configured, otherwise a neutral mlgolden identity."""
    configured = run(cwd, "config", "user.email", check=False).ok
    return {} if configured else dict(FALLBACK_IDENTITY)


# --- repositories ----------------------------------------------------------------------------


def init_and_commit(path: Path, message: str) -> str:
    """Make ``path`` a git repository whose single first commit holds all its files.

    Three git processes in the usual case (init, add, commit): the commit uses the user's
    configured identity (``user.useConfigOnly``: never one guessed from the host name) and is
    made again with mlgolden's identity only when there is none; the new commit's id is read
    from its branch file, which a fresh repository keeps loose.
    """
    run(path, "init", "--quiet", "--initial-branch=main")
    _add_all(path)  # like the user's `git add --all`: git-ignored rendered files stay out
    commit = ["-c", "user.useConfigOnly=true", "commit", "--quiet", "--no-verify", "-m", message]
    if not run(path, *commit, check=False).ok:
        run(path, *commit, env=identity_env(path))
    branch = path / ".git" / "refs" / "heads" / "main"
    return branch.read_text(encoding="ascii").strip() if branch.is_file() else head(path)


def head(path: Path) -> str:
    return run(path, "rev-parse", "HEAD").stdout.strip()


def is_repo(path: Path) -> bool:
    return run(path, "rev-parse", "--git-dir", check=False).ok


def toplevel(path: Path) -> Path | None:
    result = run(path, "rev-parse", "--show-toplevel", check=False)
    return Path(result.stdout.strip()) if result.ok else None


# --- catalogs --------------------------------------------------------------------------------


def looks_like_url(source: str) -> bool:
    return "://" in source or source.startswith("git@")


def is_git_source(source: str) -> bool:
    if looks_like_url(source):
        return True
    path = Path(source)
    return path.is_dir() and (path / ".git").exists() or (path / "HEAD").is_file()


def list_tags(source: str) -> dict[str, str]:
    """Tag name -> commit sha of a local or remote repository (peeled annotated tags)."""
    result = run(".", "ls-remote", "--tags", "--", source, check=False)
    if not result.ok:
        raise UsageError(f"catalog {source} is not a reachable git repository")
    tags: dict[str, str] = {}
    for line in result.stdout.splitlines():
        sha, ref = line.split("\t", 1)
        name = ref.removeprefix("refs/tags/")
        if name.endswith("^{}"):
            tags[name[:-3]] = sha  # the peeled commit wins over the tag object
        else:
            tags.setdefault(name, sha)
    return tags


def resolve_commit(repo: str, ref: str) -> str | None:
    result = run(
        repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False
    )
    return result.stdout.strip() if result.ok else None


def mirror(url: str, cache_dir: Path) -> Path:
    """A bare mirror of a remote catalog in the cache, fetched fresh (tags included)."""
    import hashlib

    dest = cache_dir / (hashlib.sha256(url.encode()).hexdigest()[:16] + ".git")
    if not dest.exists():
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(
                f"cannot create the catalog cache {cache_dir}: {exc.strerror}",
                hint="make HOME writable or set XDG_CACHE_HOME to a writable folder",
            ) from None
        result = run(cache_dir, "clone", "--quiet", "--mirror", "--", url, str(dest), check=False)
        if not result.ok:
            raise UsageError(f"cannot clone catalog {url}: {result.stderr.strip().splitlines()[-1:]}")
    else:
        run(dest, "fetch", "--quiet", "--prune", "--tags", "origin", check=False)
    return dest


def worktree_changes(repo: Path) -> list[str]:
    """Paths with uncommitted changes in ``repo``'s work tree, untracked (not ignored) ones too."""
    out = run(repo, "status", "--porcelain", "--untracked-files=all", "--ignore-submodules").stdout
    return [line[3:] for line in out.splitlines() if line.strip()]


def worktree_files(repo: Path) -> list[str]:
    """The files of ``repo``'s work tree that are tracked or untracked but not git-ignored."""
    out = run(repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
    return sorted({p for p in out.split("\0") if p})


def ignored_files(folder: Path, paths: list[str]) -> dict[str, str]:
    """Of ``paths`` (relative to ``folder``), those a .gitignore would hide from a commit, whether
    or not ``folder`` is a git repository yet: path -> the rule ("FILE:LINE:PATTERN")."""
    import tempfile  # noqa: PLC0415

    if not paths:
        return {}
    with tempfile.TemporaryDirectory(prefix="mlgolden-ignore-") as tmp:
        env = {}
        if not is_repo(folder):
            run(tmp, "init", "--quiet", "--bare")
            env |= {"GIT_DIR": tmp, "GIT_WORK_TREE": str(folder)}
        rules = _ignore_rules(folder, paths, env=env, no_index=True)
    return {path: f"{source}:{line}: {pattern}" for path, (source, line, pattern) in rules.items()}


def _ignore_rules(
    cwd: Path, paths: list[str], *, env: dict[str, str] | None = None, no_index: bool = False
) -> dict[str, tuple[str, str, str]]:
    """``git check-ignore`` of ``paths``: path -> (file, line, pattern) of the rule that hides it.
    check-ignore takes path names, not pathspecs, and refuses the literal-pathspec switch."""
    args = ["check-ignore", *(["--no-index"] if no_index else []), "--verbose", "-z", "--stdin"]
    env = {**(env or {}), "GIT_LITERAL_PATHSPECS": "0"}
    result = run(cwd, *args, env=env, check=False, stdin="".join(f"{p}\0" for p in paths))
    if result.status not in (0, 1):
        raise OperationError(f"git check-ignore failed in {cwd}: {result.stderr.strip()}")
    fields = result.stdout.split("\0")
    rules = {}
    for i in range(0, len(fields) - 3, 4):
        source, line, pattern, path = fields[i : i + 4]
        if pattern and not pattern.startswith("!"):
            rules[path] = (source, line, pattern)
    return rules


def snapshot_worktree(repo: Path) -> str:
    """A commit of ``repo``'s work tree as it is (uncommitted and untracked files, not ignored
    ones), written to its object database without touching its index, refs or files."""
    import tempfile  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="mlgolden-snapshot-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        run(repo, "add", "--all", "--", ".", env=env)
        tree = run(repo, "write-tree", env=env).stdout.strip()
    parent = ["-p", "HEAD"] if has_commits(repo) else []
    message = "mlgolden: snapshot of the working tree"
    return run(repo, "commit-tree", tree, *parent, "-m", message, env=identity_env(repo)).stdout.strip()


def remote_url(repo: Path) -> str | None:
    """The URL of ``repo``'s ``origin`` remote (or its only remote), None without one."""
    names = run(repo, "remote", check=False).stdout.split()
    name = "origin" if "origin" in names else (names[0] if len(names) == 1 else None)
    if name is None:
        return None
    url = run(repo, "remote", "get-url", "--", name, check=False).stdout.strip()
    return url or None


def export_tree(repo: str | Path, commit: str, dest: Path) -> None:
    """Write the files of ``commit`` into ``dest`` (like a checkout, without a work tree)."""
    import io
    import tarfile

    listed = run(repo, "ls-tree", "-r", "-z", "--end-of-options", commit).stdout.split("\0")
    submodules = [entry.split("\t", 1)[1] for entry in listed if entry.startswith("160000 ")]
    if submodules:  # `git archive` leaves them out: the catalog would silently miss files
        raise UsageError(
            f"catalog {repo} has a git submodule ({submodules[0]}), which mlgolden cannot read",
            hint="commit the submodule's files into the catalog instead",
        )
    status, out, err = _execute(repo, ["archive", "--format=tar", "--end-of-options", commit], _env())
    if status != 0:
        raise OperationError(f"cannot read {commit} from {repo}: {err.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(out)) as archive:
        try:
            archive.extractall(dest, filter="data")
        except tarfile.FilterError as exc:  # an absolute symlink, or one climbing out of the tree
            member = exc.tarinfo
            kind = "an absolute symlink" if member.linkname.startswith("/") else "a symlink"
            what = f"{kind} to {member.linkname}" if member.issym() else "a path"
            raise UsageError(
                f"catalog {repo} at {commit[:12]}: {member.name} is {what} outside the project and "
                "the catalog; refused",
                hint="a catalog's symlinks must stay inside it and be relative",
            ) from None


# --- working trees and upgrades ----------------------------------------------------------------


def in_progress(repo: Path) -> str | None:
    """'merge' / 'cherry-pick' / 'rebase' when one is under way in ``repo``."""
    git_dir = Path(run(repo, "rev-parse", "--absolute-git-dir").stdout.strip())
    for marker, name in (
        ("MERGE_HEAD", "merge"),
        ("CHERRY_PICK_HEAD", "cherry-pick"),
        ("REVERT_HEAD", "revert"),
        ("rebase-merge", "rebase"),
        ("rebase-apply", "rebase"),
    ):
        if (git_dir / marker).exists():
            return name
    return None


def git_dir(repo: Path) -> Path:
    return Path(run(repo, "rev-parse", "--absolute-git-dir").stdout.strip())


def dirty_paths(repo: Path, prefix: str = "") -> list[str]:
    """Tracked files with staged or unstaged changes under ``prefix`` (untracked files do not count)."""
    args = ["status", "--porcelain", "-z", "--untracked-files=no", "--ignore-submodules"]
    out = run(repo, *args, "--", prefix or ".").stdout
    fields, paths, i = out.split("\0"), [], 0
    while i < len(fields):
        entry = fields[i]
        if entry:
            paths.append(entry[3:])
            i += 1 if entry[0] not in "RC" else 2  # a rename is followed by its old name
        else:
            i += 1
    return paths


def staged_paths(repo: Path) -> list[str]:
    """Paths whose staged content differs from HEAD, anywhere in the repository."""
    out = run(repo, "diff", "--cached", "--name-only", "-z", "--ignore-submodules", "HEAD", "--").stdout
    return [path for path in out.split("\0") if path]


def current_branch(repo: Path) -> str | None:
    result = run(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    return result.stdout.strip() if result.ok else None


def has_commits(repo: Path) -> bool:
    return run(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).ok


def _add_all(work_tree: Path, env: dict[str, str] | None = None, repo: Path | None = None) -> None:
    """``git add --all`` of a rendered folder: .gitignore'd files stay out, and executable bits and
    symlinks are recorded from the files even where the repo says core.fileMode/symlinks=false."""
    modes = ["-c", "core.fileMode=true", "-c", "core.symlinks=true"]
    run(repo or work_tree, *modes, "--work-tree", str(work_tree), "add", "--all", "--", ".", env=env)


def tree_of_directory(repo: Path, directory: Path, index_file: Path, prefix: str = "") -> str:
    """Store every file under ``directory`` as a tree in ``repo``'s object database, placed at
    ``prefix`` (the project's folder inside the repository; '' for the top)."""
    env = {"GIT_INDEX_FILE": str(index_file), "GIT_WORK_TREE": str(directory)}
    index_file.unlink(missing_ok=True)
    _add_all(directory, env, repo)
    if prefix:
        _unstage_ignored_above(repo, prefix, env)
    tree = run(repo, "write-tree", env=env).stdout.strip()
    if not prefix:
        return tree
    index_file.unlink(missing_ok=True)
    run(repo, "read-tree", f"--prefix={prefix}/", "--end-of-options", tree, env=env)
    return run(repo, "write-tree", env=env).stdout.strip()


def _unstage_ignored_above(repo: Path, prefix: str, env: dict[str, str]) -> None:
    """Drop from the rendered index (``env``) what the .gitignore files above the project folder
    ``prefix`` hide — the repository's top, the folders between — as the team's `git add` in the
    monorepo would; files the repository tracks there stay, as they would for `git add`."""
    staged = [p for p in run(repo, "ls-files", "-z", env=env).stdout.split("\0") if p]
    if not staged:
        return
    # the real work tree and index: files the repository tracks are never ignored
    rules = _ignore_rules(repo, [f"{prefix}/{path}" for path in staged])
    inside = f"{prefix}/"  # the project's own .gitignore files were applied by `git add`
    hidden = [path.removeprefix(inside) for path, rule in rules.items() if not rule[0].startswith(inside)]
    if hidden:
        stdin = "".join(f"{path}\0" for path in hidden)
        run(repo, "update-index", "--force-remove", "-z", "--stdin", env=env, stdin=stdin)


def commit_tree(repo: Path, tree: str, message: str, parent: str | None = None, sign: bool = False) -> str:
    """A commit object; ``sign=None`` signs it when the repo asks for signed commits
    (commit.gpgSign), as ``git commit`` would."""
    if sign is None:
        sign = run(repo, "config", "--bool", "commit.gpgSign", check=False).stdout.strip() == "true"
    args = ["commit-tree", "-m", message, *(["-p", parent] if parent else []), *(["-S"] if sign else [])]
    args += ["--end-of-options", tree]
    result = run(repo, *args, env=identity_env(repo), check=False)
    if not result.ok:  # e.g. commit.gpgSign set and no key to sign with
        detail = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise OperationError(f"git cannot create the upgrade commit: {detail}")
    return result.stdout.strip()


def tree_of(repo: Path, rev: str) -> str:
    return run(repo, "rev-parse", "--verify", "--end-of-options", f"{rev}^{{tree}}").stdout.strip()


def diff_names(repo: Path, old: str, new: str, *, renames: bool = False) -> list[tuple[str, str]]:
    """(status letter, path) for each change between two trees or commits."""
    args = ["diff-tree", "-r", "--no-commit-id", "--name-status", "-z"]
    args += ["-M"] if renames else ["--no-renames"]
    fields = run(repo, *args, "--end-of-options", old, new).stdout.split("\0")
    changes, i = [], 0
    while i < len(fields) - 1:
        status = fields[i]
        if status[:1] in "RC":
            changes.append((status[0], fields[i + 2]))
            i += 3
        else:
            changes.append((status[0], fields[i + 1]))
            i += 2
    return changes


@dataclass
class Merge:
    """A three-way merge computed in memory: the merged tree, and per conflicted path the index
    stages git would leave (1 base, 2 ours, 3 theirs) as {stage: (mode, object)}."""

    tree: str
    conflicts: dict[str, dict[int, tuple[str, str]]]


def merge_in_memory(repo: Path, base: str, ours_tree: str, theirs: str) -> Merge:
    """Merge ``base`` → ``theirs`` into ``ours_tree`` without touching the index or the work tree
    (``git merge-tree``; ``theirs`` must be a child of ``base``)."""
    ours = commit_tree(repo, ours_tree, "mlgolden: the repository as it is", parent=base)
    args = ["merge-tree", "--write-tree", "-z", "--no-messages", ours, theirs]
    result = run(repo, *args, check=False)
    if result.status not in (0, 1):
        raise OperationError(f"git merge-tree failed: {result.stderr.strip()}")
    fields = result.stdout.split("\0")
    conflicts: dict[str, dict[int, tuple[str, str]]] = {}
    for entry in fields[1:]:
        if not entry:
            break
        meta, path = entry.split("\t", 1)
        mode, oid, stage = meta.split()
        conflicts.setdefault(path, {})[int(stage)] = (mode, oid)
    return Merge(tree=fields[0].strip(), conflicts=conflicts)


def edit_tree(
    repo: Path, tree: str, index_file: Path, *, remove: list[str], put: dict[str, tuple[str, str]]
) -> str:
    """``tree`` with the paths in ``remove`` taken out and ``put`` (path -> (mode, object)) set."""
    env = {"GIT_INDEX_FILE": str(index_file)}
    index_file.unlink(missing_ok=True)
    run(repo, "read-tree", "--end-of-options", tree, env=env)
    if remove:
        run(repo, "update-index", "--force-remove", "--", *remove, env=env)
    for path, (mode, oid) in put.items():
        run(repo, "update-index", "--add", "--cacheinfo", f"{mode},{oid},{path}", env=env)
    return run(repo, "write-tree", env=env).stdout.strip()


def read_blob(repo: Path, oid: str) -> bytes:
    status, out, err = _execute(repo, ["cat-file", "blob", oid], _env())
    if status != 0:
        raise OperationError(f"cannot read object {oid} in {repo}: {err.decode(errors='replace').strip()}")
    return out


def write_blob(repo: Path, data: bytes) -> str:
    status, out, err = _execute(repo, ["hash-object", "-w", "--no-filters", "--stdin"], _env(), data=data)
    if status != 0:
        raise OperationError(f"cannot store an object in {repo}: {err.decode(errors='replace').strip()}")
    return out.decode().strip()


def untracked_in_the_way(repo: Path, paths: list[str]) -> list[str]:
    """Of the work-tree paths a change would write, the untracked or git-ignored ones in its way:
    the path itself, or a parent of it that is a file (or symlink) where a folder must go."""
    candidates: set[str] = set()
    for path in paths:
        if os.path.lexists(repo / path):
            candidates.add(path)
        parts = path.split("/")
        for depth in range(1, len(parts)):
            parent = "/".join(parts[:depth])
            if os.path.lexists(repo / parent) and not (repo / parent).is_dir():
                candidates.add(parent)
                break
    if not candidates:
        return []
    tracked = set(run(repo, "ls-files", "-z", "--", *sorted(candidates)).stdout.split("\0"))
    return sorted(p for p in candidates if p not in tracked)


# --- writes that must not stop half-way ----------------------------------------------------------


def critical(repo: Path, *args: str, env: dict[str, str] | None = None) -> GitResult:
    """Run one git command that writes the work tree to its end: it gets its own process group
    (a Ctrl-C at the terminal does not reach it) and SIGINT/SIGTERM wait until it has finished."""
    with deferred_signals():
        return run(repo, *args, env=env, check=False, own_group=True)


@contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver them (main thread only: other
    threads never receive Python signals)."""
    import signal  # noqa: PLC0415
    import threading  # noqa: PLC0415

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum)) for sig in held}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if caught:
            signal.raise_signal(caught[0])


def fast_forward(repo: Path, commit: str) -> GitResult:
    """Move the current branch, index and work tree to ``commit`` (a child of HEAD) in one git
    command; git refuses before writing when an untracked file is in the way."""
    env = {"GIT_REFLOG_ACTION": "mlgolden upgrade"}
    return critical(repo, "merge", "--ff-only", "--quiet", "--no-stat", "--end-of-options", commit, env=env)


def restore(repo: Path, head: str, paths: list[str]) -> None:
    """Put ``paths`` back as they are in ``head`` (index and work tree); paths ``head`` does not
    have are removed (they did not exist before: untracked ones in the way were refused)."""
    in_head = set(run(repo, "ls-tree", "-r", "-z", "--name-only", head, "--", *paths).stdout.split("\0"))
    present = [p for p in paths if p in in_head]
    if present:
        run(repo, "checkout", "--no-overlay", head, "--", *present)
    absent = [p for p in paths if p not in in_head]
    if absent:
        run(repo, "rm", "--cached", "--quiet", "--ignore-unmatch", "--", *absent)
        for path in absent:
            target = repo / path
            if target.is_file() or target.is_symlink():
                target.unlink()


def cherry_pick(repo: Path, commit: str) -> GitResult:
    return critical(
        repo,
        "cherry-pick",
        "--allow-empty",
        "--keep-redundant-commits",
        "--end-of-options",
        commit,
        env=identity_env(repo),
    )


def abort_cherry_pick(repo: Path) -> GitResult:
    return critical(repo, "cherry-pick", "--abort")


def resolve_deleted(repo: Path, path: str) -> None:
    run(repo, "rm", "--quiet", "--force", "--", path)


def resolve_with(repo: Path, path: str, mode: str, oid: str) -> None:
    """Settle a conflicted path with a merged object, in the index and the work tree."""
    run(repo, "update-index", "--cacheinfo", f"{mode},{oid},{path}")
    run(repo, "checkout", "--", path)


def resolve_keep_ours(repo: Path, path: str) -> None:
    run(repo, "add", "--", path)


def branch_exists(repo: Path, name: str) -> bool:
    return run(
        repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"refs/heads/{name}", check=False
    ).ok


def switch(repo: Path, branch: str, *, create: bool) -> None:
    if create:
        run(repo, "switch", "--quiet", "--create", branch)  # the option's own value: never an option
    else:
        run(repo, "switch", "--quiet", "--end-of-options", branch)


def delete_branch(repo: Path, branch: str) -> None:
    run(repo, "branch", "--quiet", "-D", "--end-of-options", branch, check=False)


def ref_commit(source: str, ref: str) -> str | None:
    """The commit ``ref`` (a branch, tag, ``HEAD`` or commit sha) names in a catalog repository."""
    if not looks_like_url(source):
        return resolve_commit(source, ref)
    if len(ref) == 40 and all(c in "0123456789abcdef" for c in ref.lower()):
        return ref.lower()
    result = run(".", "ls-remote", "--", source, ref, check=False)
    found = dict(reversed(line.split("\t", 1)) for line in result.stdout.splitlines() if "\t" in line)
    for name in (f"refs/tags/{ref}^{{}}", f"refs/tags/{ref}", f"refs/heads/{ref}", ref):
        if name in found:
            return found[name]
    return None
