"""jenkins: the Jenkinsfile compiles (Groovy), keeps the golden stages, uses credentials by ID only."""

from __future__ import annotations

import re

import pytest

from tests.helpers import findings, hide_validate_tools, require_validate_tools, status_of, validate_only


def _edit(repo, old: str, new: str) -> None:
    path = repo / "Jenkinsfile"
    text = path.read_text()
    assert re.search(old, text, re.M), f"{old!r} not in the generated Jenkinsfile"
    path.write_text(re.sub(old, new, text, count=1, flags=re.M))


def _errors(validation) -> list[str]:
    return [m for m in findings(validation, "jenkins") if m.startswith("error")]


@pytest.mark.parametrize("pattern", ["batch-prediction", "live-service", "streamlit-demo"])
def test_generated_jenkinsfiles_compile_and_keep_the_golden_stages(project, monkeypatch, pattern):
    require_validate_tools(monkeypatch, "groovy")
    validation = validate_only(project(pattern), "jenkins", require_tools=True)
    assert _errors(validation) == []
    assert "Jenkinsfile compiles with Groovy" in validation.results[0].notes


def test_a_missing_golden_stage_is_named(project, monkeypatch):
    hide_validate_tools(monkeypatch, "groovy")
    repo = project()
    _edit(repo, r"stage\('Terraform Plan'\)", "stage('Infrastructure preview')")
    [message] = _errors(validate_only(repo, "jenkins"))
    assert re.match(r"error Jenkinsfile:\d+ the golden stage 'Terraform Plan' is missing", message)
    assert "'terraform' and 'plan'" in message


def test_stages_match_by_keywords_case_insensitively(project, monkeypatch):
    hide_validate_tools(monkeypatch, "groovy")
    repo = project()
    _edit(repo, r"stage\('Lint & Test'\)", "stage('TEST and lint the code')")
    _edit(repo, r"stage\('Deploy'\)", "stage('deploy to Cloud Run')")
    assert _errors(validate_only(repo, "jenkins")) == []


def test_a_literal_password_fails_with_its_line(project, monkeypatch):
    hide_validate_tools(monkeypatch, "groovy")
    repo = project()
    _edit(
        repo,
        r"^(\s+)TF_IN_AUTOMATION = 'true'",
        r"\1TF_IN_AUTOMATION = 'true'\n\1DB_PASSWORD = 'hunter2-prod'",
    )
    _edit(repo, r"--password-stdin", "--password s3cr3t-value")
    messages = _errors(validate_only(repo, "jenkins"))
    assert any(
        re.match(r"error Jenkinsfile:\d+ literal secret in DB_PASSWORD: use a Jenkins credential", m)
        for m in messages
    ), messages
    assert any("passed literally on a command line" in m for m in messages), messages


def test_a_commented_out_password_is_not_a_finding(project, monkeypatch):
    hide_validate_tools(monkeypatch, "groovy")
    repo = project()
    _edit(
        repo,
        r"^(\s+)TF_IN_AUTOMATION",
        r"\1// DB_PASSWORD = 'hunter2-prod' was here once\n\1TF_IN_AUTOMATION",
    )
    assert _errors(validate_only(repo, "jenkins")) == []


def test_a_compile_error_names_the_line(project, monkeypatch):
    require_validate_tools(monkeypatch, "groovy")
    repo = project()
    path = repo / "Jenkinsfile"
    lines = path.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "stage('Validate')" in line)
    lines[at] = lines[at].replace("stage('Validate') {", "stage('Validate') {{")
    path.write_text("".join(lines))
    validation = validate_only(repo, "jenkins")
    assert status_of(validation, "jenkins") == "failed"
    assert any(re.match(r"error Jenkinsfile:\d+ does not compile: ", m) for m in _errors(validation))


def test_without_groovy_the_compile_is_skipped_visibly(project, monkeypatch):
    hide_validate_tools(monkeypatch, "groovy")
    validation = validate_only(project(), "jenkins")
    assert status_of(validation, "jenkins") == "skipped"
    assert any(
        m.startswith("skipped  skipped: groovy not installed") for m in findings(validation, "jenkins")
    )
