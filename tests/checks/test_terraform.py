"""terraform: fmt, HCL2, required labels, remote state backend, no literal credentials."""

from __future__ import annotations

import re

import pytest

from tests.helpers import findings, hide_validate_tools, require_validate_tools, status_of, validate_only

AWS_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE"


def _edit(repo, rel: str, old: str, new: str) -> None:
    path = repo / "terraform" / rel
    text = path.read_text()
    assert re.search(old, text, re.M), f"{old!r} not in terraform/{rel}"
    path.write_text(re.sub(old, new, text, count=1, flags=re.M))


@pytest.mark.parametrize("pattern", ["batch-prediction", "live-service", "streamlit-demo"])
def test_generated_terraform_passes(project, monkeypatch, pattern):
    require_validate_tools(monkeypatch, "terraform")
    validation = validate_only(project(pattern), "terraform", require_tools=True)
    assert status_of(validation, "terraform") == "passed", findings(validation, "terraform")


def test_a_literal_key_in_the_provider_fails_with_its_line(project, monkeypatch):
    hide_validate_tools(monkeypatch, "terraform")
    repo = project()
    _edit(repo, "main.tf", r'^provider "google" \{', f'provider "google" {{\n  access_key = "{AWS_KEY_ID}"')
    messages = [m for m in findings(validate_only(repo, "terraform"), "terraform") if m.startswith("error")]
    assert (
        "error terraform/main.tf:2 access_key is set to a literal value: pass credentials through the "
        "environment or a secret manager" in messages
    )
    assert "error terraform/main.tf:2 an AWS access key is written in the Terraform code" in messages


def test_a_sensitive_variable_with_a_literal_default_fails(project, monkeypatch):
    hide_validate_tools(monkeypatch, "terraform")
    repo = project()
    path = repo / "terraform" / "variables.tf"
    path.write_text(
        path.read_text() + '\nvariable "db_password" {\n  type    = string\n  default = "hunter2-prod"\n}\n'
    )
    messages = findings(validate_only(repo, "terraform"), "terraform")
    assert any(
        re.match(
            r"error terraform/variables.tf:\d+ variable 'db_password' holds a secret and has a "
            r"literal default",
            m,
        )
        for m in messages
    ), messages


def test_the_state_backend_is_required(project, monkeypatch):
    hide_validate_tools(monkeypatch, "terraform")
    repo = project()
    path = repo / "terraform" / "versions.tf"
    path.write_text(re.sub(r'\n  backend "gcs" \{.*?\n  \}\n', "\n", path.read_text(), flags=re.S))
    messages = findings(validate_only(repo, "terraform"), "terraform")
    assert any("no state backend" in m for m in messages), messages


def test_the_owner_label_is_required(project, monkeypatch):
    hide_validate_tools(monkeypatch, "terraform")
    repo = project("batch-prediction")
    _edit(repo, "main.tf", r"^\s+owner\s+= .*\n", "")
    messages = findings(validate_only(repo, "terraform"), "terraform")
    assert any("no label map with the required labels owner, classification" in m for m in messages)


def test_a_parse_error_names_the_file(project, monkeypatch):
    hide_validate_tools(monkeypatch, "terraform")
    repo = project()
    (repo / "terraform" / "broken.tf").write_text('resource "google_storage_bucket" "x" {\n  name =\n}\n')
    messages = findings(validate_only(repo, "terraform"), "terraform")
    assert any(m.startswith("error terraform/broken.tf") and "does not parse as HCL" in m for m in messages)


def test_unformatted_files_fail_fmt(project, monkeypatch):
    require_validate_tools(monkeypatch, "terraform")
    repo = project()
    _edit(repo, "versions.tf", r"^  required_version = ", "  required_version      =  ")
    messages = findings(validate_only(repo, "terraform"), "terraform")
    assert messages == ["error terraform/versions.tf not formatted: run `terraform fmt -recursive`"]


def test_without_terraform_fmt_is_skipped_visibly(project, monkeypatch):
    hide_validate_tools(monkeypatch, "terraform")
    validation = validate_only(project(), "terraform")
    assert status_of(validation, "terraform") == "skipped"
    assert findings(validation, "terraform") == [
        "skipped  skipped: terraform not installed (terraform fmt -check)"
    ]
