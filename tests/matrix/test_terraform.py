"""Terraform: every generated configuration is `terraform fmt` clean, every file parses as HCL2
(python-hcl2), and it has what the pattern promises: labels from the owner team and the data
classification on everything, state in the platform's remote backend, a service account for the
workload, and no literal credentials. (`terraform validate` needs the google provider, which cannot
be downloaded here.)
"""

from __future__ import annotations

import re

import hcl2
import pytest

from mlgolden.jinja_ext import label_value
from tests.helpers import require_tool
from tests.matrix.conftest import Project, matrix_params, run, tool_env

SECRET_KEY = re.compile(
    r"(?i)(password|passwd|private_key|credentials|access_key|secret_key|"
    r"api_key|client_secret|access_token|auth_token)$"
)


def literal(value: object) -> str | None:
    """The text of a literal HCL string ("..." without interpolation), else None."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"' and "${" not in value:
        return value[1:-1]
    return None


def unquote(value: object) -> object:
    """python-hcl2 8 keeps the quotes of keys and strings; strip them, and its bookkeeping."""
    if isinstance(value, dict):
        return {
            k.strip('"'): unquote(v)
            for k, v in value.items()
            if k not in {"__comments__", "__is_block__", "__start_line__", "__end_line__"}
        }
    if isinstance(value, list):
        return [unquote(v) for v in value]
    return value


def parse(project: Project) -> dict[str, dict]:
    files = sorted((project.path / "terraform").glob("*.tf"))
    assert files, "no terraform/*.tf"
    parsed = {}
    for path in files:
        with open(path) as f:
            try:
                parsed[path.name] = unquote(hcl2.load(f))
            except Exception as exc:  # noqa: BLE001 - any parse error fails the test with its file
                pytest.fail(f"{path.name} does not parse as HCL2: {exc}", pytrace=False)
    return parsed


def blocks(parsed: dict[str, dict], kind: str) -> list[dict]:
    return [b for doc in parsed.values() for b in doc.get(kind, [])]


def resources(parsed: dict[str, dict]) -> dict[str, dict]:
    """ "type.name" -> body."""
    out = {}
    for block in blocks(parsed, "resource"):
        for rtype, named in block.items():
            for name, body in named.items():
                out[f"{rtype}.{name}"] = body
    return out


def attributes(value: object, path: str = ""):
    """(dotted key, value) of every attribute, at any depth."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from attributes(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for v in value:
            yield from attributes(v, path)
    else:
        yield path, value


@pytest.mark.parametrize("project", matrix_params("terraform"), indirect=True)
def test_terraform_fmt_is_clean(project: Project, tmp_path):
    terraform = require_tool("terraform", hint="the machine image provides it")
    cli_config = tmp_path / "terraformrc"
    cli_config.write_text("")
    run(
        [terraform, "fmt", "-check", "-diff", "-recursive", "terraform"],
        cwd=project.path,
        env=tool_env(TF_CLI_CONFIG_FILE=str(cli_config), TF_IN_AUTOMATION="1"),
    )


@pytest.mark.parametrize("project", matrix_params("terraform"), indirect=True)
def test_terraform_has_what_the_pattern_promises(project: Project):
    parsed = parse(project)
    answers, platform = project.answers, project.platform

    # Remote state in the platform's bucket, under the platform's prefix, one folder per project.
    backends = [b for t in blocks(parsed, "terraform") for b in t.get("backend", [])]
    assert len(backends) == 1, "exactly one backend"
    ((kind, backend),) = backends[0].items()
    assert kind == "gcs"
    assert literal(backend["bucket"]) == platform["terraform"]["state_bucket"]
    prefix = literal(backend["prefix"])
    assert (
        prefix and prefix.startswith(platform["terraform"]["state_prefix"] + "/") and project.slug in prefix
    )

    # Labels: owner and classification, on the provider's default labels and on what takes labels.
    labels = [lc["labels"] for lc in blocks(parsed, "locals") if "labels" in lc]
    assert len(labels) == 1, "one labels map in locals"
    labels = labels[0]
    assert literal(labels["owner"]) == label_value(answers["owner_team"])
    assert literal(labels["data_classification"]) == label_value(answers["data_classification"])
    for value in labels.values():
        text = literal(value)
        assert text is None or re.fullmatch(r"[a-z0-9_-]{0,63}", text), value
    providers = [p["google"] for p in blocks(parsed, "provider") if "google" in p]
    assert providers and all(p.get("default_labels") == "${local.labels}" for p in providers)
    res = resources(parsed)
    for key, body in res.items():
        for attr, value in attributes(body):
            if attr.split(".")[-1] == "labels" or attr.endswith(".labels"):
                assert "local.labels" in str(value), f"{key}.{attr} = {value}"

    # A service account for the workload, used by it (or exposed for the jobs that run as it).
    accounts = [k for k in res if k.startswith("google_service_account.")]
    assert accounts, "a google_service_account"
    references = "".join(str(v) for k, body in res.items() if k not in accounts for _, v in attributes(body))
    references += "".join(str(v) for o in blocks(parsed, "output") for _, v in attributes(o))
    for account in accounts:
        assert f"{account}." in references, f"{account} is never used"

    # No literal credentials, anywhere; the provider takes them from the environment.
    for provider in providers:
        assert not {"credentials", "access_token"} & set(provider), "provider credentials"
    for name, doc in parsed.items():
        for attr, value in attributes(doc):
            key = attr.split(".")[-1]
            if SECRET_KEY.search(key):
                assert literal(value) is None, f"{name}: {attr} is a literal"
    text = "\n".join(p.read_text() for p in (project.path / "terraform").glob("*.tf"))
    assert "PRIVATE KEY-----" not in text and not re.search(r"AKIA[0-9A-Z]{16}", text)


CLOUD_RUN = [p for p in matrix_params("terraform") if p.values[0][0] != "batch-prediction"]


@pytest.mark.parametrize("project", CLOUD_RUN, indirect=True)
def test_terraform_sizes_follow_the_gpu_answer(project: Project):
    """On Cloud Run, a GPU project asks for an NVIDIA GPU and a CPU one does not (batch: the GPU is
    the Airflow scoring pod's, tests/matrix/test_airflow.py)."""
    parsed = parse(project)
    runs = {k: v for k, v in resources(parsed).items() if k.startswith("google_cloud_run_v2_service.")}
    assert runs, "a Cloud Run service"
    text = str(runs)
    assert ("nvidia.com/gpu" in text) == project.gpu, text[:2000]


def test_every_terraform_file_is_checked(all_projects):
    """The parse check covers every .tf the matrix generates (no file outside terraform/)."""
    for project in all_projects:
        stray = [
            p for p in project.path.rglob("*.tf") if "terraform" not in p.parts and ".git" not in p.parts
        ]
        assert not stray, stray
        assert isinstance(parse(project), dict)
