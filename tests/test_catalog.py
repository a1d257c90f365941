"""Catalogs: directories, local git repositories with tags, schema errors, platform settings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlgolden.catalog import open_catalog
from mlgolden.errors import UsageError
from mlgolden.project import MANIFEST
from tests.helpers import copy_builtin_catalog, git_save


@pytest.fixture
def tagged_catalog(tmp_path) -> Path:
    """A catalog as a local git repository with two tags whose README templates differ."""
    repo = copy_builtin_catalog(tmp_path / "catalog")
    readme = next((repo / "templates" / "base").glob("*/README.md"))
    readme.write_text("# {{ cookiecutter.project_name }}\n\nfirst edition\n")
    git_save(repo, "v1", tag="v1.0.0")
    readme.write_text("# {{ cookiecutter.project_name }}\n\nsecond edition\n")
    git_save(repo, "v2", tag="v1.1.0")
    readme.write_text("# {{ cookiecutter.project_name }}\n\nunreleased\n")
    git_save(repo, "wip")
    return repo


def _new(cli, catalog: Path, out: Path, *extra: str):
    return cli("new", "--no-input", "--catalog", str(catalog), "--output-dir", str(out), *extra)


def test_git_catalog_renders_each_tag_and_defaults_to_the_newest(cli, tmp_path, tagged_catalog):
    assert _new(cli, tagged_catalog, tmp_path / "newest").code == 0
    assert "second edition" in (tmp_path / "newest/churn-model/README.md").read_text()
    assert _new(cli, tagged_catalog, tmp_path / "old", "--ref", "v1.0.0").code == 0
    assert "first edition" in (tmp_path / "old/churn-model/README.md").read_text()
    assert _new(cli, tagged_catalog, tmp_path / "bare", "--ref", "1.0.0").code == 0
    manifest = yaml.safe_load((tmp_path / "old/churn-model" / MANIFEST).read_text())
    assert manifest["catalog"]["version"] == "1.0.0"
    recorded = manifest["catalog"]["source"]  # relative to the project: it moves with the checkout
    assert (tmp_path / "old/churn-model" / recorded).resolve() == tagged_catalog.resolve()
    assert len(manifest["catalog"]["commit"]) == 40
    assert _new(cli, tagged_catalog, tmp_path / "main", "--ref", "main").code == 0
    assert "unreleased" in (tmp_path / "main/churn-model/README.md").read_text()


def test_git_catalog_by_file_url(cli, tmp_path, tagged_catalog):
    assert _new(cli, f"file://{tagged_catalog}", tmp_path / "url", "--ref", "v1.0.0").code == 0
    assert "first edition" in (tmp_path / "url/churn-model/README.md").read_text()


def test_plain_directory_catalog_uses_its_declared_version(tmp_path):
    repo = copy_builtin_catalog(tmp_path / "dir")
    with open_catalog(str(repo)) as catalog:
        assert catalog.version == yaml.safe_load((repo / "catalog.yml").read_text())["version"]
        assert set(catalog.patterns) == {"batch-prediction", "live-service", "streamlit-demo"}


def test_byte_code_next_to_the_templates_never_reaches_a_project(cli, tmp_path):
    """pip byte-compiles the .py files of an installed catalog into __pycache__ next to them."""
    import compileall
    import subprocess

    repo = copy_builtin_catalog(tmp_path / "dir")
    assert compileall.compile_dir(str(repo / "templates"), quiet=2) is False  # Jinja files don't compile
    caches = list((repo / "templates").rglob("__pycache__"))
    assert caches, "nothing was byte-compiled: the test would prove nothing"
    result = _new(cli, repo, tmp_path / "out", "--pattern", "live-service")
    assert result.code == 0, result.err
    project = tmp_path / "out" / "churn-model"
    assert not [p for p in project.rglob("*") if "__pycache__" in p.parts or p.suffix == ".pyc"]
    tracked = subprocess.run(["git", "ls-files"], cwd=project, capture_output=True, text=True).stdout
    assert ".pyc" not in tracked


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (
            lambda r: (r / "patterns" / "live-service.yml").write_text("name: live-service\ntitle: x\n"),
            "pattern file",
        ),
        (lambda r: (r / "patterns" / "live-service.yml").write_text("name: [unclosed\n"), "not valid YAML"),
        (
            lambda r: (r / "patterns" / "live-service.yml").write_text(
                (r / "patterns" / "live-service.yml").read_text().replace("tier: golden", "tier: gold")
            ),
            "tier",
        ),
        (
            lambda r: (r / "patterns" / "live-service.yml").write_text(
                (r / "patterns" / "live-service.yml").read_text() + "colour: blue\n"
            ),
            "unknown field",
        ),
        (
            lambda r: (r / "patterns" / "live-service.yml").write_text(
                (r / "patterns" / "live-service.yml").read_text().replace("[base,", "[base, kafka,")
            ),
            "unknown component 'kafka'",
        ),
        (lambda r: (r / "catalog.yml").unlink(), "catalog file"),
    ],
    ids=["missing-fields", "bad-yaml", "bad-tier", "extra-field", "unknown-component", "no-catalog-yml"],
)
def test_broken_pattern_files_are_reported_clearly(tmp_path, breakage, message):
    repo = copy_builtin_catalog(tmp_path / "dir")
    breakage(repo)
    with pytest.raises(UsageError) as info, open_catalog(str(repo)) as catalog:
        catalog.patterns  # noqa: B018
    assert message in info.value.one_line()
    assert "\n" not in info.value.one_line()
