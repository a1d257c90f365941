"""Online features of one customer, read from the Feast online store of this repo's feature repo.

    get_online_features(1001) -> {"tenure_months": 6.0, "monthly_charges": 19.14, ...} or None

The feature repo is ``features/`` (feature_store.yaml, definitions.py): found through the
environment variable MLGOLDEN_FEATURE_REPO, else ``./features`` of the working directory, else
next to the source tree. The registry is the one in feature_store.yaml unless
{{ cookiecutter.platform.feature_store.registry_env }} is set (as in features/register.py). Feast is imported lazily: the package
imports, and the model trains and predicts, without it. The stores are those of the platform
environment ({{ cookiecutter.platform.environment_variable }}, see environment.py). Returns None only when the customer has no
features in the online store; a store that cannot answer raises FeatureStoreUnavailable, which
the service turns into a 503 (never a 404).
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import environment

log = logging.getLogger(__name__)

FEATURES = ["tenure_months", "monthly_charges", "support_calls"]
FEATURE_SERVICE = "{{ cookiecutter.package_name }}_service"
REGISTRY_ENV = "{{ cookiecutter.platform.feature_store.registry_env }}"
REPO_ENV = "MLGOLDEN_FEATURE_REPO"
FILE_SCHEMES = ("gs", "s3", "file")


class FeatureStoreUnavailable(RuntimeError):
    """The online store (or its registry) could not answer: not the same as an unknown customer."""


def feature_repo() -> Path | None:
    """The folder holding feature_store.yaml, or None."""
    candidates = []
    if os.environ.get(REPO_ENV):
        candidates.append(Path(os.environ[REPO_ENV]))
    candidates.append(Path.cwd() / "features")
    candidates.extend(parent / "features" for parent in Path(__file__).resolve().parents[1:4])
    for candidate in candidates:
        if (candidate / "feature_store.yaml").is_file():
            return candidate.resolve()
    return None


def _registry_config(value: str) -> dict[str, Any]:
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme and scheme not in FILE_SCHEMES:
        return {"registry_type": "sql", "path": value, "cache_ttl_seconds": 60}
    return {"registry_type": "file", "path": value, "cache_ttl_seconds": 60}


@lru_cache(maxsize=1)
def _store() -> Any:
    import yaml
    from feast import FeatureStore
    from feast.repo_config import RepoConfig

    repo = feature_repo()
    if repo is None:
        raise FileNotFoundError(f"no features/feature_store.yaml (set {REPO_ENV})")
    text = os.path.expandvars((repo / "feature_store.yaml").read_text("utf-8"))
    raw = yaml.safe_load(text)
    raw.update(environment.feast_stores())
    override = os.environ.get(REGISTRY_ENV, "").strip()
    if override:
        raw["registry"] = _registry_config(override)
    config = RepoConfig(**raw)
    config.repo_path = repo.parent  # relative paths are relative to the project root
    return FeatureStore(repo_path=str(repo.parent), config=config)


def get_online_features(customer_id: int) -> dict[str, float] | None:
    """The customer's FEATURES from the online store, or None if it has none.

    Raises FeatureStoreUnavailable when the store cannot answer (Feast missing, no registry,
    feature service not applied, database unreachable)."""
    try:
        store = _store()
        service = store.get_feature_service(FEATURE_SERVICE)
        response = store.get_online_features(
            features=service, entity_rows=[{"customer_id": int(customer_id)}]
        ).to_dict()
    except ImportError as exc:
        raise FeatureStoreUnavailable(
            "feast is not installed (pip install -r features/requirements.txt)"
        ) from exc
    except Exception as exc:  # no registry yet, feature service not applied, store unreachable
        _store.cache_clear()  # reconnect on the next request: the store may be back
        raise FeatureStoreUnavailable(f"online features unavailable: {exc}") from exc
    values = {name: (response.get(name) or [None])[0] for name in FEATURES}
    if any(value is None for value in values.values()):
        return None
    return {name: float(value) for name, value in values.items()}
