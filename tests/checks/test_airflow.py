"""airflow: DAG files parse, load in a real DagBag (Airflow's own venv) and set schedule/owner/retries."""

from __future__ import annotations

import re

from tests.helpers import findings, hide_validate_tools, require_validate_tools, status_of, validate_only


def _dag(repo):
    return next((repo / "dags").glob("*_dag.py"))


def test_the_generated_dag_loads_in_a_real_dagbag(project, monkeypatch):
    require_validate_tools(monkeypatch, "airflow")
    validation = validate_only(project("batch-prediction"), "airflow", require_tools=True)
    assert status_of(validation, "airflow") == "passed", findings(validation, "airflow")
    assert re.match(r"DagBag \(Airflow [\d.]+\) loaded 1 DAG", validation.results[0].notes[0])


def test_a_dag_with_an_import_error_fails_with_file_and_line(project, monkeypatch):
    require_validate_tools(monkeypatch, "airflow")
    repo = project()
    dag = _dag(repo)
    lines = dag.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("import os"))
    lines.insert(at, "import churn_model_internal_helpers\n")  # the package lives in the image only
    dag.write_text("".join(lines))
    validation = validate_only(repo, "airflow")
    assert status_of(validation, "airflow") == "failed"
    [message] = findings(validation, "airflow")
    assert message == (
        f"error dags/{dag.name}:{at + 1} import error: ModuleNotFoundError: "
        "No module named 'churn_model_internal_helpers'"
    )


def test_retries_and_owner_are_required(project, monkeypatch):
    require_validate_tools(monkeypatch, "airflow")
    repo = project()
    dag = _dag(repo)
    text = re.sub(r'^\s+"(owner|retries)": .*\n', "", dag.read_text(), flags=re.M)
    dag.write_text(text)
    messages = findings(validate_only(repo, "airflow"), "airflow")
    assert any("has no owner" in m for m in messages)
    assert any("task materialize_features has no retries" in m for m in messages)


def test_without_airflow_the_dag_is_checked_statically(project, monkeypatch):
    hide_validate_tools(monkeypatch, "airflow")
    repo = project()
    dag = _dag(repo)
    validation = validate_only(repo, "airflow")
    assert status_of(validation, "airflow") == "skipped"
    assert findings(validation, "airflow") == [
        "skipped  skipped: airflow not installed (DagBag import check; set MLGOLDEN_AIRFLOW_PYTHON "
        "to a python with Airflow)"
    ]
    dag.write_text(re.sub(r"^\s+schedule=.*\n", "", dag.read_text(), flags=re.M))
    messages = findings(validate_only(repo, "airflow"), "airflow")
    assert any(re.match(rf"error dags/{dag.name}:\d+ DAG has no schedule", m) for m in messages)
    assert validate_only(repo, "airflow", require_tools=True).exit_code == 1


def test_a_syntax_error_is_reported_without_airflow(project, monkeypatch):
    hide_validate_tools(monkeypatch, "airflow")
    repo = project()
    dag = _dag(repo)
    dag.write_text(dag.read_text() + "\ndef broken(:\n")
    validation = validate_only(repo, "airflow")
    assert status_of(validation, "airflow") == "failed"
    assert any(
        m.startswith(f"error dags/{dag.name}:") and "syntax error" in m
        for m in findings(validation, "airflow")
    )
