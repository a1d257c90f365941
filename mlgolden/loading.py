"""Load YAML files into typed models with one-line, located error messages."""

from __future__ import annotations

import difflib
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


def read_yaml(path: Path, *, what: str = "file", shown: str | None = None) -> Any:
    """Parse a YAML file; a missing or malformed file is a UsageError naming the line."""
    name = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{what} {name} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {what} {name}: {exc}") from None
    try:
        return parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise UsageError(f"{what} {name}:{where} is not valid YAML: {problem}") from None


def schema_problems(exc: ValidationError) -> list[tuple[tuple, str]]:
    """Every problem of a pydantic error as (location, message), the real cause first.

    A misspelt field (``teir: silver``) makes pydantic report the required field as missing *and*
    the typo as extra; the typo is the cause, so unknown fields come first and name the field they
    probably meant.
    """
    errors = exc.errors()
    missing = {tuple(e["loc"]) for e in errors if e["type"] == "missing"}
    problems: list[tuple[tuple, str]] = []
    explained: set[tuple] = set()
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] != "extra_forbidden":
            continue
        siblings = [m[-1] for m in missing if m[:-1] == loc[:-1]]
        guess = difflib.get_close_matches(str(loc[-1]), [str(s) for s in siblings], n=1)
        if guess:
            explained.add((*loc[:-1], guess[0]))
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        problems.append((loc, f"unknown field {str(loc[-1])!r}{hint}"))
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "extra_forbidden" or loc in explained:
            continue
        problems.append((loc, error["msg"]))
    return problems


def describe_validation_error(exc: ValidationError, text: str | None = None) -> str:
    """The first problem of a pydantic error as 'location: message' (plus how many more); with
    the file's ``text``, the line of the problem too."""
    problems = schema_problems(exc)
    loc, msg = problems[0]
    where = ".".join(str(part) for part in loc) or "(top level)"
    line = line_of(text, loc) if text is not None else None
    prefix = f"line {line}: " if line else ""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{prefix}{where}: {msg}{more}"


def line_of(text: str, loc: tuple) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (keys and list indexes), or of its nearest
    parent that exists (a missing field is reported on its mapping)."""
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def parse_model(model: type[M], data: Any, *, origin: str, source: Path | None = None) -> M:
    """Validate already-parsed data against a model; errors name the origin, the field and, with
    the ``source`` file it was read from, the line."""
    if not isinstance(data, dict):
        raise UsageError(f"{origin} must be a YAML mapping, not {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        text = source.read_text(encoding="utf-8") if source is not None else None
        raise UsageError(f"{origin}: {describe_validation_error(exc, text)}") from None


def load_model(model: type[M], path: Path, *, what: str = "file", shown: str | None = None) -> M:
    """Load a YAML file into ``model``; errors name ``shown`` (the file as the user knows it,
    e.g. inside a catalog's git repository rather than a temporary copy) or ``path``."""
    name = shown or str(path)
    data = read_yaml(path, what=what, shown=shown)
    return parse_model(model, data, origin=f"{what} {name}", source=path)
