"""The one gateway to git: small verbs, git failures turned into mlgolden errors.

Every verb runs the real git executable with subprocess (importing GitPython for this cost more
than a whole render on a busy machine; see docs/benchmarks.md).
"""

from __future__ import annotations

import os
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
    cwd: Path | str, args: list[str], env: dict[str, str], stdin: bytes | None = None
) -> tuple[int, bytes, bytes]:
    """Run ``git ARGS``; on an interrupt, let git finish what it started (no lock left behind)."""
    import subprocess  # noqa: PLC0415

    try:
        proc = subprocess.Popen(
            ["git", *args],
            cwd=str(cwd),
            env=env,
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError as exc:
        raise UsageError("git is not installed or not on PATH", hint="install git") from exc
    try:
        out, err = proc.communicate(stdin)
    except BaseException:
        proc.communicate()
        raise
    return proc.returncode, out, err


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """git never prompts, and speaks C so that its messages can be parsed."""
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(extra or {})}


def run(
    cwd: Path | str,
    *args: str,
    env: dict[str, str] | None = None,
    check: bool = True,
    stdin: str | None = None,
) -> GitResult:
    """Run ``git ARGS`` in ``cwd`` (``stdin`` as its input); with ``check`` a failure raises
    OperationError."""
    data = stdin.encode("utf-8", "surrogateescape") if stdin is not None else None
    status, out, err = _execute(cwd, list(args), _env(env), data)
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
    """Make ``path`` a git repository whose single first commit holds all its files."""
    run(path, "init", "--quiet", "--initial-branch=main")
    run(path, "add", "--all", "--force")
    run(path, "commit", "--quiet", "--no-verify", "-m", message, env=identity_env(path))
    return head(path)


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
    result = run(".", "ls-remote", "--tags", source, check=False)
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
    result = run(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return result.stdout.strip() if result.ok else None


def mirror(url: str, cache_dir: Path) -> Path:
    """A bare mirror of a remote catalog in the cache, fetched fresh (tags included)."""
    import hashlib

    dest = cache_dir / (hashlib.sha256(url.encode()).hexdigest()[:16] + ".git")
    if not dest.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        result = run(cache_dir, "clone", "--quiet", "--mirror", url, str(dest), check=False)
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
        env = None
        if not is_repo(folder):
            run(tmp, "init", "--quiet", "--bare")
            env = {"GIT_DIR": tmp, "GIT_WORK_TREE": str(folder)}
        args = ["check-ignore", "--no-index", "--verbose", "-z", "--stdin"]
        result = run(folder, *args, env=env, check=False, stdin="\0".join(paths) + "\0")
    if result.status not in (0, 1):
        raise OperationError(f"git check-ignore failed in {folder}: {result.stderr.strip()}")
    fields = result.stdout.split("\0")
    hidden = {}
    for i in range(0, len(fields) - 3, 4):
        source, line, pattern, path = fields[i : i + 4]
        if pattern and not pattern.startswith("!"):
            hidden[path] = f"{source}:{line}: {pattern}"
    return hidden


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

    status, out, err = _execute(repo, ["archive", "--format=tar", commit], _env())
    if status != 0:
        raise OperationError(f"cannot read {commit} from {repo}: {err.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(out)) as archive:
        archive.extractall(dest, filter="data")


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


def dirty_paths(repo: Path) -> list[str]:
    """Tracked files with staged or unstaged changes (untracked files do not count)."""
    out = run(repo, "status", "--porcelain", "--untracked-files=no", "--ignore-submodules").stdout
    return [line[3:] for line in out.splitlines() if line.strip()]


def current_branch(repo: Path) -> str | None:
    result = run(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    return result.stdout.strip() if result.ok else None


def has_commits(repo: Path) -> bool:
    return run(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).ok


def tree_of_directory(repo: Path, directory: Path, index_file: Path) -> str:
    """Store every file under ``directory`` as a tree in ``repo``'s object database."""
    env = {"GIT_INDEX_FILE": str(index_file), "GIT_WORK_TREE": str(directory)}
    run(repo, "--work-tree", str(directory), "add", "--all", "--force", "--", ".", env=env)
    return run(repo, "write-tree", env=env).stdout.strip()


def commit_tree(repo: Path, tree: str, message: str, parent: str | None = None) -> str:
    args = ["commit-tree", tree, "-m", message]
    if parent:
        args += ["-p", parent]
    return run(repo, *args, env=identity_env(repo)).stdout.strip()


def diff_names(repo: Path, old: str, new: str, *, renames: bool = False) -> list[tuple[str, str]]:
    """(status letter, path) for each change between two trees or commits."""
    args = ["diff-tree", "-r", "--no-commit-id", "--name-status", "-z"]
    args += ["-M"] if renames else ["--no-renames"]
    fields = run(repo, *args, old, new).stdout.split("\0")
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


def cherry_pick(repo: Path, commit: str) -> GitResult:
    return run(
        repo,
        "cherry-pick",
        "--allow-empty",
        "--keep-redundant-commits",
        commit,
        env=identity_env(repo),
        check=False,
    )


def continue_cherry_pick(repo: Path) -> None:
    env = {**identity_env(repo), "GIT_EDITOR": "true"}
    run(repo, "-c", "core.editor=true", "cherry-pick", "--continue", env=env)


def abort_cherry_pick(repo: Path) -> None:
    run(repo, "cherry-pick", "--abort", check=False)


def unmerged(repo: Path) -> dict[str, set[int]]:
    """Path -> the index stages present (1 base, 2 ours, 3 theirs) for every conflicted path."""
    stages: dict[str, set[int]] = {}
    for line in run(repo, "ls-files", "--unmerged", "-z").stdout.split("\0"):
        if line:
            meta, path = line.split("\t", 1)
            stages.setdefault(path, set()).add(int(meta.split()[2]))
    return stages


def resolve_deleted(repo: Path, path: str) -> None:
    run(repo, "rm", "--quiet", "--force", "--", path)


def resolve_keep_ours(repo: Path, path: str) -> None:
    run(repo, "add", "--", path)


def untracked_existing(repo: Path, paths: list[str]) -> list[str]:
    """Of ``paths``, those present in the work tree but not tracked (e.g. git-ignored files)."""
    present = [p for p in paths if (repo / p).exists() or (repo / p).is_symlink()]
    if not present:
        return []
    tracked = set(run(repo, "ls-files", "-z", "--", *present).stdout.split("\0"))
    return [p for p in present if p not in tracked]


def merge_tree(repo: Path, ours: str, theirs: str) -> tuple[bool, list[str]]:
    """Merge two commits in memory (no work tree, no index); (clean, conflicted paths)."""
    result = run(
        repo, "merge-tree", "--write-tree", "--name-only", "--no-messages", ours, theirs, check=False
    )
    if result.status not in (0, 1):
        raise OperationError(f"git merge-tree failed: {result.stderr.strip()}")
    lines = result.stdout.splitlines()
    return result.status == 0, [line for line in lines[1:] if line]


def branch_exists(repo: Path, name: str) -> bool:
    return run(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{name}", check=False).ok


def switch(repo: Path, branch: str, *, create: bool) -> None:
    run(repo, "switch", "--quiet", *(["-c"] if create else []), branch)
