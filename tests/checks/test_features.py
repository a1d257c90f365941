"""features: Feast definitions import, use the shared project, and touch only owned objects."""

from __future__ import annotations

import re

import pytest

from tests.helpers import findings, hide_validate_tools, require_validate_tools, status_of, validate_only

DEFINITIONS = "features/definitions.py"


def _edit(repo, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text()
    assert re.search(old, text, re.M), f"{old!r} not in {rel}"
    path.write_text(re.sub(old, new, text, count=1, flags=re.M))


def test_generated_definitions_plan_cleanly_with_feast(project, monkeypatch):
    require_validate_tools(monkeypatch, "feast")
    validation = validate_only(project(), "features", require_tools=True)
    assert status_of(validation, "features") == "passed", findings(validation, "features")
    assert re.search(
        r"feast plan \(Feast [\d.]+\) on an empty registry: \d+ to create", validation.results[0].notes[0]
    )


@pytest.mark.parametrize("with_feast", [True, False], ids=["feast", "static"])
def test_an_object_without_the_repo_prefix_fails(project, monkeypatch, with_feast):
    if with_feast:
        require_validate_tools(monkeypatch, "feast")
    else:
        hide_validate_tools(monkeypatch, "feast")
    repo = project()
    _edit(repo, DEFINITIONS, r"^FEATURE_SERVICE = .*$", 'FEATURE_SERVICE = "churn_service"')
    messages = findings(validate_only(repo, "features"), "features")
    assert any(
        re.match(
            r"error features/definitions.py:\d+ feature service 'churn_service' is not "
            r"named with this repo's prefix 'churn_model_'",
            m,
        )
        for m in messages
    ), messages


@pytest.mark.parametrize("with_feast", [True, False], ids=["feast", "static"])
def test_an_object_owned_by_another_repo_fails(project, monkeypatch, with_feast):
    if with_feast:
        require_validate_tools(monkeypatch, "feast")
    else:
        hide_validate_tools(monkeypatch, "feast")
    repo = project()
    _edit(repo, DEFINITIONS, r"^OWNER = .*$", 'OWNER = "fraud-api"')
    messages = findings(validate_only(repo, "features"), "features")
    assert any(
        "entity 'churn_model_customer' is tagged owner='fraud-api', not owner='churn-model'" in m
        for m in messages
    ), messages


def test_a_private_feast_project_fails(project, monkeypatch):
    hide_validate_tools(monkeypatch, "feast")
    repo = project()
    _edit(repo, "features/feature_store.yaml", r"^project: .*$", "project: churn_model")
    messages = findings(validate_only(repo, "features"), "features")
    assert any(
        re.match(
            r"error features/feature_store.yaml:\d+ project 'churn_model' is not the "
            r"platform's shared Feast project 'mlplatform'",
            m,
        )
        for m in messages
    )


def test_definitions_that_do_not_import_fail_with_the_line(project, monkeypatch):
    require_validate_tools(monkeypatch, "feast")
    repo = project()
    _edit(
        repo,
        DEFINITIONS,
        r"^from feast\.types import .*$",
        "from feast.types import Float64, Int64, Decimal128x",
    )
    validation = validate_only(repo, "features")
    assert status_of(validation, "features") == "failed"
    [message] = findings(validation, "features")
    assert re.match(
        r"error features/definitions.py:\d+ feast plan fails: ImportError: cannot import "
        r"name 'Decimal128x'",
        message,
    ), message


def test_without_feast_the_check_is_visibly_skipped(project, monkeypatch):
    hide_validate_tools(monkeypatch, "feast")
    validation = validate_only(project(), "features")
    assert status_of(validation, "features") == "skipped"
    assert "skipped: feast not installed" in findings(validation, "features")[0]
