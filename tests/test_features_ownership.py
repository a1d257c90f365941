"""Ownership in the shared registry, with the real Feast: an object carries its owner (team and
repository) in Feast's own `owner` field, and a second repository with the same name but another
team cannot take it over."""

from __future__ import annotations

import json

import pytest

from tests.features_helpers import feast_python, register, team_project

pytestmark = pytest.mark.slow
VIEW = "churn_scores_customer_features"


def test_same_name_other_team_cannot_take_over(tmp_path, cli, monkeypatch):
    ours = team_project(tmp_path / "a", "churn-scores", "data-science")
    theirs = team_project(tmp_path / "b", "churn-scores", "marketing")
    registry = str(tmp_path / "registry.db")
    register(ours, registry, ["apply"], work=tmp_path / "feast-a")
    (refused,) = register(theirs, registry, ["apply"], work=tmp_path / "feast-b", expect=[2])
    assert "refusing to apply into the shared project" in refused["stderr"]
    expected = f"feature view {VIEW!r} is owned by 'data-science/churn-scores', not by this repository"
    assert f"{expected} 'marketing/churn-scores'" in refused["stderr"]
    assert "applied" not in refused["stdout"]
    # The registry still holds the first repository's view, with its owner in Feast's own field.
    monkeypatch.setenv("MLGOLDEN_FEAST_PYTHON", feast_python())
    shown = cli("features", "show", VIEW, "--registry", registry, "--format", "json")
    assert shown.code == 0, shown.err
    (view,) = json.loads(shown.out)
    assert (view["owner"], view["team"], view["repository"]) == (
        "data-science/churn-scores",
        "data-science",
        "churn-scores",
    )
    # The owner itself may re-apply.
    register(ours, registry, ["apply"], work=tmp_path / "feast-a2")


CONSUMER = """

# Reuse: this repository's model also reads churn-scores' tenure_months (by reference).
churn_view = FeatureView(
    name="churn_scores_customer_features",
    entities=[customer],
    schema=[Field(name="tenure_months", dtype=Int64)],
    source=customer_features_source,
)
reuse = FeatureService(
    name=f"{PREFIX}_reuses_churn",
    features=[churn_view[["tenure_months"]]],
    description="The fraud model also reads tenure.",
    tags=TAGS,
    owner=OWNER_ID,
)
OBJECTS.append(reuse)
"""


def test_plan_blocks_dropping_a_field_another_repository_reads(tmp_path):
    churn = team_project(tmp_path / "a", "churn-scores", "data-science")
    fraud = team_project(tmp_path / "b", "fraud-api", "risk")
    definitions = fraud / "features" / "definitions.py"
    definitions.write_text(definitions.read_text() + CONSUMER)
    registry = str(tmp_path / "registry.db")
    register(churn, registry, ["plan"], ["apply"], work=tmp_path / "feast-a")
    register(fraud, registry, ["apply"], work=tmp_path / "feast-b")
    ours = churn / "features" / "definitions.py"
    original = ours.read_text()
    # Retyping a field nobody else reads is fine; dropping one that fraud-api's model reads is not.
    ours.write_text(
        original.replace(
            'Field(name="monthly_charges", dtype=Float64)', 'Field(name="monthly_charges", dtype=Int64)'
        )
    )
    register(churn, registry, ["plan"], work=tmp_path / "feast-retype")
    ours.write_text(original.replace('        Field(name="tenure_months", dtype=Int64),\n', ""))
    (blocked,) = register(churn, registry, ["plan"], work=tmp_path / "feast-drop", expect=[1])
    assert (
        "this change drops churn_scores_customer_features.tenure_months, which feature service "
        "'fraud_api_reuses_churn' of 'risk/fraud-api' reads"
    ) in blocked["stderr"]
    ours.write_text(original.replace("description=DESCRIPTION,\n", ""))
    (undocumented,) = register(churn, registry, ["plan"], work=tmp_path / "feast-doc", expect=[1])
    assert "FeatureView 'churn_scores_customer_features' has no description" in undocumented["stderr"]
