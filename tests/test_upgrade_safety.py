"""`mlgolden upgrade` never loses work: literal paths, untracked and ignored files, hostile values,
monorepo folders, branch refs, executable bits, what the user is told. Through the real CLI, with
catalogs built as tagged git repositories (the fixtures of tests/test_upgrade.py)."""

# ruff: noqa: F811 - the fixtures of tests/test_upgrade.py are imported by name
from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml

from tests.helpers import build_file_tree, git, git_save
from tests.test_upgrade import B, catalog, commit_all, manifest, project, state  # noqa: F401


def new_project(cli, catalog: Path, out: Path, *extra: str) -> Path:
    args = ["new", "--no-input", "--catalog", str(catalog), "--ref", "v1.0.0", "--pattern", "alpha"]
    result = cli(*args, "--output-dir", str(out), *extra)
    assert result.code == 0, result.err
    return next(p for p in out.iterdir() if (p / ".mlgolden.yml").is_file())


def release(catalog: Path, tag: str, files: dict | None = None, remove: tuple[str, ...] = ()) -> None:
    build_file_tree(catalog, files or {})
    for rel in remove:
        (catalog / rel).unlink()
    if files:  # a template's own .gitignore must not hide its files from the catalog repo
        git(catalog, "add", "--force", "--", *(f":(literal){rel}" for rel in files))
    git_save(catalog, tag, tag=tag)


def test_glob_characters_in_file_names_are_literal(cli, tmp_path, catalog):
    names = ["dont_wildmatch", "dont_wildmatch*", "q?.txt", "[ab].txt", "a", "b", ":colon", "!bang"]
    release(catalog, "v1.3.0", {B + n: f"{n}\n" for n in names})
    proj = new_project(cli, catalog, tmp_path / "w", "--ref", "v1.3.0")
    git(proj, "rm", "--quiet", "--", ":(literal)[ab].txt")
    commit_all(proj, "we do not need [ab].txt")
    release(catalog, "v1.4.0", {B + "q?.txt": "changed\n"}, remove=(B + "dont_wildmatch*", B + "[ab].txt"))
    result = cli("upgrade", str(proj), "--ref", "v1.4.0")
    assert result.code == 0, result.out + result.err
    assert not (proj / "dont_wildmatch*").exists()
    for kept in ("dont_wildmatch", "a", "b", ":colon", "!bang"):
        assert (proj / kept).read_text() == f"{kept}\n", kept
    assert (proj / "q?.txt").read_text() == "changed\n"
    assert git(proj, "status", "--porcelain") == ""


def test_untracked_copy_of_a_deleted_generated_file_is_never_touched(cli, project):
    git(project, "rm", "--quiet", "--cached", "tools/helper.py")
    (project / ".gitignore").write_text("data/\ntools/helper.py\n")
    commit_all(project, "helper is local only")
    (project / "tools/helper.py").write_text("def helper():\n    return 'ours, untracked'\n")
    result = cli("upgrade", str(project), "--ref", "v1.1.0")
    assert result.code == 0, result.out + result.err
    assert (project / "tools/helper.py").read_text() == "def helper():\n    return 'ours, untracked'\n"
    assert "kept deleted: tools/helper.py" in result.out


def test_ignored_file_where_the_template_adds_a_folder_is_refused_before_anything(cli, project, catalog):
    release(catalog, "v1.3.0", {B + "cache/settings.txt": "new folder\n"})
    (project / ".gitignore").write_text("data/\ncache\n")
    commit_all(project)
    (project / "cache").write_text("our ignored file\n")
    before = state(project)
    result = cli("upgrade", str(project), "--ref", "v1.3.0")
    assert result.code == 2, result.out + result.err
    assert "cache" in result.err and "nothing was changed" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert state(project) == before
    assert (project / "cache").read_text() == "our ignored file\n"


