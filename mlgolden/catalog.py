"""Catalogs: where patterns, templates and platform defaults come from, at which version.

A catalog is a directory (or a git repository, local or remote) holding ``catalog.yml``,
``platform.yml``, ``patterns/`` and ``templates/``. Its versions are its git tags (``v1.2.0``).
The built-in catalog ships inside the mlgolden package; earlier released versions of it ship as
archives in ``mlgolden/releases/`` so that old projects can always be re-rendered.
"""

from __future__ import annotations

import os
import re
import tarfile
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mlgolden import gitops
from mlgolden.errors import UsageError
from mlgolden.loading import load_model, read_yaml
from mlgolden.models import CatalogSpec, Pattern

BUILTIN = "builtin"
PACKAGE_DIR = Path(__file__).resolve().parent
RELEASES_DIR = PACKAGE_DIR / "releases"
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
        return load_model(CatalogSpec, self.root / "catalog.yml", what="catalog file")

    @cached_property
    def patterns(self) -> dict[str, Pattern]:
        folder = self.root / "patterns"
        if not folder.is_dir():
            raise UsageError(f"catalog {self.source} has no patterns/ folder")
        found: dict[str, Pattern] = {}
        for path in sorted(folder.glob("*.y*ml")):
            pattern = load_model(Pattern, path, what="pattern file")
            if pattern.name != path.stem:
                raise UsageError(f"pattern file {path}: name {pattern.name!r} must match the file name")
            unknown = [c for c in pattern.components if c not in self.spec.components]
            if unknown:
                raise UsageError(
                    f"pattern file {path}: unknown component {unknown[0]!r}",
                    hint=f"known: {', '.join(self.spec.components)}",
                )
            missing = [c for c in pattern.components if not self.template_dir(c).is_dir()]
            if missing:
                raise UsageError(f"pattern {pattern.name}: no templates/{missing[0]}/ in the catalog")
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


def _builtin_current_version() -> str:
    data = read_yaml(builtin_root() / "catalog.yml", what="catalog file")
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
        return _open_git(source, ref, trusted=trust)
    path = Path(source)
    if not path.is_dir():
        raise UsageError(f"catalog {source} does not exist", hint="pass a directory or a git URL")
    if ref is not None:
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
    return Catalog(root=Path(tmp.name), source=BUILTIN, version=wanted, trusted=True, _tmp=tmp)


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
        root=Path(tmp.name), source=_source_id(source), version="", commit=commit, trusted=trusted, _tmp=tmp
    )
    catalog.version = parse_tag(tag) if tag else str(catalog.spec.version)
    return catalog


def _source_id(source: str) -> str:
    return source if gitops.looks_like_url(source) else str(Path(source).resolve())
