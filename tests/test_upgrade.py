"""`mlgolden upgrade` scenarios end to end: catalogs built as tagged git repos inside the tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mlgolden.catalog import builtin_root
from tests.helpers import build_file_tree, git, git_save, snapshot

CATALOG_YML = """\
name: test-catalog
version: 0.0.0
questions:
  - id: project_name
    prompt: Project name
    rule: name
    default: demo-app
  - id: python_version
    prompt: Python version
    type: choice
    choices_from: python.supported
    default_from: python.default
  - id: gpu
    prompt: GPU?
    type: bool
    default: false
components:
  base: {description: base files}
  extra: {description: files only alpha has}
  other: {description: files only beta has}
"""
PATTERNS = {
    "patterns/alpha.yml": "name: alpha\ntitle: Alpha\ntier: golden\ndescription: first\n"
    "components: [base, extra]\n",
    "patterns/beta.yml": "name: beta\ntitle: Beta\ntier: silver\ndescription: second\n"
    "components: [base, other]\n",
}
B = "templates/base/{{cookiecutter.project_slug}}/"
E = "templates/extra/{{cookiecutter.project_slug}}/"
OTHER = "templates/other/{{cookiecutter.project_slug}}/"
CONFIG_V1 = "".join(f"setting_{i} = {i}\n" for i in range(1, 21))
PNG_V1 = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
PNG_V2 = b"\x89PNG\r\n\x1a\n" + bytes(reversed(range(256))) * 4
V1 = {
    B + "README.md": "# {{ cookiecutter.project_name }}\n\nIntro.\n",
    B + "config.txt": CONFIG_V1,
    B + "runtime.txt": "python {{ cookiecutter.python_version }}{% if cookiecutter.gpu %} cuda{% endif %}\n",
    B + "logo.png": PNG_V1,
    B + "old.txt": "to be removed in v2\n",
    B + "keepme.txt": "to be removed in v2, but the team edits it\n",
    B + "tools/helper.py": "def helper():\n    return 1\n",
    B + ".gitignore": "data/\n",
    E + "extra.txt": "alpha only\n",
    E + "extra_edited.txt": "alpha only; the team edits this\n",
    OTHER + "other.txt": "beta only\n",
}


def v2_changes() -> dict[str, str | bytes]:
    return {
        B + "config.txt": CONFIG_V1.replace("setting_20 = 20", "setting_20 = 200"),
        B + "tools/helper.py": "def helper():\n    return 2\n",
        B + "logo.png": PNG_V2,
        B + "added.txt": "new in v2\n",
    }


@pytest.fixture
def catalog(tmp_path) -> Path:
    repo = tmp_path / "catalog"
    build_file_tree(repo, {"catalog.yml": CATALOG_YML, **PATTERNS, **V1})
    shutil.copy2(builtin_root() / "platform.yml", repo / "platform.yml")
    git_save(repo, "v1", tag="v1.0.0")
    build_file_tree(repo, v2_changes())
    for gone in ("old.txt", "keepme.txt"):
        (repo / B / gone).unlink()
    git_save(repo, "v2", tag="v1.1.0")
    build_file_tree(repo, {B + "README.md": "# {{ cookiecutter.project_name }}\n\nIntro, v3.\n"})
    git_save(repo, "v3", tag="v1.2.0")
    return repo


@pytest.fixture
def project(cli, tmp_path, catalog) -> Path:
    result = cli(
        "new",
        "--no-input",
        "--catalog",
        str(catalog),
        "--ref",
        "v1.0.0",
        "--pattern",
        "alpha",
        "--output-dir",
        str(tmp_path / "work"),
    )
    assert result.code == 0, result.err
    return tmp_path / "work" / "demo-app"


def commit_all(repo: Path, message: str = "team work") -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)


def manifest(repo: Path) -> dict:
    return yaml.safe_load((repo / ".mlgolden.yml").read_text())


def state(repo: Path) -> tuple[str, dict[str, str], str]:
    return git(repo, "rev-parse", "HEAD"), snapshot(repo), git(repo, "status", "--porcelain", "--ignored")


def test_team_edit_and_template_change_in_one_file_are_both_kept(cli, project):
    config = project / "config.txt"
    config.write_text(config.read_text().replace("setting_1 = 1\n", "setting_1 = 1  # tuned by us\n"))
    commit_all(project)
    result = cli("upgrade", str(project), "--ref", "v1.1.0")
    assert result.code == 0, result.err
    text = config.read_text()
    assert "setting_1 = 1  # tuned by us" in text and "setting_20 = 200" in text
    assert git(project, "log", "-1", "--format=%s").strip() == "mlgolden upgrade 1.0.0 → 1.1.0"
    assert git(project, "status", "--porcelain") == ""
    assert manifest(project)["catalog"]["version"] == "1.1.0"
    assert int(git(project, "rev-list", "--count", "HEAD")) == 3


def test_same_lines_changed_conflict_and_abort_restores(cli, project):
    config = project / "config.txt"
    config.write_text(config.read_text().replace("setting_20 = 20", "setting_20 = 42"))
    commit_all(project)
    before = state(project)
    result = cli("upgrade", str(project), "--ref", "v1.1.0")
    assert result.code == 1
    assert "config.txt" in result.out and "git cherry-pick --abort" in result.out
    assert "<<<<<<<" in config.read_text() and ">>>>>>>" in config.read_text()
    unmerged = git(project, "ls-files", "--unmerged")
    assert "config.txt" in unmerged and "tools/helper.py" not in unmerged
    assert "tools/helper.py" in git(project, "diff", "--cached", "--name-only")  # the rest is staged
    git(project, "cherry-pick", "--abort")
    assert state(project) == before


def test_deleted_file_that_the_template_changes_stays_deleted_and_is_reported(cli, project):
    git(project, "rm", "--quiet", "tools/helper.py")
    commit_all(project, "we do not need the helper")
    result = cli("upgrade", str(project), "--ref", "v1.1.0")
    assert result.code == 0, result.out + result.err
    assert not (project / "tools/helper.py").exists()
    assert "kept deleted: tools/helper.py" in result.out
    assert git(project, "status", "--porcelain") == ""


def test_renamed_file_receives_the_template_change(cli, project):
    git(project, "mv", "config.txt", "settings.txt")
    commit_all(project, "rename")
    result = cli("upgrade", str(project), "--ref", "v1.1.0")
    assert result.code == 0, result.out + result.err
    assert not (project / "config.txt").exists()
    assert "setting_20 = 200" in (project / "settings.txt").read_text()


def test_added_removed_and_kept_files(cli, project):
    keep = project / "keepme.txt"
    keep.write_text(keep.read_text() + "our notes\n")
    commit_all(project)
    result = cli("upgrade", str(project), "--ref", "v1.1.0")
    assert result.code == 0, result.out + result.err
    assert (project / "added.txt").read_text() == "new in v2\n"
    assert not (project / "old.txt").exists()
    assert "our notes" in keep.read_text()
    assert "kept: keepme.txt" in result.out


def test_team_files_and_ignored_files_are_never_touched(cli, project):
    build_file_tree(project, {"src/ours.py": "print('ours')\n"})
    commit_all(project)
    build_file_tree(project, {"data/big.csv": "a,b\n1,2\n", "untracked.txt": "scratch\n"})
    before = {p: (project / p).stat().st_mtime_ns for p in ("data/big.csv", "untracked.txt", "src/ours.py")}
    result = cli("upgrade", str(project), "--ref", "v1.1.0")
    assert result.code == 0, result.out + result.err
    after = {p: (project / p).stat().st_mtime_ns for p in before}
    assert before == after
    assert (project / "data/big.csv").read_text() == "a,b\n1,2\n"


def test_binary_file_is_updated(cli, project):
    assert cli("upgrade", str(project), "--ref", "v1.1.0").code == 0
    assert (project / "logo.png").read_bytes() == PNG_V2


def test_two_steps_equal_one_step(cli, tmp_path, catalog):
    trees = []
    for steps in (["v1.1.0", "v1.2.0"], ["v1.2.0"]):
        out = tmp_path / f"steps{len(steps)}"
        assert (
            cli(
                "new",
                "--no-input",
                "--catalog",
                str(catalog),
                "--ref",
                "v1.0.0",
                "--pattern",
                "alpha",
                "--output-dir",
                str(out),
            ).code
            == 0
        )
        for ref in steps:
            assert cli("upgrade", str(out / "demo-app"), "--ref", ref).code == 0
        trees.append(git(out / "demo-app", "rev-parse", "HEAD^{tree}"))
    assert trees[0] == trees[1]


def test_newest_version_is_the_default_target_and_current_is_a_no_op(cli, project):
    assert cli("upgrade", str(project)).code == 0
    assert manifest(project)["catalog"]["version"] == "1.2.0"
    head = git(project, "rev-parse", "HEAD")
    again = cli("upgrade", str(project))
    assert again.code == 0 and "already current" in again.out
    assert git(project, "rev-parse", "HEAD") == head


def test_changed_answers_are_rendered(cli, project):
    result = cli("upgrade", str(project), "--set", "gpu=true", "--set", "python_version=3.10")
    assert result.code == 0, result.out + result.err
    assert (project / "runtime.txt").read_text() == "python 3.10 cuda\n"
    answers = manifest(project)["answers"]
    assert answers["gpu"] is True and answers["python_version"] == "3.10"


def test_pattern_switch_removes_untouched_and_conflicts_on_touched(cli, project):
    edited = project / "extra_edited.txt"
    edited.write_text(edited.read_text() + "we changed it\n")
    commit_all(project)
    result = cli("upgrade", str(project), "--ref", "v1.0.0", "--pattern", "beta")
    assert result.code == 1, result.out + result.err
    assert not (project / "extra.txt").exists()
    assert (project / "other.txt").read_text() == "beta only\n"
    assert "extra_edited.txt" in result.out
    assert "extra_edited.txt" in git(project, "ls-files", "--unmerged")
    git(project, "add", "extra_edited.txt")
    git(project, "-c", "core.editor=true", "cherry-pick", "--continue")
    assert manifest(project)["pattern"] == "beta"


def test_squashed_history_still_upgrades(cli, project):
    build_file_tree(project, {"src/ours.py": "x = 1\n"})
    commit_all(project)
    tree = git(project, "rev-parse", "HEAD^{tree}").strip()
    squashed = git(project, "commit-tree", tree, "-m", "squashed").strip()
    git(project, "reset", "--quiet", "--hard", squashed)
    assert int(git(project, "rev-list", "--count", "HEAD")) == 1
    result = cli("upgrade", str(project), "--ref", "v1.1.0")
    assert result.code == 0, result.out + result.err
    assert (project / "added.txt").exists() and (project / "src/ours.py").exists()


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (lambda p: (p / "README.md").write_text("dirty\n"), [], "uncommitted changes"),
        (lambda p: (p / ".mlgolden.yml").unlink() or commit_all(p), [], "not an mlgolden project"),
        (lambda p: None, ["--ref", "v9.0.0"], "unknown ref"),
        (lambda p: None, ["--set", "colour=red"], "unknown question 'colour'"),
        (lambda p: None, ["--set", "gpu=perhaps"], "expected yes or no"),
        (lambda p: git(p, "checkout", "--quiet", "--detach"), [], "detached HEAD"),
    ],
    ids=["dirty", "not-a-project", "unknown-ref", "unknown-key", "bad-value", "detached"],
)
def test_refusals_touch_nothing(cli, project, setup, args, message):
    setup(project)
    before = state(project)
    result = cli("upgrade", str(project), *args)
    assert result.code == 2, result.out + result.err
    assert message in result.err and len(result.err.strip().splitlines()) == 1
    assert state(project) == before


def test_downgrade_is_refused(cli, project):
    assert cli("upgrade", str(project), "--ref", "v1.2.0").code == 0
    before = state(project)
    result = cli("upgrade", str(project), "--ref", "v1.1.0")
    assert result.code == 2 and "downgrades are refused" in result.err
    assert state(project) == before


def test_not_a_git_repository(cli, tmp_path):
    result = cli("upgrade", str(tmp_path))
    assert result.code == 2 and "not a git repository" in result.err


def test_check_reports_versions(cli, project):
    before = state(project)
    behind = cli("upgrade", str(project), "--check")
    assert behind.code == 1 and "current 1.0.0, newest 1.2.0" in behind.out
    assert state(project) == before
    assert cli("upgrade", str(project)).code == 0
    current = cli("upgrade", str(project), "--check")
    assert current.code == 0 and "already current" in current.out


def test_dry_run_lists_changes_and_conflicts_without_changing_anything(cli, project):
    config = project / "config.txt"
    config.write_text(config.read_text().replace("setting_20 = 20", "setting_20 = 42"))
    commit_all(project)
    before = state(project)
    result = cli("upgrade", str(project), "--ref", "v1.1.0", "--dry-run")
    assert result.code == 1, result.err  # conflicts found: exit 1, like the real upgrade
    lines = {tuple(line.split()) for line in result.out.splitlines()}
    assert ("add", "added.txt") in lines
    assert ("remove", "old.txt") in lines
    assert ("modify", "tools/helper.py") in lines
    assert ("conflict", "config.txt") in lines
    assert state(project) == before


def test_a_second_upgrade_cannot_interleave(cli, project):
    lock = project / ".git" / "mlgolden-upgrade.lock"
    import os
    import subprocess
    import sys

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        lock.write_text(str(sleeper.pid))
        result = cli("upgrade", str(project))
        assert result.code == 2 and "another mlgolden upgrade is running" in result.err
    finally:
        sleeper.kill()
        sleeper.wait()
    assert os.path.exists(lock)
    result = cli("upgrade", str(project))  # the holder died: its lock is taken over
    assert result.code == 0, result.err
    assert not lock.exists()


def test_fleet_upgrades_each_repo_on_a_branch_and_survives_failures(cli, tmp_path, catalog):
    repos = []
    for name in ("one-app", "two-app", "three-app"):
        assert (
            cli(
                "new",
                "--no-input",
                "--catalog",
                str(catalog),
                "--ref",
                "v1.0.0",
                "--pattern",
                "alpha",
                "--name",
                name,
                "--output-dir",
                str(tmp_path / "fleet"),
            ).code
            == 0
        )
        repos.append(tmp_path / "fleet" / name)
    config = repos[1] / "config.txt"
    config.write_text(config.read_text().replace("setting_20 = 20", "setting_20 = 7"))
    commit_all(repos[1])
    (repos[2] / "README.md").write_text("uncommitted\n")
    listing = tmp_path / "fleet.txt"
    listing.write_text("# our fleet\n" + "".join(f"fleet/{r.name}\n" for r in repos) + "missing-repo\n")
    result = cli("upgrade", "--repos", str(listing), "--jobs", "3")
    assert result.code == 1
    results = [
        cells[4].strip()
        for cells in (line.split("│") for line in result.out.splitlines())
        if len(cells) == 7 and cells[3].strip()
    ]
    assert results == ["upgraded", "conflicts", "failed", "failed"], result.out
    assert "uncommitted changes" in result.out and "does not exist" in result.out
    assert git(repos[0], "branch", "--show-current").strip() == "mlgolden/upgrade-1.2.0"
    assert git(repos[0], "log", "-1", "--format=%s", "main").strip().startswith("Generate")
    again = cli("upgrade", str(repos[0]), str(repos[2]))  # re-running is safe
    assert "current" in again.out


def _upgrade_process(project: Path):
    import subprocess
    import sys

    args = [sys.executable, "-m", "mlgolden", "upgrade", str(project), "--ref", "v1.1.0"]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _settle_trial(project: Path, before, label: str) -> str:
    """Assert the repo is as before, upgraded (one clean commit) or in an abortable cherry-pick;
    put it back as before; return which."""
    head = git(project, "rev-parse", "HEAD")
    (project / ".git" / "mlgolden-upgrade.lock").unlink(missing_ok=True)  # left by SIGKILL only
    if (project / ".git" / "CHERRY_PICK_HEAD").exists():
        git(project, "cherry-pick", "--abort")
        assert state(project) == before, f"{label}: `git cherry-pick --abort` did not restore"
        return "abortable"
    if head != before[0]:
        assert git(project, "log", "-1", "--format=%s").startswith("mlgolden upgrade 1.0.0 → 1.1.0"), label
        assert git(project, "status", "--porcelain") == "", f"{label}: upgraded but not clean"
        git(project, "reset", "--quiet", "--hard", before[0].strip())
        return "upgraded"
    assert state(project) == before, f"{label}: HEAD unchanged but the repo was changed (half-written)"
    return "before"


@pytest.mark.parametrize(("scenario", "trials"), [("clean", 40), ("conflicted", 20)])
def test_interrupted_upgrade_leaves_the_repo_as_before_or_abortable(project, scenario, trials):
    """SIGINT, SIGTERM and SIGKILL at instants spread over a whole upgrade: the repo is always
    exactly as before, upgraded, or in a cherry-pick that `git cherry-pick --abort` restores.
    The instants are drawn (seeded) from 0 to 110% of a measured uninterrupted run, so every phase
    is hit; the first trial signals at once and the last one after the end."""
    import random
    import signal
    import time

    config = project / "config.txt"
    old, new = ("setting_1 = 1\n", "setting_1 = 11\n")
    if scenario == "conflicted":
        old, new = ("setting_20 = 20", "setting_20 = 42")
    config.write_text(config.read_text().replace(old, new))
    commit_all(project)
    before = state(project)
    started = time.monotonic()
    proc = _upgrade_process(project)
    out, err = proc.communicate(timeout=120)
    duration = time.monotonic() - started
    expected = {"clean": "upgraded", "conflicted": "abortable"}[scenario]
    assert proc.returncode == (0 if scenario == "clean" else 1), err
    assert _settle_trial(project, before, "uninterrupted run") == expected

    rng = random.Random(f"{scenario}-10")
    seen = {"before": 0, "abortable": 0, "upgraded": 0}
    for trial in range(trials):
        sig = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL][trial % 3]
        delay = 0.0 if trial == 0 else rng.uniform(0.0, 1.1 * duration)
        proc = _upgrade_process(project)
        if trial == trials - 1:
            proc.wait(timeout=120)  # the signal arrives after the end: a finished upgrade
        else:
            time.sleep(delay)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
        label = f"trial {trial} ({sig.name} after {delay:.2f}s of {duration:.2f}s)"
        if proc.returncode not in (-signal.SIGKILL, -signal.SIGINT, -signal.SIGTERM, 0, 1):
            assert proc.returncode == 130, f"{label}: exit {proc.returncode}: {err.decode()}"
            assert len(err.decode().strip().splitlines()) == 1, f"{label}: {err.decode()}"
        result = _settle_trial(project, before, label)
        # exit 1 means conflicts; the one exception is Python itself, interrupted while starting
        # (importing `site`, the mlgolden package, __main__'s first imports) before __main__
        # installed its handlers: after that a signal is never an uncaught KeyboardInterrupt
        # (exit 130 and one line), so the traceback ends in it and never reaches mlgolden.cli
        startup = (
            err.decode().rstrip().endswith("\nKeyboardInterrupt") and "mlgolden/cli.py" not in err.decode()
        )
        assert proc.returncode != 1 or result == "abortable" or startup, f"{label}: exit 1: {err.decode()}"
        assert not startup or result == "before", f"{label}: interrupted at start-up but {result}"
        seen[result] += 1
    assert seen["before"] and seen[expected], seen


def test_a_set_for_a_question_that_does_not_apply_is_warned_with_the_reason(cli, generated, tmp_path):
    """Like `new`: the answer is not used, the user hears why, and nothing is recorded or committed."""
    project = shutil.copytree(generated("streamlit-demo"), tmp_path / "demo", symlinks=True)
    head = git(project, "rev-parse", "HEAD")
    reason = (
        "warning: --set service_url is ignored: it is asked only when inference_mode is service "
        "(here inference_mode is local)"
    )

    result = cli("upgrade", str(project), "--set", "service_url=http://models.internal/churn")
    assert result.code == 0, result.out + result.err
    assert reason in " ".join(result.err.split())
    assert "already current" in result.out and "answer changed" not in result.out
    assert git(project, "rev-parse", "HEAD") == head and "service_url" not in manifest(project)["answers"]

    applies = cli(
        "upgrade",
        str(project),
        "--set",
        "inference_mode=service",
        "--set",
        "service_url=http://models.internal/churn",
    )
    assert applies.code == 0 and "warning" not in applies.err, applies.out + applies.err
    assert manifest(project)["answers"]["service_url"] == "http://models.internal/churn"


def test_a_fleet_upgrade_names_the_ignored_set_in_each_repos_row(cli, generated, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # the table's why column on one line per repo
    repos = [shutil.copytree(generated("streamlit-demo"), tmp_path / n, symlinks=True) for n in ("a", "b")]
    result = cli("upgrade", *map(str, repos), "--set", "service_url=http://models.internal/churn")
    assert result.code == 0, result.out + result.err
    rows = [row for row in result.out.splitlines() if "already at" in row]
    assert len(rows) == 2, result.out
    assert all("warning: --set service_url is ignored: it is asked only when" in row for row in rows)
