"""Discovery over a registry snapshot: filter, search, show, lineage. No Feast needed here.

An object's owner identity is Feast's own ``owner`` field (the owning repository's id) and its
tags ``repository`` (the repository's name), ``team`` and ``classification``; older objects carry
only the ``owner`` tag (the repository's name), which counts as the repository's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlgolden.errors import UsageError

VIEW_KINDS = ("feature_view", "on_demand_feature_view", "stream_feature_view")
KINDS = ("entity", "data_source", *VIEW_KINDS, "feature_service", "permission")


@dataclass
class Filters:
    owner: str | None = None
    team: str | None = None
    entity: str | None = None
    classification: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    kinds: tuple[str, ...] = VIEW_KINDS
    project: str | None = None


def parse_tags(values: list[str]) -> dict[str, str]:
    tags = {}
    for value in values:
        key, sep, tag = value.partition("=")
        if not sep or not key:
            raise UsageError(f"--tag {value!r} is not KEY=VALUE")
        tags[key] = tag
    return tags


def parse_kinds(value: str | None) -> tuple[str, ...]:
    if not value:
        return VIEW_KINDS
    if value == "all":
        return KINDS
    kinds = tuple(k.strip().replace("-", "_") for k in value.split(","))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise UsageError(f"unknown kind {unknown[0]!r}", hint=f"choose from: all, {', '.join(KINDS)}")
    return kinds


def repository(obj: dict) -> str:
    """The owning repository's name (tag), else its id (Feast's owner field)."""
    tags = obj.get("tags") or {}
    return tags.get("repository") or tags.get("owner") or obj.get("owner") or ""


class Catalog:
    """A snapshot's objects, with the feature services that use each feature view."""

    def __init__(self, snapshot: dict) -> None:
        self.registry = snapshot.get("registry", "")
        self.objects = [o for o in snapshot["objects"] if not o["name"].startswith("__")]
        self.used_by: dict[tuple[str, str], list[dict]] = {}
        for service in self.of_kind("feature_service"):
            for ref in service.get("features", []):
                self.used_by.setdefault((service["project"], ref["view"]), []).append(service)
        self._text: dict[int, str] = {}

    def of_kind(self, *kinds: str) -> list[dict]:
        return [o for o in self.objects if o["kind"] in kinds]

    def services_using(self, view: dict) -> list[dict]:
        return self.used_by.get((view["project"], view["name"]), [])

    def select(self, filters: Filters) -> list[dict]:
        found = [o for o in self.objects if o["kind"] in filters.kinds and _matches(o, filters)]
        return sorted(found, key=lambda o: (o["project"], o["kind"], o["name"]))

    def search(self, text: str, filters: Filters) -> list[dict]:
        """Objects whose name, description, fields, owner or tags hold every word of ``text``;
        matches in the name first, then exact feature names."""
        words = text.lower().split()
        if not words:
            raise UsageError("search needs some text", hint="e.g. mlgolden features search tenure")
        hits = []
        for obj in self.select(filters):
            haystack = self._searchable(obj)
            if all(word in haystack for word in words):
                fields = {f["name"].lower() for f in obj.get("schema", [])}
                score = sum(2 * (word in obj["name"].lower()) + (word in fields) for word in words)
                hits.append((-score, obj["name"], obj))
        hits.sort(key=lambda hit: hit[:2])
        return [hit[2] for hit in hits]

    def named(self, name: str) -> list[dict]:
        """Objects called ``name`` (``project/name`` picks one project); at least one, or an error."""
        project, _, bare = name.rpartition("/")
        found = [o for o in self.objects if o["name"] == bare and (not project or o["project"] == project)]
        if not found:
            close = sorted({o["name"] for o in self.objects if bare.lower() in o["name"].lower()})[:5]
            hint = f"did you mean: {', '.join(close)}" if close else "try: mlgolden features search TEXT"
            raise UsageError(f"no feature view, entity or service named {name!r} in the registry", hint=hint)
        return found

    def lineage(self, name: str) -> list[dict]:
        """Who uses a feature view, a feature (``view:feature``) or an entity: one row per feature
        service (model) with its repository, team and DAGs."""
        target, _, feature = name.partition(":")
        views = []
        for obj in self.named(target):
            if obj["kind"] in VIEW_KINDS:
                views.append(obj)
            elif obj["kind"] == "entity":
                views += [v for v in self.of_kind(*VIEW_KINDS) if obj["name"] in v.get("entities", [])]
        if not views:
            raise UsageError(f"{name!r} is neither a feature view, a feature nor an entity")
        rows = []
        for view in views:
            fields = {f["name"] for f in view.get("schema", [])}
            if feature and feature not in fields:
                raise UsageError(f"feature view {view['name']!r} has no feature {feature!r}")
            for service in self.services_using(view):
                used = next(r["features"] for r in service["features"] if r["view"] == view["name"])
                if feature and feature not in used:
                    continue
                tags = service.get("tags") or {}
                rows.append(
                    {
                        "feature_view": view["name"],
                        "view_owner": repository(view),
                        "features": [feature] if feature else used,
                        "feature_service": service["name"],
                        "repository": repository(service),
                        "team": tags.get("team", ""),
                        "dags": [d for d in tags.get("dags", "").split(",") if d],
                        "project": service["project"],
                    }
                )
        return rows

    def _searchable(self, obj: dict) -> str:
        key = id(obj)
        if key not in self._text:
            parts = [obj["name"], obj.get("description", ""), obj.get("owner", "")]
            parts += [f"{k}={v}" for k, v in (obj.get("tags") or {}).items()]
            parts += [f["name"] for f in obj.get("schema", [])]
            parts += obj.get("entities", [])
            self._text[key] = "\n".join(parts).lower()
        return self._text[key]


def _matches(obj: dict, f: Filters) -> bool:
    tags = obj.get("tags") or {}
    if f.project and obj["project"] != f.project:
        return False
    if f.owner and f.owner not in (obj.get("owner"), tags.get("owner"), tags.get("repository")):
        return False
    if f.team and tags.get("team") != f.team:
        return False
    if f.classification and tags.get("classification") != f.classification:
        return False
    if f.entity and f.entity not in obj.get("entities", ()) and obj["name"] != f.entity:
        return False
    return all(tags.get(k) == v for k, v in f.tags.items())
