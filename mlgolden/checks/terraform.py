"""The Terraform is formatted, parses, labels its resources, keeps remote state and holds no credentials.

Every `*.tf` file of the project (usually `terraform/`) is checked:

- **fmt**: `terraform fmt -check` passes (run `terraform fmt -recursive` to fix). Without the
  `terraform` binary this part is skipped ("skipped: terraform not installed").
- **hcl**: every file parses as HCL2 (python-hcl2), with the line of a parse error.
- **labels**: the resources carry the platform's required labels `owner` and `classification`
  (also accepted as `data_classification`):
  a label map holding both exists (in `locals`, or the provider's `default_labels`), and every
  `labels = ...` of a resource either holds both keys or is built from such a map.
- **state-backend**: a `terraform { backend "..." { } }` block keeps the state remotely; a `gcs`
  backend whose bucket differs from the platform's state bucket is a warning.
- **no-literal-credentials**: no credential is written in the code: an attribute such as
  `credentials`, `access_key`, `secret_key`, `password`, `token` or `private_key` set to a literal
  string, a sensitive variable with a literal default, or a private key block.
"""

from __future__ import annotations

import re
import threading

from mlgolden.checks.base import Context, Outcome, find_executable, last_lines, run_tool

ID = "terraform"
FILES = ("**/*.tf",)
REQUIRED_LABELS = {  # label -> the keys accepted for it
    "owner": ("owner",),
    "classification": ("classification", "data_classification"),
}
CREDENTIAL_ATTRS = re.compile(
    r"^(credentials|access_key|secret_key|secret_access_key|password|token|private_key|"
    r"client_secret|api_key|access_token|.*_(password|secret|token|api_key|private_key))$"
)
PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
AWS_KEY = re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")


def run(ctx: Context, out: Outcome) -> None:
    files = [rel for rel in ctx.glob(*FILES) if "/.terraform/" not in f"/{rel}"]
    if not files:
        out.error(
            "no Terraform (*.tf) files (the terraform component generates terraform/)",
            "terraform",
            rule="missing",
        )
        return
    _fmt(ctx, out, files)
    parsed = {}
    for rel in files:
        data = _parse(ctx, out, rel)
        if data is not None:
            parsed[rel] = data
    blocks = Blocks(parsed)
    _labels(ctx, out, blocks)
    _backend(ctx, out, blocks)
    for rel in files:
        _credentials(ctx, out, rel, parsed.get(rel))
    out.note(f"{len(files)} Terraform file(s) checked")


def _fmt(ctx: Context, out: Outcome, files: list[str]) -> None:
    terraform = find_executable("terraform")
    if terraform is None:
        out.missing_tool("terraform", "terraform fmt -check")
        return
    config = ctx.tmpdir() / "terraformrc"
    config.touch()
    proc = run_tool(
        [terraform, "fmt", "-check", "-list=true", "-no-color", *files],
        cwd=ctx.root,
        env={"TF_CLI_CONFIG_FILE": str(config), "TF_IN_AUTOMATION": "1"},
    )
    if proc.returncode == 0:
        return
    listed = [line.strip() for line in proc.stdout.splitlines() if line.strip().endswith(".tf")]
    for rel in listed:
        out.error("not formatted: run `terraform fmt -recursive`", rel, rule="fmt")
    if not listed:  # a syntax error: the hcl rule names it with its line
        out.error(f"terraform fmt failed: {last_lines(proc.stderr, 2)}", files[0], rule="fmt")


_HCL_LOCK = threading.Lock()


def _parse(ctx: Context, out: Outcome, rel: str) -> dict | None:
    import hcl2  # noqa: PLC0415 (lazy: lark grammar)

    text = ctx.read_text(rel)
    if text is None:
        out.error(f"{rel} cannot be read as UTF-8 text", rel, rule="hcl")
        return None
    try:
        with _HCL_LOCK:  # python-hcl2 shares one parser; `catalog test --jobs N` validates in threads
            return hcl2.loads(text)
    except Exception as exc:  # lark raises many types; all mean "does not parse"
        line = getattr(exc, "line", None)
        message = " ".join(str(exc).split())[:200]
        out.error(
            f"does not parse as HCL: {message}", rel, line if isinstance(line, int) else None, rule="hcl"
        )
        return None


class Blocks:
    """The parsed files, flattened to (file, labels, body) per block type."""

    def __init__(self, parsed: dict[str, dict]) -> None:
        self.parsed = parsed

    def of(self, kind: str, depth: int) -> list[tuple[str, list[str], dict]]:
        found = []
        for rel, data in self.parsed.items():
            for block in data.get(kind, []):
                found.extend((rel, labels, body) for labels, body in _unwrap(block, depth))
        return found

    def locals(self) -> dict[str, object]:
        merged: dict[str, object] = {}
        for data in self.parsed.values():
            for block in data.get("locals", []):
                merged.update({k: v for k, v in block.items() if k != "__is_block__"})
        return merged


