"""The one gateway to git: small verbs, git failures turned into mlgolden errors.

GitPython runs the real git executable; it is imported lazily so that `mlgolden --help` stays fast.
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


def _git_module():
    try:
        import git  # noqa: PLC0415  (lazy: GitPython costs ~85 ms at import)
    except ImportError as exc:  # GitPython raises ImportError when no git executable is found
        raise UsageError("git is not installed or not on PATH", hint="install git") from exc
    return git


def run(cwd: Path | str, *args: str, env: dict[str, str] | None = None, check: bool = True) -> GitResult:
    """Run ``git ARGS`` in ``cwd``; with ``check`` a failure raises OperationError."""
    git = _git_module()
    full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **(env or {})}
    try:
        status, out, err = git.Git(str(cwd)).execute(
            ["git", *args], with_extended_output=True, with_exceptions=False,
            env=full_env, strip_newline_in_stdout=False,
        )
    except git.exc.GitCommandNotFound as exc:
        raise UsageError("git is not installed or not on PATH", hint="install git") from exc
    result = GitResult(status, out, err)
    if check and not result.ok:
        detail = (err.strip().splitlines() or ["(no message)"])[-1]
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
    import hashlib  # noqa: PLC0415

    dest = cache_dir / (hashlib.sha256(url.encode()).hexdigest()[:16] + ".git")
    if not dest.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        result = run(cache_dir, "clone", "--quiet", "--mirror", url, str(dest), check=False)
        if not result.ok:
            raise UsageError(f"cannot clone catalog {url}: {result.stderr.strip().splitlines()[-1:]}")
    else:
        run(dest, "fetch", "--quiet", "--prune", "--tags", "origin", check=False)
    return dest


def export_tree(repo: str | Path, commit: str, dest: Path) -> None:
    """Write the files of ``commit`` into ``dest`` (like a checkout, without a work tree)."""
    import io  # noqa: PLC0415
    import tarfile  # noqa: PLC0415

    git = _git_module()
    buffer = io.BytesIO()
    try:
        git.Repo(str(repo)).archive(buffer, commit, format="tar")
    except git.exc.GitCommandError as exc:
        raise OperationError(f"cannot read {commit} from {repo}: {exc.stderr.strip()}") from None
    buffer.seek(0)
    with tarfile.open(fileobj=buffer) as archive:
        archive.extractall(dest, filter="data")
