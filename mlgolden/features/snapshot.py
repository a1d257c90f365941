"""Read the shared registry into a snapshot: find it, run Feast's reader, cache the result.

Feast is not imported here (it takes seconds and lives in its own virtualenv): ``reader.py`` runs
under the Feast interpreter (``$MLGOLDEN_FEAST_PYTHON``, or this one when it can import Feast) and
writes JSON. Snapshots are cached per registry: a file registry's snapshot is reused while the
file is unchanged (size and modification time), a SQL registry's for ``max_age`` seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mlgolden.errors import OperationError, UsageError

FEAST_PYTHON_ENV = "MLGOLDEN_FEAST_PYTHON"
REGISTRY_ENV = "MLGOLDEN_FEAST_REGISTRY"
READER = Path(__file__).with_name("reader.py")
SCHEMA = 1
READ_TIMEOUT = 600


@dataclass(frozen=True)
class Registry:
    """Where the registry is: a file path or a SQLAlchemy URL."""

    value: str

    @property
    def is_file(self) -> bool:
        return "://" not in self.value

    def describe(self) -> str:
        if self.is_file:
            return f"file registry {self.value}"
        scheme, rest = self.value.split("://", 1)
        host = rest.rsplit("@", 1)[-1]  # never print a password
        return f"SQL registry {scheme}://{'***@' if '@' in rest else ''}{host}"

    def stamp(self) -> list[int] | None:
        if not self.is_file:
            return None
        stat = Path(self.value).stat()
        return [stat.st_mtime_ns, stat.st_size]


def find_registry(explicit: str | None, start: Path) -> Registry:
    """--registry, else $MLGOLDEN_FEAST_REGISTRY, else the registry of the project around ``start``."""
    value = (explicit or os.environ.get(REGISTRY_ENV, "")).strip()
    root = start
    if not value:
        root = next(
            (p for p in (start, *start.parents) if (p / "features" / "feature_store.yaml").is_file()), None
        )
        if root is None:
            raise UsageError(
                "no feature registry given",
                hint=f"pass --registry PATH-or-URL or set {REGISTRY_ENV}",
            )
        value = _project_registry(root / "features" / "feature_store.yaml")
    if "://" in value:
        return Registry(value)
    path = (root / value).resolve() if not Path(value).is_absolute() else Path(value)
    if not path.is_file():
        raise UsageError(f"no feature registry at {path}")
    return Registry(str(path))


def _project_registry(store_yaml: Path) -> str:
    import yaml  # noqa: PLC0415

    try:
        config = yaml.safe_load(store_yaml.read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read {store_yaml}: {exc}") from exc
    registry = config.get("registry") if isinstance(config, dict) else None
    path = registry.get("path") if isinstance(registry, dict) else registry
    if not isinstance(path, str) or not path:
        raise UsageError(f"{store_yaml} names no registry")
    return path


def feast_python() -> str:
    from mlgolden.checks.base import python_with  # noqa: PLC0415

    python = python_with("feast", FEAST_PYTHON_ENV)
    if python is None:
        raise UsageError(
            "reading the registry needs Feast",
            hint=f"set {FEAST_PYTHON_ENV} to a python that has Feast (e.g. /opt/venvs/feast/bin/python)",
        )
    return python


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mlgolden" / "features"


def load(registry: Registry, *, refresh: bool = False, max_age: float = 60.0) -> dict:
    """The registry's snapshot: every project's objects as dicts (see reader.py)."""
    cached = cache_dir() / (hashlib.sha256(registry.value.encode()).hexdigest()[:32] + ".json")
    stamp = registry.stamp()
    if not refresh and cached.is_file():
        try:
            snap = json.loads(cached.read_text("utf-8"))
        except (OSError, ValueError):
            snap = None
        if snap and snap.get("schema") == SCHEMA:
            fresh = snap["stamp"] == stamp if stamp is not None else time.time() - snap["read_at"] < max_age
            if fresh:
                return snap
    snap = read(registry)
    snap.update(schema=SCHEMA, stamp=stamp, read_at=time.time(), registry=registry.describe())
    write_atomic(cached, json.dumps(snap))
    return snap


def read(registry: Registry) -> dict:
    from mlgolden.checks.base import last_lines, run_tool  # noqa: PLC0415

    python = feast_python()
    with tempfile.TemporaryDirectory(prefix="mlgolden-features-") as tmp:
        out = Path(tmp) / "snapshot.json"
        proc = run_tool(
            [python, str(READER), registry.value, str(out)],
            cwd=Path(tmp),
            env={"PYTHONDONTWRITEBYTECODE": "1", "FEAST_USAGE": "False"},
            timeout=READ_TIMEOUT,
        )
        if proc.returncode != 0 or not out.is_file():
            raise OperationError(
                f"could not read the {registry.describe()}: {last_lines(proc.stderr or proc.stdout)}"
            )
        return json.loads(out.read_text("utf-8"))


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".snapshot-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
