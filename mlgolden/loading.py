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
# The most nodes a document may expand to. Aliases let a few lines stand for billions of nodes
# (a "billion laughs" alias bomb) that every later step (validation, copies, dumps) would walk.
MAX_NODES = 100_000


class AliasBomb(yaml.YAMLError):
    def __init__(self, mark) -> None:
        super().__init__()
        self.problem = f"it expands to more than {MAX_NODES:,} values through aliases; refused"
        self.problem_mark = mark


def parse_yaml(text: str) -> Any:
    """Parse one YAML document with the safe loader; a document whose aliases expand it beyond
    MAX_NODES raises AliasBomb (a YAMLError) before anything is constructed."""
    loader = SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expansion(root: yaml.Node) -> None:
    """The number of values the document expands to, counted once per distinct node (so the count
    is linear in the document's size, however deep the aliases nest)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = 1
            continue
        items = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else node.value
        if not children_done:
            stack.append((node, True))
            stack.extend((child, False) for child in items if id(child) not in sizes)
            continue
        total = 1 + sum(sizes.get(id(child), 1) for child in items)
        if total > MAX_NODES:
            raise AliasBomb(node.start_mark)
        sizes[id(node)] = total


def read_yaml(path: Path, *, what: str = "file") -> Any:
    """Parse a YAML file; a missing or malformed file is a UsageError naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{what} {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {what} {path}: {exc}") from None
    try:
        return parse_yaml(text)
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
