"""Shell completion through the real protocol the installed scripts use (env var + COMP_WORDS)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import copy_builtin_catalog

ROOT = Path(__file__).resolve().parent.parent


def complete(words: str, cwd: Path, shell: str = "bash") -> list[str]:
    """What Tab offers after ``words`` (the last word is the one being completed)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "_MLGOLDEN_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        env.update(COMP_WORDS=words, COMP_CWORD=str(len(words.split(" ")) - 1))
    else:
        env["_TYPER_COMPLETE_ARGS"] = words
    proc = subprocess.run(
        [sys.executable, "-m", "mlgolden"], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    return proc.stdout.split()


def test_pattern_names(tmp_path):
    assert complete("mlgolden new --pattern ", tmp_path) == [
        "batch-prediction",
        "live-service",
        "streamlit-demo",
    ]
    assert complete("mlgolden new -p l", tmp_path) == ["live-service"]
    assert complete("mlgolden patterns show s", tmp_path) == ["streamlit-demo"]
    assert complete("mlgolden upgrade --pattern b", tmp_path) == ["batch-prediction"]


def test_zsh_shows_each_pattern_with_its_description(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "mlgolden"],
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "_MLGOLDEN_COMPLETE": "complete_zsh",
            "_TYPER_COMPLETE_ARGS": "mlgolden new --pattern st",
        },
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert '"streamlit-demo":"A Streamlit demo app' in out


def test_set_completes_the_question_ids_of_the_pattern_given(tmp_path):
    assert complete("mlgolden new -p live-service --set m", tmp_path) == ["min_instances=", "max_instances="]
    every = complete("mlgolden new --set ", tmp_path)  # no pattern yet: every pattern's questions
    assert {"project_name=", "gpu=", "schedule=", "min_instances=", "service_url="} <= set(every)
    batch = complete("mlgolden new -p batch-prediction --set ", tmp_path)
    assert "schedule=" in batch and "min_instances=" not in batch


def test_set_completes_the_choices_of_a_question(tmp_path):
    words = complete("mlgolden new --set data_classification=", tmp_path)
    assert words == [f"data_classification={c}" for c in ("public", "internal", "confidential", "pii")]
    assert complete("mlgolden new --set gpu=y", tmp_path) == ["gpu=yes"]
    assert complete("mlgolden new --set project_name=", tmp_path) == []  # free text: nothing to offer


def test_upgrade_set_completes_the_recorded_patterns_questions(cli, tmp_path):
    result = cli("new", "--no-input", "-p", "live-service", "-o", str(tmp_path))
    assert result.code == 0, result.err
    words = complete("mlgolden upgrade --set ", tmp_path / "churn-model")
    assert "min_instances=" in words and "schedule=" not in words


def test_completion_reads_the_catalog_given(tmp_path):
    catalog = copy_builtin_catalog(tmp_path / "catalog")
    pattern = (catalog / "patterns" / "live-service.yml").read_text()
    (catalog / "patterns" / "shadow-service.yml").write_text(
        pattern.replace("live-service", "shadow-service")
    )
    words = complete(f"mlgolden new --catalog {catalog} --pattern s", tmp_path)
    assert words == ["shadow-service", "streamlit-demo"]


@pytest.mark.parametrize("words", ["mlgolden new --catalog /nonexistent --pattern ", "mlgolden new --set x"])
def test_completion_offers_nothing_rather_than_an_error(tmp_path, words):
    assert complete(words, tmp_path) == []


def test_show_completion_prints_the_script(cli):
    result = cli("--show-completion", "bash")
    assert result.code == 0
    assert "_MLGOLDEN_COMPLETE=complete_bash" in result.out
