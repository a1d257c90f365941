"""Attacks on mlgolden, one test per class (issue 11): each builds the attack as a tiny catalog or
repository, runs the real CLI, and asserts the side effect did NOT happen (no marker file, nothing
written outside the temporary root), with one `error:` line and exit 2 where the input is refused.
docs/security.md maps each line of the threat model to the test here that proves it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.helpers import copy_builtin_catalog, git, git_save, listing

BASE = "templates/base/{{cookiecutter.project_slug}}/"
# Jinja expressions that run a shell command in a plain (unsandboxed) Jinja environment.
RCE = [
    "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "{{ joiner.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}",
    "{% set x = namespace() %}{{ x.__init__.__globals__ }}{{ self._TemplateReference__context }}",
]


def _catalog(root: Path, files: dict[str, str], marker: Path | None = None) -> Path:
    repo = copy_builtin_catalog(root / "catalog")
    for rel, text in files.items():
        path = repo / rel.replace("MARKER", str(marker) if marker else "MARKER")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("MARKER", str(marker) if marker else "MARKER"))
    return repo


def _one_error(result, code: int = 2) -> str:
    assert result.code == code, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert "Traceback" not in result.err
    return lines[0]


@pytest.fixture
def root(tmp_path) -> Path:
    """The temporary root; `outside` is a sibling folder no command may write to."""
    (tmp_path / "out").mkdir()
    (tmp_path / "outside").mkdir()
    return tmp_path


def _new(cli, root: Path, catalog: Path, *extra: str):
    return cli("new", "--no-input", "--output-dir", str(root / "out"), "--catalog", str(catalog), *extra)


# --- Jinja in an untrusted catalog runs sandboxed -------------------------------------------------


@pytest.mark.parametrize("payload", RCE, ids=range(len(RCE)))
def test_template_content_cannot_run_code(cli, root, payload):
    marker = root / "outside" / "pwned"
    catalog = _catalog(root, {BASE + "README.md": payload}, marker)
    line = _one_error(_new(cli, root, catalog))
    assert "template error" in line, line
    assert not marker.exists()
    assert listing(root / "out") == []


@pytest.mark.parametrize("payload", RCE[:2], ids=range(2))
def test_template_file_and_folder_names_cannot_run_code(cli, root, payload, monkeypatch):
    monkeypatch.chdir(root / "outside")  # a name cannot hold a slash: the payload touches ./pwned
    for rel in (BASE + payload + ".txt", BASE + payload + "/x.txt"):
        catalog = _catalog(root / str(rel.count("/")), {rel: "x"}, Path("pwned"))
        line = _one_error(_new(cli, root, catalog))
        assert "unsafe" in line, line
        assert listing(root / "outside") == []
        assert listing(root / "out") == []


def test_trusted_catalog_keeps_the_full_environment(cli, root):
    """--trust keeps today's environment: what the sandbox refuses renders for a trusted catalog."""
    catalog = _catalog(root, {BASE + "probe.txt": "{{ cycler.__init__.__globals__ is mapping }}"})
    assert _new(cli, root, catalog).code == 2
    result = _new(cli, root, catalog, "--trust")
    assert result.code == 0, result.err
    assert (root / "out" / "churn-model" / "probe.txt").read_text() == "True"


def test_templates_cannot_exhaust_memory(cli, root):
    catalog = _catalog(root, {BASE + "README.md": "{{ 'x' * 10**12 }}{{ 9 ** 9 ** 9 }}"})
    assert "too large" in _one_error(_new(cli, root, catalog))
    assert listing(root / "out") == []


# --- containment is decided on the whole rendered path --------------------------------------------


SLASH = "{% set s = '%c'|format(47) %}"  # a folder name cannot hold a slash; Jinja can make one
SET_IN_FOLDER = SLASH + "{% set p = '..' ~ s ~ '..' ~ s ~ '..' ~ s ~ 'outside' ~ s ~ 'escaped' %}d"
ESCAPES = {
    "set-in-folder-changes-file": {BASE + SET_IN_FOLDER + "/{{ p|default('ok') }}.txt": "x"},
    "dotdot": {BASE + "{{ '..' }}/x.txt": "x"},
    "absolute": {BASE + '{{ "%c"|format(47) }}tmp/x.txt': "x"},
    "git-folder": {BASE + "{{ '.git' }}/hooks/post-commit": "#!/bin/sh\ntouch MARKER\n"},
    "git-folder-upper": {BASE + "{{ '.GIT' }}/config": "[core]\n"},
    "git-file": {BASE + "{{ '.git' }}": "gitdir: ../../.git\n"},
    "git-below": {BASE + "src/{{ '.git' }}": "gitdir: ../../../.git\n"},
}


