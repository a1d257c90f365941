"""The bad-input corpus: every case gets one line naming the problem, exit 2, no traceback, and
nothing written or changed. Table-driven for `new` and for `upgrade`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import BUILTIN_VERSION, copy_builtin_catalog, git, git_save, listing, snapshot


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


def _with(root: Path, rel: str, text: str | None = None, *, symlink: str | None = None) -> Path:
    repo = copy_builtin_catalog(root / "catalog")
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if symlink is not None:
        path.symlink_to(symlink)
    elif text is None:
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    else:
        path.write_text(text)
    return repo


def _catalog_yml_plus(root: Path, extra: str) -> Path:
    repo = copy_builtin_catalog(root / "catalog")
    (repo / "catalog.yml").write_text((repo / "catalog.yml").read_text() + extra)
    return repo


BASE = "templates/base/{{cookiecutter.project_slug}}/"
LIVE = ["--pattern", "live-service"]
CASES = [
    # names
    ("name-empty", lambda r: ["--name", ""], "project name is empty"),
    ("name-blank", lambda r: ["--name", "   "], "project name is empty"),
    ("name-leading-digit", lambda r: ["--name", "9 lives"], "must start with a letter"),
    ("name-unicode", lambda r: ["--name", "café"], "ASCII"),
    ("name-emoji", lambda r: ["--name", "model🚀"], "ASCII"),
    ("name-keyword", lambda r: ["--name", "class"], "reserved"),
    ("name-stdlib", lambda r: ["--name", "json"], "reserved"),
    ("name-platform", lambda r: ["--name", "airflow"], "reserved"),
    ("name-shadows-a-dependency", lambda r: ["--name", "joblib"], "reserved"),
    ("name-too-long", lambda r: ["--name", "a" * 200], "3 to 40 characters"),
    ("name-too-short", lambda r: ["--name", "ab"], "3 to 40 characters"),
    ("name-slash", lambda r: ["--name", "team/model"], "project_name"),
    ("name-dotdot", lambda r: ["--name", "../evil"], "project_name"),
    ("name-backslash", lambda r: ["--name", "a\\b"], "project_name"),
    ("name-shell", lambda r: ["--name", "x$(id)"], "project_name"),
    # answers
    ("unknown-set-key", lambda r: ["--set", "colour=blue"], "unknown question 'colour'"),
    ("set-not-key-value", lambda r: ["--set", "gpu"], "not KEY=VALUE"),
    ("bad-bool", lambda r: ["--set", "gpu=maybe"], "expected yes or no"),
    ("int-not-number", lambda r: [*LIVE, "--set", "min_instances=abc"], "whole number"),
    ("int-below-min", lambda r: [*LIVE, "--set", "min_instances=-1"], "at least 0"),
    ("int-above-max", lambda r: [*LIVE, "--set", "max_instances=5000"], "at most 1000"),
    (
        "max-below-min",
        lambda r: [*LIVE, "--set", "min_instances=5", "--set", "max_instances=2"],
        "min_instances",
    ),
    ("cron-minute-range", lambda r: ["--set", "schedule=61 * * * *"], "cron minute"),
    ("cron-field-count", lambda r: ["--set", "schedule=* * *"], "5 fields"),
    ("cron-bad-preset", lambda r: ["--set", "schedule=@sometimes"], "5 fields"),
    ("cron-day-range", lambda r: ["--set", "schedule=0 0 32 * *"], "day of month"),
    ("cron-zero-step", lambda r: ["--set", "schedule=*/0 * * * *"], "positive number"),
    ("cron-backwards", lambda r: ["--set", "schedule=5-1 * * * *"], "goes backwards"),
    ("unsupported-python", lambda r: ["--set", "python_version=2.7"], "not one of"),
    ("newer-python-than-platform", lambda r: ["--set", "python_version=3.99"], "not one of"),
    ("bad-classification", lambda r: ["--set", "data_classification=secret"], "not one of"),
    ("bad-team", lambda r: ["--set", "owner_team=Data Science"], "lower-case"),
    ("bad-table", lambda r: ["--set", "output_table=scores"], "dataset.table"),
    (
        "bad-url",
        lambda r: ["-p", "streamlit-demo", "--set", "inference_mode=service", "--set", "service_url=ftp://x"],
        "http(s)://",
    ),
    ("multiline-description", lambda r: ["--set", "description=line one\nline two"], "control characters"),
    ("key-of-other-pattern", lambda r: ["-p", "streamlit-demo", "--set", "schedule=@daily"], "'schedule'"),
    # answers files
    ("answers-not-yaml", lambda r: ["--answers", str(_write(r / "a.yml", "key: [oops"))], "not valid YAML"),
    ("answers-not-mapping", lambda r: ["--answers", str(_write(r / "a.yml", "- a\n- b\n"))], "mapping"),
    ("answers-unknown-key", lambda r: ["--answers", str(_write(r / "a.yml", "flavour: x\n"))], "'flavour'"),
    ("answers-wrong-type", lambda r: ["--answers", str(_write(r / "a.yml", "owner_team: [a, b]\n"))], "text"),
    ("answers-missing-file", lambda r: ["--answers", str(r / "nope.yml")], "does not exist"),
    (
        "answers-unknown-pattern",
        lambda r: ["--answers", str(_write(r / "a.yml", "pattern: kafka\n"))],
        "kafka",
    ),
    ("unknown-pattern", lambda r: ["--pattern", "nope"], "unknown pattern 'nope'"),
    # catalogs
    ("missing-catalog", lambda r: ["--catalog", str(r / "no-catalog")], "does not exist"),
    ("catalog-no-patterns", lambda r: ["--catalog", str(_with(r, "patterns"))], "no patterns/"),
    (
        "catalog-invalid-pattern-yaml",
        lambda r: ["--catalog", str(_with(r, "patterns/live-service.yml", "a: [\n"))],
        "not valid YAML",
    ),
    (
        "catalog-pattern-schema",
        lambda r: ["--catalog", str(_with(r, "patterns/live-service.yml", "name: x\n"))],
        "pattern file",
    ),
    (
        "catalog-unknown-component",
        lambda r: [
            "--catalog",
            str(
                _with(
                    r,
                    "patterns/batch-prediction.yml",
                    "name: batch-prediction\ntitle: B\ntier: golden\ndescription: d\n"
                    "components: [base, kafka]\n",
                )
            ),
        ],
        "unknown component 'kafka'",
    ),
    ("template-syntax-error", lambda r: ["--catalog", str(_broken_template_catalog(r))], "template error"),
    ("undefined-variable", lambda r: ["--catalog", str(_undefined_variable_catalog(r))], "no_such_answer"),
    (
        "required-no-default",
        lambda r: ["--catalog", str(_required_without_default(r))],
        "--set owner_team=VALUE",
    ),
    ("unknown-ref", lambda r: ["--catalog", str(_tagged(r)), "--ref", "v9.9.9"], "unknown ref 'v9.9.9'"),
    ("unknown-builtin-ref", lambda r: ["--ref", "0.0.1"], "unknown ref"),
    (
        "ref-on-plain-dir",
        lambda r: ["--catalog", str(copy_builtin_catalog(r / "c")), "--ref", "v1"],
        "--ref needs a git catalog",
    ),
    (
        "untrusted-hooks",
        lambda r: [
            "--catalog",
            str(_with(r, "templates/base/hooks/post_gen_project.py", "open('/tmp/x', 'w')\n")),
        ],
        "hooks",
    ),
    (
        "untrusted-extension",
        lambda r: ["--catalog", str(_catalog_yml_plus(r, "extensions: [evil.Ext]\n"))],
        "Jinja extensions",
    ),
    (
        "untrusted-symlink",
        lambda r: ["--catalog", str(_with(r, BASE + "passwd", symlink="/etc/passwd"))],
        "symlink",
    ),
    (
        "path-escape-dotdot",
        lambda r: ["--catalog", str(_with(r, BASE + "{{ '..' }}/x.txt", "x"))],
        "outside the project",
    ),
    (
        "path-escape-absolute",
        lambda r: ["--catalog", str(_with(r, BASE + '{{ "%c"|format(47) }}etc', "x"))],
        "outside the project",
    ),
    (
        "bad-platform",
        lambda r: ["--platform", str(_write(r / "p.yml", "python:\n  supported: ['two']\n"))],
        "platform settings",
    ),
    (
        "platform-unknown-key",
        lambda r: ["--platform", str(_write(r / "p.yml", "colour: blue\n"))],
        "unknown field",
    ),
    (
        "platform-secret-value",
        lambda r: ["--platform", str(_write(r / "p.yml", "jenkins:\n  password: hunter2\n"))],
        "unknown field",
    ),
    # file system
    ("output-dir-is-file", lambda r: ["--output-dir", str(_write(r / "file", "x"))], "is a file"),
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
    given = args(inputs)
    if "--output-dir" not in given:
        given = ["--output-dir", str(out), *given]
    result = cli("new", "--no-input", *given)
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


# --- upgrade ---------------------------------------------------------------------------------


def _manifest_edit(project: Path, old: str, new: str) -> None:
    path = project / ".mlgolden.yml"
    path.write_text(path.read_text().replace(old, new))
    git(project, "commit", "--quiet", "-am", "edit answers file")


def _in_progress_cherry_pick(project: Path) -> None:
    git(project, "checkout", "--quiet", "-b", "side")
    (project / "README.md").write_text("side\n")
    git(project, "commit", "--quiet", "-am", "side")
    git(project, "checkout", "--quiet", "main")
    (project / "README.md").write_text("main\n")
    git(project, "commit", "--quiet", "-am", "main")
    subprocess.run(["git", "cherry-pick", "side"], cwd=project, capture_output=True)


UPGRADE_CASES = [
    ("not-a-repo", lambda p, t: (shutil.rmtree(p / ".git"), [])[1], "not a git repository"),
    ("missing-path", lambda p, t: [str(t / "nowhere")], "does not exist"),
    (
        "not-a-project",
        lambda p, t: (git(p, "rm", "-q", ".mlgolden.yml"), git(p, "commit", "-qm", "x"), [])[2],
        "not an mlgolden project",
    ),
    ("dirty", lambda p, t: ((p / "README.md").write_text("changed\n"), [])[1], "uncommitted changes"),
    ("detached", lambda p, t: (git(p, "checkout", "-q", "--detach"), [])[1], "detached HEAD"),
    (
        "cherry-pick-in-progress",
        lambda p, t: (_in_progress_cherry_pick(p), [])[1],
        "cherry-pick is in progress",
    ),
    ("unknown-ref", lambda p, t: ["--ref", "v9.9.9"], "unknown ref"),
    ("downgrade", lambda p, t: ["--ref", "0.0.1"], "downgrades are refused"),
    ("unknown-set-key", lambda p, t: ["--set", "colour=red"], "unknown question 'colour'"),
    ("bad-set-value", lambda p, t: ["--set", "schedule=every day"], "5 fields"),
    ("unknown-pattern", lambda p, t: ["--pattern", "kafka-stream"], "unknown pattern"),
    (
        "edited-version",
        lambda p, t: (_manifest_edit(p, f"version: {BUILTIN_VERSION}", "version: 7.7.7"), [])[1],
        "does not have",
    ),
    (
        "edited-pattern",
        lambda p, t: (_manifest_edit(p, "pattern: batch-prediction", "pattern: nope"), [])[1],
        "unknown pattern",
    ),
    (
        "broken-answers-file",
        lambda p, t: (_manifest_edit(p, "answers:", "answers: ["), [])[1],
        "not valid YAML",
    ),
    (
        "answers-file-missing-field",
        lambda p, t: (_manifest_edit(p, "pattern: batch-prediction\n", ""), [])[1],
        "pattern",
    ),
    ("repos-file-missing", lambda p, t: ["--repos", str(t / "nope.txt")], "cannot read repos file"),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    subprocess.run(
        [sys.executable, "-m", "mlgolden", "new", "--no-input", "--output-dir", str(out)],
        check=True,
        capture_output=True,
    )
    return out / "churn-model"


def _state(project: Path):
    git_dir = project / ".git"
    head = git(project, "rev-parse", "HEAD") if git_dir.exists() else ""
    return head, snapshot(project), (git(project, "status", "--porcelain") if git_dir.exists() else "")


@pytest.mark.parametrize(("case", "setup", "message"), UPGRADE_CASES, ids=[c[0] for c in UPGRADE_CASES])
def test_bad_upgrade_input_is_refused_and_changes_nothing(cli, tmp_path, generated, case, setup, message):
    project = tmp_path / "churn-model"
    shutil.copytree(generated, project, symlinks=True)
    args = setup(project, tmp_path)
    before = _state(project)
    target = [] if any(a.startswith("--repos") or "/" in a for a in args) else [str(project)]
    result = cli("upgrade", *target, *args)
    assert result.code == 2, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert message in lines[0]
    assert _state(project) == before


@pytest.mark.parametrize("command", [["new", "--no-input"], ["upgrade"]])
def test_git_not_installed(tmp_path, command):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    out = tmp_path / "out"
    out.mkdir()
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[1])}
    proc = subprocess.run(
        [str(bin_dir / "python"), "-m", "mlgolden", *command],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == "error: git is not installed or not on PATH (install git, then run again)"
    assert listing(out) == []
