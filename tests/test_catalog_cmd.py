"""`mlgolden catalog check|test|release` on the built-in catalog and on catalogs broken the way
platform teams break them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlgolden.catalog import builtin_root
from tests.helpers import copy_builtin_catalog, git, git_save

BASE = "templates/base/{{cookiecutter.project_slug}}"


def _version(repo: Path) -> str:
    return str(yaml.safe_load((repo / "catalog.yml").read_text())["version"])


def _next(version: str, step: int = 1) -> str:
    major, minor, _ = (int(part) for part in version.split("."))
    return f"{major}.{minor + step}.0"


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
    _edit(catalog / "catalog.yml", "  inference_mode: service", "  inference_mod: service")
    _edit(catalog / "catalog.yml", "choices_from: python.supported", "choices_from: python.versions")
    path = catalog / "patterns/batch-prediction.yml"
    path.write_text(path.read_text() + "defaults:\n  colour: blue\n")
    (catalog / BASE / "README.md").write_text("# {{ cookiecutter.project_name }\n")
    (catalog / BASE / "{{ cookiecutter.package_name }.txt").write_text("x\n")
    (catalog / BASE / ".gitignore").write_text((catalog / BASE / ".gitignore").read_text() + "*.csv\n")
    upcoming = _next(_version(catalog))
    _edit(catalog / "catalog.yml", f"version: {_version(catalog)}", f"version: {upcoming}")

    result = cli("catalog", "check", str(catalog))
    assert result.code == 1
    out = result.out
    assert "patterns/live-service.yml:3: error: teir: unknown field 'teir' (did you mean 'tier'?)" in out
    assert "catalog.yml:" in out and "service_url.when: 'inference_mod' is not asked before it" in out
    assert "catalog.yml:" in out and "no platform setting 'python.versions'" in out
    assert "defaults.colour: no such question" in out
    assert f"{BASE}/README.md:1: error: Jinja syntax error in the file" in out
    assert "Jinja syntax error in the path" in out
    assert f"{BASE}/data/sample/customers.csv: error: git would not commit this template file" in out
    assert ".gitignore:" in out and "*.csv" in out
    assert f"templates/CHANGELOG.md: error: no section '## {upcoming}'" in out
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


# --- catalog test ------------------------------------------------------------------------------


def _small_catalog(root: Path) -> Path:
    """A catalog whose one pattern needs no external tool to validate (base + batch)."""
    repo = copy_builtin_catalog(root)
    for path in (repo / "patterns").glob("*.yml"):
        if path.stem != "batch-prediction":
            path.unlink()
    _edit(repo / "patterns/batch-prediction.yml", "components: [", "components: [base, batch] #")
    return repo


def test_answer_matrix_covers_every_pair_of_values(catalog):
    import itertools

    from mlgolden.catalog import open_catalog
    from mlgolden.catalog_tools.matrix import answer_matrix

    _edit(catalog / "platform.yml", 'supported: ["3.10", "3.11"]', 'supported: ["3.10", "3.11", "3.12"]')
    with open_catalog(str(catalog)) as cat:
        pattern = cat.pattern("streamlit-demo")
        rows = answer_matrix(cat, pattern, "pairwise")
        flips = answer_matrix(cat, pattern, "flips")
        assert answer_matrix(cat, pattern, "defaults") == [{}]
    factors = {
        "gpu": [False, True],
        "python_version": ["3.10", "3.11", "3.12"],
        "data_classification": ["public", "internal", "confidential", "pii"],
        "inference_mode": ["local", "service"],
    }
    defaults = {
        "gpu": False,
        "python_version": "3.12",
        "data_classification": "internal",
        "inference_mode": "local",
    }
    full = [{**defaults, **row} for row in rows]
    for (a, values_a), (b, values_b) in itertools.combinations(factors.items(), 2):
        for va, vb in itertools.product(values_a, values_b):
            if {a, b} == {"gpu", "inference_mode"} and "service" in (va, vb):
                continue  # gpu is asked only when the demo runs the model itself (local)
            assert any(r[a] == va and r[b] == vb for r in full), (a, va, b, vb)
    assert rows[0] == {} and len(rows) < 3 * 4 * 2 * 2  # pairwise, not the full product
    assert len(flips) == 1 + 1 + 2 + 3 + 1


def test_catalog_test_renders_the_working_tree_and_fails_on_a_broken_template(cli, tmp_path):
    repo = _small_catalog(tmp_path / "catalog")
    git_save(repo, "v1", tag="v1.0.0")
    result = cli("catalog", "test", str(repo), "--matrix", "flips")
    assert result.code == 0, result.out + result.err
    assert "PASS  render batch-prediction [gpu=true]" in result.out
    assert "passed, 0 failed" in result.out

    readme = repo / BASE / "README.md"  # uncommitted, and only a render can tell it is wrong
    readme.write_text(readme.read_text() + "{{ cookiecutter.no_such_answer }}\n")
    junit = tmp_path / "report.xml"
    result = cli("catalog", "test", str(repo), "--matrix", "defaults", "--format", "junit", "-o", str(junit))
    assert result.code == 1
    assert "FAIL  render batch-prediction" in result.out and "no_such_answer" in result.out
    import xml.etree.ElementTree as ET

    suite = ET.parse(junit).getroot()
    assert suite.tag == "testsuite" and suite.get("failures") == "2"
    names = [c.get("name") for c in suite.iter("testcase")]
    assert names == ["check", "render batch-prediction", "upgrade batch-prediction [from=1.0.0]"]
    assert git(repo, "status", "--porcelain") == f" M {BASE}/README.md\n"  # the test wrote nothing


def test_catalog_test_upgrades_each_pattern_from_the_previous_tag(cli, tmp_path):
    repo = _small_catalog(tmp_path / "catalog")
    current = _version(repo)
    git_save(repo, "v1", tag=f"v{current}")
    _changelog(repo, _next(current))  # the next version, uncommitted
    _edit(repo / "catalog.yml", f"version: {current}", f"version: {_next(current)}")
    result = cli("catalog", "test", str(repo), "--matrix", "defaults", "--jobs", "2")
    assert result.code == 0, result.out + result.err
    assert f"PASS  upgrade batch-prediction [from={current}]" in result.out


def test_catalog_test_fails_on_an_incoherent_pattern(cli, tmp_path):
    repo = _small_catalog(tmp_path / "catalog")
    (repo / "patterns/broken.yml").write_text(
        "name: broken\ntitle: Broken\ntier: silver\ndescription: an Airflow DAG with nothing to run\n"
        "components: [base, airflow]\n"
    )
    result = cli("catalog", "test", str(repo), "--matrix", "defaults", "--no-upgrade")
    assert result.code == 1
    assert "FAIL  check" in result.out and "FAIL  open" in result.out
    assert "patterns/broken.yml: error:" in result.out and "component 'airflow' needs" in result.out


@pytest.mark.slow
def test_catalog_test_passes_on_the_built_in_catalog(cli, monkeypatch):
    from tests.helpers import require_validate_tools

    require_validate_tools(monkeypatch, "hadolint", "groovy", "terraform", "airflow", "feast")
    result = cli("catalog", "test", "builtin", "--matrix", "defaults", "--jobs", "2")
    assert result.code == 0, result.out + result.err
    for pattern in ("batch-prediction", "live-service", "streamlit-demo"):
        assert f"PASS  render {pattern}" in result.out
        assert f"PASS  upgrade {pattern} [from=" in result.out


# --- catalog release ---------------------------------------------------------------------------


def _changelog(repo: Path, version: str) -> None:
    path = repo / "templates/CHANGELOG.md"
    current = _version(repo)
    _edit(path, f"## {current}", f"## {version}\n- Something projects notice.\n\n## {current}")


def test_release_refuses_a_dirty_tree_a_missing_changelog_and_an_old_version(cli, tmp_path):
    repo = _small_catalog(tmp_path / "catalog")
    current = _version(repo)
    new = _next(current)
    git_save(repo, "v1", tag=f"v{current}")
    before = git(repo, "rev-parse", "HEAD")

    result = cli("catalog", "release", new, "-C", str(repo))
    assert result.code == 2 and f"no changelog section for {new}" in result.err

    _changelog(repo, new)
    result = cli("catalog", "release", new, "-C", str(repo))
    assert result.code == 2 and "uncommitted changes (templates/CHANGELOG.md)" in result.err

    git_save(repo, "changelog")
    result = cli("catalog", "release", current, "-C", str(repo))
    assert result.code == 2 and f"tag v{current} already exists" in result.err
    major, minor, _ = current.split(".")
    result = cli("catalog", "release", f"{major}.{int(minor) - 1}.9", "-C", str(repo))
    assert result.code == 2 and "not newer" in result.err
    assert git(repo, "tag") == f"v{current}\n" and git(repo, "rev-parse", "HEAD~1") == before


def test_release_checks_tests_bumps_commits_and_tags(cli, tmp_path):
    repo = _small_catalog(tmp_path / "catalog")
    current = _version(repo)
    new = _next(current)
    git_save(repo, "v1", tag=f"v{current}")
    _changelog(repo, new)
    git_save(repo, f"changelog for {new}")

    result = cli("catalog", "release", new, "-C", str(repo), "--matrix", "defaults")
    assert result.code == 0, result.out + result.err
    assert f"released catalog {new} (was {current}): tag v{new}" in result.out
    assert f"PASS  upgrade batch-prediction [from={current}]" in result.err.replace("pass ", "PASS ")
    assert _version(repo) == new
    assert git(repo, "describe", "--tags", "--exact-match").strip() == f"v{new}"
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "log", "-1", "--format=%s").strip() == f"Release catalog {new}"


def test_a_release_whose_test_fails_changes_nothing(cli, tmp_path):
    repo = _small_catalog(tmp_path / "catalog")
    current = _version(repo)
    git_save(repo, "v1", tag=f"v{current}")
    _changelog(repo, _next(current))
    readme = repo / BASE / "README.md"
    readme.write_text(readme.read_text() + "{{ cookiecutter.no_such_answer }}\n")
    git_save(repo, "a broken template")
    head = git(repo, "rev-parse", "HEAD")

    result = cli("catalog", "release", _next(current), "-C", str(repo), "--matrix", "defaults")
    assert result.code == 1 and "catalog test failed, nothing released" in result.err
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "tag") == f"v{current}\n"
    assert git(repo, "status", "--porcelain") == ""


def test_init_copies_the_built_in_catalog_as_a_first_release(cli, tmp_path):
    dest = tmp_path / "acme"
    result = cli("catalog", "init", str(dest), "--name", "acme-ml")
    assert result.code == 0, result.err
    assert _version(dest) == "1.0.0"
    assert yaml.safe_load((dest / "catalog.yml").read_text())["name"] == "acme-ml"
    assert cli("catalog", "check", str(dest)).code == 0
    assert not list(dest.rglob("__pycache__"))
    again = cli("catalog", "init", str(dest), "--name", "acme-ml")
    assert again.code == 2 and "not empty" in again.err
