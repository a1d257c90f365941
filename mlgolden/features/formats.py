"""Output of `mlgolden features`: a table for people, JSON for tools, and a catalog page in
Markdown or HTML that a platform can publish."""

from __future__ import annotations

import html
import json

from mlgolden.errors import UsageError
from mlgolden.features.catalog import Catalog, repository

FORMATS = ("table", "json", "markdown", "html")
COLUMNS = ("KIND", "NAME", "REPOSITORY", "TEAM", "CLASS", "VERSION", "FRESHNESS", "USED BY")


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}", hint=f"choose one of: {', '.join(FORMATS)}")


def summary(catalog: Catalog, obj: dict) -> dict:
    """One object as the catalog shows it (also its JSON form)."""
    tags = obj.get("tags") or {}
    item = {
        "kind": obj["kind"],
        "project": obj["project"],
        "name": obj["name"],
        "description": obj.get("description", ""),
        "owner": obj.get("owner", ""),
        "repository": repository(obj),
        "team": tags.get("team", ""),
        "classification": tags.get("classification", ""),
        "tags": tags,
    }
    if "schema" in obj:
        item.update(
            entities=obj.get("entities", []),
            schema=obj["schema"],
            version=obj.get("version"),
            version_number=obj.get("version_number"),
            last_materialized=obj.get("last_materialized"),
            used_by=[s["name"] for s in catalog.services_using(obj)],
        )
    for key in ("join_key", "features", "required_tags", "roles", "actions", "types", "name_patterns"):
        if key in obj:
            item[key] = obj[key]
    return item


def _version(item: dict) -> str:
    if "version" not in item:
        return ""
    number = item.get("version_number")
    return f"v{number}" if number is not None else str(item.get("version") or "latest")


def _freshness(item: dict) -> str:
    if "schema" not in item:
        return ""
    return (item.get("last_materialized") or "never")[:19]


def _table(rows: list[list[str]], header: tuple[str, ...]) -> str:
    widths = [max(len(str(r[i])) for r in [list(header), *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [list(header), *rows]
    ]
    return "\n".join(lines)


def listing(catalog: Catalog, objects: list[dict], fmt: str) -> str:
    items = [summary(catalog, o) for o in objects]
    if fmt == "json":
        return json.dumps({"registry": catalog.registry, "objects": items}, indent=2)
    if fmt in ("markdown", "html"):
        return page(catalog, items, fmt)
    if not items:
        return f"nothing matched in the {catalog.registry}"
    rows = [
        [
            i["kind"].replace("_", " "),
            i["name"],
            i["repository"],
            i["team"],
            i["classification"],
            _version(i),
            _freshness(i),
            ", ".join(i.get("used_by", [])),
        ]
        for i in items
    ]
    return _table(rows, COLUMNS) + f"\n{len(items)} object(s) in the {catalog.registry}"


def details(catalog: Catalog, objects: list[dict], fmt: str) -> str:
    items = [summary(catalog, o) for o in objects]
    if fmt == "json":
        return json.dumps(items, indent=2)
    if fmt in ("markdown", "html"):
        return page(catalog, items, fmt)
    out = []
    for i in items:
        out.append(f"{i['kind'].replace('_', ' ')} {i['name']}  (Feast project {i['project']})")
        out.append(f"  {i['description'] or '(no description)'}")
        out.append(f"  owner: {i['owner'] or '-'}   repository: {i['repository'] or '-'}")
        out.append(f"  team: {i['team'] or '-'}   classification: {i['classification'] or '-'}")
        if "schema" in i:
            out.append(f"  entities: {', '.join(i['entities']) or '-'}")
            out.append(f"  version: {_version(i)}   last materialised: {_freshness(i)}")
            out.append("  schema:")
            out += [f"    {f['name']:<32} {f['dtype']}" for f in i["schema"]]
            out.append(f"  used by: {', '.join(i['used_by']) or 'no feature service'}")
        if "features" in i:
            out.append("  features:")
            out += [f"    {r['view']}: {', '.join(r['features'])}" for r in i["features"]]
        if "join_key" in i:
            out.append(f"  join key: {i['join_key']}")
        other = {k: v for k, v in i["tags"].items() if k not in ("team", "classification")}
        if other:
            out.append("  tags: " + ", ".join(f"{k}={v}" for k, v in sorted(other.items())))
    return "\n".join(out)


def lineage(name: str, rows: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"name": name, "used_by": rows}, indent=2)
    header = ("FEATURE VIEW", "FEATURE SERVICE (MODEL)", "REPOSITORY", "TEAM", "DAGS", "FEATURES")
    cells = [
        [
            r["feature_view"],
            r["feature_service"],
            r["repository"],
            r["team"],
            ", ".join(r["dags"]) or "-",
            ", ".join(r["features"]),
        ]
        for r in rows
    ]
    if fmt == "markdown":
        return f"# Lineage of {name}\n\n" + _markdown_table(header, cells)
    if fmt == "html":
        return _html_doc(f"Lineage of {name}", _html_table(header, cells))
    if not rows:
        return f"{name}: no feature service uses it"
    return _table(cells, header)


def page(catalog: Catalog, items: list[dict], fmt: str) -> str:
    """A catalog page: one section per object."""
    sections = []
    for i in items:
        facts = [
            ("Kind", i["kind"].replace("_", " ")),
            ("Feast project", i["project"]),
            ("Owner (repository id)", i["owner"] or "-"),
            ("Repository", i["repository"] or "-"),
            ("Team", i["team"] or "-"),
            ("Classification", i["classification"] or "-"),
        ]
        if "schema" in i:
            facts += [
                ("Entities", ", ".join(i["entities"]) or "-"),
                ("Version", _version(i)),
                ("Last materialised", _freshness(i)),
                ("Used by", ", ".join(i["used_by"]) or "-"),
            ]
        schema = [[f["name"], f["dtype"]] for f in i.get("schema", [])]
        sections.append((i["name"], i["description"], facts, schema))
    title = f"Feature catalog — {catalog.registry}"
    if fmt == "markdown":
        out = [f"# {title}", ""]
        for name, description, facts, schema in sections:
            out += [f"## {name}", "", description or "_no description_", ""]
            out += [f"- **{k}**: {v}" for k, v in facts]
            if schema:
                out += ["", _markdown_table(("Feature", "Type"), schema)]
            out.append("")
        return "\n".join(out)
    body = []
    for name, description, facts, schema in sections:
        e = html.escape
        body.append(f'<section id="{e(name)}"><h2>{e(name)}</h2><p>{e(description or "no description")}</p>')
        body.append("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(str(v))}</dd>" for k, v in facts) + "</dl>")
        if schema:
            body.append(_html_table(("Feature", "Type"), schema))
        body.append("</section>")
    return _html_doc(title, "\n".join(body))


def _markdown_table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    def cell(value: str) -> str:
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _html_table(header: tuple[str, ...], rows: list[list[str]]) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_doc(title: str, body: str) -> str:
    e = html.escape
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title></head>\n'
        f"<body><h1>{e(title)}</h1>\n{body}\n</body></html>\n"
    )