@pytest.mark.parametrize("files", ESCAPES.values(), ids=ESCAPES.keys())
def test_rendered_paths_stay_inside_the_project_and_out_of_git(cli, root, files):
    marker = root / "outside" / "pwned"
    enclosing = root  # an enclosing repository a `gitdir:` file would redirect the commit into
    git(enclosing, "init", "--quiet")
    git(enclosing, "commit", "--quiet", "--allow-empty", "-m", "enclosing")
    head = git(enclosing, "rev-parse", "HEAD")
    catalog = _catalog(root / "inputs", files, marker)
    line = _one_error(_new(cli, root, catalog))
    assert "refused" in line, line
    assert listing(root / "out") == []
    assert listing(root / "outside") == []
    assert not marker.exists()
    assert git(enclosing, "rev-parse", "HEAD") == head


def test_a_trusted_catalog_is_contained_too(cli, root):
    catalog = _catalog(root, {BASE + SET_IN_FOLDER + "/{{ p|default('ok') }}.txt": "x"})
    _one_error(_new(cli, root, catalog, "--trust"))
    assert listing(root / "out") == [] and listing(root / "outside") == []


# --- a repository names a hostile catalog ---------------------------------------------------------


@pytest.fixture
def hostile_repo(cli, root):
    """A project whose .mlgolden.yml was edited (as a pull request can) to name a hostile catalog
    at a commit of it; the catalog's templates try to run `touch MARKER`."""
    marker = root / "outside" / "pwned"
    catalog = _catalog(root / "inputs", {BASE + "README.md": RCE[0]}, marker)
    commit = git_save(catalog, tag="v9.0.0")
    git_save(catalog, "next release", tag="v9.1.0")  # a newer commit, so that an upgrade renders both
    assert cli("new", "--no-input", "--output-dir", str(root / "out")).code == 0
    project = root / "out" / "churn-model"
    manifest = project / ".mlgolden.yml"
    text = manifest.read_text().replace("source: builtin", f"source: {catalog}")
    text = re.sub(
        r"(?m)^(  version: ).*$", r"\g<1>9.0.0", text.replace("commit: null", f"commit: {commit}"), count=1
    )
    assert "version: 9.0.0" in text
    manifest.write_text(text)
    git(project, "commit", "--quiet", "-am", "pull request: use our catalog")
    return project, marker


def test_validate_does_not_run_a_catalog_named_by_the_repository(cli, hostile_repo):
    project, marker = hostile_repo
    result = cli("validate", str(project), "--format", "json")
    assert result.code != 0
    assert "unsafe" in result.out + result.err, result.out
    assert not marker.exists()


def test_fleet_upgrade_does_not_run_a_catalog_named_by_a_repository(cli, root, hostile_repo, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # the table keeps each reason on one line
    project, marker = hostile_repo
    repos = root / "inputs" / "fleet.txt"
    repos.write_text(f"{project}\n")
    head = git(project, "rev-parse", "HEAD")
    result = cli("upgrade", "--repos", str(repos))
    assert result.code != 0
    assert "unsafe" in result.out + result.err
    assert not marker.exists()
    assert git(project, "rev-parse", "HEAD") == head
    assert git(project, "status", "--porcelain") == ""


# --- validate runs nothing from the repository ------------------------------------------------------

AST_TRANSFORM = """\
import org.codehaus.groovy.ast.ASTNode
import org.codehaus.groovy.control.CompilePhase
import org.codehaus.groovy.control.SourceUnit
import org.codehaus.groovy.transform.ASTTransformation
import org.codehaus.groovy.transform.GroovyASTTransformation

@GroovyASTTransformation(phase = CompilePhase.CONVERSION)
class Pwn implements ASTTransformation {
    void visit(ASTNode[] nodes, SourceUnit source) { new File('MARKER').text = 'ran' }
}
"""


def test_the_jenkinsfile_compile_runs_no_groovy_from_the_repository(cli, root):
    """A global AST transformation committed to the repository (its service file, its class and
    its source) runs during any Groovy compile that has the repository on its class path."""
    from tests.helpers import require_tool, validate_only

    groovyc = require_tool("groovyc", hint="apt-get install groovy")
    marker = root / "outside" / "pwned"
    assert cli("new", "--no-input", "--output-dir", str(root / "out")).code == 0
    project = root / "out" / "churn-model"
    build = root / "build"
    build.mkdir()
    (build / "Pwn.groovy").write_text(AST_TRANSFORM.replace("MARKER", str(marker)))
    subprocess.run([groovyc, "Pwn.groovy"], cwd=build, check=True, capture_output=True, timeout=300)
    for name in ("Pwn.groovy", "Pwn.class"):
        (project / name).write_bytes((build / name).read_bytes())
    services = project / "META-INF" / "services" / "org.codehaus.groovy.transform.ASTTransformation"
    services.parent.mkdir(parents=True)
    services.write_text("Pwn\n")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "pull request: a Groovy AST transformation")
    (result,) = validate_only(project, "jenkins").results
    assert "Jenkinsfile compiles with Groovy" in result.notes, result  # the compile did run
    assert not marker.exists()


