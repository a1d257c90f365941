"""dockerfile: hadolint plus the platform's rules (registry, pinned, non-root, healthcheck, secrets)."""

from __future__ import annotations

import re

import pytest

from tests.helpers import findings, hide_validate_tools, require_validate_tools, status_of, validate_only


def _edit(repo, old: str, new: str, count: int = 1) -> None:
    path = repo / "Dockerfile"
    text = path.read_text()
    assert re.search(old, text, re.M), f"{old!r} not in the generated Dockerfile"
    path.write_text(re.sub(old, new, text, count=count, flags=re.M))


@pytest.mark.parametrize("pattern", ["batch-prediction", "live-service", "streamlit-demo"])
def test_generated_dockerfiles_pass(project, monkeypatch, pattern):
    require_validate_tools(monkeypatch, "hadolint")
    validation = validate_only(project(pattern), "dockerfile", require_tools=True)
    assert status_of(validation, "dockerfile") == "passed", findings(validation, "dockerfile")


def test_a_dockerfile_running_as_root_fails(project):
    repo = project()
    _edit(repo, r"^USER .*$", "USER root")
    validation = validate_only(repo, "dockerfile")
    assert status_of(validation, "dockerfile") == "failed"
    assert any(
        re.match(r"error Dockerfile:\d+ the image runs as root \(USER root\)", m)
        for m in findings(validation, "dockerfile")
    )


def test_a_dockerfile_without_user_fails(project):
    repo = project("batch-prediction")
    _edit(repo, r"^USER .*$", "")
    messages = findings(validation := validate_only(repo, "dockerfile"), "dockerfile")
    assert status_of(validation, "dockerfile") == "failed"
    assert any("the final stage sets no USER" in m for m in messages)


def test_an_unpinned_or_foreign_base_image_fails(project):
    repo = project()
    _edit(repo, r"^FROM .*$", "FROM python:latest")
    messages = findings(validate_only(repo, "dockerfile"), "dockerfile")
    assert any(
        "base image python:latest is not from the platform registry localhost:5000/mlplatform" in m
        for m in messages
    )
    assert any("base image python:latest is not pinned" in m for m in messages)


def test_a_server_without_healthcheck_fails(project):
    repo = project("streamlit-demo")
    path = repo / "Dockerfile"
    path.write_text(re.sub(r"^HEALTHCHECK .*?\n(?=\S)", "", path.read_text(), flags=re.M | re.S))
    messages = findings(validate_only(repo, "dockerfile"), "dockerfile")
    assert any(
        "no HEALTHCHECK: the image serves requests (component 'streamlit' serves on port 8501)" in m
        for m in messages
    )


def test_secrets_in_env_or_arg_fail(project):
    repo = project()
    _edit(repo, r"^WORKDIR", "ARG PIP_INDEX_TOKEN\nENV API_KEY=abc123 MODEL_PATH_FILE=/x\nWORKDIR")
    messages = findings(validate_only(repo, "dockerfile"), "dockerfile")
    assert any("ARG PIP_INDEX_TOKEN looks like a secret" in m for m in messages)
    assert any("ENV API_KEY looks like a secret" in m for m in messages)
    assert not any("MODEL_PATH_FILE" in m for m in messages)


def test_hadolint_findings_name_the_line(project, monkeypatch):
    require_validate_tools(monkeypatch, "hadolint")
    repo = project()
    _edit(repo, r"^WORKDIR /app", "WORKDIR app")  # DL3000: use absolute WORKDIR
    messages = findings(validate_only(repo, "dockerfile"), "dockerfile")
    assert any(re.match(r"error Dockerfile:\d+ DL3000: Use absolute WORKDIR", m) for m in messages)


def test_without_hadolint_the_lint_is_skipped_visibly(project, monkeypatch):
    hide_validate_tools(monkeypatch, "hadolint")
    repo = project()
    validation = validate_only(repo, "dockerfile")
    assert status_of(validation, "dockerfile") == "skipped"
    assert findings(validation, "dockerfile")[0].startswith("skipped  skipped: hadolint not installed")
    strict = validate_only(repo, "dockerfile", require_tools=True)
    assert status_of(strict, "dockerfile") == "failed"
    assert "hadolint is not installed and --require-tools is set" in findings(strict, "dockerfile")[0]
