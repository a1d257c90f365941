"""`mlgolden new` end to end through the real CLI, real cookiecutter and real git."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlgolden.project import MANIFEST
from tests.helpers import MATRIX, PATTERNS, git, listing, matrix_id, snapshot

GOLDEN = Path(__file__).parent / "data" / "golden"
# After an intended change to the file set: MLGOLDEN_UPDATE_GOLDEN=1 pytest tests/test_new.py,
# then review the diff.
UPDATE_GOLDEN = os.environ.get("MLGOLDEN_UPDATE_GOLDEN") == "1"
# Files that legitimately keep Jinja-like syntax for a runtime templater (Airflow macros).
RUNTIME_TEMPLATED = re.compile(r"^dags/.*\.py$")


def new(cli, out: Path, pattern: str, *extra: str, name: str = "churn-model"):
    return cli("new", "--no-input", "--pattern", pattern, "--name", name, "--output-dir", str(out), *extra)


def sets(options: dict[str, str]) -> list[str]:
    return [arg for k, v in options.items() for arg in ("--set", f"{k}={v}")]


def test_defaults_make_a_repo_with_one_commit_holding_exactly_the_files(cli, tmp_path):
    result = cli("new", "--no-input", "--output-dir", str(tmp_path))
    assert result.code == 0, result.err
    project = tmp_path / "churn-model"
    assert "Created" in result.out and "make test" in result.out
    assert git(project, "rev-list", "--count", "HEAD").strip() == "1"
    committed = sorted(git(project, "ls-files").split("\n")[:-1])
    on_disk = sorted(snapshot(project))
    assert committed == on_disk
    assert git(project, "status", "--porcelain") == ""
    assert listing(tmp_path) == sorted(["churn-model", *(f"churn-model/{p}" for p in _all_entries(project))])


def _all_entries(project: Path) -> list[str]:
    return [str(p.relative_to(project)) for p in project.rglob("*")]


@pytest.mark.parametrize(("pattern", "options"), MATRIX, ids=[matrix_id(*m) for m in MATRIX])
def test_every_pattern_renders_the_exact_file_set_without_template_leftovers(cli, tmp_path, pattern, options):
    result = new(cli, tmp_path, pattern, *sets(options))
    assert result.code == 0, result.err
    project = tmp_path / "churn-model"
    files = sorted(snapshot(project))
    golden = GOLDEN / f"{matrix_id(pattern, options)}.txt"
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text("\n".join(files) + "\n")
    expected = golden.read_text().split()
    assert files == expected
    for rel in files:
        path = project / rel
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary sample data
        assert "cookiecutter" not in text, rel
        if not RUNTIME_TEMPLATED.match(rel):
            assert "{{" not in text and "{%" not in text, rel


@pytest.mark.parametrize("pattern", PATTERNS)
def test_same_answers_render_identical_trees_and_the_answers_file_round_trips(cli, tmp_path, pattern):
    first = tmp_path / "a"
    second = tmp_path / "b"
    assert new(cli, first, pattern, "--set", "gpu=true").code == 0
    manifest = first / "churn-model" / MANIFEST
    again = cli("new", "--no-input", "--answers", str(manifest), "--output-dir", str(second))
    assert again.code == 0, again.err
    assert snapshot(first / "churn-model") == snapshot(second / "churn-model")
    # same content -> same git tree object
    assert git(first / "churn-model", "rev-parse", "HEAD^{tree}") == git(
        second / "churn-model", "rev-parse", "HEAD^{tree}"
    )
    data = yaml.safe_load(manifest.read_text())
    assert data["pattern"] == pattern
    assert data["answers"]["gpu"] is True
    assert data["catalog"] == {"source": "builtin", "version": data["catalog"]["version"], "commit": None}


def test_set_and_answers_file_go_through_validation_and_layer(cli, tmp_path):
    answers = tmp_path / "answers.yml"
    answers.write_text("pattern: live-service\nproject_name: fraud api\nmax_instances: 7\nmin_instances: 2\n")
    result = cli(
        "new",
        "--no-input",
        "--answers",
        str(answers),
        "--set",
        "max_instances=9",
        "--output-dir",
        str(tmp_path / "out"),
    )
    assert result.code == 0, result.err
    data = yaml.safe_load((tmp_path / "out" / "fraud-api" / MANIFEST).read_text())
    assert data["pattern"] == "live-service"
    assert data["answers"]["min_instances"] == 2
    assert data["answers"]["max_instances"] == 9  # --set wins over the file


def test_an_empty_target_directory_is_used(cli, tmp_path):
    (tmp_path / "churn-model").mkdir()
    assert new(cli, tmp_path, "batch-prediction").code == 0
    assert (tmp_path / "churn-model" / MANIFEST).is_file()


def test_platform_file_overrides_defaults(cli, tmp_path):
    platform = tmp_path / "platform.yml"
    platform.write_text(
        "registry: registry.acme.io/ml\npython:\n  supported: ['3.10', '3.11']\n"
        "  default: '3.10'\nbase_images:\n  cpu: registry.acme.io/ml/py:{python_version}\n"
    )
    result = new(cli, tmp_path / "o", "live-service", "--platform", str(platform))
    assert result.code == 0, result.err
    data = yaml.safe_load((tmp_path / "o" / "churn-model" / MANIFEST).read_text())
    assert data["answers"]["python_version"] == "3.10"
    assert data["platform"]["registry"] == "registry.acme.io/ml"
    assert data["platform"]["base_images"]["gpu"].startswith("localhost:5000")  # merged, not replaced


def test_patterns_list_and_show(cli):
    listed = cli("patterns")
    assert listed.code == 0
    for name in PATTERNS:
        assert re.search(rf"^{name}\s+golden\s+\S", listed.out, re.MULTILINE)
    shown = cli("patterns", "show", "batch-prediction")
    assert shown.code == 0
    for needle in ("schedule", "0 3 * * *", "output_table", "airflow", "python_version", "3.11"):
        assert needle in shown.out


def test_version_and_help_with_examples(cli):
    version = cli("--version")
    assert version.code == 0 and re.match(r"mlgolden \d+\.\d+\.\d+", version.out)
    for command in (["new"], ["patterns"], ["patterns", "show"]):
        result = cli(*command, "--help")
        assert result.code == 0
        assert "Example" in result.out, command


def test_cli_import_stays_light():
    heavy = "('git', 'cookiecutter', 'questionary', 'pydantic', 'rich')"
    code = f"import sys, mlgolden.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_the_compiled_template_cache_never_changes_a_render(cli, tmp_path, _isolated_home):
    """Renders reuse compiled templates from ~/.cache/mlgolden/jinja; a stale, truncated or
    foreign cache file is ignored, never rendered from."""
    assert new(cli, tmp_path / "cold", "live-service").code == 0
    cached = list((_isolated_home / ".cache" / "mlgolden" / "jinja").rglob("*.jbc"))
    assert cached, "the first render filled no cache"
    import mlgolden.render as render

    render._COMPILED.clear()  # as in a new process: only the disk cache is left
    assert new(cli, tmp_path / "warm", "live-service").code == 0
    for i, path in enumerate(cached):
        path.write_bytes(path.read_bytes()[: 20 + i % 7] if i % 2 else b"garbage")
    render._COMPILED.clear()
    assert new(cli, tmp_path / "broken", "live-service").code == 0
    trees = [snapshot(tmp_path / d / "churn-model") for d in ("cold", "warm", "broken")]
    assert trees[0] == trees[1] == trees[2]
