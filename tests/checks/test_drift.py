"""drift: the recorded template version against the newest version of the same catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.helpers import copy_builtin_catalog, findings, generate_project, git_save, status_of, validate_only


def _catalog(root: Path, *tags: str) -> Path:
    """A catalog as a git repository with one commit per tag (each edits the README template)."""
    repo = copy_builtin_catalog(root / "catalog")
    readme = next((repo / "templates" / "base").glob("*/README.md"))
    for tag in tags:
        readme.write_text(readme.read_text() + f"\nedition {tag}\n")
        git_save(repo, tag, tag=tag)
    return repo


@pytest.fixture
def catalog_repo(tmp_path) -> Path:
    return _catalog(tmp_path, "v1.0.0", "v2.0.0")


def _set_version(project: Path, version: str) -> None:
    path = project / ".mlgolden.yml"
    data = yaml.safe_load(path.read_text())
    data["catalog"]["version"] = version
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_the_newest_version_passes(tmp_path, catalog_repo):
    repo = generate_project(tmp_path / "out", "batch-prediction", None, "--catalog", str(catalog_repo))
    validation = validate_only(repo, "drift", "secrets")
    assert status_of(validation, "drift") == "passed"
    assert status_of(validation, "secrets") == "passed"  # the recorded commit id is not a secret


def test_a_major_version_behind_fails(tmp_path, catalog_repo):
    repo = generate_project(tmp_path / "out", "batch-prediction", None, "--catalog", str(catalog_repo))
    _set_version(repo, "1.0.0")  # as if generated at v1.0.0 and never upgraded
    validation = validate_only(repo, "drift")
    assert status_of(validation, "drift") == "failed"
    [message] = findings(validation, "drift")
    assert message.startswith("error .mlgolden.yml:")
    assert "1.0.0 is a major version behind the newest, 2.0.0" in message
    assert "mlgolden upgrade" in message


def test_a_minor_version_behind_warns_and_fails_with_strict(tmp_path):
    catalog = _catalog(tmp_path, "v1.0.0", "v1.1.0")
    repo = generate_project(
        tmp_path / "out", "batch-prediction", None, "--catalog", str(catalog), "--ref", "v1.0.0"
    )
    lenient = validate_only(repo, "drift")
    assert status_of(lenient, "drift") == "warning"
    assert "1.0.0 is behind the newest, 1.1.0" in findings(lenient, "drift")[0]
    assert lenient.exit_code == 0
    strict = validate_only(repo, "drift", strict=True)
    assert status_of(strict, "drift") == "failed"
    assert strict.exit_code == 1
    assert "(--strict)" in findings(strict, "drift")[0]


def test_a_version_that_is_not_semver_fails(project):
    repo = project()
    _set_version(repo, "latest")
    validation = validate_only(repo, "drift")
    assert "'latest' is not a version like 1.2.0" in findings(validation, "drift")[0]
