"""Store mappings of the platform settings, checked the way Feast and the generated code read them.

Feast's registry, online store and offline store are written in platform settings as Feast's own
configuration mappings (they become the generated ``feature_store.yaml``); the warehouse is
mlgolden's own small mapping (where batch predictions are written). Two rules hold for all of them:

- Feast would accept the mapping: the fields of each store type are those of the pinned Feast
  version (``feast_stores.json``, written from Feast by ``scripts/feast-store-schemas.py``), so a
  platform file that Feast would reject is refused at ``new`` time with Feast's reason.
- No credential is written as a value: a password, token or secret field, and the password of a
  URL, must be a ``${ENV_VAR}`` reference, which Feast and the generated code expand at run time.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

FEAST_SECTIONS = ("registry", "online_store", "offline_store")
ENV_REFERENCE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")
SECRET_KEY = re.compile(r"(pass(word|wd)?|secret|token|credential|api_?key|private_?key)", re.IGNORECASE)
URL_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s:]*:(?P<password>[^@/\s]*)@", re.IGNORECASE)

# The warehouse (predictions table) kinds and their fields: name -> required.
WAREHOUSE_FIELDS: dict[str, dict[str, bool]] = {
    "sqlite": {"type": True, "path": True},
    "postgres": {
        "type": True,
        "host": True,
        "port": False,
        "database": True,
        "db_schema": False,
        "user": True,
        "password": True,
        "sslmode": False,
    },
    "bigquery": {"type": True, "project": True, "dataset": True, "location": False},
}


class StoreError(ValueError):
    """A store mapping refused: ``key`` is the dotted path below the mapping, ``reason`` why."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


@cache
def feast_schemas() -> dict[str, Any]:
    text = resources.files("mlgolden").joinpath("feast_stores.json").read_text("utf-8")
    return json.loads(text)


def check_credentials(mapping: Any, key: str) -> None:
    """Refuse a literal credential anywhere in ``mapping`` (``key`` is its dotted location)."""
    if isinstance(mapping, dict):
        for name, value in mapping.items():
            where = f"{key}.{name}"
            if isinstance(value, (dict, list)):
                check_credentials(value, where)
            elif isinstance(value, str) and SECRET_KEY.search(str(name)) and not ENV_REFERENCE.match(value):
                raise StoreError(where, "a literal credential; write a ${ENV_VAR} reference instead")
            else:
                check_credentials(value, where)
    elif isinstance(mapping, list):
        for i, value in enumerate(mapping):
            check_credentials(value, f"{key}[{i}]")
    elif isinstance(mapping, str):
        match = URL_PASSWORD.match(mapping)
        if match and match.group("password") and not ENV_REFERENCE.match(match.group("password")):
            raise StoreError(
                key, "a URL with a literal password; write the password as a ${ENV_VAR} reference"
            )


def _check_fields(mapping: dict, fields: dict[str, dict], key: str, what: str) -> None:
    for name, spec in fields.items():
        if spec["required"] and name not in mapping:
            raise StoreError(f"{key}.{name}", f"Field required ({what})")
    for name, value in mapping.items():
        if name not in fields:
            raise StoreError(f"{key}.{name}", f"Extra inputs are not permitted ({what})")
        kind = fields[name]["kind"]
        if isinstance(value, str) and "${" in value:
            continue  # expanded by Feast at run time
        if not _fits(value, kind):
            raise StoreError(f"{key}.{name}", f"Input should be a valid {_KIND_NAMES[kind]} ({what})")


_KIND_NAMES = {"str": "string", "int": "integer", "bool": "boolean", "float": "number", "any": "value"}


def _fits(value: Any, kind: str) -> bool:
    if kind == "any":
        return True
    if kind == "str":
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and value.strip().lstrip("-").isdigit()
        )
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_feast(section: str, mapping: Any, key: str) -> None:
    """Refuse what Feast's ``RepoConfig`` would refuse for ``section`` (registry, online_store, …)."""
    schemas = feast_schemas()
    version = f"Feast {schemas['feast_version']}"
    if section == "registry":
        if isinstance(mapping, str):
            check_credentials(mapping, key)
            return
        if not isinstance(mapping, dict):
            raise StoreError(key, "Input should be a valid string or mapping (Feast registry)")
        _check_fields(mapping, schemas["registry"]["fields"], key, f"{version} registry")
        check_credentials(mapping, key)
        return
    if not isinstance(mapping, dict):
        raise StoreError(key, f"Input should be a valid mapping ({version} {section})")
    kind = mapping.get("type")
    known = schemas[section]
    if kind not in known:
        raise StoreError(
            f"{key}.type",
            f"{section.replace('_', ' ')} type {kind!r} is not one the platform supports "
            f"({version}: {', '.join(sorted(known))})",
        )
    _check_fields(mapping, known[kind]["fields"], key, f"{version} {kind} {section.replace('_', ' ')}")
    check_credentials(mapping, key)


def check_warehouse(mapping: Any, key: str) -> None:
    if not isinstance(mapping, dict):
        raise StoreError(key, "the warehouse must be a mapping with a 'type'")
    kind = mapping.get("type")
    if kind not in WAREHOUSE_FIELDS:
        raise StoreError(
            f"{key}.type", f"warehouse type {kind!r} is not one of {', '.join(WAREHOUSE_FIELDS)}"
        )
    fields = {name: {"required": req, "kind": "any"} for name, req in WAREHOUSE_FIELDS[kind].items()}
    _check_fields(mapping, fields, key, f"{kind} warehouse")
    check_credentials(mapping, key)
