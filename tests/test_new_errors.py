"""Bad input to `mlgolden new`: one line, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import copy_builtin_catalog, git_save, listing


def _broken_template_catalog(root: Path) -> Path:
    repo = copy_builtin_catalog(root / "catalog")
    readme = next((repo / "templates" / "base").glob("*/README.md"))
    readme.write_text("# {{ cookiecutter.project_name }\n")
    return repo


def _undefined_variable_catalog(root: Path) -> Path:
    repo = copy_builtin_catalog(root / "catalog")
    readme = next((repo / "templates" / "base").glob("*/README.md"))
    readme.write_text("# {{ cookiecutter.no_such_answer }}\n")
    return repo


def _tagged(root: Path) -> Path:
    repo = copy_builtin_catalog(root / "catalog")
    git_save(repo, tag="v1.0.0")
    return repo


def _required_without_default(root: Path) -> Path:
    repo = copy_builtin_catalog(root / "catalog")
    text = (repo / "catalog.yml").read_text().replace("    default: data-science\n", "")
    (repo / "catalog.yml").write_text(text)
    return repo


CASES = [
    ("unknown-pattern", lambda r: ["--pattern", "nope"], "unknown pattern 'nope'"),
    ("invalid-name", lambda r: ["--name", "9 lives"], "must start with a letter"),
    ("unicode-name", lambda r: ["--name", "café"], "ASCII"),
    ("reserved-name", lambda r: ["--name", "json"], "reserved"),
    ("path-in-name", lambda r: ["--name", "../evil"], "project_name"),
    ("unknown-set-key", lambda r: ["--set", "colour=blue"], "unknown question 'colour'"),
    ("set-not-key-value", lambda r: ["--set", "gpu"], "not KEY=VALUE"),
    ("bad-bool", lambda r: ["--set", "gpu=maybe"], "expected yes or no"),
    ("bad-cron", lambda r: ["--set", "schedule=61 * * * *"], "cron minute"),
    ("unsupported-python", lambda r: ["--set", "python_version=2.7"], "not one of"),
    ("malformed-answers", lambda r: ["--answers", str(_write(r / "a.yml", "key: [oops"))], "not valid YAML"),
    ("answers-not-mapping", lambda r: ["--answers", str(_write(r / "a.yml", "- a\n- b\n"))], "mapping"),
    (
        "answers-unknown-key",
        lambda r: ["--answers", str(_write(r / "a.yml", "flavour: x\n"))],
        "unknown question 'flavour'",
    ),
    ("answers-missing-file", lambda r: ["--answers", str(r / "nope.yml")], "does not exist"),
    ("missing-catalog", lambda r: ["--catalog", str(r / "no-catalog")], "does not exist"),
    ("unknown-ref", lambda r: ["--catalog", str(_tagged(r)), "--ref", "v9.9.9"], "unknown ref 'v9.9.9'"),
    ("unknown-builtin-ref", lambda r: ["--ref", "0.0.1"], "unknown ref"),
    (
        "ref-on-plain-dir",
        lambda r: ["--catalog", str(copy_builtin_catalog(r / "c")), "--ref", "v1"],
        "--ref needs a git catalog",
    ),
    ("template-syntax-error", lambda r: ["--catalog", str(_broken_template_catalog(r))], "template error"),
    ("undefined-variable", lambda r: ["--catalog", str(_undefined_variable_catalog(r))], "no_such_answer"),
    (
        "required-no-default",
        lambda r: ["--catalog", str(_required_without_default(r))],
        "--set owner_team=VALUE",
    ),
    (
        "bad-platform",
        lambda r: ["--platform", str(_write(r / "p.yml", "python:\n  supported: ['two']\n"))],
        "platform settings",
    ),
    (
        "max-below-min",
        lambda r: ["--pattern", "live-service", "--set", "min_instances=5", "--set", "max_instances=2"],
        "at least min_instances",
    ),
]


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize(("case", "args", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_with_one_line_and_nothing_written(cli, tmp_path, case, args, message):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    result = cli("new", "--no-input", "--output-dir", str(out), *args(inputs))
    assert result.code == 2, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert message in lines[0]
    assert "Traceback" not in result.err
    assert listing(out) == []


def test_non_empty_target_is_refused_and_untouched(cli, tmp_path):
    target = tmp_path / "churn-model"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = cli("new", "--no-input", "--output-dir", str(tmp_path))
    assert result.code == 2
    assert "already exists and is not empty" in result.err
    assert listing(tmp_path) == ["churn-model", "churn-model/notes.txt"]


def test_output_dir_created_by_a_failing_run_is_removed(cli, tmp_path):
    out = tmp_path / "deep" / "out"
    result = cli(
        "new", "--no-input", "--output-dir", str(out), "--catalog", str(_broken_template_catalog(tmp_path))
    )
    assert result.code == 2
    assert not (tmp_path / "deep").exists()


def test_read_only_output_dir(cli, tmp_path):
    import os

    if os.geteuid() == 0:
        # root ignores permissions; a read-only bind is not available, so use a file as the parent
        blocker = tmp_path / "file"
        blocker.write_text("x")
        result = cli("new", "--no-input", "--output-dir", str(blocker / "sub"))
        assert result.code == 2 and "cannot create" in result.err
        return
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    result = cli("new", "--no-input", "--output-dir", str(ro))
    assert result.code == 2 and "cannot write" in result.err


def test_no_terminal_without_no_input(cli, tmp_path):
    result = cli("new", "--output-dir", str(tmp_path))
    assert result.code == 2
    assert "--no-input" in result.err
