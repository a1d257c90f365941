"""`mlgolden validate` end to end through the real CLI: clean projects, formats, exit codes, config."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mlgolden.checks import REGISTRY
from tests.helpers import (
    BUILTIN_VERSION,
    MATRIX,
    copy_project,
    hide_validate_tools,
    matrix_id,
    require_validate_tools,
)

REPO = Path(__file__).resolve().parents[1]
ALL_TOOLS = ("hadolint", "groovy", "terraform", "airflow", "feast")
SLOW_TOOLS = ("airflow", "feast")  # seconds each: hidden where a test is not about them


@pytest.fixture
def repo(generated, tmp_path):
    return copy_project(generated("live-service"), tmp_path / "repo")


def _skip(repo: Path, text: str) -> None:
    manifest = repo / ".mlgolden.yml"
    manifest.write_text(manifest.read_text().replace("validate:\n  skip: {}\n", f"validate:\n{text}"))


@pytest.mark.parametrize(("pattern", "options"), MATRIX, ids=[matrix_id(*m) for m in MATRIX])
def test_every_fresh_project_validates_clean_with_every_tool(cli, generated, monkeypatch, pattern, options):
    require_validate_tools(monkeypatch, *ALL_TOOLS)
    project = generated(pattern, options)
    result = cli("validate", str(project), "--require-tools", "--format", "json")
    report = json.loads(result.out)
    problems = {c["id"]: c["findings"] for c in report["checks"] if c["status"] in ("failed", "skipped")}
    assert problems == {}
    assert result.code == 0
    expected = {c.id for c in REGISTRY.values() if not c.opt_in}
    if pattern == "streamlit-demo":
        expected.discard("airflow")  # not a component of the pattern
    assert {c["id"] for c in report["checks"]} == expected


@pytest.mark.parametrize("pattern", ["batch-prediction", "live-service", "streamlit-demo"])
def test_fresh_projects_have_no_warnings_even_with_strict(cli, generated, monkeypatch, pattern):
    hide_validate_tools(monkeypatch, *SLOW_TOOLS)  # covered above; warnings come from the fast checks
    result = cli("validate", str(generated(pattern)), "--strict", "--format", "json")
    warnings = {
        c["id"]: c["findings"]
        for c in json.loads(result.out)["checks"]
        if c["status"] != "skipped" and c["findings"]
    }
    assert warnings == {}


def test_the_table_names_checks_and_findings(cli, repo, monkeypatch):
    hide_validate_tools(monkeypatch, *SLOW_TOOLS)
    (repo / "Dockerfile").write_text(
        (repo / "Dockerfile").read_text().replace("USER 10001:10001", "USER root")
    )
    result = cli("validate", str(repo))
    assert result.code == 1
    for needle in (
        "dockerfile",
        "failed",
        "Dockerfile:",
        "runs as root",
        "skipped: airflow not installed",
        "FAILED:",
    ):
        assert needle in result.out, needle


def test_json_report(cli, repo, monkeypatch):
    hide_validate_tools(monkeypatch, *SLOW_TOOLS)
    result = cli("validate", str(repo), "--format", "json")
    assert result.code == 0, result.out
    report = json.loads(result.out)
    assert report["ok"] is True and report["exit_code"] == 0
    assert report["pattern"] == "live-service"
    assert report["catalog"] == {"source": "builtin", "version": BUILTIN_VERSION}
    assert report["summary"]["skipped"] == 2 and report["summary"]["failed"] == 0
    airflow = next(c for c in report["checks"] if c["id"] == "airflow")
    assert airflow["status"] == "skipped"
    assert airflow["findings"][0] == {
        "severity": "skipped",
        "message": airflow["findings"][0]["message"],
        "path": None,
        "line": None,
        "rule": "tool-missing",
        "tool": "airflow",
    }


def test_junit_report_for_jenkins(cli, repo, monkeypatch, tmp_path):
    hide_validate_tools(monkeypatch, *SLOW_TOOLS)
    (repo / "Dockerfile").write_text((repo / "Dockerfile").read_text().replace("USER 10001:10001", "USER 0"))
    out = tmp_path / "reports" / "mlgolden.xml"
    result = cli("validate", str(repo), "--format", "junit", "--output", str(out))
    assert result.code == 1
    assert "junit report written to" in result.out and "dockerfile" in result.out  # people get the table
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert int(suite.get("tests")) == len(cases) >= 8
    assert int(suite.get("failures")) == 1 and int(suite.get("skipped")) == 2
    failure = cases["dockerfile"].find("failure")
    assert failure is not None and "runs as root" in failure.get("message")
    assert failure.get("message").startswith("Dockerfile:")
    assert cases["airflow"].find("skipped").get("message").startswith("skipped: airflow not installed")
    assert cases["secrets"].find("failure") is None and cases["secrets"].find("skipped") is None


def test_a_check_that_warns_and_skips_a_tool_shows_both(cli, generated, monkeypatch, tmp_path):
    """The warning grades the check and is counted; the skipped part stays listed in every format."""
    hide_validate_tools(monkeypatch, *SLOW_TOOLS)
    monkeypatch.setenv("COLUMNS", "400")  # table rows on one line each
    repo = copy_project(generated("batch-prediction"), tmp_path / "repo")
    [dag] = (repo / "dags").glob("*_dag.py")
    dag.write_text("SCHEDULE = '@daily'\n")  # no DAG(...): a warning; no Airflow: a skipped part
    rel = f"dags/{dag.name}"
    warning = "no DAG(...) or @dag(...) found; cannot check schedule, owner and retries without Airflow"

    table = cli("validate", str(repo))
    assert table.code == 0, table.out
    rows = table.out.splitlines()
    at = next(i for i, row in enumerate(rows) if row.strip("│ ").startswith("airflow"))
    assert "warning" in rows[at].split("│")[2] and f"{rel}: warning: {warning}" in rows[at]
    assert "skipped: airflow not installed" in rows[at + 1]
    assert "1 warning" in table.out.splitlines()[-1]

    report = json.loads(cli("validate", str(repo), "--format", "json").out)
    airflow = next(c for c in report["checks"] if c["id"] == "airflow")
    assert airflow["status"] == "warning" and report["summary"]["warning"] == 1
    assert [(f["severity"], f["message"]) for f in airflow["findings"]][0] == ("warning", warning)
    assert airflow["findings"][1]["severity"] == "skipped" and airflow["findings"][1]["tool"] == "airflow"

    root = ET.fromstring(cli("validate", str(repo), "--format", "junit").out)
    case = next(c for c in root.iter("testcase") if c.get("name") == "airflow")
    assert case.find("failure") is None
    out = case.find("system-out").text
    assert f"[warning] {rel}: {warning}" in out and "[skipped] skipped: airflow not installed" in out

    strict = json.loads(cli("validate", str(repo), "--strict", "--format", "json").out)
    assert next(c for c in strict["checks"] if c["id"] == "airflow")["status"] == "failed"


def test_require_tools_turns_a_skip_into_a_failure(cli, repo, monkeypatch):
    hide_validate_tools(monkeypatch, *SLOW_TOOLS)
    assert cli("validate", str(repo)).code == 0
    result = cli("validate", str(repo), "--require-tools", "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    airflow = next(c for c in report["checks"] if c["id"] == "airflow")
    assert airflow["status"] == "failed"
    assert "airflow is not installed and --require-tools is set" in airflow["findings"][0]["message"]


def test_a_skip_with_a_reason_in_the_manifest(cli, repo, monkeypatch):
    hide_validate_tools(monkeypatch, *SLOW_TOOLS)
    (repo / "Dockerfile").unlink()
    _skip(repo, "  skip:\n    dockerfile: the image is built by the platform team's monorepo\n")
    report = json.loads(cli("validate", str(repo), "--format", "json", "--require-tools").out)
    dockerfile = next(c for c in report["checks"] if c["id"] == "dockerfile")
    assert dockerfile["status"] == "skipped"
    assert dockerfile["findings"][0]["message"] == (
        "skipped in .mlgolden.yml: the image is built by the platform team's monorepo"
    )
    structure = next(c for c in report["checks"] if c["id"] == "structure")
    assert structure["status"] == "failed"  # skipping a check does not hide the deleted file


def test_an_unknown_check_id_in_the_skip_list_is_a_usage_error(cli, repo):
    _skip(repo, "  skip:\n    dockerlint: we trust our Dockerfile\n")
    result = cli("validate", str(repo))
    assert result.code == 2
    assert result.err.startswith("error: .mlgolden.yml: validate.skip names unknown check 'dockerlint'")
    assert "known checks: manifest, drift" in result.err


def test_a_skip_without_a_reason_is_a_usage_error(cli, repo):
    _skip(repo, "  skip:\n    dockerfile: ''\n")
    result = cli("validate", str(repo))
    assert result.code == 2 and "validate.skip.dockerfile needs a reason" in result.err


def test_an_ignore_without_a_reason_is_refused(cli, repo, monkeypatch):
    hide_validate_tools(monkeypatch, *SLOW_TOOLS)
    manifest = repo / ".mlgolden.yml"
    manifest.write_text(manifest.read_text().replace("  ignore: []", "  ignore:\n  - path: Dockerfile\n"))
    report = json.loads(cli("validate", str(repo), "--format", "json").out)
    assert report["exit_code"] == 1
    manifest_check = next(c for c in report["checks"] if c["id"] == "manifest")
    assert "validate.ignore.0.reason" in manifest_check["findings"][0]["message"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "yaml"], "unknown format 'yaml'"),
        (["--format", "xml"], "choose one of: text, json, junit"),
    ],
    ids=["yaml", "xml"],
)
def test_a_bad_format_is_a_usage_error(cli, repo, args, message):
    result = cli("validate", str(repo), *args)
    assert result.code == 2 and message in result.err


def test_a_folder_that_is_not_a_project_is_a_usage_error(cli, tmp_path):
    result = cli("validate", str(tmp_path))
    assert result.code == 2
    assert "is not an mlgolden project (no .mlgolden.yml)" in result.err
    assert cli("validate", str(tmp_path / "missing")).code == 2


def test_default_path_is_the_current_directory(cli, repo, monkeypatch):
    hide_validate_tools(monkeypatch, *SLOW_TOOLS)
    monkeypatch.chdir(repo)
    result = cli("validate", "--format", "json")
    assert result.code == 0 and json.loads(result.out)["project"] == str(repo.resolve())


def test_help_has_examples_and_the_import_stays_light(cli):
    result = cli("validate", "--help")
    assert result.code == 0
    for needle in ("Examples", "--require-tools", "--format", "junit", "--strict", "--build"):
        assert needle in result.out
    code = (
        "import sys, mlgolden.cli; "
        "print(sorted(m for m in sys.modules if m.startswith(('mlgolden.checks', 'mlgolden.validate', "
        "'detect_secrets', 'hcl2', 'dockerfile_parse', 'docker'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_docs_checks_md_is_generated_from_the_registry():
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gen_checks_docs.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    page = (REPO / "docs" / "checks.md").read_text()
    for check in REGISTRY.values():
        assert f"## {check.id}\n" in page and check.description in page


def test_every_check_is_documented_and_registered_once():
    modules = sorted(
        p.stem for p in (REPO / "mlgolden" / "checks").glob("*.py") if p.stem not in ("__init__", "base")
    )
    assert sorted(REGISTRY) == modules
    for check in REGISTRY.values():
        assert check.description and len(check.docs.splitlines()) > 2, check.id
        assert "\n" not in check.description
