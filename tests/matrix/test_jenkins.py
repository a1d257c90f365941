"""Jenkins: every generated Jenkinsfile compiles as Groovy and, run against a recording DSL
(tests/tools/jenkins_dsl.groovy, no Jenkins needed), has a valid declarative structure with the
golden stages in order; credentials appear only by their Jenkins credential ID.
"""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from tests.helpers import require_tool
from tests.matrix.conftest import TOOLS, Project, matrix_params, run, tool_env

GOLDEN_STAGES = [
    "Lint & Test",
    "Validate",
    "Build & Push image",
    "Terraform Plan",
    "Terraform Apply",
    "Register features",
    "Deploy",
]
MAIN_ONLY = {"Terraform Apply", "Register features", "Deploy"}

# What declarative Pipeline accepts where (the sections and directives of the syntax reference).
PIPELINE_SECTIONS = {
    "agent",
    "stages",
    "post",
    "environment",
    "options",
    "parameters",
    "triggers",
    "tools",
    "libraries",
}
STAGE_SECTIONS = {
    "agent",
    "environment",
    "when",
    "input",
    "options",
    "steps",
    "post",
    "tools",
    "stages",
    "parallel",
    "matrix",
    "failFast",
}
POST_CONDITIONS = {
    "always",
    "changed",
    "fixed",
    "regression",
    "aborted",
    "failure",
    "success",
    "unstable",
    "unsuccessful",
    "cleanup",
    "notBuilt",
}
WHEN_CONDITIONS = {
    "branch",
    "buildingTag",
    "changelog",
    "changeset",
    "changeRequest",
    "environment",
    "equals",
    "expression",
    "tag",
    "not",
    "allOf",
    "anyOf",
    "triggeredBy",
    "beforeAgent",
    "beforeInput",
    "beforeOptions",
}
CREDENTIAL_BINDINGS = {
    "usernamePassword",
    "usernameColonPassword",
    "string",
    "file",
    "sshUserPrivateKey",
    "certificate",
    "dockerCert",
    "zip",
}
CREDENTIAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def java_home() -> str | None:
    if os.environ.get("JAVA_HOME") and os.path.exists(os.path.join(os.environ["JAVA_HOME"], "bin", "java")):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    return os.path.dirname(os.path.dirname(os.path.realpath(java))) if java else None


@pytest.fixture(scope="session")
def recorded(all_projects, tmp_path_factory) -> dict[str, dict]:
    """Every matrix entry's Jenkinsfile compiled and recorded, in one JVM: id -> record."""
    groovy = require_tool("groovy", hint="apt-get install groovy")
    home = require_tool("java (JDK)", java_home() or "", "apt-get install default-jdk-headless")
    out = tmp_path_factory.mktemp("jenkins") / "recorded.json"
    files = {p.id: str(p.path / "Jenkinsfile") for p in all_projects}
    run(
        [groovy, str(TOOLS / "jenkins_dsl.groovy"), str(out), *files.values()],
        env=tool_env(JAVA_HOME=home),
        timeout=300,
    )
    by_path = json.loads(out.read_text())
    return {pid: by_path[path] for pid, path in files.items()}


def children(node: dict, name: str) -> list[dict]:
    return [c for c in node["children"] if c["name"] == name]


def walk(node: dict):
    yield node
    for child in node["children"]:
        yield from walk(child)


def pipeline_of(record: dict) -> dict:
    assert record["compiled"], f"the Jenkinsfile does not compile: {record['error']}"
    assert record["error"] is None, f"running it against the recording DSL failed: {record['error']}"
    top = record["tree"]
    assert [n["name"] for n in top] == ["pipeline"], "a declarative Jenkinsfile is one pipeline {}"
    return top[0]


def stages_of(pipeline: dict) -> list[dict]:
    (stages,) = children(pipeline, "stages")
    return stages["children"]