def test_untracked_file_where_the_template_adds_one_is_refused(cli, project):
    (project / "added.txt").write_text("ours, never committed\n")
    before = state(project)
    result = cli("upgrade", str(project), "--ref", "v1.1.0")
    assert result.code == 2 and "added.txt" in result.err, result.out + result.err
    assert state(project) == before


def test_gitignored_rendered_files_are_not_committed_in_new_or_upgrade(cli, tmp_path, catalog):
    env_file = {B + ".env": "TOKEN=from-template\n", B + ".gitignore": "data/\n.env\n"}
    release(catalog, "v1.3.0", env_file)
    proj = new_project(cli, catalog, tmp_path / "w", "--ref", "v1.3.0")
    assert (proj / ".env").is_file() and ".env" not in git(proj, "ls-files").split()
    (proj / ".env").write_text("TOKEN=ours\n")
    release(catalog, "v1.4.0", {B + ".env": "TOKEN=changed\n"})
    result = cli("upgrade", str(proj), "--ref", "v1.4.0")
    assert result.code == 0, result.out + result.err
    assert (proj / ".env").read_text() == "TOKEN=ours\n"
    assert ".env" not in git(proj, "ls-files").split()


def test_hostile_catalog_source_never_reaches_git_as_an_option(cli, project, catalog, tmp_path, monkeypatch):
    """A pull request edits .mlgolden.yml: `--upload-pack=…` must be a (bad) repository name."""
    marker = tmp_path / "pwned"
    git(project, "remote", "add", "origin", str(catalog))  # without `--`, ls-remote would use it
    data = manifest(project)
    data["catalog"]["source"] = f"--upload-pack=touch {marker}; : ://x"
    (project / ".mlgolden.yml").write_text(yaml.safe_dump(data))
    commit_all(project, "hostile")
    monkeypatch.chdir(project)
    validate = cli("validate", str(project))
    check = cli("upgrade", str(project), "--check")
    assert not marker.exists()
    assert check.code == 2 and check.err.startswith("error: "), check.out + check.err
    assert validate.code in (0, 1), validate.err


def test_gpg_signing_that_cannot_sign_leaves_the_repo_as_before(cli, project):
    git(project, "config", "commit.gpgSign", "true")
    git(project, "config", "gpg.program", "false")
    before = state(project)
    result = cli("upgrade", str(project), "--ref", "v1.1.0")
    assert result.code == 3, result.out + result.err
    assert "the repository is as it was" in result.err and len(result.err.strip().splitlines()) == 1
    assert state(project) == before


def test_monorepo_folders_upgrade_independently(cli, tmp_path, catalog):
    mono = tmp_path / "mono"
    build_file_tree(
        mono, {"README.md": "the platform monorepo\n", "tools/helper.py": "# not the template's\n"}
    )
    for name in ("churn", "fraud"):
        # generated as deep below tmp_path as mono/services/<name>: the catalog's recorded path
        # (relative to the project folder) stays right after the copy, as for a monorepo checked
        # out next to its catalog
        proj = new_project(cli, catalog, tmp_path / "gen" / name)
        shutil.copytree(proj, mono / "services" / name, ignore=shutil.ignore_patterns(".git"))
    recorded = manifest(mono / "services/churn")["catalog"]["source"]
    assert recorded == os.path.relpath(catalog, mono / "services/churn")
    git_save(mono, "monorepo")
    config = mono / "services/churn/config.txt"
    config.write_text(config.read_text().replace("setting_1 = 1\n", "setting_1 = 1  # ours\n"))
    commit_all(mono)
    result = cli("upgrade", str(mono / "services/churn"), "--ref", "v1.1.0")
    assert result.code == 0, result.out + result.err
    assert "setting_20 = 200" in config.read_text() and "# ours" in config.read_text()
    assert (mono / "services/churn/added.txt").is_file()
    assert not (mono / "added.txt").exists() and not (mono / "services/fraud/added.txt").exists()
    assert (mono / "tools/helper.py").read_text() == "# not the template's\n"
    assert manifest(mono / "services/fraud")["catalog"]["version"] == "1.0.0"
    assert manifest(mono / "services/churn")["catalog"]["source"] == recorded  # still folder-relative
    assert git(mono, "status", "--porcelain") == ""
    (mono / "README.md").write_text("edited, not staged\n")  # elsewhere in the repo: no obstacle
    git(mono, "add", "README.md")
    staged = cli("upgrade", str(mono / "services/fraud"), "--ref", "v1.1.0")
    assert staged.code == 2 and "README.md" in staged.err  # a staged change would join the commit
    git(mono, "reset", "--quiet", "--", "README.md")
    check = cli("upgrade", str(mono / "services/fraud"), "--check")
    assert check.code == 1 and "current 1.0.0" in check.out
    validate = cli("validate", str(mono / "services/churn"))
    assert validate.code in (0, 1) and "not an mlgolden project" not in validate.err, validate.err
    root = cli("upgrade", str(mono))
    assert root.code == 2 and f"{mono} is not an mlgolden project" in root.err
    fleet = tmp_path / "fleet.txt"
    fleet.write_text(f"{mono / 'services/churn'}\n{mono / 'services/fraud'}\n")
    result = cli("upgrade", "--repos", str(fleet))
    assert result.code == 0, result.out + result.err
    for name in ("churn", "fraud"):
        assert manifest(mono / "services" / name)["catalog"]["version"] == "1.2.0"
    assert (mono / "README.md").read_text() == "edited, not staged\n"


