"""Migrations as code: catalog scripts run by `mlgolden upgrade` between the recorded and the
target version, in their own commit, only for trusted catalogs, all-or-nothing, with a dry run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import copy_builtin_catalog, git, git_save

MIGRATION = """\
import json, os, pathlib, sys
project = pathlib.Path(sys.argv[1])
old = json.loads(os.environ["MLGOLDEN_OLD_ANSWERS"])
new = json.loads(os.environ["MLGOLDEN_NEW_ANSWERS"])
line = (f"{os.environ['MLGOLDEN_MIGRATION_VERSION']} {pathlib.Path(__file__).name} "
        f"{os.environ['MLGOLDEN_FROM_VERSION']}->{os.environ['MLGOLDEN_TO_VERSION']} "
        f"{old['owner_team']}->{new['owner_team']} cwd={pathlib.Path.cwd() == project}")
log = project / "MIGRATED.txt"
log.write_text((log.read_text() if log.exists() else "") + line + "\\n")
"""
FAILING = "import pathlib, sys\n(pathlib.Path(sys.argv[1]) / 'half.txt').write_text('x')\nsys.exit('boom')\n"


def _readme(repo: Path) -> Path:
    return next((repo / "templates" / "base").glob("*/README.md"))


@pytest.fixture
def catalog(tmp_path) -> Path:
    repo = copy_builtin_catalog(tmp_path / "catalog")
    _readme(repo).write_text("# {{ cookiecutter.project_name }}\n\nfirst\n")
    git_save(repo, "v1.0.0", tag="v1.0.0")
    return repo


@pytest.fixture
def project(cli, tmp_path, catalog) -> Path:
    result = cli("new", "--no-input", "--catalog", str(catalog), "-o", str(tmp_path / "projects"))
    assert result.code == 0, result.err
    return tmp_path / "projects" / "churn-model"


def _release(catalog: Path, version: str, scripts: dict[str, str]) -> None:
    _readme(catalog).write_text(f"# {{{{ cookiecutter.project_name }}}}\n\n{version}\n")
    for name, text in scripts.items():
        path = catalog / "migrations" / version / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git_save(catalog, version, tag=f"v{version}")


def _state(repo: Path) -> tuple[str, str, str]:
    return (
        git(repo, "rev-parse", "HEAD"),
        git(repo, "status", "--porcelain", "--untracked-files=all"),
        git(repo, "worktree", "list"),
    )


def test_migrations_run_in_version_order_in_their_own_commit(cli, catalog, project):
    _release(catalog, "1.1.0", {"20_second.py": MIGRATION, "10_first.py": MIGRATION})
    _release(catalog, "1.2.0", {"10_later.py": MIGRATION})
    before = git(project, "rev-parse", "HEAD").strip()

    result = cli("upgrade", str(project), "--trust", "--set", "owner_team=risk")
    assert result.code == 0, result.out + result.err
    assert (project / "MIGRATED.txt").read_text().splitlines() == [
        "1.1.0 10_first.py 1.0.0->1.2.0 data-science->risk cwd=True",
        "1.1.0 20_second.py 1.0.0->1.2.0 data-science->risk cwd=True",
        "1.2.0 10_later.py 1.0.0->1.2.0 data-science->risk cwd=True",
    ]
    log = git(project, "log", "--format=%s", f"{before}..HEAD").splitlines()
    assert log == [
        "mlgolden migrate 1.0.0 → 1.2.0: 1.1.0/10_first.py, 1.1.0/20_second.py, 1.2.0/10_later.py",
        "mlgolden upgrade 1.0.0 → 1.2.0: answers changed (owner_team)",
    ]
    assert "1.2.0" in (project / "README.md").read_text()
    assert git(project, "status", "--porcelain") == ""
    assert len(git(project, "worktree", "list").splitlines()) == 1
    assert "migrations 1.1.0/10_first.py" in result.out


def test_migrations_of_versions_the_project_already_has_do_not_run(cli, catalog, project):
    (catalog / "migrations" / "1.0.0").mkdir(parents=True)
    (catalog / "migrations" / "1.0.0" / "old.py").write_text(FAILING)
    _release(catalog, "1.1.0", {"10_first.py": MIGRATION})
    assert cli("upgrade", str(project), "--trust").code == 0
    assert (project / "MIGRATED.txt").read_text().startswith("1.1.0 10_first.py")


def test_an_untrusted_catalogs_migrations_refuse_the_upgrade(cli, catalog, project):
    _release(catalog, "1.1.0", {"10_first.py": MIGRATION})
    before = _state(project)
    result = cli("upgrade", str(project))
    assert result.code == 2
    assert "ships migrations (1.1.0/10_first.py)" in result.err and "--trust" in result.err
    assert _state(project) == before


def test_a_failing_migration_leaves_the_repository_as_before(cli, catalog, project):
    _release(catalog, "1.1.0", {"10_first.py": MIGRATION, "20_broken.py": FAILING})
    (project / "notes.txt").write_text("untracked team file\n")
    before = _state(project)
    result = cli("upgrade", str(project), "--trust")
    assert result.code == 1
    assert "migration 1.1.0/20_broken.py failed (exit 1): boom" in result.err
    assert _state(project) == before
    assert not (project / "MIGRATED.txt").exists() and not (project / "half.txt").exists()
    assert "first" in (project / "README.md").read_text()


def test_dry_run_shows_what_the_migrations_would_change_and_changes_nothing(cli, catalog, project):
    _release(catalog, "1.1.0", {"10_first.py": MIGRATION})
    before = _state(project)
    result = cli("upgrade", str(project), "--trust", "--dry-run")
    assert result.code == 0, result.out + result.err
    assert "migrate:add MIGRATED.txt" in " ".join(result.out.split())
    assert "modify    README.md" in result.out
    assert _state(project) == before

    untrusted = cli("upgrade", str(project), "--dry-run")
    assert untrusted.code == 0
    assert "would run migrations 1.1.0/10_first.py (they need --trust" in untrusted.out
    assert _state(project) == before
