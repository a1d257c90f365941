"""Hostile answers: validated away, or escaped so they arrive intact and inert where they land."""

from __future__ import annotations

import ast
from pathlib import Path

import hcl2
import pytest
import tomllib
import yaml

from tests.helpers import PATTERNS

HOSTILE_TEXT = [
    'it\'s "quoted" and \\ back\\slashed',
    "$(touch /tmp/pwned) and `id` and ; rm -rf / #",
    "${env.SECRET} %{ if true }x%{ endif } $${x}",
    "{{ cookiecutter.project_slug }} {% raw %} {# c #}",
    "''' \"\"\" triple quotes \\x00 \\u2028",
]
HOSTILE_STRUCTURED = [
    "x'; rm -rf / #",
    "$(id)",
    "`id`",
    "${HOME}",
    "{{ 7*7 }}",
    'a"b',
    "a\nb",
]
STRUCTURED_QUESTIONS = [
    ("batch-prediction", "project_name"),
    ("batch-prediction", "owner_team"),
    ("batch-prediction", "schedule"),
    ("batch-prediction", "output_table"),
    ("streamlit-demo", "service_url"),
    ("live-service", "min_instances"),
]


def _python_constant(path: Path, name: str) -> str:
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not assigned in {path}")


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=[f"text{i}" for i in range(len(HOSTILE_TEXT))])
def test_free_text_arrives_intact_and_inert_in_every_language(cli, tmp_path, pattern, text):
    extra = ["--set", "inference_mode=service"] if pattern == "streamlit-demo" else []
    result = cli(
        "new",
        "--no-input",
        "--pattern",
        pattern,
        "--set",
        f"description={text}",
        *extra,
        "--output-dir",
        str(tmp_path),
    )
    assert result.code == 0, result.err
    project = tmp_path / "churn-model"
    assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["description"] == text
    assert _python_constant(project / "src" / "churn_model" / "__init__.py", "DESCRIPTION") == text
    assert yaml.safe_load((project / ".mlgolden.yml").read_text())["answers"]["description"] == text
    for path in project.rglob("*"):
        rel = path.relative_to(project)
        if ".git" in rel.parts or not path.is_file():
            continue
        if path.suffix == ".py":
            ast.parse(path.read_text(), filename=str(rel))  # every Python file still parses
        elif path.suffix in (".yml", ".yaml"):
            yaml.safe_load(path.read_text())
        elif path.suffix == ".toml":
            tomllib.loads(path.read_text())
        elif path.suffix == ".tf":
            hcl2.loads(path.read_text())
    for name in ("Jenkinsfile", "Dockerfile", "Makefile"):
        content = (project / name).read_text()
        assert "$(touch" not in content and "${env.SECRET}" not in content, name


@pytest.mark.parametrize(
    ("pattern", "question"), STRUCTURED_QUESTIONS, ids=[q for _, q in STRUCTURED_QUESTIONS]
)
@pytest.mark.parametrize("value", HOSTILE_STRUCTURED, ids=[f"v{i}" for i in range(len(HOSTILE_STRUCTURED))])
def test_hostile_structured_answers_are_refused(cli, tmp_path, pattern, question, value):
    extra = ["--set", "inference_mode=service"] if question == "service_url" else []
    result = cli(
        "new",
        "--no-input",
        "--pattern",
        pattern,
        *extra,
        "--set",
        f"{question}={value}",
        "--output-dir",
        str(tmp_path),
    )
    assert result.code == 2, result.out
    assert question in result.err and len(result.err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