def test_ref_to_a_branch_compares_commits(cli, project, catalog):
    assert cli("upgrade", str(project), "--ref", "v1.2.0").code == 0
    build_file_tree(catalog, {B + "unreleased.txt": "on main only\n"})
    git_save(catalog, "unreleased work")
    check = cli("upgrade", str(project), "--check", "--ref", "main")
    assert check.code == 1 and "behind" in check.out, check.out + check.err
    result = cli("upgrade", str(project), "--ref", "main")
    assert result.code == 0, result.out + result.err
    assert (project / "unreleased.txt").read_text() == "on main only\n"
    assert manifest(project)["catalog"]["commit"] == git(catalog, "rev-parse", "main").strip()
    again = cli("upgrade", str(project), "--ref", "HEAD")
    assert again.code == 0 and "already current" in again.out
    assert cli("upgrade", str(project), "--check", "--ref", "main").code == 0


def test_executable_bits_follow_the_template_with_core_filemode_false(cli, project, catalog):
    script = catalog / B / "run.sh"
    release(catalog, "v1.3.0", {B + "run.sh": "#!/bin/sh\necho hi\n"})
    script.chmod(0o755)
    git_save(catalog, "executable", tag="v1.4.0")
    git(project, "config", "core.fileMode", "false")
    result = cli("upgrade", str(project), "--ref", "v1.4.0")
    assert result.code == 0, result.out + result.err
    assert git(project, "ls-files", "-s", "run.sh").startswith("100755")
    assert os.access(project / "run.sh", os.X_OK)


def release_with_a_new_question(catalog: Path) -> None:
    text = (catalog / "catalog.yml").read_text()
    text = text.replace(
        "components:", "  - id: region\n    prompt: Region\n    default: eu-west\ncomponents:"
    )
    release(catalog, "v1.3.0", {"catalog.yml": text, B + "region.txt": "{{ cookiecutter.region }}\n"})


def test_new_question_default_is_taken_and_listed(cli, project, catalog):
    release_with_a_new_question(catalog)
    result = cli("upgrade", str(project), "--ref", "v1.3.0")
    assert result.code == 0, result.out + result.err
    assert "new question region: took 'eu-west'" in result.out
    assert (project / "region.txt").read_text() == "eu-west\n"
    assert manifest(project)["answers"]["region"] == "eu-west"


