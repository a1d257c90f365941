"""build (only with --build): the image builds and the pattern's smoke test passes in a container."""

from __future__ import annotations

import json
import os

import pytest

from tests.helpers import findings, require_tool, status_of, validate_only


def _engine() -> str | None:
    """The DOCKER_HOST of a reachable engine (the CI set-up's), or None."""
    try:
        import docker  # noqa: PLC0415

        client = docker.from_env(timeout=5)
        client.ping()
        client.close()
        return os.environ.get("DOCKER_HOST") or "default socket"
    except Exception:
        return None


@pytest.mark.parametrize("extra", [[], ["--require-tools"]])
def test_without_an_engine_build_fails_with_one_line_saying_how_to_fix_it(cli, project, monkeypatch, extra):
    """--build asked for a build: no engine is an error (exit 1) with the fix, never a pass or a traceback."""
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    monkeypatch.setenv("COLUMNS", "400")  # the table row on one line, to compare it whole
    repo = project("batch-prediction")
    line = (
        "--build needs a Docker engine, none is reachable at unix:///nonexistent/docker.sock "
        "(No such file or directory): start Docker (or set DOCKER_HOST to a running engine), "
        "or drop --build"
    )

    shown = cli("validate", str(repo), "--build", *extra)
    assert shown.code == 1, shown.out + shown.err
    build_rows = [row for row in shown.out.splitlines() if row.strip("│ ").startswith("build")]
    assert len(build_rows) == 1 and line in build_rows[0] and "failed" in build_rows[0], shown.out
    assert "Traceback" not in shown.out + shown.err and "Connection aborted" not in shown.out
    assert "FAILED:" in shown.out

    as_json = cli("validate", str(repo), "--build", "--format", "json", *extra)
    build = next(c for c in json.loads(as_json.out)["checks"] if c["id"] == "build")
    assert as_json.code == 1
    assert build["status"] == "failed"
    assert [(f["severity"], f["message"]) for f in build["findings"]] == [("error", line)]


def test_build_only_runs_when_asked(cli, project, monkeypatch):
    from mlgolden.validate import Options, validate_project  # noqa: PLC0415

    monkeypatch.setenv("MLGOLDEN_AIRFLOW_PYTHON", "/nonexistent/python")
    monkeypatch.setenv("MLGOLDEN_FEAST_PYTHON", "/nonexistent/python")
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    repo = project("batch-prediction")
    assert "build" not in {r.id for r in validate_project(repo, Options()).results}
    assert "build" in {r.id for r in validate_project(repo, Options(build=True)).results}


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.parametrize("pattern", ["live-service", "batch-prediction"])
def test_the_image_builds_and_passes_its_smoke_test(project, monkeypatch, pattern):
    require_tool(
        "docker engine", _engine() is not None, "set DOCKER_HOST; bash scripts/setup-ci-tools.sh starts one"
    )
    monkeypatch.setenv("MLGOLDEN_BUILD_NETWORK", os.environ.get("MLGOLDEN_BUILD_NETWORK", "host"))
    validation = validate_only(project(pattern), "build", require_tools=True)
    assert status_of(validation, "build") == "passed", findings(validation, "build")
    smoke = validation.results[0].notes[-1]
    assert (
        ("GET /healthz answered 200" in smoke)
        if pattern == "live-service"
        else ("component 'batch' ran; `python -m churn_model.batch show --date 2026-01-01`" in smoke)
    )


@pytest.mark.docker
@pytest.mark.slow
def test_a_broken_image_fails_the_smoke_test(project, monkeypatch):
    require_tool(
        "docker engine", _engine() is not None, "set DOCKER_HOST; bash scripts/setup-ci-tools.sh starts one"
    )
    monkeypatch.setenv("MLGOLDEN_BUILD_NETWORK", os.environ.get("MLGOLDEN_BUILD_NETWORK", "host"))
    monkeypatch.setattr("mlgolden.checks.build.STARTUP_SECONDS", 25)
    repo = project("live-service")
    dockerfile = repo / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace('"--port", "8080"', '"--port", "9090"'))
    validation = validate_only(repo, "build")
    assert status_of(validation, "build") == "failed"
    assert (
        "smoke test failed: GET http://127.0.0.1:8080/healthz did not answer 200 within 25 s"
        in findings(validation, "build")[0]
    )
