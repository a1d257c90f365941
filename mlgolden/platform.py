"""Platform settings: the catalog's defaults, merged with an override file."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from mlgolden.errors import UsageError
from mlgolden.loading import parse_model, read_yaml
from mlgolden.models import PlatformSettings

ENV_VAR = "MLGOLDEN_PLATFORM"


def deep_merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_platform(defaults: dict, override_file: Path | None = None) -> PlatformSettings:
    """The catalog's platform defaults, merged with ``--platform`` or ``$MLGOLDEN_PLATFORM``."""
    data = defaults
    origin = "platform settings of the catalog"
    if override_file is None and os.environ.get(ENV_VAR):
        override_file = Path(os.environ[ENV_VAR])
    if override_file is not None:
        override = read_yaml(override_file, what="platform settings")
        if override is None:
            override = {}
        if not isinstance(override, dict):
            raise UsageError(f"platform settings {override_file} must be a YAML mapping")
        data = deep_merge(defaults, override)
        origin = f"platform settings {override_file}"
    return parse_model(PlatformSettings, data, origin=origin)


def lookup(settings: PlatformSettings | dict, dotted: str) -> Any:
    """Read ``a.b.c`` from the settings; an unknown path is a catalog error."""
    node: Any = settings.model_dump() if isinstance(settings, PlatformSettings) else settings
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise UsageError(f"the catalog refers to unknown platform setting {dotted!r}")
        node = node[part]
    return node
