"""The docs are tests: every command in README.md and docs/getting-started.md runs, doctest-style.

A ```console block holds ``$ command`` lines (a line ending in ``\\`` continues on the next), each
followed by the output it shows; ``...`` in the output stands for any text (paths, commit ids,
table rows that depend on the tools installed). The commands of one document run one after the
other from a fresh folder, as in one shell (a ``cd`` carries over to the next command), with this
tree's ``mlgolden`` on PATH; stdout
and stderr are read together, as on a terminal. A command exits 0 unless its output shows an
``error:``, then 2. A shell block that is not run says why in a ``<!-- docs-test: not run (...) -->``
comment right above it; there may be only a few of those.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "docs/getting-started.md"]
FENCE = re.compile(
    r"(?:<!-- docs-test: not run \((?P<why>[^)]+)\) -->\n)?```(?P<info>\w*)\n(?P<body>.*?)```", re.S
)
SHELL_BLOCKS = {"sh", "bash", "shell", "console"}


@dataclass
class Example:
    command: str
    output: str
    line: int


def examples(doc: str) -> tuple[list[Example], list[str]]:
    """The runnable examples of a document, and the reasons given for the shell blocks not run."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    runnable, not_run = [], []
    for block in FENCE.finditer(text):
        info, body = block["info"], block["body"]
        if info not in SHELL_BLOCKS:
            continue
        if info != "console":
            assert block["why"], f"{doc}: a ```{info} block that is not run must say why"
            not_run.append(block["why"])
            continue
        start = text.count("\n", 0, block.start("body")) + 1
        runnable.extend(_parse(body, start))
    return runnable, not_run


def _parse(body: str, start: int) -> list[Example]:
    result: list[Example] = []
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        assert line.startswith("$ "), f"line {start + i}: output before any command: {line!r}"
        command, at = line[2:], start + i
        while command.endswith("\\"):
            i += 1
            command = command[:-1] + " " + lines[i].strip()
        i += 1
        output = []
        while i < len(lines) and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        result.append(Example(command, "\n".join(output), at))
    return result


CHECKER = doctest.OutputChecker()
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.fixture
def shell_env(tmp_path):
    """This tree's mlgolden first on PATH; HOME, git config and temp files inside tmp_path."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "mlgolden"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mlgolden "$@"\n')
    shim.chmod(0o755)
    (tmp_path / "tmp").mkdir()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",  # stdout and stderr in the order they were written
        "TMPDIR": str(tmp_path / "tmp"),
        "COLUMNS": "80",
    }
    env.pop("MLGOLDEN_PLATFORM", None)
    return env


@pytest.mark.parametrize("doc", DOCS)
def test_every_command_in_the_docs_gives_the_output_shown(doc, tmp_path, shell_env):
    runnable, not_run = examples(doc)
    assert runnable, f"{doc} shows no command"
    assert len(not_run) <= 3, not_run  # install, the whole suite, the interview, completion
    cwd = tmp_path / "work"
    cwd.mkdir()
    cwd_file = tmp_path / "cwd"
    for example in runnable:
        script = f'{example.command}\nstatus=$?\npwd > "{cwd_file}"\nexit $status\n'
        proc = subprocess.run(
            ["bash", "-c", script],
            cwd=cwd,
            env=shell_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
        )
        cwd = Path(cwd_file.read_text().strip())
        where = f"{doc}:{example.line}: $ {example.command}"
        expected_code = 2 if "error:" in example.output else 0
        assert proc.returncode == expected_code, f"{where}\nexit {proc.returncode}\n{proc.stdout}"
        assert "Traceback" not in proc.stdout, f"{where}\n{proc.stdout}"
        want = example.output.strip() + "\n"
        got = proc.stdout.strip() + "\n"
        assert CHECKER.check_output(want, got, FLAGS), f"{where}\n--- shown\n{want}--- real\n{got}"


def test_the_readme_creates_its_project_outside_the_checkout():
    runnable, _ = examples("README.md")
    first_new = next(e for e in runnable if "mlgolden new" in e.command)
    assert first_new.command.startswith('cd "$(mktemp -d)"'), first_new.command
