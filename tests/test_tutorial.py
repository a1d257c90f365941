"""The tutorial in docs/writing-a-catalog.md is a test: its shell blocks run, exactly as written and
in order, in one shell, with the real CLI and the real validate tools. Doc and test can't diverge."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import git, require_validate_tools

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "writing-a-catalog.md"
TUTORIAL = "## Tutorial"


def tutorial_script() -> str:
    """The ```sh blocks of the tutorial section (up to the next ## heading), in order."""
    blocks: list[list[str]] = []
    inside, fence = False, None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if fence is None and line.startswith("## "):
            inside = line.startswith(TUTORIAL)
        elif fence is None and line.startswith("```"):
            fence = line[3:].strip()
            if inside and fence == "sh":
                blocks.append([])
        elif fence is not None and line == "```":
            fence = None
        elif inside and fence == "sh":
            blocks[-1].append(line)
    return "\n\n".join("\n".join(block) for block in blocks)


def test_the_tutorial_has_the_steps_it_promises():
    script = tutorial_script()
    for step in (
        "mlgolden catalog init",
        "mlgolden catalog release 1.0.0",
        "patterns/training-pipeline.yml",
        "migrations/1.1.0/",
        "mlgolden catalog release 1.1.0",
        "mlgolden upgrade --trust",
    ):
        assert step in script, step


@pytest.mark.slow
def test_the_tutorial_runs_as_written(tmp_path, monkeypatch):
    require_validate_tools(monkeypatch, "hadolint", "groovy", "terraform", "airflow", "feast")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "mlgolden"  # this checkout's mlgolden, whatever is installed
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mlgolden "$@"\n')
    wrapper.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    script = "set -euo pipefail\nset -x\n" + tutorial_script()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        ["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=3600, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-6000:]

    catalog, project = work / "acme-catalog", work / "churn-scores"
    assert git(catalog, "tag", "--list").split() == ["v1.0.0", "v1.1.0"]
    assert git(catalog, "status", "--porcelain") == ""
    subjects = git(project, "log", "--format=%s", "-3").splitlines()
    assert subjects[0] == "mlgolden migrate 1.0.0 → 1.1.0: 1.1.0/10_notebooks_to_research.py"
    assert subjects[1].startswith("mlgolden upgrade 1.0.0 → 1.1.0")
    assert 'print("exploring churn")' in (project / "research" / "explore.py").read_text()
    assert "source: ../acme-catalog" in (project / ".mlgolden.yml").read_text()
    assert (work / "nightly-training" / "src" / "nightly_training" / "training.py").is_file()
    dockerfile = (work / "nightly-training" / "Dockerfile").read_text()
    assert "nightly_training.training" in dockerfile
