"""The real interview in a real terminal (pexpect + the installed CLI)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

from tests.helpers import git, listing, snapshot

CTRL_U = "\x15"  # clear the pre-filled default
DOWN = "\x1b[B"


def spawn(out: Path, *args: str) -> pexpect.spawn:
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "COLUMNS": "120", "LINES": "40"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mlgolden", "new", "--output-dir", str(out), *args],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    return child


def answer(child: pexpect.spawn, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


def test_interview_gives_the_same_project_as_the_equivalent_command(cli, tmp_path):
    child = spawn(tmp_path / "interactive")
    answer(child, "Pattern", DOWN + "\r")  # batch-prediction -> live-service
    answer(child, "Project name", CTRL_U + "9lives\r")  # refused inline, re-asked
    child.expect_exact("must start with a letter")
    child.send(CTRL_U + "Fraud Scorer\r")
    answer(child, "One-line description", CTRL_U + "Scores card payments for fraud\r")
    answer(child, "Owner team", CTRL_U + "payments-ml\r")
    answer(child, "Python version", "\r")  # default: the platform's newest
    answer(child, "Does it need a GPU?", "y")
    answer(child, "Data classification", DOWN + "\r")  # internal -> confidential
    answer(child, "Minimum instances", CTRL_U + "2\r")
    answer(child, "Maximum instances", CTRL_U + "1\r")  # below the minimum: refused inline
    child.expect_exact("must be at least min_instances")
    child.send(CTRL_U + "5\r")
    child.expect_exact("Summary")
    answer(child, "Create the project?", "y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before

    result = cli(
        "new",
        "--no-input",
        "--pattern",
        "live-service",
        "--name",
        "Fraud Scorer",
        "--set",
        "description=Scores card payments for fraud",
        "--set",
        "owner_team=payments-ml",
        "--set",
        "gpu=true",
        "--set",
        "data_classification=confidential",
        "--set",
        "min_instances=2",
        "--set",
        "max_instances=5",
        "--output-dir",
        str(tmp_path / "batch"),
    )
    assert result.code == 0, result.err
    interactive = tmp_path / "interactive" / "fraud-scorer"
    scripted = tmp_path / "batch" / "fraud-scorer"
    assert snapshot(interactive) == snapshot(scripted)
    assert git(interactive, "rev-parse", "HEAD^{tree}") == git(scripted, "rev-parse", "HEAD^{tree}")


@pytest.mark.parametrize("stage", ["pattern", "name", "confirm"])
def test_ctrl_c_anywhere_leaves_nothing(tmp_path, stage):
    out = tmp_path / "out"
    out.mkdir()
    child = spawn(out)
    child.expect_exact("Pattern")
    if stage != "pattern":
        child.send("\r")
        child.expect_exact("Project name")
    if stage == "confirm":
        child.send("\r")
        for prompt in (
            "description",
            "Owner team",
            "Python version",
            "GPU",
            "classification",
            "Schedule",
            "Output table",
        ):
            child.expect_exact(prompt)
            child.send("\r")
        child.expect_exact("Create the project?")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "nothing was written" in child.before
    assert listing(out) == []


def test_declining_the_summary_writes_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    child = spawn(out, "--pattern", "streamlit-demo")
    for prompt in ("Project name", "description", "Owner team", "Python version", "GPU", "classification"):
        answer(child, prompt, "\r")
    answer(child, "Where do predictions come from?", DOWN + "\r")  # service -> asks the URL
    answer(child, "URL of the live service", CTRL_U + "ftp://nope\r")
    child.expect_exact("http(s)://host")
    child.send(CTRL_U + "http://scorer.internal:8080\r")
    answer(child, "Create the project?", "n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert listing(out) == []
