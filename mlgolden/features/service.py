"""The `mlgolden features` commands: open the registry's catalog, ask it, format the answer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlgolden.features import formats, snapshot
from mlgolden.features.catalog import Catalog, Filters


@dataclass
class Source:
    registry: str | None = None
    refresh: bool = False
    max_age: float = 60.0


def open_catalog(source: Source, start: Path | None = None) -> Catalog:
    registry = snapshot.find_registry(source.registry, start or Path.cwd())
    return Catalog(snapshot.load(registry, refresh=source.refresh, max_age=source.max_age))


def list_objects(source: Source, filters: Filters, fmt: str) -> str:
    formats.check_format(fmt)
    catalog = open_catalog(source)
    return formats.listing(catalog, catalog.select(filters), fmt)


def search(source: Source, text: str, filters: Filters, fmt: str, limit: int = 0) -> str:
    """The best ``limit`` matches (0: all); a table says how many more there are."""
    formats.check_format(fmt)
    catalog = open_catalog(source)
    hits = catalog.search(text, filters)
    shown = hits[:limit] if limit > 0 else hits
    text_out = formats.listing(catalog, shown, fmt)
    if fmt == "table" and len(shown) < len(hits):
        text_out += f"\n{len(hits) - len(shown)} more match(es); --limit 0 shows all"
    return text_out


def show(source: Source, name: str, fmt: str) -> str:
    formats.check_format(fmt)
    catalog = open_catalog(source)
    return formats.details(catalog, catalog.named(name), fmt)


def lineage(source: Source, name: str, fmt: str) -> str:
    formats.check_format(fmt)
    catalog = open_catalog(source)
    return formats.lineage(name, catalog.lineage(name), fmt)