# --- trust: normalised sources, and only what the trusted repository publishes --------------------


def _trust(home: Path, *entries: str) -> None:
    settings = home / ".config" / "mlgolden" / "settings.yml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("trusted_catalogs:\n" + "".join(f"  - {e!r}\n" for e in entries))


@pytest.mark.parametrize(
    ("entry", "source", "trusted"),
    [
        ("https://git.acme.io/ml", "https://git.acme.io/ml/catalog", True),
        ("https://git.acme.io/ml/", "https://GIT.ACME.IO/ml/catalog.git", True),
        ("https://git.acme.io/ml/catalog.git", "https://git.acme.io/ml/catalog", True),
        ("git@git.acme.io:ml/catalog.git", "ssh://git@git.acme.io/ml/catalog", True),
        ("https://git.acme.io/ml", "https://git.acme.io/ml-evil/catalog", False),
        ("https://git.acme.io/ml", "https://git.acme.io/ml/../evil/catalog", False),
        ("https://git.acme.io/ml", "https://git.acme.io/ml/%2e%2e/evil", False),
        ("https://git.acme.io/ml", "https://git.acme.io.evil.com/ml/catalog", False),
        ("https://git.acme.io/ml", "https://git.acme.io@evil.com/ml/catalog", False),
        ("https://git.acme.io/ml", "https://git.acme.io:8443/ml/catalog", False),
        ("https://git.acme.io/ml", "http://git.acme.io/ml/catalog", False),
        ("https://git.acme.io/ml", "ssh://git.acme.io/ml/catalog", False),
        ("https://git.acme.io/ml", "https://git.acme.io/ml/catalog?x=/ml", False),
        ("https://git.acme.io/ml", "https://evil.com/git.acme.io/ml/catalog", False),
    ],
)
def test_trusted_catalogs_match_normalised_sources(_isolated_home, entry, source, trusted):
    from mlgolden.catalog import trusted_by_settings

    _trust(_isolated_home, entry)
    assert trusted_by_settings(source) is trusted


def test_a_local_trusted_folder_does_not_trust_dotdot_paths(_isolated_home, tmp_path):
    from mlgolden.catalog import trusted_by_settings

    (tmp_path / "trusted").mkdir()
    (tmp_path / "evil").mkdir()
    _trust(_isolated_home, str(tmp_path / "trusted"))
    assert trusted_by_settings(str(tmp_path / "trusted" / "sub"))
    assert not trusted_by_settings(str(tmp_path / "trusted" / ".." / "evil"))
    assert not trusted_by_settings(str(tmp_path / "trusted-evil"))


HOOK = "templates/base/hooks/post_gen_project.py"


@pytest.fixture
def pinned_unmerged_commit(cli, root, _isolated_home):
    """A trusted catalog repository; a project of it whose .mlgolden.yml a pull request edited to
    pin a commit of an unmerged branch that adds a hook (`touch MARKER`)."""
    marker = root / "outside" / "pwned"
    catalog = copy_builtin_catalog(root / "inputs" / "catalog")
    git_save(catalog, tag="v1.1.0")
    git(catalog, "tag", "v1.2.0")
    _trust(_isolated_home, str(catalog))
    assert cli("new", "--no-input", "--output-dir", str(root / "out"), "--catalog", str(catalog)).code == 0
    git(catalog, "checkout", "--quiet", "-b", "pr-42")
    (catalog / HOOK).parent.mkdir(parents=True)
    (catalog / HOOK).write_text(f"open({str(marker)!r}, 'w').close()\n")
    evil = git_save(catalog, "add a hook")
    git(catalog, "checkout", "--quiet", "main")
    project = root / "out" / "churn-model"
    manifest = project / ".mlgolden.yml"
    text = manifest.read_text()
    recorded = next(line.split()[-1] for line in text.splitlines() if line.strip().startswith("commit:"))
    manifest.write_text(text.replace(recorded, evil).replace("version: 1.2.0", "version: 1.1.0"))
    git(project, "commit", "--quiet", "-am", "pull request: pin our commit")
    return project, marker