def test_recorded_platform_settings_are_reused(cli, tmp_path, catalog):
    platform = tmp_path / "platform.yml"
    platform.write_text("terraform:\n  state_bucket: team-bucket\n")
    proj = new_project(cli, catalog, tmp_path / "w", "--platform", str(platform))
    assert manifest(proj)["platform"]["terraform"]["state_bucket"] == "team-bucket"
    result = cli("upgrade", str(proj), "--ref", "v1.1.0")
    assert result.code == 0, result.out + result.err
    assert manifest(proj)["platform"]["terraform"]["state_bucket"] == "team-bucket"


def test_answer_only_upgrade_says_what_changed(cli, project):
    assert cli("upgrade", str(project), "--ref", "v1.2.0").code == 0
    result = cli("upgrade", str(project), "--set", "gpu=true")
    assert result.code == 0, result.out + result.err
    assert "answer changed: gpu: False → True" in result.out
    message = git(project, "log", "-1", "--format=%B")
    assert "answers changed (gpu)" in message and "answer changed: gpu: False → True" in message


def test_fleet_repo_that_fails_goes_back_to_its_branch_and_says_what_next(
    cli, tmp_path, catalog, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "400")  # one table row per line
    good = new_project(cli, catalog, tmp_path / "good")
    bad = new_project(cli, catalog, tmp_path / "bad")
    git(bad, "switch", "--quiet", "--create", "feature")
    git(bad, "config", "commit.gpgSign", "true")
    git(bad, "config", "gpg.program", "false")  # signing fails after the merge was computed
    before = state(bad)
    listing = tmp_path / "fleet.txt"
    listing.write_text(f"{good}\n{bad}\n")
    result = cli("upgrade", "--repos", str(listing))
    assert result.code == 1, result.out + result.err
    assert git(bad, "branch", "--show-current").strip() == "feature"
    assert "mlgolden/upgrade-1.2.0" not in git(bad, "branch", "--list")
    assert state(bad) == before
    why = " ".join(result.out.split())
    assert "the repository is as it was" in why and "next:" in why
    assert git(good, "branch", "--show-current").strip() == "mlgolden/upgrade-1.2.0"


def test_interactive_upgrade_asks_the_new_question_with_its_default_prefilled(project, catalog):
    """A real terminal (pexpect): only the question the new version adds is asked."""
    import io
    import sys

    import pexpect

    release_with_a_new_question(catalog)
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "COLUMNS": "120", "LINES": "40"}
    args = ["-m", "mlgolden", "upgrade", str(project), "--ref", "v1.3.0"]
    child = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=60, dimensions=(40, 120))
    child.logfile_read = transcript = io.StringIO()
    child.expect_exact("Region")
    child.expect_exact("eu-west")  # the default, pre-filled
    child.send("\x15" + "us-east\r")  # Ctrl-U clears the default
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "new question region: answered 'us-east'" in transcript.getvalue()
    assert "Project name" not in transcript.getvalue()  # recorded answers are not asked again
    assert manifest(project)["answers"]["region"] == "us-east"
    assert (project / "region.txt").read_text() == "us-east\n"


def test_catalog_with_a_submodule_is_refused_in_one_line(cli, project, catalog, tmp_path):
    other = tmp_path / "shared-snippets"
    build_file_tree(other, {"snippet.txt": "shared\n"})
    git_save(other, "snippets")
    git(catalog, "-c", "protocol.file.allow=always", "submodule", "--quiet", "add", str(other), B + "vendor")
    git_save(catalog, "with a submodule", tag="v1.3.0")
    before = state(project)
    result = cli("upgrade", str(project), "--ref", "v1.3.0")
    assert result.code == 2, result.out + result.err
    assert "submodule" in result.err and len(result.err.strip().splitlines()) == 1
    assert state(project) == before


