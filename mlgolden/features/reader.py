"""Read a Feast registry into a JSON snapshot. Run by the Feast interpreter, not by mlgolden:

    FEAST_PYTHON reader.py REGISTRY OUT.json

REGISTRY is a file path (a file registry) or a SQLAlchemy URL (a SQL registry). Nothing is
written to the registry. This file imports only Feast and the standard library.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

SQL_PREFIXES = ("postgresql", "mysql", "sqlite:", "mssql", "oracle")


def registry_config(value: str) -> dict:
    if value.split("://", 1)[0].lower().startswith(SQL_PREFIXES):
        return {"registry_type": "sql", "path": value, "cache_ttl_seconds": 0}
    path = value if "://" in value else str(Path(value).resolve())  # the store's repo_path is a temp dir
    return {"registry_type": "file", "path": path, "cache_ttl_seconds": 0}


def moment(value) -> str | None:
    return value.isoformat() if value else None


def base(kind: str, project: str, obj) -> dict:
    return {
        "kind": kind,
        "project": project,
        "name": obj.name,
        "description": getattr(obj, "description", "") or "",
        "owner": getattr(obj, "owner", "") or "",
        "tags": dict(getattr(obj, "tags", None) or {}),
        "created": moment(getattr(obj, "created_timestamp", None)),
        "updated": moment(getattr(obj, "last_updated_timestamp", None)),
    }


def feature_view(project: str, view, kind: str = "feature_view") -> dict:
    item = base(kind, project, view)
    intervals = getattr(view, "materialization_intervals", None) or []
    ttl = getattr(view, "ttl", None)
    source = getattr(view, "batch_source", None)
    item.update(
        entities=list(getattr(view, "entities", None) or []),
        schema=[{"name": f.name, "dtype": str(f.dtype)} for f in view.features],
        entity_columns=[{"name": f.name, "dtype": str(f.dtype)} for f in getattr(view, "entity_columns", [])],
        ttl_seconds=int(ttl.total_seconds()) if ttl else None,
        online=bool(getattr(view, "online", False)),
        source=source.name if source is not None else None,
        version=getattr(view, "version", None) or "latest",
        version_number=getattr(view, "current_version_number", None),
        last_materialized=moment(max((end for _, end in intervals), default=None)),
    )
    return item


def project_names(registry) -> list[str]:
    """Every project with objects: a partial apply records its objects but not always a Project."""
    names = {p.name for p in registry.list_projects(allow_cache=False)}
    proto = registry.proto()
    for group in (proto.entities, proto.data_sources, proto.feature_views, proto.feature_services):
        names.update(item.spec.project if hasattr(item, "spec") else item.project for item in group)
    return sorted(names)


def read(registry_value: str) -> dict:
    from feast import FeatureStore, __version__
    from feast.repo_config import RepoConfig

    tmp = tempfile.mkdtemp(prefix="mlgolden-feast-read-")
    config = RepoConfig(
        project="mlgolden_catalog_reader",
        provider="local",
        registry=registry_config(registry_value),
        online_store={"type": "sqlite", "path": str(Path(tmp) / "online.db")},
        offline_store={"type": "file"},
        entity_key_serialization_version=3,
    )
    config.repo_path = Path(tmp)
    registry = FeatureStore(repo_path=tmp, config=config).registry
    objects: list[dict] = []
    projects = project_names(registry)
    for project in projects:
        for entity in registry.list_entities(project, allow_cache=False):
            item = base("entity", project, entity)
            item.update(join_key=entity.join_key, value_type=str(entity.value_type.name))
            objects.append(item)
        for source in registry.list_data_sources(project, allow_cache=False):
            item = base("data_source", project, source)
            item.update(type=type(source).__name__)
            objects.append(item)
        for view in registry.list_feature_views(project, allow_cache=False):
            objects.append(feature_view(project, view))
        for view in registry.list_on_demand_feature_views(project, allow_cache=False):
            objects.append(feature_view(project, view, "on_demand_feature_view"))
        for view in registry.list_stream_feature_views(project, allow_cache=False):
            objects.append(feature_view(project, view, "stream_feature_view"))
        for service in registry.list_feature_services(project, allow_cache=False):
            item = base("feature_service", project, service)
            item.update(
                features=[
                    {"view": p.name, "features": [f.name for f in p.features]}
                    for p in service.feature_view_projections
                ]
            )
            objects.append(item)
        for permission in registry.list_permissions(project, allow_cache=False):
            item = base("permission", project, permission)
            item.update(
                types=[t.__name__ for t in permission.types],
                name_patterns=list(permission.name_patterns or []),
                required_tags=dict(permission.required_tags or {}),
                actions=sorted(a.value for a in permission.actions),
                roles=sorted(getattr(permission.policy, "roles", []) or []),
            )
            objects.append(item)
    return {"feast_version": __version__, "projects": projects, "objects": objects}


def main(registry_value: str, out: str) -> int:
    result = read(registry_value)
    Path(out).write_text(json.dumps(result), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