def test_trust_does_not_cover_an_unmerged_commit_a_manifest_pins(cli, pinned_unmerged_commit):
    project, marker = pinned_unmerged_commit
    head = git(project, "rev-parse", "HEAD")
    line = _one_error(cli("upgrade", str(project)))
    assert "hooks" in line and "not trusted" in line, line
    assert not marker.exists()
    assert git(project, "rev-parse", "HEAD") == head
    result = cli("validate", str(project), "--format", "json")
    assert "not trusted" in result.out
    assert not marker.exists()


# --- data stays data: YAML alias bombs ------------------------------------------------------------


def _alias_bomb(levels: int = 9) -> str:
    """A 'billion laughs' document: ten lines that expand to 10**levels values."""
    names = [f"l{i}" for i in range(levels + 1)]
    lines = [f"{names[0]}: &{names[0]} [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]" for p, n in zip(names[:-1], names[1:], strict=True)]
    return "\n".join(lines) + "\n"


def test_alias_bombs_are_refused_in_platform_files(cli, root):
    bomb = root / "platform.yml"
    bomb.write_text(_alias_bomb())
    line = _one_error(cli("new", "--no-input", "--output-dir", str(root / "out"), "--platform", str(bomb)))
    assert "aliases" in line and "platform.yml" in line
    assert listing(root / "out") == []


def test_alias_bombs_are_refused_in_catalogs(cli, root):
    catalog = copy_builtin_catalog(root / "catalog")
    (catalog / "catalog.yml").write_text((catalog / "catalog.yml").read_text() + "x-" + _alias_bomb())
    assert "aliases" in _one_error(_new(cli, root, catalog))
    assert listing(root / "out") == []


def test_alias_bombs_are_refused_in_answers_files(cli, root):
    assert cli("new", "--no-input", "--output-dir", str(root / "out")).code == 0
    project = root / "out" / "churn-model"
    manifest = project / ".mlgolden.yml"
    manifest.write_text(manifest.read_text() + "x-" + _alias_bomb())
    git(project, "commit", "--quiet", "-am", "bomb")
    assert "aliases" in _one_error(cli("upgrade", str(project)))
    result = cli("validate", str(project), "--format", "json")
    assert result.code == 1 and "aliases" in result.out


# --- platform settings that land in generated files are one line --------------------------------

PLATFORM_STRINGS = {  # dotted key -> the key the error names
    "base_images.cpu": "base_images.cpu",
    "base_images.gpu": "base_images.gpu",
    "registry": "registry",
    "environments.dev.image_registry": "environments.dev.image_registry",
    "terraform.state_bucket": "terraform.state_bucket",
    "terraform.state_prefix": "terraform.state_prefix",
    "airflow.namespace": "airflow.namespace",
    "jenkins.agent_label": "jenkins.agent_label",
    "jenkins.credentials.registry": "jenkins.credentials",
    "airflow.connections.gcp": "airflow.connections",
    "secrets.model_registry_token": "secrets",
    "environments.dev.feature_store.online_store.namespace": "environments.dev.feature_store.online_store",
}


@pytest.mark.parametrize("bad", ["\nRUN touch /tmp/pwned", "\r", "\x1b[31m", "\x00", "\u2028"])
@pytest.mark.parametrize("key", PLATFORM_STRINGS, ids=PLATFORM_STRINGS)
def test_platform_strings_with_control_characters_are_refused(cli, root, key, bad):
    import yaml

    from mlgolden.catalog import builtin_root

    value = yaml.safe_load((builtin_root() / "platform.yml").read_text())
    for part in key.split("."):
        value = value[part]
    override: dict = {}
    node = override
    *parents, last = key.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = f"{value}{bad}"
    _refused_platform(cli, root, override, PLATFORM_STRINGS[key])


BARE_SETTINGS = {  # written unquoted into a Makefile, a Dockerfile's FROM, a shell line
    "registry": "localhost:5000/$(shell touch pwned)",
    "base_images": {"cpu": "python:{python_version} AS x"},
    "environments": {"prod": {"image_registry": "reg.io/`touch pwned`"}},
    "terraform": {"state_bucket": 'b"; x = "'},
    "airflow": {"namespace": "ml jobs"},
}