def test_symlinks_of_a_trusted_catalog_and_non_utf8_files_survive_new_and_upgrade(cli, tmp_path, catalog):
    latin1 = "caf\xe9 {{ not jinja }}\n".encode("latin-1")
    (catalog / B / "docs").mkdir()
    (catalog / B / "docs/README.link").symlink_to("../README.md")
    (catalog / B / "tools-link").symlink_to("tools")
    (catalog / B / "latin1[1].txt").write_bytes(latin1)
    git_save(catalog, "links and bytes", tag="v1.3.0")
    old = new_project(cli, catalog, tmp_path / "old", "--trust")
    result = cli("upgrade", str(old), "--ref", "v1.3.0", "--trust")
    assert result.code == 0, result.out + result.err
    fresh = new_project(cli, catalog, tmp_path / "fresh", "--ref", "v1.3.0", "--trust")
    for proj in (old, fresh):
        assert os.readlink(proj / "docs/README.link") == "../README.md"
        assert os.readlink(proj / "tools-link") == "tools"
        assert (proj / "latin1[1].txt").read_bytes() == latin1
        assert git(proj, "ls-files", "-s", "tools-link").startswith("120000")
        assert git(proj, "status", "--porcelain") == ""


def test_a_hook_that_refuses_the_ref_update_leaves_the_repo_as_before(cli, project):
    """git writes the work tree, then a reference-transaction hook refuses to move the branch:
    the files git already wrote are put back, exit 3 (not 1), one line saying so."""
    hook = project / ".git/hooks/reference-transaction"
    hook.write_text('#!/bin/sh\nif [ "$1" = prepared ] && grep -q refs/heads/; then exit 1; fi\nexit 0\n')
    hook.chmod(0o755)
    before = state(project)
    result = cli("upgrade", str(project), "--ref", "v1.1.0")
    assert result.code == 3, result.out + result.err
    assert "the repository is as it was" in result.err and len(result.err.strip().splitlines()) == 1
    assert state(project) == before


def test_template_version_text_next_to_a_team_edit_upgrades_cleanly(cli, tmp_path, catalog):
    """1.0.0/1.1.0 headers carried the template version, 1.2.0's do not: a team edit on the line
    below (the usual place, e.g. FROM in a Dockerfile) must merge without a conflict, in one step
    or two, and a real overlap still conflicts."""
    header = "# demo image, generated by mlgolden {{ cookiecutter.template_version }}.\n"
    docker = "# syntax=docker/dockerfile:1\nFROM python:3.11-slim\nWORKDIR /app\n"
    repo = tmp_path / "catalog2"
    shutil.copytree(catalog, repo)
    git(repo, "checkout", "--quiet", "v1.0.0")
    git(repo, "switch", "--quiet", "--create", "history")
    release(repo, "v2.0.0", {B + "Dockerfile": header + docker})
    release(repo, "v2.1.0", {B + "config.txt": "changed\n"})
    release(repo, "v2.2.0", {B + "Dockerfile": "# demo image, generated by mlgolden.\n" + docker})
    for steps in (["v2.1.0", "v2.2.0"], ["v2.2.0"]):
        out = tmp_path / f"steps-{len(steps)}"
        result = cli("new", "--no-input", "--catalog", str(repo), "--ref", "v2.0.0", "--pattern", "alpha",
                     "--output-dir", str(out))  # fmt: skip
        assert result.code == 0, result.err
        proj = out / "demo-app"
        dockerfile = proj / "Dockerfile"
        dockerfile.write_text(dockerfile.read_text().replace("# syntax=docker/dockerfile:1", "# syntax=ours"))
        commit_all(proj)
        for ref in steps:
            result = cli("upgrade", str(proj), "--ref", ref)
            assert result.code == 0, result.out + result.err
        assert dockerfile.read_text() == "# demo image, generated by mlgolden.\n# syntax=ours\n" + docker[29:]
        assert git(proj, "status", "--porcelain") == ""
    overlap = tmp_path / "overlap"
    assert cli("new", "--no-input", "--catalog", str(repo), "--ref", "v2.0.0", "--pattern", "alpha",
               "--output-dir", str(overlap)).code == 0  # fmt: skip
    dockerfile = overlap / "demo-app/Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("mlgolden 2.0.0.", "mlgolden 2.0.0, by us."))
    commit_all(overlap / "demo-app")
    assert cli("upgrade", str(overlap / "demo-app"), "--ref", "v2.2.0").code == 1
    # with a real conflict elsewhere the upgrade stops as a cherry-pick: the adjacent edit is settled
    both = tmp_path / "both"
    assert cli("new", "--no-input", "--catalog", str(repo), "--ref", "v2.0.0", "--pattern", "alpha",
               "--output-dir", str(both)).code == 0  # fmt: skip
    proj = both / "demo-app"
    (proj / "Dockerfile").write_text((proj / "Dockerfile").read_text().replace("docker/dockerfile:1", "ours"))
    (proj / "config.txt").write_text("ours\n")
    commit_all(proj)
    result = cli("upgrade", str(proj), "--ref", "v2.2.0")
    assert result.code == 1 and "config.txt" in result.out, result.out + result.err
    unmerged = git(proj, "ls-files", "--unmerged")
    assert "config.txt" in unmerged and "Dockerfile" not in unmerged
    assert (
        (proj / "Dockerfile").read_text().startswith("# demo image, generated by mlgolden.\n# syntax=ours\n")
    )
    assert "Dockerfile" in git(proj, "diff", "--cached", "--name-only")


