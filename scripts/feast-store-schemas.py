"""Write mlgolden/feast_stores.json: the fields of Feast's store configurations, read from Feast.

Run with the Python of the pinned Feast venv (ci/feast.in), whenever that pin moves:

    ~/.cache/mlgolden-ci/venvs/feast/bin/python scripts/feast-store-schemas.py mlgolden/feast_stores.json

mlgolden checks a platform file's store mappings against this table at `new` time, without
installing Feast. Store classes whose optional dependencies are absent from the venv (BigQuery,
Datastore, Bigtable, Redis) are read from their source instead of imported: the annotated fields
of the pydantic config class, required when they have no default.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import sys
from pathlib import Path

import feast
from feast.repo_config import OFFLINE_STORE_CLASS_FOR_TYPE, ONLINE_STORE_CLASS_FOR_TYPE, RegistryConfig

# The store types mlgolden's platform settings may use: the embedded ones, PostgreSQL, and GCP's.
ONLINE = ["sqlite", "postgres", "redis", "datastore", "bigtable"]
OFFLINE = ["file", "dask", "duckdb", "postgres", "bigquery"]


def _kind(annotation: str) -> str:
    text = annotation.replace("typing.", "")
    for kind in ("bool", "int", "float", "str"):
        if text in (kind, f"<class '{kind}'>", f"Optional[{kind}]", "StrictStr" if kind == "str" else ""):
            return kind
    return "any"


def _from_class(cls) -> dict:
    return {
        name: {"required": field.is_required(), "kind": _kind(str(field.annotation))}
        for name, field in cls.model_fields.items()
    }


def _from_source(module: str, cls_name: str) -> dict:
    spec = importlib.util.find_spec(module)
    tree = ast.parse(Path(spec.origin).read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls_name:
            fields = {}
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    name = item.target.id
                    if name.startswith("_") or name == "model_config":
                        continue
                    fields[name] = {
                        "required": item.value is None,
                        "kind": _kind(ast.unparse(item.annotation)),
                    }
            return fields
    raise SystemExit(f"no class {cls_name} in {module}")


def _store(path: str) -> dict:
    module, cls_name = path.rsplit(".", 1)
    config = cls_name + "Config"
    try:
        cls = getattr(importlib.import_module(module), config)
    except Exception:  # noqa: BLE001 - an optional dependency of that store is missing
        fields = _from_source(module, config)
    else:
        fields = _from_class(cls)
    fields.setdefault("type", {"required": False, "kind": "str"})
    fields["type"]["required"] = True
    return {"class": path, "fields": fields}


def main(out: str) -> None:
    data = {
        "feast_version": feast.__version__,
        "registry": {"class": "feast.repo_config.RegistryConfig", "fields": _from_class(RegistryConfig)},
        "online_store": {t: _store(ONLINE_STORE_CLASS_FOR_TYPE[t]) for t in ONLINE},
        "offline_store": {t: _store(OFFLINE_STORE_CLASS_FOR_TYPE[t]) for t in OFFLINE},
    }
    Path(out).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", "utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
