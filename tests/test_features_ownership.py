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
