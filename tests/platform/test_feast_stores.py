"""mlgolden's table of Feast's store fields (mlgolden/feast_stores.json) is Feast's own: it is
regenerated from the pinned Feast here, and the mappings mlgolden accepts and refuses are the ones
Feast's RepoConfig accepts and refuses."""

from __future__ import annotations

import json

import pytest

from mlgolden.catalog import open_catalog
from mlgolden.platform import load_platform
from mlgolden.stores import StoreError, check_feast
from tests.matrix.conftest import REPO_ROOT, run

pytestmark = pytest.mark.slow

POSTGRES = {
    "type": "postgres",
    "host": "db",
    "database": "feast",
    "user": "feast",
    "password": "${PGPASSWORD}",
}

# Checked with Feast's RepoConfig in the Feast venv: each mapping's online/offline store.
FEAST_CHECK = r"""
import json, sys
from feast.repo_config import RepoConfig
out = []
for case in json.load(open(sys.argv[1])):
    try:
        config = RepoConfig(project="p", provider="local", entity_key_serialization_version=3, **case)
        config.online_store, config.offline_store
        out.append("ok")
    except Exception as exc:
        out.append(type(exc).__name__ + ": " + str(exc).splitlines()[0])
print(json.dumps(out))
"""


def test_the_table_is_what_the_pinned_feast_says(feast_python, tmp_path):
    fresh = tmp_path / "feast_stores.json"
    run([feast_python, str(REPO_ROOT / "scripts" / "feast-store-schemas.py"), str(fresh)])
    shipped = json.loads((REPO_ROOT / "mlgolden" / "feast_stores.json").read_text())
    assert json.loads(fresh.read_text()) == shipped, (
        "Feast's store fields moved: run scripts/feast-store-schemas.py with the Feast venv"
    )


def _mine(section: str, mapping: dict) -> str:
    try:
        check_feast(section, mapping, section)
    except StoreError as exc:
        return exc.reason
    return "ok"


def test_mlgolden_accepts_and_refuses_what_feast_does(feast_python, tmp_path):
    local = load_platform(open_catalog(None, None).platform_defaults()).environments["local"].feature_store
    cases = [
        {
            "registry": local.registry,
            "online_store": local.online_store,
            "offline_store": local.offline_store,
        },
        {"registry": "r.db", "online_store": POSTGRES, "offline_store": POSTGRES},
        # the old key-by-key merge: a postgres store that kept SQLite's path
        {
            "registry": "r.db",
            "online_store": {**POSTGRES, "path": "data/online_store.db"},
            "offline_store": {"type": "file"},
        },
        {
            "registry": "r.db",
            "online_store": {"type": "postgres", "host": "db"},
            "offline_store": {"type": "file"},
        },
        {
            "registry": "r.db",
            "online_store": {"type": "sqlite"},
            "offline_store": {**POSTGRES, "colour": "x"},
        },
    ]
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    (tmp_path / "check.py").write_text(FEAST_CHECK)
    feast = json.loads(
        run([feast_python, str(tmp_path / "check.py"), str(tmp_path / "cases.json")], cwd=tmp_path).stdout
    )
    for case, theirs in zip(cases, feast, strict=True):
        ours = [_mine(s, case[s]) for s in ("registry", "online_store", "offline_store")]
        accepted = all(r == "ok" for r in ours)
        assert accepted == (theirs == "ok"), (case, ours, theirs)
    assert feast[0] == feast[1] == "ok"


def test_the_built_in_gcp_environments_are_valid_feast_config_as_written():
    """dev/prod point at GCP (BigQuery, Datastore): Feast's GCP extras are not installed here, so
    their mappings are checked against the fields read from Feast's source (the table)."""
    settings = load_platform(open_catalog(None, None).platform_defaults())
    for name in ("dev", "prod"):
        stores = settings.environments[name].feature_store
        for section in ("registry", "online_store", "offline_store"):
            assert _mine(section, getattr(stores, section)) == "ok", (name, section)
