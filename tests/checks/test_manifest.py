"""manifest: .mlgolden.yml loads, names a known pattern and catalog version, answers still valid."""

from __future__ import annotations

import yaml

from tests.helpers import BUILTIN_VERSION, findings, status_of, validate_only


def _edit(project, change) -> None:
    path = project / ".mlgolden.yml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_a_generated_manifest_passes(project):
    validation = validate_only(project(), "manifest")
    assert status_of(validation, "manifest") == "passed"


def test_an_unknown_catalog_version_is_named(project):
    repo = project()
    _edit(repo, lambda d: d["catalog"].update(version="0.9.0"))
    validation = validate_only(repo, "manifest")
    assert status_of(validation, "manifest") == "failed"
    [message] = findings(validation, "manifest")
    assert ".mlgolden.yml:" in message and "no version '0.9.0'" in message and BUILTIN_VERSION in message


def test_an_unknown_pattern_is_named(project):
    repo = project()
    _edit(repo, lambda d: d.update(pattern="kafka-stream"))
    validation = validate_only(repo, "manifest")
    [message] = findings(validation, "manifest")
    assert f"pattern 'kafka-stream' is not in catalog builtin {BUILTIN_VERSION}" in message
    assert "live-service" in message


def test_a_schema_error_fails_the_check_with_the_field(project):
    repo = project()
    _edit(repo, lambda d: d.update(colour="blue"))
    validation = validate_only(repo, "manifest", "structure")
    assert validation.exit_code == 1
    [message] = findings(validation, "manifest")
    assert "invalid" in message and "colour: unknown field" in message
    assert status_of(validation, "structure") == "skipped"  # not run: it needs the manifest


def test_an_invalid_answer_is_reported(project):
    repo = project()
    _edit(repo, lambda d: d["answers"].update(max_instances=0, data_classification="secret"))
    validation = validate_only(repo, "manifest")
    assert status_of(validation, "manifest") == "failed"
    assert any("data_classification" in m or "max_instances" in m for m in findings(validation, "manifest"))


def test_a_stray_answer_is_a_warning(project):
    repo = project()
    _edit(repo, lambda d: d["answers"].update(schedule="@daily"))
    validation = validate_only(repo, "manifest")
    assert status_of(validation, "manifest") == "warning"
    assert (
        "answer 'schedule' is not a question of pattern live-service" in findings(validation, "manifest")[0]
    )
