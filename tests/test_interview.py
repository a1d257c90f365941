"""The real interview in a real terminal of 80 columns (pexpect + the CLI of this tree)."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from tests.helpers import git, listing, snapshot

CTRL_U = "\x15"  # clear the pre-filled default
DOWN = "\x1b[B"
COLUMNS = 80
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# The prompts of `new --pattern batch-prediction`, in order, as questionary shows them.
BATCH_PROMPTS = [
    "? Project name",
    "? One-line description",
    "? Owner team",
    "? Python version",
    "? Does it need a GPU?",
    "? Data classification",
    "? Schedule (cron)",
    "? Output table",
]
REVIEW = "? Create the project?"
EDIT = "? Edit which answer?"


class Terminal:
    """`mlgolden new` in a pseudo-terminal; ``screen()`` is everything shown so far, plain text."""

    def __init__(self, out: Path, *args: str) -> None:
        env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "LINES": "40"}
        env.pop("COLUMNS", None)  # the width comes from the terminal itself
        self.log = io.StringIO()
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "mlgolden", "new", "--output-dir", str(out), *args],
            env=env,
            encoding="utf-8",
            timeout=30,
            dimensions=(40, COLUMNS),
        )
        self.child.logfile_read = self.log

    def expect(self, text: str) -> None:
        """Wait for ``text``; a prompt "? X" starts a line and may hold colour codes after the "?"."""
        if text.startswith("? "):
            ansi = r"\x1b\[[0-9;?]*[A-Za-z]"
            self.child.expect(rf"(?:^|[\r\n])(?:{ansi})*\?(?:{ansi}|\s)*" + re.escape(text[2:]))
        else:
            self.child.expect_exact(text)

    def answer(self, prompt: str, keys: str) -> None:
        self.expect(prompt)
        self.child.send(keys)

    def defaults(self, prompts: list[str]) -> None:
        for prompt in prompts:
            self.answer(prompt, "\r")

    def review(self, action: str) -> None:
        """Choose on the review screen: create, edit or cancel."""
        self.answer(REVIEW, DOWN * ["create", "edit", "cancel"].index(action) + "\r")

    def edit(self, position: int) -> None:
        """Edit the answer at ``position`` in the list of answers."""
        self.review("edit")
        self.answer(EDIT, DOWN * position + "\r")

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus

    def screen(self) -> str:
        return ANSI.sub("", self.log.getvalue()).replace("\r", "")

    def last_summary(self) -> dict[str, str]:
        """The rows of the last summary shown: label -> value."""
        block = self.screen().rsplit("Summary\n", 1)[1].split("\n?", 1)[0]
        rows: dict[str, str] = {}
        label = ""
        for line in block.splitlines():
            if not line.strip():
                continue
            if line.startswith("   "):  # a long value folded onto the next line
                rows[label] += line.strip()
                continue
            label, _, value = line.strip().partition("  ")
            rows[label] = value.strip()
        return rows


def manifest(project: Path) -> dict:
    return yaml.safe_load((project / ".mlgolden.yml").read_text(encoding="utf-8"))


def test_interview_gives_the_same_project_as_the_equivalent_command(cli, tmp_path):
    term = Terminal(tmp_path / "interactive")
    term.answer("? Pattern", DOWN + "\r")  # batch-prediction -> live-service
    term.answer("? Project name", CTRL_U + "9lives\r")  # refused with the reason, asked again
    term.expect("must start with a letter")
    term.answer("? Project name", CTRL_U + "Fraud Scorer\r")
    term.answer("? One-line description", CTRL_U + "Scores card payments for fraud\r")
    term.answer("? Owner team", CTRL_U + "payments-ml\r")
    term.answer("? Python version", "\r")  # default: the platform's newest
    term.answer("? Does it need a GPU?", "y")
    term.answer("? Data classification", DOWN + "\r")  # internal -> confidential
    term.answer("? Minimum instances", CTRL_U + "2\r")
    term.answer("? Maximum instances", CTRL_U + "1\r")  # below the minimum: refused, asked again
    term.expect("must be at least min_instances")
    term.answer("? Maximum instances", CTRL_U + "5\r")
    term.review("create")
    assert term.finish() == 0, term.screen()
    summary = term.last_summary()
    assert summary["GPU"] == "yes" and summary["Data classification"] == "confidential"
    assert summary["Pattern"] == "live-service"

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


def test_every_question_shows_help_and_its_limits(tmp_path):
    term = Terminal(tmp_path, "--pattern", "live-service")
    term.defaults(BATCH_PROMPTS[:6])
    term.answer("? Minimum instances", "\r")
    term.answer("? Maximum instances", "\r")
    term.review("cancel")
    assert term.finish() == 130
    screen = term.screen()
    assert "(0-100)" in screen and "(1-1000, at least min instances)" in screen
    assert "(yes/no)" in screen
    # each prompt is preceded by its help line (a non-empty line that is not another prompt)
    lines = screen.splitlines()
    for prompt in [*BATCH_PROMPTS[:6], "? Minimum instances", "? Maximum instances"]:
        at = next(i for i, line in enumerate(lines) if line.startswith(prompt))
        assert lines[at - 1].strip() and not lines[at - 1].startswith("?"), (prompt, lines[at - 1])
    summary = term.last_summary()
    assert summary["GPU"] == "no"  # words, not Python's True/False
    assert "True" not in summary.values() and "False" not in summary.values()


@pytest.mark.parametrize(
    ("position", "keys", "label", "shown", "recorded"),
    [
        (0, CTRL_U + "Churn Radar\r", "Project name", "Churn Radar", "Churn Radar"),  # text
        (3, DOWN + "\r", None, None, None),  # choice (python_version: moves off the default)
        (4, "y", "GPU", "yes", True),  # bool
        (5, DOWN + DOWN + "\r", "Data classification", "pii", "pii"),  # choice
        (6, CTRL_U + "@hourly\r", "Schedule", "@hourly", "@hourly"),  # text with a rule
    ],
    ids=["text", "choice-platform", "bool", "choice", "rule"],
)
def test_edit_from_the_summary_returns_to_it(tmp_path, position, keys, label, shown, recorded):
    term = Terminal(tmp_path, "--pattern", "batch-prediction")
    term.defaults(BATCH_PROMPTS)
    term.expect(REVIEW)
    first = term.last_summary()
    term.child.send(DOWN + "\r")
    term.answer(EDIT, DOWN * position + "\r")
    term.expect(BATCH_PROMPTS[position])  # back at exactly that question
    term.child.send(keys)
    term.expect(REVIEW)  # then straight back to the summary, nothing else asked
    after = term.last_summary()
    changed = {k for k in first if first[k] != after.get(k)}
    if label is None:  # the platform's other Python version
        assert changed == {"Python version"}, (first, after)
        label, shown, recorded = "Python version", after["Python version"], after["Python version"]
    else:
        expected = {label, "Directory"} if label == "Project name" else {label}
        assert changed == expected, (first, after)
        assert after[label] == shown
    term.child.send("\r")  # create
    assert term.finish() == 0, term.screen()
    (project,) = [p for p in tmp_path.iterdir()]
    assert after["Directory"] == str(project)
    key = {
        "Project name": "project_name",
        "GPU": "gpu",
        "Data classification": "data_classification",
        "Schedule": "schedule",
        "Python version": "python_version",
    }[label]
    assert manifest(project)["answers"][key] == recorded


def test_edit_an_int_re_asks_what_the_edit_made_invalid(tmp_path):
    term = Terminal(tmp_path, "--pattern", "live-service")
    term.defaults([*BATCH_PROMPTS[:6], "? Minimum instances", "? Maximum instances"])  # 1 and 3
    term.edit(6)
    term.answer("? Minimum instances", CTRL_U + "7\r")
    term.expect("max_instances: must be at least min_instances (7)")
    term.answer("? Maximum instances", CTRL_U + "9\r")
    term.expect(REVIEW)
    summary = term.last_summary()
    assert (summary["Minimum instances"], summary["Maximum instances"]) == ("7", "9")
    term.child.send("\r")
    assert term.finish() == 0, term.screen()
    (project,) = list(tmp_path.iterdir())
    answers = manifest(project)["answers"]
    assert (answers["min_instances"], answers["max_instances"]) == (7, 9)


def test_conditional_questions_follow_an_edit(tmp_path):
    """streamlit-demo: the service URL is asked only for inference_mode=service, the GPU only for
    local; editing the mode on the review screen asks what now applies and drops the rest."""
    term = Terminal(tmp_path, "--pattern", "streamlit-demo")
    term.defaults(BATCH_PROMPTS[:4])
    term.answer("? Data classification", "\r")
    term.answer("? Where do predictions come from?", "\r")  # local
    term.answer("? Does it need a GPU?", "y")
    term.expect(REVIEW)
    summary = term.last_summary()
    assert summary["GPU"] == "yes" and "Service URL" not in summary

    term.child.send(DOWN + "\r")
    term.answer(EDIT, DOWN * 5 + "\r")  # Predictions from
    term.answer("? Where do predictions come from?", DOWN + "\r")  # -> service
    term.answer("? URL of the live service", CTRL_U + "http://scorer.internal:8080\r")
    term.expect(REVIEW)
    summary = term.last_summary()
    assert summary["Predictions from"] == "service"
    assert summary["Service URL"] == "http://scorer.internal:8080" and "GPU" not in summary

    term.child.send(DOWN + "\r")
    term.answer(EDIT, DOWN * 5 + "\r")
    term.answer("? Where do predictions come from?", "\x1b[A\r")  # -> local again
    term.answer("? Does it need a GPU?", "n")  # applies again: asked again
    term.expect(REVIEW)
    summary = term.last_summary()
    assert summary["GPU"] == "no" and "Service URL" not in summary
    term.child.send("\r")
    assert term.finish() == 0, term.screen()
    (project,) = list(tmp_path.iterdir())
    answers = manifest(project)["answers"]
    assert answers["inference_mode"] == "local" and answers["gpu"] is False
    assert "service_url" not in answers


# Every prompt of a session: the pattern, each question, the review screen, the list of answers
# to edit, and a question asked again from the review screen.
CTRL_C_STAGES = ["? Pattern", *BATCH_PROMPTS, REVIEW, EDIT, "edited"]


@pytest.mark.parametrize("stage", CTRL_C_STAGES)
def test_ctrl_c_at_every_prompt_leaves_nothing(tmp_path, stage):
    out = tmp_path / "out"
    out.mkdir()
    term = Terminal(out)
    for prompt in ["? Pattern", *BATCH_PROMPTS, REVIEW, EDIT]:
        term.expect(prompt)
        if prompt == stage:
            break
        term.child.send(DOWN + "\r" if prompt == REVIEW else "\r")
    else:
        term.expect(BATCH_PROMPTS[0])  # editing the first answer
    term.child.send("\x03")
    assert term.finish() == 130
    assert "nothing was written" in term.screen()
    assert listing(out) == []


def test_cancel_on_the_review_screen_writes_nothing(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    term = Terminal(out, "--pattern", "streamlit-demo")
    term.defaults(BATCH_PROMPTS[:4])
    term.answer("? Data classification", "\r")
    term.answer("? Where do predictions come from?", DOWN + "\r")  # service -> asks the URL
    term.answer("? URL of the live service", CTRL_U + "ftp://nope\r")
    term.expect("http(s)://host")
    term.answer("? URL of the live service", CTRL_U + "http://scorer.internal:8080\r")
    term.review("cancel")
    assert term.finish() == 130
    assert "cancelled; nothing was written" in term.screen()
    assert listing(out) == []


def test_a_long_error_wraps_at_the_terminal_width(tmp_path):
    term = Terminal(tmp_path)
    term.answer("? Pattern", "\r")
    term.answer("? Project name", CTRL_U + "9lives\r")
    term.answer("? Project name", "\x03")
    assert term.finish() == 130
    message = (
        "project_name: the project name must start with a letter and hold only letters, "
        "digits, spaces, dashes or underscores"
    )
    assert len(message) > COLUMNS
    screen = term.screen()
    start = screen.index("✗ project_name")
    shown = screen[start:].split("\n? ", 1)[0]
    lines = shown.splitlines()
    assert len(lines) >= 2 and all(len(line.rstrip()) <= COLUMNS for line in lines), lines
    assert " ".join(" ".join(lines).split()) == f"✗ {message}"  # every word, none cut off