def _unwrap(block: dict, depth: int, labels: list[str] | None = None):
    labels = labels or []
    if depth == 0:
        yield labels, block
        return
    for key, inner in block.items():
        if key != "__is_block__" and isinstance(inner, dict):
            yield from _unwrap(inner, depth - 1, [*labels, key.strip('"')])


def _labels(ctx: Context, out: Outcome, blocks: Blocks) -> None:
    local_maps = {
        f"local.{name}": value for name, value in blocks.locals().items() if isinstance(value, dict)
    }
    complete = {ref for ref, value in local_maps.items() if _has_required(value)}
    defaults = [body.get("default_labels") for _, _, body in blocks.of("provider", 1)]
    has_defaults = any(_covers(v, complete) for v in defaults if v is not None)
    if not complete and not has_defaults:
        first = next(iter(blocks.parsed), "terraform")
        out.error(
            f"no label map with the required labels {', '.join(REQUIRED_LABELS)} (define "
            "them in locals or the provider's default_labels)",
            first,
            rule="labels",
        )
    for rel, (kind, name), body in blocks.of("resource", 2):
        value = body.get("labels")
        if value is not None and not _covers(value, complete):
            out.error(
                f"resource {kind}.{name} has labels without {' and '.join(REQUIRED_LABELS)}",
                rel,
                ctx.line_of(rel, rf'resource\s+"{re.escape(kind)}"\s+"{re.escape(name)}"'),
                rule="labels",
            )


def _has_required(value: dict) -> bool:
    keys = {str(key).strip('"') for key in value}
    return all(keys & set(accepted) for accepted in REQUIRED_LABELS.values())


def _covers(value: object, complete: set[str]) -> bool:
    if isinstance(value, dict):
        return _has_required(value)
    return isinstance(value, str) and any(re.search(rf"\b{re.escape(ref)}\b", value) for ref in complete)


def _backend(ctx: Context, out: Outcome, blocks: Blocks) -> None:
    backends = [
        (rel, labels, body)
        for rel, _, tf in blocks.of("terraform", 0)
        for block in tf.get("backend", [])
        for labels, body in _unwrap(block, 1)
    ]
    if not backends:
        first = next(iter(blocks.parsed), "terraform")
        out.error(
            'no state backend: add terraform { backend "gcs" { ... } } so that the state is kept remotely',
            first,
            rule="state-backend",
        )
        return
    rel, (kind,), body = backends[0]
    bucket = _literal(body.get("bucket"))
    wanted = ctx.platform.terraform.state_bucket if ctx.platform else None
    if kind == "gcs" and wanted and bucket is not None and bucket != wanted:
        out.warn(
            f"state bucket {bucket!r} is not the platform's {wanted!r}",
            rel,
            ctx.line_of(rel, r"\bbucket\s*="),
            rule="state-backend",
        )


def _credentials(ctx: Context, out: Outcome, rel: str, data: dict | None) -> None:
    text = ctx.read_text(rel) or ""
    for match in PRIVATE_KEY.finditer(text):
        out.error(
            "a private key is written in the Terraform code",
            rel,
            text.count("\n", 0, match.start()) + 1,
            rule="no-literal-credentials",
        )
    for match in AWS_KEY.finditer(text):
        out.error(
            "an AWS access key is written in the Terraform code",
            rel,
            text.count("\n", 0, match.start()) + 1,
            rule="no-literal-credentials",
        )
    if data is None:
        return
    for key, value in _attributes(data):
        if CREDENTIAL_ATTRS.match(key) and _literal(value):
            out.error(
                f"{key} is set to a literal value: pass credentials through the "
                "environment or a secret manager",
                rel,
                ctx.line_of(rel, rf"^\s*{re.escape(key)}\s*="),
                rule="no-literal-credentials",
            )
    for block in data.get("variable", []):
        for (name,), body in _unwrap(block, 1):
            secret = body.get("sensitive") is True or CREDENTIAL_ATTRS.match(name)
            if secret and _literal(body.get("default")):
                out.error(
                    f"variable {name!r} holds a secret and has a literal default: secrets have no defaults",
                    rel,
                    ctx.line_of(rel, rf'variable\s+"{re.escape(name)}"'),
                    rule="no-literal-credentials",
                )


def _attributes(node: object):
    """(key, value) of every attribute, at any depth (variable defaults are checked apart)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("__is_block__", "default"):
                continue
            if isinstance(value, (dict, list)):
                yield from _attributes(value)
            else:
                yield key.strip('"'), value
    elif isinstance(node, list):
        for item in node:
            yield from _attributes(item)


def _literal(value: object) -> str | None:
    """The text of a literal string attribute, None for expressions and interpolations."""
    if not isinstance(value, str) or len(value) < 2 or not (value[0] == value[-1] == '"'):
        return None
    inner = value[1:-1]
    return None if "${" in inner else inner
