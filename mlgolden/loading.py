"""Load YAML files into typed models with one-line, located error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from mlgolden.errors import UsageError

M = TypeVar("M", bound=BaseModel)
# libyaml's parser where PyYAML was built with it: ~10x faster than the pure-Python one, and
# catalogs, patterns and answers files are read several times per command.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, *, what: str = "file") -> Any:
    """Parse a YAML file; a missing or malformed file is a UsageError naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{what} {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {what} {path}: {exc}") from None
    try:
        return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise UsageError(f"{what} {path}:{where} is not valid YAML: {problem}") from None


def describe_validation_error(exc: ValidationError) -> str:
    """The first problem of a pydantic error as 'location: message' (plus how many more)."""
    errors = exc.errors()
    first = errors[0]
    loc = ".".join(str(part) for part in first["loc"]) or "(top level)"
    msg = first["msg"]
    if first["type"] == "extra_forbidden":
        msg = "unknown field"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{loc}: {msg}{more}"


def parse_model(model: type[M], data: Any, *, origin: str) -> M:
    """Validate already-parsed data against a model; errors name the origin and the field."""
    if not isinstance(data, dict):
        raise UsageError(f"{origin} must be a YAML mapping, not {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"{origin}: {describe_validation_error(exc)}") from None


def load_model(model: type[M], path: Path, *, what: str = "file") -> M:
    return parse_model(model, read_yaml(path, what=what), origin=f"{what} {path}")
