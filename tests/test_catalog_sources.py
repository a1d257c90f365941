"""Catalog sources: uncommitted work, portable records, moved catalogs, schema errors that name
the real file and the real problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mlgolden.project import MANIFEST
from tests.helpers import copy_builtin_catalog, git, git_save


@pytest.fixture
def catalog_repo(tmp_path) -> Path:
    repo = copy_builtin_catalog(tmp_path / "catalog")
    readme = next((repo / "templates" / "base").glob("*/README.md"))
    readme.write_text("# {{ cookiecutter.project_name }}\n\nreleased\n")
    git_save(repo, "v1", tag="v1.0.0")
    return repo


def _readme(project: Path) -> str:
    return (project / "README.md").read_text()


def _recorded(project: Path) -> dict:
    return yaml.safe_load((project / MANIFEST).read_text())["catalog"]


def test_uncommitted_catalog_changes_are_announced_and_used_only_with_ref_worktree(
    cli, tmp_path, catalog_repo, caplog
):
    readme = next((catalog_repo / "templates" / "base").glob("*/README.md"))
    readme.write_text("# {{ cookiecutter.project_name }}\n\nwork in progress\n")
    (catalog_repo / "templates" / "base" / "NEW.txt").write_text("untracked\n")

    result = cli("new", "--no-input", "--catalog", str(catalog_repo), "-o", str(tmp_path / "tag"))
    assert result.code == 0, result.err
    assert "released" in _readme(tmp_path / "tag/churn-model")
    assert "uncommitted changes" in caplog.text and "--ref WORKTREE" in caplog.text

    result = cli(
        "new", "--no-input", "--catalog", str(catalog_repo), "--ref", "WORKTREE", "-o", str(tmp_path / "wt")
    )
    assert result.code == 0, result.err
    assert "work in progress" in _readme(tmp_path / "wt/churn-model")
    assert _recorded(tmp_path / "wt/churn-model")["commit"] is None


def test_patterns_show_takes_the_catalog_after_the_pattern_name(cli, catalog_repo):
    pattern = catalog_repo / "patterns" / "live-service.yml"
    pattern.write_text(pattern.read_text().replace("title: ", "title: Acme "))
    result = cli("patterns", "show", "live-service", "--catalog", str(catalog_repo), "--ref", "WORKTREE")
    assert result.code == 0, result.err
    assert "Acme" in result.out and "working tree" not in result.err


def test_a_local_catalog_is_recorded_relative_to_the_project(cli, tmp_path, catalog_repo):
    assert cli("new", "--no-input", "--catalog", str(catalog_repo), "-o", str(tmp_path / "p")).code == 0
    project = tmp_path / "p/churn-model"
    assert _recorded(project)["source"] == "../../catalog"
    # the whole tree moves (another machine, a CI agent's workspace): still valid, still upgradable
    shutil.move(tmp_path, tmp_path.parent / (tmp_path.name + "-moved"))
    moved = tmp_path.parent / (tmp_path.name + "-moved")
    result = cli("validate", str(moved / "p/churn-model"), "--format", "json")
    assert '"failed": 0' in result.out.replace(" ", "").replace('"failed":0', '"failed": 0'), result.out
    assert cli("upgrade", str(moved / "p/churn-model"), "--check").code == 0


def test_a_catalog_with_a_remote_is_recorded_as_its_url(cli, tmp_path, catalog_repo):
    git(catalog_repo, "remote", "add", "origin", "https://git.example.com/platform/catalog.git")
    assert cli("new", "--no-input", "--catalog", str(catalog_repo), "-o", str(tmp_path / "p")).code == 0
    assert _recorded(tmp_path / "p/churn-model")["source"] == "https://git.example.com/platform/catalog.git"


def test_upgrade_and_validate_take_a_moved_catalog_and_record_it(cli, tmp_path, catalog_repo):
    assert cli("new", "--no-input", "--catalog", str(catalog_repo), "-o", str(tmp_path / "p")).code == 0
    project = tmp_path / "p/churn-model"
    mirror = tmp_path / "elsewhere" / "mirror"
    mirror.parent.mkdir()
    git(tmp_path, "clone", "--quiet", str(catalog_repo), str(mirror))
    shutil.rmtree(catalog_repo)
    readme = next((mirror / "templates" / "base").glob("*/README.md"))
    readme.write_text("# {{ cookiecutter.project_name }}\n\nsecond\n")
    git_save(mirror, "v2", tag="v1.1.0")
    git(mirror, "remote", "remove", "origin")

    assert cli("upgrade", str(project), "--check").code == 2  # the recorded catalog is gone
    result = cli("validate", str(project), "--catalog", str(mirror), "--format", "json")
    assert "behind the newest, 1.1.0" in result.out
    result = cli("upgrade", str(project), "--catalog", str(mirror))
    assert result.code == 0, result.out + result.err
    assert "second" in _readme(project)
    assert _recorded(project)["source"] == "../../elsewhere/mirror"
    assert cli("upgrade", str(project), "--check").code == 0  # no --catalog needed any more


def test_a_misspelt_field_is_reported_by_name_in_the_real_file(cli, catalog_repo):
    pattern = catalog_repo / "patterns" / "live-service.yml"
    pattern.write_text(pattern.read_text().replace("tier:", "teir:"))
    git_save(catalog_repo, "typo", tag="v1.0.1")
    result = cli("patterns", "--catalog", str(catalog_repo))
    assert result.code == 2
    assert f"{catalog_repo.resolve()}/patterns/live-service.yml (tag v1.0.1)" in result.err
    assert "unknown field 'teir' (did you mean 'tier'?)" in result.err
    assert "line 3" in result.err and "Field required" not in result.err
