"""`mlgolden features list|search|show|lineage` over one registry shared by two teams' projects,
registered with the real Feast: a file registry, and a SQL registry on PostgreSQL."""

from __future__ import annotations

import json
import os

import pytest

from mlgolden.errors import UsageError
from mlgolden.features.catalog import Catalog, Filters, parse_kinds, parse_tags
from tests.features_helpers import WINDOW, feast_python, register, team_project
from tests.matrix.conftest import postgres  # noqa: F401 - the session's PostgreSQL server

VIEW_A = "churn_scores_customer_features"
VIEW_B = "fraud_api_customer_features"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """Two projects of two teams registered into one file registry; the first one materialised."""
    feast_python()
    root = tmp_path_factory.mktemp("shared")
    with pytest.MonkeyPatch.context() as patch:
        home = root / "home"
        home.mkdir()
        (home / ".gitconfig").write_text("[user]\n\tname = T\n\temail = t@example.com\n")
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        patch.delenv("MLGOLDEN_PLATFORM", raising=False)
        churn = team_project(root / "a", "churn-scores", "data-science", "internal")
        fraud = team_project(root / "b", "fraud-api", "risk", "confidential")
    registry = str(root / "registry.db")
    register(churn, registry, ["apply"], ["materialize", *WINDOW], work=root / "feast-a")
    register(fraud, registry, ["apply"], work=root / "feast-b")
    return {"registry": registry, "churn": churn, "fraud": fraud, "cache": root / "cache"}


@pytest.fixture
def features(shared, cli, monkeypatch):
    """`mlgolden features ...` against the shared registry (one snapshot cache for the module)."""
    monkeypatch.setenv("MLGOLDEN_FEAST_PYTHON", feast_python())
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared["cache"]))

    def run(*args: str):
        return cli("features", *args, "--registry", shared["registry"])

    return run


@pytest.mark.slow
def test_list_filters_by_team_classification_and_entity(features):
    everything = features("list")
    assert everything.code == 0, everything.err
    assert VIEW_A in everything.out and VIEW_B in everything.out
    assert "2 object(s)" in everything.out
    risk = features("list", "--team", "risk")
    assert VIEW_B in risk.out and VIEW_A not in risk.out
    pii = features("list", "--classification", "confidential", "--format", "json")
    (only,) = json.loads(pii.out)["objects"]
    assert (only["name"], only["team"], only["repository"]) == (VIEW_B, "risk", "fraud-api")
    assert [f["name"] for f in only["schema"]] == ["tenure_months", "monthly_charges", "support_calls"]
    services = features("list", "--kind", "feature_service,entity", "--owner", "churn-scores")
    assert "churn_scores_service" in services.out and "fraud_api" not in services.out


@pytest.mark.slow
def test_search_show_and_freshness(features):
    hits = features("search", "fraud tenure")
    assert hits.code == 0 and VIEW_B in hits.out and VIEW_A not in hits.out
    best = features("search", "customer features", "--limit", "1")
    assert "1 more match(es)" in best.out and best.out.count("_customer_features ") == 1
    assert features("search", "x", "--limit", "-1").code == 2
    shown = json.loads(features("show", VIEW_A, "--format", "json").out)
    (view,) = shown
    assert view["last_materialized"] and view["last_materialized"] >= "2026", "materialised in the fixture"
    assert view["used_by"] == ["churn_scores_service"]
    assert view["version"] == "latest"
    other = json.loads(features("show", VIEW_B, "-f", "json").out)[0]
    assert other["last_materialized"] is None, "never materialised"
    text = features("show", VIEW_B).out
    assert "monthly_charges" in text and "Float64" in text and "used by: fraud_api_service" in text
    missing = features("show", "no_such_view")
    assert missing.code == 2 and missing.err.startswith("error: no feature view") and not missing.out