@pytest.mark.parametrize("project", matrix_params("jenkins"), indirect=True)
def test_jenkinsfile_is_valid_declarative_pipeline(project: Project, recorded):
    pipeline = pipeline_of(recorded[project.id])
    sections = [c["name"] for c in pipeline["children"]]
    assert set(sections) <= PIPELINE_SECTIONS, set(sections) - PIPELINE_SECTIONS
    for required in ("agent", "stages"):
        assert sections.count(required) == 1, f"pipeline needs exactly one {required}"
    assert all(sections.count(s) <= 1 for s in sections), sections
    (agent,) = children(pipeline, "agent")
    assert [c["args"] for c in children(agent, "label")] == [[project.platform["jenkins"]["agent_label"]]], (
        "the platform's agent label"
    )
    for stage in stages_of(pipeline):
        assert stage["name"] == "stage" and len(stage["args"]) == 1, stage["name"]
        inner = [c["name"] for c in stage["children"]]
        assert set(inner) <= STAGE_SECTIONS, (stage["args"], set(inner) - STAGE_SECTIONS)
        bodies = [n for n in inner if n in {"steps", "stages", "parallel", "matrix"}]
        assert len(bodies) == 1, f"stage {stage['args'][0]} needs exactly one of steps/stages/..."
        for steps in children(stage, "steps"):
            assert steps["children"], f"stage {stage['args'][0]} has no steps"
        for when in children(stage, "when"):
            assert {c["name"] for c in when["children"]} <= WHEN_CONDITIONS, when
    for post in [n for n in walk(pipeline) if n["name"] == "post"]:
        assert post["children"], "empty post"
        assert {c["name"] for c in post["children"]} <= POST_CONDITIONS, post


@pytest.mark.parametrize("project", matrix_params("jenkins"), indirect=True)
def test_jenkinsfile_has_the_golden_stages(project: Project, recorded):
    stages = stages_of(pipeline_of(recorded[project.id]))
    names = [s["args"][0] for s in stages]
    assert names == GOLDEN_STAGES
    by_name = dict(zip(names, stages, strict=True))
    scripts = " ".join(str(n["args"]) for n in walk(by_name["Lint & Test"]) if n["name"] == "sh")
    assert all(f in scripts for f in ("make install", "lint", "test")), scripts
    for name in MAIN_ONLY:
        (when,) = children(by_name[name], "when")
        assert [c["args"] for c in children(when, "branch")] == [["main"]], f"{name} runs on main only"
    assert children(by_name["Terraform Apply"], "input"), "Terraform Apply waits for an approval"


@pytest.mark.parametrize("project", matrix_params("jenkins"), indirect=True)
def test_jenkinsfile_uses_credentials_only_by_id(project: Project, recorded):
    pipeline = pipeline_of(recorded[project.id])
    bindings = [
        n for n in walk(pipeline) if n["name"] in CREDENTIAL_BINDINGS and "credentialsId" in n["named"]
    ]
    assert bindings, "the pipeline binds its credentials with withCredentials"
    secret_vars = set()
    for binding in bindings:
        cred_id = binding["named"]["credentialsId"]
        assert isinstance(cred_id, str) and CREDENTIAL_ID.fullmatch(cred_id), binding
        secret_vars |= {v for k, v in binding["named"].items() if k.endswith("ariable")}
    for call in [n for n in walk(pipeline) if n["name"] == "credentials"]:
        assert len(call["args"]) == 1 and CREDENTIAL_ID.fullmatch(call["args"][0]), call
    used = {b["named"]["credentialsId"] for b in bindings}
    platform_ids = project.platform["jenkins"]["credentials"]
    assert {platform_ids["registry"], platform_ids["gcp"]} <= used, (
        "the registry and cloud credentials are the platform's IDs"
    )
    # A secret variable interpolated by Groovy ("${PASSWORD}") would show as <PASSWORD> in the
    # recorded text; the shell must expand it ('$PASSWORD' in a single-quoted script).
    recorded_text = json.dumps(pipeline)
    for var in secret_vars:
        assert f"<{var}>" not in recorded_text, f"{var} is interpolated by Groovy"
    text = (project.path / "Jenkinsfile").read_text()
    assert not re.search(r"(?i)(password|secret|token)\s*[:=]\s*['\"][^'\"$<]{6,}['\"]", text)
    assert not re.search(r"-----BEGIN [A-Z ]*PRIVATE KEY-----", text)
