"""The image builds and the pattern's smoke test passes in a container.

Runs only with `mlgolden validate --build`. It needs a reachable Docker engine (the Docker SDK's
`docker.from_env()`, so `DOCKER_HOST` and friends are honoured); without one (or without the
Docker SDK) the check fails with one line saying what is missing and how to fix it: `--build` asked
for a build, so a build that cannot run is an error, never a silent pass. The image
is built from the project's `Dockerfile` (no pull: the platform base image must be in the engine
or its registry; set `MLGOLDEN_BUILD_NETWORK=host` when the build needs the host's network) and
then smoke-tested, the container removed and the image deleted afterwards:

- **a server** (a component providing a port, like `service` or `streamlit`): the container
  starts and `GET <health path>` on its port answers 200 (`/healthz` on 8080, `/_stcore/health` on
  8501 in the built-in catalog).
- **a job with an output** (like `batch`): the image's entrypoint runs, then the job's declared
  output command prints what it wrote, which must hold the declared columns (the built-in job
  scores the sample input of 2026-01-01 into the local warehouse, and `python -m
  <package>.batch show --date 2026-01-01` prints those rows with `customer_id` and
  `churn_probability`).

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
        out.error(
            "--build needs the Docker SDK for Python, which is not installed: "
            "pip install docker, or drop --build",
            rule="engine-missing",
        )
        return None
    try:
        client = docker.from_env(timeout=600)
        client.ping()
        return client
    except Exception as exc:  # DockerException, connection errors: no usable engine
        where = os.environ.get("DOCKER_HOST") or "the default socket"
        out.error(
            f"--build needs a Docker engine, none is reachable at {where} ({_reason(exc)}): "
            "start Docker (or set DOCKER_HOST to a running engine), or drop --build",
            rule="engine-missing",
        )
        return None


def _reason(exc: BaseException) -> str:
    """The innermost cause in a few words ('No such file or directory'), not the SDK's repr chain."""
    seen: set[int] = set()
    pending: list[object] = [exc]
    while pending:
        item = pending.pop(0)
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, OSError) and item.strerror:
            return item.strerror
        pending += [*item.args, item.__cause__, item.__context__]
    return " ".join(str(exc).split())[:120] or type(exc).__name__


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
    output = shlex.join(job.output or [])
    script = f"{shlex.join(job.entrypoint or [])} && {output} | head -n 3"
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
            f"{status}) wrote no {', '.join(columns) or 'output'} that `{output}` shows; output: {tail}",
            "Dockerfile",
            rule="smoke-test",
        )
    else:
        out.note(f"the {job.capability} of component {job.component!r} ran; `{output}` shows what it wrote")


def _remove_image(client, tag: str) -> None:
    try:
        client.images.remove(tag, force=True, noprune=False)
    except Exception:  # already gone or never built
        pass
