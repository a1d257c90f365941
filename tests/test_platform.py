"""Platform settings per environment: the stores are Feast's own mappings, replaced whole by an
override, checked against the pinned Feast's fields, and never hold a literal credential."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlgolden.catalog import open_catalog
from mlgolden.errors import UsageError
from mlgolden.platform import load_platform
from mlgolden.project import MANIFEST
from mlgolden.stores import feast_schemas
from tests.helpers import listing

POSTGRES = {
    "type": "postgres",
    "host": "db.internal",
    "port": 5432,
    "database": "feast",
    "user": "feast",
    "password": "${FEAST_DB_PASSWORD}",
}


def _defaults() -> dict:
    return open_catalog(None, None).platform_defaults()


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "platform.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_builtin_environments_local_dev_prod_with_gcp_services():
    settings = load_platform(_defaults())
    assert settings.environment_variable == "MLGOLDEN_ENV"
    local = settings.environments["local"]
    assert local.feature_store.online_store == {"type": "sqlite", "path": "data/online_store.db"}
    assert local.warehouse["type"] == "sqlite"
    for name in ("dev", "prod"):
        env = settings.environments[name]
        assert env.project and env.region
        assert env.feature_store.offline_store["type"] == "bigquery"
        assert env.feature_store.online_store["type"] in {"datastore", "bigtable", "redis"}
        assert env.warehouse["type"] == "bigquery"
        assert env.image_registry.endswith("docker.pkg.dev/" + env.project + "/mlplatform")
        assert env.feature_store.registry["path"] == "${MLGOLDEN_FEAST_REGISTRY}"
    # the legacy keys mirror the local environment for templates that read them
    assert settings.feature_store.online_store == local.feature_store.online_store
    assert settings.feature_store.registry == "data/feature_registry.db"


def test_a_store_mapping_is_replaced_whole_not_merged(tmp_path):
    override = {"environments": {"local": {"feature_store": {"online_store": POSTGRES}}}}
    settings = load_platform(_defaults(), _write(tmp_path, override))
    local = settings.environments["local"].feature_store
    assert local.online_store == POSTGRES, "no `path` of the SQLite store may survive"
    assert local.offline_store == {"type": "file"}, "the stores not named keep their defaults"
    assert settings.environments["dev"].project == "acme-ml-dev", "environments still merge by key"


def test_a_ci_environment_on_postgres_is_accepted_and_recorded(cli, tmp_path):
    ci = {
        "feature_store": {
            "registry": {"registry_type": "sql", "path": "${MLGOLDEN_FEAST_REGISTRY}"},
            "online_store": POSTGRES,
            "offline_store": {**POSTGRES},
        },
        "warehouse": POSTGRES | {"db_schema": "predictions"},
    }
    path = _write(tmp_path, {"environments": {"ci": ci}})
    result = cli(
        "new",
        "--no-input",
        "--pattern",
        "live-service",
        "--output-dir",
        str(tmp_path / "o"),
        "--platform",
        str(path),
    )
    assert result.code == 0, result.err
    recorded = yaml.safe_load((tmp_path / "o" / "churn-model" / MANIFEST).read_text())["platform"]
    assert recorded["environments"]["ci"]["feature_store"]["online_store"] == POSTGRES
    assert recorded["environments"]["ci"]["warehouse"]["db_schema"] == "predictions"


def test_legacy_store_keys_in_an_override_set_the_local_environment(tmp_path):
    override = {"feature_store": {"online_store": POSTGRES}}
    settings = load_platform(_defaults(), _write(tmp_path, override))
    assert settings.environments["local"].feature_store.online_store == POSTGRES
    assert settings.feature_store.online_store == POSTGRES


def test_answers_files_from_before_environments_held_stores_still_parse():
    old = yaml.safe_load((Path(__file__).parents[1] / "platform.yml").read_text())
    old["environments"] = {k: v for k, v in old["environments"].items() if k in ("dev", "prod")}
    for env in old["environments"].values():
        for key in ("feature_store", "warehouse", "image_registry"):
            env.pop(key)
    old["feature_store"].update(
        registry="data/feature_registry.db", online_store={"type": "sqlite", "path": "x.db"}
    )
    old["feature_store"]["offline_store"] = {"type": "file"}
    settings = load_platform(old)
    assert settings.environments["local"].feature_store.online_store == {"type": "sqlite", "path": "x.db"}


REFUSED = [
    # (case, mapping under environments.dev, key named in the error, reason)
    (
        "merged-sqlite-path-in-postgres",
        {"feature_store": {"online_store": {**POSTGRES, "path": "data/online_store.db"}}},
        "environments.dev.feature_store.online_store.path",
        "Extra inputs are not permitted",
    ),
    (
        "missing-required",
        {"feature_store": {"online_store": {"type": "postgres", "host": "db", "password": "${P}"}}},
        "environments.dev.feature_store.online_store.database",
        "Field required",
    ),
    (
        "unknown-type",
        {"feature_store": {"offline_store": {"type": "excel"}}},
        "environments.dev.feature_store.offline_store.type",
        "'excel' is not one",
    ),
    (
        "wrong-kind",
        {"feature_store": {"online_store": {**POSTGRES, "port": "five"}}},
        "environments.dev.feature_store.online_store.port",
        "valid integer",
    ),
    (
        "literal-password",
        {"feature_store": {"online_store": {**POSTGRES, "password": "hunter2"}}},
        "environments.dev.feature_store.online_store.password",
        "literal credential",
    ),
    (
        "password-in-registry-url",
        {
            "feature_store": {
                "registry": {"registry_type": "sql", "path": "postgresql://feast:hunter2@db/feast"}
            }
        },
        "environments.dev.feature_store.registry.path",
        "literal password",
    ),
    (
        "warehouse-password",
        {"warehouse": {**POSTGRES, "password": "hunter2"}},
        "environments.dev.warehouse.password",
        "literal credential",
    ),
    (
        "warehouse-unknown-type",
        {"warehouse": {"type": "csv", "path": "out.csv"}},
        "environments.dev.warehouse.type",
        "'csv' is not one of",
    ),
]


@pytest.mark.parametrize(("case", "env", "key", "reason"), REFUSED, ids=[c[0] for c in REFUSED])
def test_a_store_feast_would_reject_is_refused_by_new_naming_file_key_reason(
    cli, tmp_path, case, env, key, reason
):
    path = _write(tmp_path, {"environments": {"dev": env}})
    out = tmp_path / "out"
    out.mkdir()
    result = cli("new", "--no-input", "--output-dir", str(out), "--platform", str(path))
    assert result.code == 2, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert str(path) in lines[0] and key in lines[0] and reason in lines[0], lines[0]
    assert "hunter2" not in result.err, "the refused secret is not echoed"
    assert listing(out) == []


def test_an_env_reference_in_a_url_password_is_accepted(tmp_path):
    url = "postgresql+psycopg2://feast:${PGPASSWORD}@db/feast"
    override = {
        "environments": {"dev": {"feature_store": {"registry": {"registry_type": "sql", "path": url}}}}
    }
    settings = load_platform(_defaults(), _write(tmp_path, override))
    assert settings.environments["dev"].feature_store.registry["path"] == url


def test_a_refused_store_in_the_catalog_names_the_catalog():
    data = _defaults()
    data["environments"]["prod"]["feature_store"]["online_store"] = {"type": "datastore", "colour": "blue"}
    with pytest.raises(
        UsageError, match=r"of the catalog: environments\.prod\.feature_store\.online_store\.colour"
    ):
        load_platform(data)


def test_the_feast_schema_table_covers_the_built_in_store_types():
    schemas = feast_schemas()
    settings = load_platform(_defaults())
    for env in settings.environments.values():
        assert env.feature_store.online_store["type"] in schemas["online_store"]
        assert env.feature_store.offline_store["type"] in schemas["offline_store"]
