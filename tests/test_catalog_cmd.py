"""`mlgolden catalog check|test|release` on the built-in catalog and on catalogs broken the way
platform teams break them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgolden.catalog import builtin_root
from tests.helpers import copy_builtin_catalog, git, git_save

BASE = "templates/base/{{cookiecutter.project_slug}}"


@pytest.fixture
def catalog(tmp_path) -> Path:
    return copy_builtin_catalog(tmp_path / "catalog")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_check_passes_on_the_built_in_catalog(cli):
    result = cli("catalog", "check", str(builtin_root()))
    assert result.code == 0, result.out + result.err
    assert result.out.strip().endswith(": OK")


def test_check_reports_every_problem_with_its_file_and_line(cli, catalog):
    _edit(catalog / "patterns/live-service.yml", "tier:", "teir:")
    _edit(catalog / "patterns/streamlit-demo.yml", "  inference_mode: service", "  inference_mod: service")
    _edit(catalog / "catalog.yml", "choices_from: python.supported", "choices_from: python.versions")
    path = catalog / "patterns/batch-prediction.yml"
    path.write_text(path.read_text() + "defaults:\n  colour: blue\n")
    (catalog / BASE / "README.md").write_text("# {{ cookiecutter.project_name }\n")
    (catalog / BASE / "{{ cookiecutter.package_name }.txt").write_text("x\n")
    (catalog / BASE / ".gitignore").write_text((catalog / BASE / ".gitignore").read_text() + "*.csv\n")
    _edit(catalog / "catalog.yml", "version: 1.1.0", "version: 1.2.0")

    result = cli("catalog", "check", str(catalog))
    assert result.code == 1
    out = result.out
    assert "patterns/live-service.yml:3: error: teir: unknown field 'teir' (did you mean 'tier'?)" in out
    assert "patterns/streamlit-demo.yml:" in out and "'inference_mod' is not asked before it" in out
    assert "catalog.yml:" in out and "no platform setting 'python.versions'" in out
    assert "defaults.colour: no such question" in out
    assert f"{BASE}/README.md:1: error: Jinja syntax error in the file" in out
    assert "Jinja syntax error in the path" in out
    assert f"{BASE}/data/sample/customers.csv: error: git would not commit this template file" in out
    assert ".gitignore:" in out and "*.csv" in out
    assert "templates/CHANGELOG.md: error: no section '## 1.2.0'" in out
    assert "Field required" not in out


def test_check_refuses_a_folder_that_is_not_a_catalog(cli, tmp_path):
    result = cli("catalog", "check", str(tmp_path))
    assert result.code == 2
    assert result.err.startswith("error: ") and "no catalog.yml" in result.err


def test_check_reads_the_git_working_tree_including_uncommitted_changes(cli, catalog):
    git_save(catalog, "v1", tag="v1.1.0")
    assert cli("catalog", "check", str(catalog)).code == 0
    _edit(catalog / "patterns/live-service.yml", "tier:", "teir:")
    assert git(catalog, "status", "--porcelain")
    assert cli("catalog", "check", str(catalog)).code == 1
