"""Every released template version of the built-in catalog stays usable: a project made with it
(by an older mlgolden) upgrades to the current version with the team's edits kept, ends up as the
current template would render it, and validates clean with every tool.

The released versions ship inside the package (mlgolden/releases/*.tar.gz, made by
scripts/release-template.py before each version bump).
"""

from __future__ import annotations

import json

import pytest
import yaml

from mlgolden.catalog import BUILTIN, RELEASES_DIR, available_versions
from tests.helpers import BUILTIN_VERSION, PATTERNS, git, require_validate_tools, snapshot

RELEASED = [v for v in available_versions(BUILTIN) if v != BUILTIN_VERSION]
ALL_TOOLS = ("hadolint", "groovy", "terraform", "airflow", "feast")
TEAM_NOTE = "\n## Team notes\n\nOur own section: the upgrade must keep it.\n"


def test_every_earlier_version_is_archived_and_the_current_one_is_newest():
    archived = sorted(p.name.removesuffix(".tar.gz") for p in RELEASES_DIR.glob("*.tar.gz"))
    assert archived, "no released template version is archived in mlgolden/releases/"
    assert BUILTIN_VERSION not in archived, "the current version must not be archived yet"
    assert available_versions(BUILTIN)[-1] == BUILTIN_VERSION
    assert sorted(RELEASED) == archived


@pytest.mark.slow
@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("version", RELEASED)
def test_a_project_of_a_released_version_upgrades_to_the_current_one_and_validates(
    cli, tmp_path, monkeypatch, version, pattern
):
    old = cli("new", "--no-input", "--pattern", pattern, "--ref", version, "-o", str(tmp_path / "old"))
    assert old.code == 0, old.err
    project = tmp_path / "old" / "churn-model"
    assert yaml.safe_load((project / ".mlgolden.yml").read_text())["catalog"]["version"] == version
    # The team's own work: an edited README and a module of their own.
    readme = project / "README.md"
    readme.write_text(readme.read_text() + TEAM_NOTE)
    (project / "src" / "churn_model" / "extras.py").write_text("EXTRA = 1\n")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "team work")

    upgraded = cli("upgrade", str(project))
    assert upgraded.code == 0, upgraded.out + upgraded.err
    assert (
        git(project, "log", "-1", "--format=%s").strip() == f"mlgolden upgrade {version} → {BUILTIN_VERSION}"
    )
    assert git(project, "status", "--porcelain") == ""

    # Apart from the team's edits, the tree is exactly what the current version renders.
    fresh = cli("new", "--no-input", "--pattern", pattern, "-o", str(tmp_path / "fresh"))
    assert fresh.code == 0, fresh.err
    expected = snapshot(tmp_path / "fresh" / "churn-model")
    got = snapshot(project)
    assert got.pop("src/churn_model/extras.py")
    assert readme.read_text() == (tmp_path / "fresh" / "churn-model" / "README.md").read_text() + TEAM_NOTE
    got.pop("README.md"), expected.pop("README.md")
    assert got == expected

    require_validate_tools(monkeypatch, *ALL_TOOLS)
    result = cli("validate", str(project), "--require-tools", "--format", "json")
    report = json.loads(result.out)
    problems = {c["id"]: c["findings"] for c in report["checks"] if c["status"] in ("failed", "skipped")}
    assert problems == {}
    assert result.code == 0