LOCAL_EXTENSION = """\
from jinja2.ext import Extension


class Shout(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters["shout"] = lambda value: str(value).upper() + "{mark}"
"""


def release_with_a_local_extension(catalog: Path, tag: str, mark: str) -> None:
    text = (catalog / "catalog.yml").read_text()
    if "extensions:" not in text:
        text += "extensions: [local_extensions.Shout]\n"
    files = {
        "catalog.yml": text,
        "local_extensions.py": LOCAL_EXTENSION.format(mark=mark),
        B + "shout.txt": "{{ cookiecutter.project_name | shout }}\n",
    }
    release(catalog, tag, files)


def test_catalog_local_jinja_extension_works_under_trust_and_is_refused_without(cli, tmp_path, catalog):
    release_with_a_local_extension(catalog, "v1.3.0", "!")
    release_with_a_local_extension(catalog, "v1.4.0", "!!")
    old = new_project(cli, catalog, tmp_path / "old", "--trust")
    fresh = new_project(cli, catalog, tmp_path / "fresh", "--ref", "v1.3.0", "--trust")
    assert (fresh / "shout.txt").read_text() == "DEMO-APP!\n"
    for proj in (old, fresh):  # each render imports the extension of its own catalog version
        result = cli("upgrade", str(proj), "--ref", "v1.4.0", "--trust")
        assert result.code == 0, result.out + result.err
        assert (proj / "shout.txt").read_text() == "DEMO-APP!!\n"
        assert git(proj, "status", "--porcelain") == ""
    out = tmp_path / "untrusted"
    refused = cli("new", "--no-input", "--catalog", str(catalog), "--ref", "v1.3.0", "--pattern", "alpha",
                  "--output-dir", str(out))  # fmt: skip
    assert refused.code == 2 and "Jinja extensions" in refused.err, refused.out + refused.err
    assert len(refused.err.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())
    plain = new_project(cli, catalog, tmp_path / "plain")
    before = state(plain)
    upgrade = cli("upgrade", str(plain), "--ref", "v1.4.0")
    assert upgrade.code == 2 and "Jinja extensions" in upgrade.err, upgrade.out + upgrade.err
    assert len(upgrade.err.strip().splitlines()) == 1
    assert state(plain) == before
    text = (catalog / "catalog.yml").read_text().replace("local_extensions.Shout", "local_extensions.Missing")
    release(catalog, "v1.5.0", {"catalog.yml": text})
    out = tmp_path / "broken"
    broken = cli("new", "--no-input", "--catalog", str(catalog), "--ref", "v1.5.0", "--pattern", "alpha",
                 "--output-dir", str(out), "--trust")  # fmt: skip
    assert broken.code == 2 and "Missing" in broken.err, broken.out + broken.err
    assert len(broken.err.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())


