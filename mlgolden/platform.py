"""Platform settings: the catalog's defaults, merged with an override file, stores checked."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from mlgolden.errors import UsageError
from mlgolden.loading import parse_model, read_yaml
from mlgolden.models import PlatformSettings
from mlgolden.stores import FEAST_SECTIONS, StoreError, check_feast, check_warehouse

ENV_VAR = "MLGOLDEN_PLATFORM"
# Mappings an override replaces whole: a store's fields only make sense together (a postgres online
# store keeps no `path` of the sqlite one it replaces).
WHOLE = frozenset({*FEAST_SECTIONS, "warehouse"})
LEGACY_STORES = ("registry", "online_store", "offline_store")


def deep_merge(base: dict, override: dict) -> dict:
    """``override`` over ``base``: mappings merge key by key, except the store mappings (WHOLE).
    A null in ``override`` means "not set" (recorded settings hold nulls for optional fields)."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if value is None and key in merged:
            continue
        if key not in WHOLE and isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _lift_legacy(data: dict) -> dict:
    """Settings written before per-environment stores set ``feature_store.online_store`` (etc.):
    they are the ``local`` environment's stores."""
    fs = data.get("feature_store")
    if not isinstance(fs, dict) or not any(k in fs for k in LEGACY_STORES):
        return data
    data = copy.deepcopy(data)
    fs = data["feature_store"]
    envs = data.setdefault("environments", {})
    if not isinstance(envs, dict):
        return data
    local = envs.setdefault("local", {}) or {}
    envs["local"] = local
    if isinstance(local, dict):
        stores = local.setdefault("feature_store", {})
        if isinstance(stores, dict):
            for key in LEGACY_STORES:
                value = fs.pop(key, None)
                if key == "registry" and isinstance(value, str) and "://" not in value:
                    value = {"registry_type": "file", "path": value}  # what Feast reads it as
                if value is not None:
                    stores[key] = value
    return data


def load_platform(defaults: dict, override_file: Path | None = None) -> PlatformSettings:
    """The catalog's platform defaults, merged with ``--platform`` or ``$MLGOLDEN_PLATFORM``."""
    data = _lift_legacy(defaults)
    override: dict = {}
    origin = "platform settings of the catalog"
    if override_file is None and os.environ.get(ENV_VAR):
        override_file = Path(os.environ[ENV_VAR])
    if override_file is not None:
        loaded = read_yaml(override_file, what="platform settings")
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise UsageError(f"platform settings {override_file} must be a YAML mapping")
        override = _lift_legacy(loaded)
        data = deep_merge(data, override)
        origin = f"platform settings {override_file}"
    settings = parse_model(PlatformSettings, data, origin=origin)
    check_stores(data, override, override_file)
    return settings


def check_stores(data: dict, override: dict, override_file: Path | None) -> None:
    """Every environment's store mappings as Feast (and the generated code) would read them; an
    error names the file the refused mapping came from, its key and the reason."""
    for name, env in (data.get("environments") or {}).items():
        if not isinstance(env, dict):
            continue
        stores = env.get("feature_store") or {}
        checks = [
            (f"feature_store.{s}", check_feast, s, stores.get(s)) for s in FEAST_SECTIONS if s in stores
        ]
        if "warehouse" in env and env["warehouse"] is not None:
            checks.append(("warehouse", check_warehouse, None, env["warehouse"]))
        for key, check, section, mapping in checks:
            where = f"environments.{name}.{key}"
            try:
                check(section, mapping, where) if section else check(mapping, where)
            except StoreError as exc:
                from_override = override_file is not None and _has(override, where)
                source = (
                    f"platform settings {override_file}"
                    if from_override
                    else "platform settings of the catalog"
                )
                raise UsageError(f"{source}: {exc.key}: {exc.reason}") from None


def _has(data: dict, dotted: str) -> bool:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def lookup(settings: PlatformSettings | dict, dotted: str) -> Any:
    """Read ``a.b.c`` from the settings; an unknown path is a catalog error."""
    node: Any = settings.model_dump() if isinstance(settings, PlatformSettings) else settings
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise UsageError(f"the catalog refers to unknown platform setting {dotted!r}")
        node = node[part]
    return node
