"""Help texts: examples one paste-able command per line, placeholders as words, text wrapped."""

from __future__ import annotations

import os
import re
import shlex
import sys

import pexpect
import pytest
from typer.main import get_command

from mlgolden.cli import _word_placeholders, app


def _commands(command, path=()):
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _commands(sub, (*path, name))


def _all_commands() -> list[tuple[str, ...]]:
    command = get_command(app)
    _word_placeholders(command)
    return list(_commands(command))


COMMANDS = _all_commands()


@pytest.fixture
def help_of(cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")

    def run(path: tuple[str, ...]) -> str:
        result = cli(*path, "--help")
        assert result.code == 0, result.err
        return result.out

    return run


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "mlgolden")
def test_placeholders_are_words(help_of, path):
    text = help_of(path)
    assert not re.search(r"<(str|int|path|list|float|bool|int range|file)\b", text, re.I), text
    assert all(len(line) <= 80 for line in text.splitlines()), text


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "mlgolden")
def test_examples_are_one_pasteable_command_per_line(help_of, path):
    text = help_of(path)
    if "Example" not in text:
        return
    block = text.split("Example", 1)[1].split(":", 1)[1]
    block = re.split(r"\n(?:Arguments|Options|Commands):", block, maxsplit=1)[0]
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    assert lines, text
    for line in lines:
        assert line.startswith("mlgolden "), f"not a whole command: {line!r}"
        words = shlex.split(line.split(" > ", 1)[0])  # a shell redirection ends the command
        # the command's own words parse: each sub-command named in the line exists
        cursor = get_command(app)
        for word in words[1:]:
            if word.startswith("-") or not hasattr(cursor, "commands"):
                break
            assert word in cursor.commands, f"{line!r}: no command {word!r}"
            cursor = cursor.commands[word]


def test_top_level_help_lists_examples_without_wrapping_them(help_of):
    text = help_of(())
    assert "  mlgolden new --no-input --pattern live-service --name fraud-api\n" in text


def _spawn(*args: str, cwd) -> pexpect.spawn:
    env = {**os.environ, "TERM": "xterm", "PYTHONPATH": os.getcwd()}
    env.pop("COLUMNS", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "mlgolden", *args],
        env=env,
        cwd=str(cwd),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 80),
    )


def test_pattern_list_wraps_at_the_terminal_width(tmp_path):
    child = _spawn("patterns", cwd=tmp_path)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before).replace("\r", "")
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    assert all(len(line) <= 80 for line in lines), lines
    assert len(lines) > 3  # a long description continues on the next line, under itself
    assert "write predictions" in " ".join(" ".join(lines).split())


def test_a_long_error_wraps_at_the_terminal_width(tmp_path):
    name = "a" + "b" * 45  # a slug longer than 40 characters
    child = _spawn("new", "--no-input", "--name", name, "-o", str(tmp_path / "out"), cwd=tmp_path)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    text = child.before.replace("\r", "")
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0].startswith("error: --name: ")
    assert len(lines) >= 2 and all(len(line) <= 80 for line in lines), lines
    assert "3 to 40 characters" in " ".join(" ".join(lines).split())
    assert not (tmp_path / "out").exists()