def test_dangling_symlinks_are_kept_and_links_out_of_the_project_refused_before_anything(
    cli, tmp_path, catalog
):
    (catalog / B / "docs").mkdir()
    (catalog / B / "docs/missing.link").symlink_to("../not-rendered.txt")  # dangling, inside
    (catalog / B / "build.link").symlink_to("build/output.txt")  # the build makes it later
    git_save(catalog, "dangling links", tag="v1.3.0")
    old = new_project(cli, catalog, tmp_path / "old", "--trust")
    result = cli("upgrade", str(old), "--ref", "v1.3.0", "--trust")
    assert result.code == 0, result.out + result.err
    fresh = new_project(cli, catalog, tmp_path / "fresh", "--ref", "v1.3.0", "--trust")
    for proj in (old, fresh):
        assert os.readlink(proj / "docs/missing.link") == "../not-rendered.txt"
        assert os.readlink(proj / "build.link") == "build/output.txt"
        assert git(proj, "ls-files", "-s", "build.link").startswith("120000")
        assert git(proj, "status", "--porcelain") == ""
    escapes = {
        "relative": {"escape.link": "../../outside.txt"},
        "absolute": {"escape.link": "/etc/hostname"},
        "through another link": {"up/here.link": "..", "escape.link": "up/here.link/../x"},
        "dangling, outside": {"escape.link": "../no-such-dir/x"},
    }
    for number, (kind, links) in enumerate(escapes.items(), start=4):
        for link in ("escape.link", "up/here.link"):
            if (catalog / B / link).is_symlink():
                (catalog / B / link).unlink()
        for link, target in links.items():
            (catalog / B / link).parent.mkdir(exist_ok=True)
            (catalog / B / link).symlink_to(target)
        tag = f"v1.{number}.0"
        git_save(catalog, kind, tag=tag)
        before = state(old)
        refused = cli("upgrade", str(old), "--ref", tag, "--trust")
        assert refused.code == 2 and "outside the project" in refused.err, (kind, refused.out + refused.err)
        assert len(refused.err.strip().splitlines()) == 1, kind
        assert state(old) == before, kind
        out = tmp_path / f"refused-{number}"
        new = cli("new", "--no-input", "--catalog", str(catalog), "--ref", tag, "--pattern", "alpha",
                  "--output-dir", str(out), "--trust")  # fmt: skip
        assert new.code == 2 and "outside the project" in new.err, (kind, new.out + new.err)
        assert not out.exists() or not any(out.iterdir()), kind


def test_monorepo_gitignore_above_the_project_keeps_rendered_files_out(cli, tmp_path, catalog):
    """`git add` in a monorepo obeys the .gitignore files above the project too (the repository's
    top, the folders between): an upgrade commits the rendered files they ignore no more than
    the team's own `git add --all` would."""
    mono = tmp_path / "mono"
    build_file_tree(mono, {".gitignore": "*.log\n", "services/.gitignore": "scratch/\n"})
    proj = new_project(cli, catalog, tmp_path / "gen" / "churn")  # as deep as services/churn
    shutil.copytree(proj, mono / "services/churn", ignore=shutil.ignore_patterns(".git"))
    git_save(mono, "monorepo")
    churn = mono / "services/churn"
    files = {B + "debug.log": "rendered log\n", B + "scratch/tmp.txt": "scratch\n", B + "notes.txt": "kept\n"}
    release(catalog, "v1.3.0", files)
    release(catalog, "v1.4.0", {B + "debug.log": "changed log\n", B + "notes.txt": "kept, changed\n"})
    for tag in ("v1.3.0", "v1.4.0"):
        result = cli("upgrade", str(churn), "--ref", tag)
        assert result.code == 0, result.out + result.err
        tracked = git(mono, "ls-files").split()
        assert "services/churn/notes.txt" in tracked
        assert "services/churn/debug.log" not in tracked and "services/churn/scratch/tmp.txt" not in tracked
        assert git(mono, "status", "--porcelain") == ""
    assert (churn / "notes.txt").read_text() == "kept, changed\n"
