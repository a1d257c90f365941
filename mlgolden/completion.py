"""Shell completion of the catalog's words: pattern names, and question ids (then their choices)
for ``--set``. Typer calls these while the user presses Tab; a completion never fails loudly, it
offers nothing.

Install with ``mlgolden --install-completion`` (bash, zsh, fish, PowerShell), or print the script
with ``mlgolden --show-completion SHELL``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

Completion = tuple[str, str]  # (word, help shown next to it by zsh and fish)


def _param(ctx: Any, name: str) -> Any:
    """An option's value given so far on the command line, on this command or a parent."""
    while ctx is not None:
        value = (ctx.params or {}).get(name)
        if value is not None:
            return value
        ctx = ctx.parent
    return None


@contextmanager
def _catalog(ctx: Any) -> Iterator[Any]:
    from mlgolden.catalog import open_catalog

    with open_catalog(_param(ctx, "catalog"), _param(ctx, "ref")) as catalog:
        yield catalog


def _recorded_pattern(ctx: Any) -> str | None:
    """On upgrade, the pattern recorded in the project's .mlgolden.yml."""
    paths = _param(ctx, "paths") or [Path(".")]
    try:
        from mlgolden.loading import read_yaml
        from mlgolden.project import MANIFEST

        data = read_yaml(Path(paths[0]) / MANIFEST, what="answers file")
        return data.get("pattern") if isinstance(data, dict) else None
    except Exception:  # noqa: BLE001  (no project here: offer every pattern's questions)
        return None


def pattern_names(ctx: typer.Context, incomplete: str) -> list[Completion]:
    try:
        with _catalog(ctx) as catalog:
            return [
                (name, p.description) for name, p in catalog.patterns.items() if name.startswith(incomplete)
            ]
    except Exception:  # noqa: BLE001  (completion must never print a traceback)
        return []


def set_values(ctx: typer.Context, incomplete: str) -> list[Completion]:
    """``--set`` completes ``KEY=`` from the pattern's question ids, then the choices of KEY."""
    try:
        return _set_values(ctx, incomplete)
    except Exception:  # noqa: BLE001
        return []


def _set_values(ctx: Any, incomplete: str) -> list[Completion]:
    from mlgolden.answers import questions_for
    from mlgolden.platform import load_platform

    key, sep, value = incomplete.partition("=")
    with _catalog(ctx) as catalog:
        platform = load_platform(catalog.platform_defaults())
        wanted = _param(ctx, "pattern") or _recorded_pattern(ctx)
        patterns = (
            [catalog.pattern(wanted)] if wanted in catalog.patterns else list(catalog.patterns.values())
        )
        items = {}
        for pattern in patterns:
            for item in questions_for(catalog.spec.questions, pattern, platform):
                items.setdefault(item.id, item)
    if not sep:
        return [(f"{i}=", item.question.prompt) for i, item in items.items() if i.startswith(key)]
    item = items.get(key)
    if item is None:
        return []
    if item.question.type == "bool":
        options = ["yes", "no"]
    elif item.choices:
        options = [str(choice) for choice in item.choices]
    else:
        return []
    return [(f"{key}={option}", "") for option in options if option.startswith(value)]
