"""Catalogs: where patterns, templates and platform defaults come from, at which version.

A catalog is a directory (or a git repository, local or remote) holding ``catalog.yml``,
``platform.yml``, ``patterns/`` and ``templates/``. Its versions are its git tags (``v1.2.0``).
The built-in catalog ships inside the mlgolden package; earlier released versions of it ship as
archives in ``mlgolden/releases/`` so that old projects can always be re-rendered.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import tarfile
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from mlgolden import components, gitops
from mlgolden.answers import REQUIRED_QUESTIONS
from mlgolden.errors import UsageError
from mlgolden.loading import load_model, parse_model, read_yaml
from mlgolden.models import CatalogSpec, Pattern

BUILTIN = "builtin"
PACKAGE_DIR = Path(__file__).resolve().parent
RELEASES_DIR = PACKAGE_DIR / "releases"
WORKTREE = "WORKTREE"  # --ref WORKTREE: a git catalog's working tree, uncommitted changes included
LOG = logging.getLogger("mlgolden")
VERSION_TAG = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")


def builtin_root() -> Path:
    """The built-in catalog: inside the wheel, or the source checkout in development."""
    packaged = PACKAGE_DIR / "_catalog"
    return packaged if (packaged / "catalog.yml").is_file() else PACKAGE_DIR.parent


def parse_version(text: str) -> tuple[int, int, int] | None:
    match = VERSION_TAG.match(text.strip())
    return tuple(int(g) for g in match.groups()) if match else None  # type: ignore[return-value]


def version_key(text: str) -> tuple[int, int, int]:
    parsed = parse_version(text)
    if parsed is None:
        raise UsageError(f"{text!r} is not a version like 1.2.0")
    return parsed


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlgolden" / "catalogs"


@dataclass
class Catalog:
    """A catalog checked out at one version, ready to render from."""

    root: Path
    source: str
    version: str
    commit: str | None = None
    trusted: bool = False
    origin: str | None = None  # where its files really are, for messages (not a temporary copy)
    origin_note: str = ""  # e.g. "at tag v1.2.0"
    recorded_as: str | None = None  # how a project's answers file already names this catalog
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    @cached_property
    def spec(self) -> CatalogSpec:
        path = self.root / "catalog.yml"
        spec = parse_model(  # read once per process (the version was read from it already)
            CatalogSpec,
            _read_catalog_file(path, self.shown(path)),
            origin=f"catalog file {self.shown(path)}",
            source=path,
        )
        asked = {q.id for q in spec.questions}
        for qid, why in REQUIRED_QUESTIONS.items():
            if qid not in asked:
                raise UsageError(
                    f"catalog file {self.shown(path)}: questions must include {qid!r} ({why})",
                    hint="the engine relies on no other question",
                )
        problem = components.catalog_problem(spec)
        if problem:
            raise UsageError(f"catalog file {self.shown(path)}: {problem}")
        return spec

    @cached_property
    def patterns(self) -> dict[str, Pattern]:
        folder = self.root / "patterns"
        if not folder.is_dir():
            raise UsageError(f"catalog {self.source} has no patterns/ folder")
        found: dict[str, Pattern] = {}
        for path in sorted(folder.glob("*.y*ml")):
            pattern = self.load(Pattern, path, what="pattern file")
            if pattern.name != path.stem:
                raise UsageError(
                    f"pattern file {self.shown(path)}: name {pattern.name!r} must match the file name"
                )
            unknown = [c for c in pattern.components if c not in self.spec.components]
            if unknown:
                raise UsageError(
                    f"pattern file {self.shown(path)}: unknown component {unknown[0]!r}",
                    hint=f"known: {', '.join(self.spec.components)}",
                )
            missing = [c for c in pattern.components if not self.template_dir(c).is_dir()]
            if missing:
                raise UsageError(f"pattern {pattern.name}: no templates/{missing[0]}/ in the catalog")
            problem = components.pattern_problem(self.spec, pattern.components)
            if problem:
                raise UsageError(f"pattern file {self.shown(path)}: {problem}")
            try:
                pattern.questions = components.pattern_questions(self.spec, pattern)
            except UsageError as exc:
                raise UsageError(f"pattern file {self.shown(path)}: {exc.message}") from None
            found[pattern.name] = pattern
        if not found:
            raise UsageError(f"catalog {self.source} has no patterns in patterns/")
        return found

    def pattern(self, name: str) -> Pattern:
        try:
            return self.patterns[name]
        except KeyError:
            known = ", ".join(self.patterns)
            raise UsageError(f"unknown pattern {name!r}", hint=f"choose one of: {known}") from None

    def shown(self, path: Path) -> str:
        """``path`` (inside :attr:`root`) as the user knows it: in the catalog's own directory or
        repository (at its ref), never in the temporary copy it was read from."""
        if self.origin is None:
            return str(path)
        note = f" ({self.origin_note})" if self.origin_note else ""
        return f"{self.origin.rstrip('/')}/{path.relative_to(self.root).as_posix()}{note}"

    def load(self, model, path: Path, *, what: str):
        return load_model(model, path, what=what, shown=self.shown(path))

    def template_dir(self, component: str) -> Path:
        return self.root / "templates" / component

    def platform_defaults(self) -> dict:
        path = self.root / "platform.yml"
        data = read_yaml(path, what="platform settings") if path.is_file() else {}
        return data or {}


def available_versions(source: str | None) -> list[str]:
    """All versions of a catalog, oldest first."""
    if source in (None, BUILTIN):
        current = _builtin_current_version()
        released = [p.name.removesuffix(".tar.gz") for p in RELEASES_DIR.glob("*.tar.gz")]
        versions = {current, *released}
    elif gitops.is_git_source(source):
        versions = {parse_tag(tag) for tag in gitops.list_tags(source) if parse_version(tag)}
    else:
        versions = {read_yaml(Path(source) / "catalog.yml", what="catalog file")["version"]}
    return sorted((v for v in versions if v), key=version_key)


def parse_tag(tag: str) -> str:
    return tag.removeprefix("v")


def _read_catalog_file(path: Path, shown: str | None = None) -> Any:
    """catalog.yml, parsed once per process and file version (the built-in one is read for its
    version, then for its questions)."""
    stat = path.stat() if path.is_file() else None
    key = (str(path), stat and (stat.st_mtime_ns, stat.st_size))
    if key not in _CATALOG_FILES:
        _CATALOG_FILES[key] = read_yaml(path, what="catalog file", shown=shown)
    return copy.deepcopy(_CATALOG_FILES[key])  # callers may change what they get


_CATALOG_FILES: dict[tuple, Any] = {}


def _builtin_current_version() -> str:
    data = _read_catalog_file(builtin_root() / "catalog.yml")
    return str(data["version"])


def settings_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mlgolden" / "settings.yml"


def trusted_by_settings(source: str) -> bool:
    """Whether the user's settings list ``source`` (or a folder above it) under trusted_catalogs.

    Both sides are normalised first (:func:`trust_key`): scheme, host and port must be equal, and
    an entry's path must be the source's path or a whole-segment prefix of it, so
    ``https://git.acme.io/ml`` trusts ``https://git.acme.io/ml/catalog`` but neither
    ``https://git.acme.io/ml-evil/x``, ``https://git.acme.io.evil.com/ml`` nor
    ``https://git.acme.io/ml/../evil``.
    """
    path = settings_file()
    if not path.is_file():
        return False
    data = read_yaml(path, what="user settings") or {}
    entries = data.get("trusted_catalogs", []) if isinstance(data, dict) else []
    if not isinstance(entries, list):
        raise UsageError(f"user settings {path}: trusted_catalogs must be a list")
    wanted = trust_key(source)
    if wanted is None:
        return False
    for entry in entries:
        key = trust_key(str(entry)) if isinstance(entry, str) and entry.strip() else None
        if key is not None and key[:3] == wanted[:3]:
            prefix = key[3].rstrip("/")
            if wanted[3] == key[3] or wanted[3].startswith(prefix + "/"):
                return True
    return False


def trust_key(source: str) -> tuple[str, str, int | None, str] | None:
    """(scheme, host, port, path) of a catalog source, normalised for comparing trust: host in
    lower case, percent-escapes decoded, ``.``/``..`` segments resolved, no trailing ``/`` or
    ``.git``; a local path is resolved. None for what cannot be trusted (a query, a fragment, a
    control character)."""
    import posixpath  # noqa: PLC0415
    from urllib.parse import unquote, urlsplit  # noqa: PLC0415

    text = source.strip()
    if not text or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return None
    scp = re.match(r"^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!//)(.*)$", text)
    if "://" not in text and scp and gitops.looks_like_url(text):
        text = f"ssh://{scp.group(1) or ''}{scp.group(2)}/{scp.group(3)}"
    if "://" not in text:
        return ("file", "", None, str(Path(text).expanduser().resolve()))
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    if parts.query or parts.fragment or not parts.scheme:
        return None
    path = posixpath.normpath("/" + unquote(parts.path)) if parts.path else "/"
    if "\\" in path or "\0" in path:
        return None
    path = path.rstrip("/").removesuffix(".git") or "/"
    if parts.scheme.lower() == "file":
        return ("file", "", None, str(Path(path).resolve()))
    return (parts.scheme.lower(), (parts.hostname or "").lower().rstrip("."), port, path)


def published(repo: str | Path, commit: str, tags: dict[str, str]) -> bool:
    """Whether a trusted repository publishes ``commit``: a version tag points at it, or it is
    reachable from the default branch (the repository's HEAD). A commit only on another branch or
    a pull request's ref is not covered by trusting the repository."""
    if any(sha == commit for tag, sha in tags.items() if parse_version(tag)):
        return True
    if not re.fullmatch(r"[0-9a-f]{40}([0-9a-f]{24})?", commit):
        return False
    return gitops.run(repo, "merge-base", "--is-ancestor", commit, "HEAD", check=False).ok


def open_catalog(source: str | None = None, ref: str | None = None, *, trust: bool = False) -> Catalog:
    """Check out ``source`` at ``ref`` (default: its newest version) and return it.

    The built-in catalog is trusted; another one when ``trust`` is given (--trust) or the user's
    settings list it. Untrusted catalogs may not run hooks, load Jinja extensions or hold symlinks.
    """
    if source in (None, BUILTIN):
        return _open_builtin(ref)
    trust = trust or trusted_by_settings(source)
    if gitops.is_git_source(source):
        if ref == WORKTREE and not gitops.looks_like_url(source):
            return _open_worktree(Path(source), trusted=trust)
        if ref is None and not gitops.looks_like_url(source):
            _say_uncommitted(Path(source))
        return _open_git(source, ref, trusted=trust)
    path = Path(source)
    if not path.is_dir():
        raise UsageError(f"catalog {source} does not exist", hint="pass a directory or a git URL")
    if ref not in (None, WORKTREE):
        raise UsageError(f"--ref needs a git catalog; {source} is a plain directory")
    catalog = Catalog(root=path.resolve(), source=str(path.resolve()), version="", trusted=trust)
    catalog.version = str(catalog.spec.version)
    return catalog


def _open_builtin(ref: str | None) -> Catalog:
    current = _builtin_current_version()
    wanted = parse_tag(ref) if ref else current
    if wanted == current:
        return Catalog(root=builtin_root(), source=BUILTIN, version=current, trusted=True)
    archive = RELEASES_DIR / f"{wanted}.tar.gz"
    if not archive.is_file():
        known = ", ".join(available_versions(BUILTIN))
        raise UsageError(f"unknown ref {ref!r} for the built-in catalog", hint=f"known versions: {known}")
    tmp = tempfile.TemporaryDirectory(prefix="mlgolden-catalog-")
    with tarfile.open(archive) as bundle:
        bundle.extractall(tmp.name, filter="data")
    return Catalog(
        root=Path(tmp.name),
        source=BUILTIN,
        version=wanted,
        trusted=True,
        origin=str(archive),
        _tmp=tmp,
    )


def _open_git(source: str, ref: str | None, *, trusted: bool) -> Catalog:
    repo: str | Path = gitops.mirror(source, cache_dir()) if gitops.looks_like_url(source) else source
    tags = {tag: sha for tag, sha in gitops.list_tags(str(repo)).items()}
    versions = sorted((t for t in tags if parse_version(t)), key=lambda t: version_key(t))
    if ref is None:
        if not versions:
            raise UsageError(f"catalog {source} has no version tags (v1.0.0 …)", hint="pass --ref")
        ref = versions[-1]
    tag = next((t for t in (ref, f"v{ref}") if t in tags), None)
    commit = tags[tag] if tag else gitops.resolve_commit(str(repo), ref)
    if commit is None:
        raise UsageError(
            f"unknown ref {ref!r} in catalog {source}",
            hint=f"known versions: {', '.join(parse_tag(v) for v in versions) or 'none'}",
        )
    trusted = trusted and published(repo, commit, tags)  # not an unmerged branch a manifest pins
    tmp = tempfile.TemporaryDirectory(prefix="mlgolden-catalog-")
    gitops.export_tree(repo, commit, Path(tmp.name))
    catalog = Catalog(
        root=Path(tmp.name),
        source=_source_id(source),
        version="",
        commit=commit,
        trusted=trusted,
        origin=_source_id(source),
        origin_note=f"tag {tag}" if tag else f"{ref} = {commit[:12]}",
        _tmp=tmp,
    )
    catalog.version = parse_tag(tag) if tag else str(catalog.spec.version)
    return catalog


def _source_id(source: str) -> str:
    return source if gitops.looks_like_url(source) else str(Path(source).resolve())


# --- working trees and portable sources ------------------------------------------------------


def _say_uncommitted(repo: Path) -> None:
    """A catalog's uncommitted work is never used silently, nor silently ignored."""
    changed = gitops.worktree_changes(repo)
    if changed:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        LOG.warning(
            f"warning: catalog {repo} has uncommitted changes ({changed[0]}{more}); using its newest "
            f"tag without them (pass --ref {WORKTREE} to use the working tree)"
        )


def _open_worktree(repo: Path, *, trusted: bool) -> Catalog:
    """The files of a git catalog's working tree as they are now: tracked and untracked, without
    git-ignored ones (exactly what the next commit of everything would hold)."""
    import shutil  # noqa: PLC0415

    tmp = tempfile.TemporaryDirectory(prefix="mlgolden-catalog-")
    for rel in gitops.worktree_files(repo):
        src, dest = repo / rel, Path(tmp.name) / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dest.symlink_to(os.readlink(src))
        elif src.is_file():
            shutil.copy2(src, dest)
    catalog = Catalog(
        root=Path(tmp.name),
        source=_source_id(str(repo)),
        version="",
        trusted=trusted,
        origin=str(repo.resolve()),
        origin_note="working tree",
        _tmp=tmp,
    )
    catalog.version = str(catalog.spec.version)
    return catalog


def recorded_source(catalog: Catalog, project_dir: Path) -> str:
    """How a project records where its catalog is, so that it stays usable on other machines:
    the built-in catalog and URLs as they are; a local git catalog as its remote URL when it has
    one; any other local catalog as a path relative to the project."""
    source = catalog.source
    if catalog.recorded_as is not None:  # re-rendering a project as it was: keep its own record
        return catalog.recorded_as
    if source == BUILTIN or gitops.looks_like_url(source):
        return source
    if gitops.is_git_source(source):
        url = gitops.remote_url(Path(source))
        if url:
            return url
    return os.path.relpath(source, project_dir.resolve())


def resolve_recorded_source(source: str, project_dir: Path) -> str:
    """The inverse of :func:`recorded_source`: a relative path is relative to the project."""
    if source == BUILTIN or gitops.looks_like_url(source) or Path(source).is_absolute():
        return source
    return str((project_dir / source).resolve())


def relocate_source(source: str) -> str:
    """A --catalog given to `upgrade`/`validate` in place of the recorded one (same versions)."""
    if source == BUILTIN or gitops.looks_like_url(source):
        return source
    if not Path(source).is_dir():
        raise UsageError(f"catalog {source} does not exist", hint="pass a directory or a git URL")
    return _source_id(source)