@pytest.mark.parametrize("key", BARE_SETTINGS)
def test_platform_values_written_bare_keep_to_their_alphabet(cli, root, key):
    value = BARE_SETTINGS[key]
    shown = key
    while isinstance(value, dict):
        ((sub, value),) = value.items()
        shown += f".{sub}"
    _refused_platform(cli, root, {key: BARE_SETTINGS[key]}, shown)


def _refused_platform(cli, root: Path, override: dict, key: str) -> None:
    import yaml

    platform = root / "platform.yml"
    platform.write_text(yaml.safe_dump(override))
    args = ("new", "--no-input", "--output-dir", str(root / "out"), "--platform", str(platform))
    line = _one_error(cli(*args))
    assert str(platform) in line and f" {key}: " in line, line
    assert listing(root / "out") == [] and listing(root / "outside") == []


# --- locks -----------------------------------------------------------------------------------------


def test_a_stale_lock_is_taken_over_and_a_live_one_is_not(tmp_path):
    import os

    from mlgolden.errors import UsageError
    from mlgolden.locking import repo_lock

    lock = tmp_path / "upgrade.lock"
    dead = subprocess.run(["sh", "-c", "echo $$"], capture_output=True, text=True).stdout.strip()
    lock.write_text(dead)
    with repo_lock(lock, tmp_path):
        assert lock.read_text() == str(os.getpid())
        assert sorted(p.name for p in tmp_path.iterdir()) == ["upgrade.lock"]  # no temp file left
    assert not lock.exists()
    lock.write_text(str(os.getppid()))  # a live process holds it
    with pytest.raises(UsageError), repo_lock(lock, tmp_path):
        pass
    assert lock.read_text() == str(os.getppid())


# --- user text is never markup, and reports stay well-formed --------------------------------------


def test_markup_and_control_characters_in_a_manifest_cannot_break_reports(cli, root):
    import xml.etree.ElementTree as ET

    assert cli("new", "--no-input", "--output-dir", str(root / "out")).code == 0
    project = root / "out" / "churn-model"
    manifest = project / ".mlgolden.yml"
    text = re.sub(r"(?m)^(  version: ).*$", r'\1"1.1.0[/x]\\x01"', manifest.read_text(), count=1)
    assert "1.1.0[/x]" in text
    manifest.write_text(text)
    git(project, "commit", "--quiet", "-am", "hostile version")
    result = cli("validate", str(project))
    assert result.code == 1 and "Traceback" not in result.err and "1.1.0[/x]" in result.out
    report = root / "junit.xml"
    result = cli("validate", str(project), "--format", "junit", "--output", str(report))
    assert "Traceback" not in result.err
    ET.parse(report)  # well-formed
    assert "1.1.0[/x]\\x01" in report.read_text()


# --- property: containment holds for any template an untrusted catalog can write -------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ATOMS = st.sampled_from(
    [
        "..",
        ".",
        ".git",
        ".GIT",
        "a",
        "b.txt",
        "'%c'|format(47)",
        "'..'",
        "'.git'",
        "'/'",
        "cookiecutter.project_slug",
        "p",
        "s",
        "x.__class__",
        "cycler.__init__",
        "range(3)|join",
    ]
)
_EXPR = st.builds(lambda a, b, op: f"{a} {op} {b}", _ATOMS, _ATOMS, st.sampled_from(["~", "+"])) | _ATOMS
_PIECE = st.one_of(
    st.sampled_from(["a", "..", ".git", "-", "_", " ", "%c", "sub", "gitdir"]),
    _EXPR.map(lambda e: "{{ " + e + " }}"),
    st.builds(lambda n, e: "{% set " + n + " = " + e + " %}", st.sampled_from(["p", "s"]), _EXPR),
    _EXPR.map(lambda e: "{% if " + e + " %}x{% endif %}"),
)
_NAME = st.lists(_PIECE, min_size=1, max_size=4).map("".join).filter(lambda n: "/" not in n and "\0" not in n)


@pytest.fixture(scope="module")
def fuzz_catalog(tmp_path_factory) -> Path:
    return copy_builtin_catalog(tmp_path_factory.mktemp("fuzz") / "catalog")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(folder=_NAME, name=_NAME, content=st.lists(_PIECE, max_size=4).map("".join))
