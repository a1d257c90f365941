"""The image builds and the pattern's smoke test passes in a container.

Runs only with `mlgolden validate --build`. It needs a reachable Docker engine (the Docker SDK's
`docker.from_env()`, so `DOCKER_HOST` and friends are honoured); without one the check is skipped
("skipped: docker engine not reachable"), which `--require-tools` turns into a failure. The image
is built from the project's `Dockerfile` (no pull: the platform base image must be in the engine
or its registry; set `MLGOLDEN_BUILD_NETWORK=host` when the build needs the host's network) and
then smoke-tested, the container removed and the image deleted afterwards:

- **a server** (a component providing a port, like `service` or `streamlit`): the container
  starts and `GET <health path>` on its port answers 200 (`/healthz` on 8080, `/_stcore/health` on
  8501 in the built-in catalog).
- **a job with an output** (like `batch`): the image's entrypoint runs and writes its declared
  output with the declared columns (the built-in job scores the sample input of 2026-01-01 and
  writes predictions with `customer_id` and `churn_probability`).

Ports, paths, entrypoints and outputs are the catalog's declarations (`provides:` of the
components in catalog.yml), the same the templates render from.

The HTTP probes run inside the container (`docker exec`), so no port is published.
"""

from __future__ import annotations

import os
import shlex
import time
import uuid

from mlgolden.checks.base import Context, Outcome
from mlgolden.components import Provided

ID = "build"
OPT_IN = True
FILES = ("Dockerfile",)
NETWORK_ENV = "MLGOLDEN_BUILD_NETWORK"
STARTUP_SECONDS = 90


def run(ctx: Context, out: Outcome) -> None:
    client = _client(out)
    if client is None:
        return
    if not ctx.exists("Dockerfile"):
        out.error("no Dockerfile to build", "Dockerfile", rule="build")
        return
    tag = f"mlgolden-validate/{ctx.project_slug or 'project'}:{uuid.uuid4().hex[:12]}"
    try:
        if not _build(ctx, out, client, tag):
            return
        stack = ctx.stack
        if stack is not None and stack.server is not None and stack.server.health:
            _probe(out, client, tag, stack.server.port, stack.server.health)
        elif stack is not None and stack.entrypoint is not None and stack.entrypoint.provision.output:
            _job(out, client, tag, stack.entrypoint)
        else:
            out.note("no smoke test declared for the project's components; the image builds")
    finally:
        _remove_image(client, tag)
        client.close()


def _client(out: Outcome):
    try:
        import docker  # noqa: PLC0415 (lazy)
    except ImportError:
        out.missing_tool("docker", "the docker Python SDK; pip install docker")
        return None
    try:
        client = docker.from_env(timeout=600)
        client.ping()
        return client
    except Exception as exc:  # DockerException, connection errors: no usable engine
        where = os.environ.get("DOCKER_HOST", "the default socket")
        out.missing_tool(
            "docker engine", f"{where}: {' '.join(str(exc).split())[:160]}", state="not reachable"
        )
        return None


def _build(ctx: Context, out: Outcome, client, tag: str) -> bool:
    from docker.errors import APIError, BuildError  # noqa: PLC0415

    started = time.perf_counter()
    try:
        client.images.build(
            path=str(ctx.root),
            tag=tag,
            rm=True,
            forcerm=True,
            pull=False,
            network_mode=os.environ.get(NETWORK_ENV) or None,
        )
    except BuildError as exc:
        tail = [str(chunk.get("stream", "")).strip() for chunk in exc.build_log if chunk.get("stream")]
        out.error(
            f"docker build failed: {exc.msg}; last output: {' | '.join(tail[-3:])}",
            "Dockerfile",
            rule="build",
        )
        return False
    except APIError as exc:
        out.error(f"docker build failed: {exc.explanation or exc}", "Dockerfile", rule="build")
        return False
    out.note(f"image built in {time.perf_counter() - started:.0f} s")
    return True


def _probe(out: Outcome, client, tag: str, port: int, path: str) -> None:
    url = f"http://127.0.0.1:{port}{path}"
    code = (
        "import sys, urllib.request\n"
        f"sys.exit(0 if urllib.request.urlopen({url!r}, timeout=3).status == 200 else 1)"
    )
    container = client.containers.run(tag, detach=True)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            container.reload()
            if container.status not in ("created", "running"):
                break
            if container.exec_run(["python", "-c", code]).exit_code == 0:
                out.note(f"GET {path} answered 200 inside the container")
                return
            time.sleep(2)
        logs = container.logs(tail=5).decode("utf-8", "replace").strip().replace("\n", " | ")
        out.error(
            f"smoke test failed: GET {url} did not answer 200 within {STARTUP_SECONDS} s "
            f"(container {container.status}); logs: {logs}",
            "Dockerfile",
            rule="smoke-test",
        )
    finally:
        container.remove(force=True)


def _job(out: Outcome, client, tag: str, job: Provided) -> None:
    output = str(job.provision.output)
    script = f"{shlex.join(job.entrypoint or [])} && head -n 3 {shlex.quote(output)}"
    container = client.containers.run(tag, ["sh", "-c", script], detach=True)
    try:
        status = container.wait(timeout=600).get("StatusCode")
        logs = container.logs().decode("utf-8", "replace")
    finally:
        container.remove(force=True)
    columns = job.provision.output_columns
    header = next((line for line in logs.splitlines() if all(c in line.split(",") for c in columns)), "")
    if status != 0 or (columns and not header):
        tail = " | ".join(logs.strip().splitlines()[-3:])
        out.error(
            f"smoke test failed: the {job.capability} of component {job.component!r} (exit "
            f"{status}) wrote no {', '.join(columns) or 'output'} to {output}; output: {tail}",
            "Dockerfile",
            rule="smoke-test",
        )
    else:
        out.note(f"the {job.capability} of component {job.component!r} ran and wrote {output}")


def _remove_image(client, tag: str) -> None:
    try:
        client.images.remove(tag, force=True, noprune=False)
    except Exception:  # already gone or never built
        pass
