"""The platform environment this process runs in, and its shared services.

The environment is chosen at run time by ONE variable, {{ cookiecutter.platform.environment_variable }} (unset: ``local``), so
the same image runs in every environment: the DAG's pods and the Cloud Run service set it. Each
environment's services come from the platform settings this project was generated with:

- ``feature_store``: Feast's registry, online store and offline store mappings, handed to Feast
  as they are (``feast_stores()``);
- ``warehouse``: where batch predictions are written (``warehouse()``);
- ``image_registry``: where that environment's deploys pull the promoted image from.

``local`` works on a laptop with nothing installed (SQLite files under data/). Credentials are
never here: ``${VAR}`` references are expanded from the process environment when read, and a
missing variable is an error naming it.
"""

from __future__ import annotations

import copy
import json
import os
import re
from typing import Any

ENV_VAR = {{ cookiecutter.platform.environment_variable|py_str }}
DEFAULT = "local"
# The platform's environments as generated (JSON: a raw string keeps its escapes).
ENVIRONMENTS: dict[str, dict[str, Any]] = json.loads(
    r"""
{{ cookiecutter.platform.environments|tojson(indent=4) }}
"""
)
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ConfigError(RuntimeError):
    """The environment, or a variable one of its services needs, is not configured."""


def name() -> str:
    """The environment of this process: ${ENV_VAR}, else ``local``."""
    value = os.environ.get(ENV_VAR, "").strip() or DEFAULT
    if value not in ENVIRONMENTS:
        known = ", ".join(sorted(ENVIRONMENTS))
        raise ConfigError(f"{ENV_VAR}={value!r} is not one of the environments: {known}")
    return value


def expand(value: Any) -> Any:
    """``${VAR}`` references in strings replaced by the process environment's values."""
    if isinstance(value, dict):
        return {k: expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expand(v) for v in value]
    if isinstance(value, str):

        def lookup(match: re.Match[str]) -> str:
            variable = match.group(1)
            if variable not in os.environ:
                raise ConfigError(f"{variable} is not set (the {name()} environment needs it)")
            return os.environ[variable]

        return _REFERENCE.sub(lookup, value)
    return value


def settings(env: str | None = None) -> dict[str, Any]:
    """The services of ``env`` (default: this process's environment), references expanded."""
    return expand(copy.deepcopy(ENVIRONMENTS[env or name()]))


def feast_stores(env: str | None = None) -> dict[str, Any]:
    """Feast's ``registry``, ``online_store`` and ``offline_store`` mappings of the environment."""
    stores = settings(env).get("feature_store")
    if not stores:
        raise ConfigError(f"the {env or name()} environment has no feature store")
    return stores


def warehouse(env: str | None = None) -> dict[str, Any]:
    """The warehouse mapping (``type`` sqlite, postgres or bigquery) of the environment."""
    config = settings(env).get("warehouse")
    if not config:
        raise ConfigError(f"the {env or name()} environment has no warehouse")
    return config