@pytest.mark.slow
def test_lineage_and_catalog_pages(features, tmp_path):
    rows = json.loads(features("lineage", f"{VIEW_A}:tenure_months", "-f", "json").out)["used_by"]
    assert [(r["feature_service"], r["repository"], r["team"]) for r in rows] == [
        ("churn_scores_service", "churn-scores", "data-science")
    ]
    page = tmp_path / "catalog.html"
    result = features("list", "--format", "html", "--output", str(page))
    assert result.code == 0 and not result.out
    html = page.read_text()
    assert html.startswith("<!doctype html>") and f'<section id="{VIEW_B}">' in html
    markdown = features("list", "-f", "markdown").out
    assert f"## {VIEW_A}" in markdown and "| tenure_months | Int64 |" in markdown
    bad = features("lineage", f"{VIEW_A}:no_such_feature")
    assert bad.code == 2 and "no feature 'no_such_feature'" in bad.err


@pytest.mark.slow
def test_snapshot_is_reused_until_the_registry_file_changes(features, shared, monkeypatch):
    assert features("list").code == 0  # cached (or cached now)
    monkeypatch.setenv("MLGOLDEN_FEAST_PYTHON", "/nonexistent/python")
    assert features("list").code == 0, "an unchanged file registry is read from the snapshot"
    registry = shared["registry"]
    os.utime(registry, ns=(1, 1))
    stale = features("list")
    assert stale.code == 2 and "needs Feast" in stale.err


@pytest.mark.slow
def test_sql_registry_on_postgres(postgres, shared, cli, monkeypatch, tmp_path):  # noqa: F811
    url = postgres.create_database("features_discovery")
    register(shared["churn"], url, ["apply"], work=tmp_path / "a")
    register(shared["fraud"], url, ["apply"], work=tmp_path / "b")
    monkeypatch.setenv("MLGOLDEN_FEAST_PYTHON", feast_python())
    monkeypatch.setenv("MLGOLDEN_FEAST_REGISTRY", url)
    listing = cli("features", "list", "--format", "json")
    assert listing.code == 0, listing.err
    data = json.loads(listing.out)
    assert data["registry"].startswith("SQL registry postgresql+psycopg2://***@127.0.0.1")
    assert sorted(o["name"] for o in data["objects"]) == [VIEW_A, VIEW_B]
    assert cli("features", "lineage", "fraud_api_customer").code == 0


# --- the catalog's rules on a snapshot, without Feast ----------------------------------------------


def _snapshot() -> dict:
    def view(name, team, entities, fields):
        return {
            "kind": "feature_view", "project": "p", "name": name, "description": f"{name} desc",
            "owner": f"repo-{team}", "tags": {"team": team, "classification": "internal"},
            "entities": entities, "schema": [{"name": f, "dtype": "Int64"} for f in fields],
        }  # fmt: skip

    return {
        "registry": "test",
        "objects": [
            view("customer_profile", "ds", ["customer"], ["tenure"]),
            view("card_activity", "risk", ["card"], ["tenure_of_card", "spend"]),
            {"kind": "entity", "project": "p", "name": "__dummy", "tags": {}},
            {
                "kind": "feature_service",
                "project": "p",
                "name": "churn_model",
                "tags": {"team": "ds"},
                "features": [{"view": "customer_profile", "features": ["tenure"]}],
            },  # fmt: skip
        ],
    }


def test_search_ranks_name_matches_first_and_needs_every_word():
    catalog = Catalog(_snapshot())
    assert [o["name"] for o in catalog.search("tenure", Filters())] == ["customer_profile", "card_activity"]
    assert [o["name"] for o in catalog.search("card tenure", Filters())] == ["card_activity"]
    assert catalog.search("tenure", Filters(entity="customer"))[0]["name"] == "customer_profile"
    assert catalog.search("nothing-like-this", Filters()) == []
    assert all(o["name"] != "__dummy" for o in catalog.select(Filters(kinds=parse_kinds("all"))))


def test_bad_filters_are_usage_errors():
    with pytest.raises(UsageError, match="KEY=VALUE"):
        parse_tags(["team"])
    with pytest.raises(UsageError, match="unknown kind"):
        parse_kinds("feature_table")
    with pytest.raises(UsageError, match="needs some text"):
        Catalog(_snapshot()).search("  ", Filters())