def test_any_template_of_an_untrusted_catalog_stays_contained(
    cli, tmp_path, fuzz_catalog, folder, name, content
):
    import shutil

    work = tmp_path / "w"
    shutil.rmtree(work, ignore_errors=True)
    (work / "out").mkdir(parents=True)
    (work / "outside").mkdir()
    extra = fuzz_catalog / BASE / f"z{folder}"  # a new folder, never one of the catalog's own
    if name in {".", ".."} or len(extra.name.encode()) > 255 or len(name.encode()) > 255:
        return  # not a name a file system can hold
    extra.mkdir()
    (extra / name).write_text(content)
    try:
        result = _new(cli, work, fuzz_catalog)
    finally:
        shutil.rmtree(extra)
    assert "Traceback" not in result.err
    assert listing(work / "outside") == []
    if result.code == 0:
        project = work / "out" / "churn-model"
        assert [p.name for p in (work / "out").iterdir()] == ["churn-model"]
        tracked = git(project, "ls-files").splitlines()
        assert not any(".git" in Path(p).parts or ".GIT" in Path(p).parts for p in tracked)
        for path in project.rglob("*"):
            assert path.resolve().is_relative_to(project.resolve())
    else:
        _one_error(result)
        assert listing(work / "out") == []


# --- inputs that would hang or crash ---------------------------------------------------------------


def test_a_catastrophic_catalog_regex_cannot_hang_the_interview(cli, root):
    catalog = copy_builtin_catalog(root / "catalog")
    text = (catalog / "catalog.yml").read_text()
    text = text.replace("    rule: text\n", "    regex: '(a|aa)+$'\n", 1)
    (catalog / "catalog.yml").write_text(text)
    line = _one_error(_new(cli, root, catalog, "--set", "description=" + "a" * 40 + "!"))
    assert "took too long" in line
    assert listing(root / "out") == []


def test_a_binary_repos_file_is_one_error_line(cli, root):
    repos = root / "fleet.txt"
    repos.write_bytes(b"\xff\xfe\x00\x01binary")
    assert "not a UTF-8 text file" in _one_error(cli("upgrade", "--repos", str(repos)))


@pytest.mark.parametrize("setting", ["registry", "airflow.retries", "jenkins.credentials"])
def test_choices_from_a_platform_value_that_is_not_a_list_is_one_error_line(cli, root, setting):
    catalog = copy_builtin_catalog(root / "catalog")
    text = (catalog / "catalog.yml").read_text()
    assert "choices_from: python.supported" in text
    (catalog / "catalog.yml").write_text(text.replace("python.supported", setting, 1))
    line = _one_error(_new(cli, root, catalog))
    assert "choices_from" in line and setting in line, line
    assert listing(root / "out") == []


def test_an_unwritable_home_with_a_git_catalog_is_one_error_line(cli, root, monkeypatch):
    catalog = copy_builtin_catalog(root / "catalog")
    git_save(catalog, tag="v9.0.0")
    blocker = root / "not-a-folder"
    blocker.write_text("")  # HOME below a file: no user (root included) can create the cache there
    monkeypatch.setenv("HOME", str(blocker / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME")
    line = _one_error(_new(cli, root, f"file://{catalog}"))
    assert "catalog cache" in line, line
    assert listing(root / "out") == [] and listing(root / "outside") == []


@pytest.mark.parametrize("trust", [(), ("--trust",)], ids=["untrusted", "trusted"])
def test_a_git_catalog_holding_an_absolute_symlink_is_one_error_line(cli, root, trust):
    catalog = copy_builtin_catalog(root / "catalog")
    (catalog / BASE / "passwd").symlink_to("/etc/passwd")
    git_save(catalog, tag="v9.0.0")
    line = _one_error(_new(cli, root, catalog, *trust))
    assert "absolute" in line, line
    assert listing(root / "out") == [] and listing(root / "outside") == []


@pytest.mark.parametrize(
    "args",
    [
        ("upgrade", "--jobs", "0"),
        ("upgrade", "--repos", "FLEET", "--jobs", "0"),
        ("catalog", "test", "-j", "0"),
        ("catalog", "release", "9.0.0", "--jobs", "-1"),
    ],
    ids=["upgrade", "fleet", "catalog-test", "catalog-release"],
)
def test_jobs_zero_is_one_error_line(cli, root, args):
    fleet = root / "fleet.txt"
    fleet.write_text(f"{root / 'out'}\n")
    line = _one_error(cli(*(str(fleet) if a == "FLEET" else a for a in args)))
    assert re.search(r"error: (--jobs|-j): .*greater than or equal to 1", line), line
    assert listing(root / "out") == []
