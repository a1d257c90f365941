"""Feast, the platform's shared feature store: every generated feature repo registers, materialises
and serves its features, both with the default embedded registry (a SQLite file) and with the
shared SQL registry on PostgreSQL; repos sharing the one Feast project never touch each other's
objects; the live service reads its online features from the store.

Feast runs in the pinned Feast venv (ci/constraints-feast.txt); one repo's steps run in one process
(tests/tools/feast_steps.py), because importing Feast takes seconds.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.matrix.conftest import (
    CI_DIR,
    TOOLS,
    Project,
    _free_port,
    http,
    matrix_params,
    run,
    tool_env,
    wait_until_ready,
)

pytestmark = pytest.mark.slow

# The sample data is dated 2026-01-01 and later; materialise a window that holds all of it.
WINDOW = ["--start", "2020-01-01T00:00:00+00:00", "--end", "2027-01-01T00:00:00+00:00"]
KINDS = {"entity", "data_source", "feature_view", "feature_service"}


def feast_steps(feast_python: str, repo: Path, steps: list[dict], work: Path) -> list[dict]:
    work.mkdir(parents=True, exist_ok=True)
    (work / "steps.json").write_text(json.dumps(steps))
    out = work / "results.json"
    run(
        [feast_python, str(TOOLS / "feast_steps.py"), str(repo), str(work / "steps.json"), str(out)],
        cwd=repo,
        log=work / "feast.log",
    )
    results = json.loads(out.read_text())
    for step, result in zip(steps, results, strict=True):
        assert result["code"] == 0, (
            f"step {step} failed:\n{result['stdout'][-3000:]}\n{result['stderr'][-5000:]}"
        )
    return results


def apply(registry=None):
    return {"registry": registry, "argv": ["apply"]}


def inventory(registry=None):
    return {"registry": registry, "inventory": True}


def sample_rows(repo: Path) -> dict[int, dict[str, str]]:
    with open(repo / "data" / "sample" / "customers.csv", newline="") as f:
        return {int(row["customer_id"]): row for row in csv.DictReader(f)}


def assert_owns_its_objects(project: Project, inv: dict) -> list[dict]:
    """The repo's objects are in the ONE shared project, prefixed with its package and tagged with
    its owner, team and data classification; returns them."""
    shared = project.platform["feature_store"]["project"]
    assert inv["project"] == shared
    assert inv["projects"] == [shared], "every repo registers into the one shared Feast project"
    mine = [o for o in inv["objects"] if o["tags"].get("owner") == project.slug]
    assert {o["kind"] for o in mine} == KINDS, mine
    names = {o["name"] for o in mine}
    assert f"{project.package}_customer_features" in names
    assert f"{project.package}_service" in names
    for obj in mine:
        assert obj["name"].startswith(project.package + "_"), obj
        assert obj["tags"].get("team") == project.answers["owner_team"], obj
        assert obj["tags"].get("classification") == project.answers["data_classification"], obj
    return mine


def db_name(project_id: str) -> str:
    return "reg_" + re.sub(r"[^a-z0-9]+", "_", project_id.lower())


@pytest.mark.parametrize("project", matrix_params("features"), indirect=True)
def test_feast_venv_has_the_generated_pins(project):
    """The matrix's Feast venv (ci/feast.in) is the Feast the generated repos pin; when a template
    moves its pin, move ci/feast.in and run `bash scripts/setup-ci-tools.sh freeze feast`."""

    def pins(path: Path) -> set[str]:
        lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
        return {line.lower() for line in lines if line}

    assert pins(project.path / "features" / "requirements.txt") == pins(CI_DIR / "feast.in")


@pytest.mark.parametrize("project", matrix_params("features"), indirect=True)
def test_default_sqlite_registry_apply_materialise_read(project, feast_python, tmp_path):
    """With nothing configured, the repo's features live in the embedded registry (a SQLite file at
    platform.feature_store.registry) and the SQLite online store, and read back by customer."""
    repo = project.clone(tmp_path / project.slug)
    rows = sample_rows(repo)
    known = min(rows)
    results = feast_steps(
        feast_python,
        repo,
        [
            apply(),
            apply(),  # applying twice is harmless
            {"registry": None, "argv": ["list", "--mine"]},
            {"registry": None, "argv": ["materialize", *WINDOW]},
            {"registry": None, "read": [known, 999_999]},
            inventory(),
        ],
        tmp_path / "feast",
    )
    assert (repo / project.platform["feature_store"]["registry"]).is_file()
    assert (repo / project.platform["feature_store"]["online_store"]["path"]).is_file()
    listing = results[2]["stdout"]
    assert f"{project.package}_customer_features" in listing and project.slug in listing
    assert_owns_its_objects(project, results[5])
    features = results[4]["features"]
    assert features[str(999_999)] is None, "an unknown customer has no online features"
    got = features[str(known)]
    assert got is not None, f"no online features for customer {known} after materialising"
    expected = rows[known]
    for name in ("tenure_months", "monthly_charges", "support_calls"):
        assert got[name] == pytest.approx(float(expected[name])), (name, got, expected)


@pytest.mark.parametrize("project", matrix_params("features"), indirect=True)
def test_shared_sql_registry_on_postgres(project, feast_python, postgres, tmp_path):
    """The same repo registers into the platform's SQL registry (PostgreSQL), chosen only by the
    environment variable platform.feature_store.registry_env; the objects land in the database."""
    repo = project.clone(tmp_path / project.slug)
    database = db_name(project.id)
    url = postgres.create_database(database)
    assert project.platform["feature_store"]["registry_env"] == "MLGOLDEN_FEAST_REGISTRY"
    results = feast_steps(feast_python, repo, [apply(url), apply(url), inventory(url)], tmp_path / "feast")
    assert "sql registry" in results[0]["stdout"].lower()
    assert "feast@" not in results[0]["stdout"] or "***@" in results[0]["stdout"]
    assert_owns_its_objects(project, results[2])
    assert not (repo / project.platform["feature_store"]["registry"]).exists(), (
        "with the registry URL set, nothing may be written to the default file registry"
    )
    views = postgres.query(database, "SELECT feature_view_name FROM feature_views")
    assert f"{project.package}_customer_features" in views.split()


def test_bare_postgresql_url_reaches_the_sql_registry(render, feast_python, postgres, tmp_path):
    """A bare postgresql:// URL (psycopg 3, Feast's postgres extra) works as well as the
    postgresql+psycopg2:// form of platform.yml."""
    project = render("live-service", {"gpu": "false"})
    repo = project.clone(tmp_path / project.slug)
    url = postgres.create_database("bare_url").replace("postgresql+psycopg2://", "postgresql://")
    results = feast_steps(feast_python, repo, [apply(url), inventory(url)], tmp_path / "feast")
    assert_owns_its_objects(project, results[1])


def test_repos_share_one_registry_without_touching_each_other(render, feast_python, postgres, tmp_path):
    """Three repos with different names (one per pattern) apply into ONE shared SQL registry and
    one Feast project: none deletes or takes over another's objects (re-applying the first keeps
    the others), and a listing shows every repo's objects with their owners."""
    projects = [
        render("batch-prediction", {"gpu": "false"}, name="churn-scores"),
        render("live-service", {"gpu": "false"}, name="fraud-api"),
        render("streamlit-demo", {"gpu": "false"}, name="churn-explorer"),
    ]
    url = postgres.create_database("shared_registry")
    repos = [p.clone(tmp_path / p.slug) for p in projects]
    for i, repo in enumerate(repos):
        feast_steps(feast_python, repo, [apply(url)], tmp_path / f"apply-{i}")
    first = feast_steps(
        feast_python,
        repos[0],
        [
            apply(url),  # re-applying one repo must not delete the others' objects
            inventory(url),
            {"registry": url, "argv": ["list"]},
            {"registry": url, "argv": ["materialize", *WINDOW]},
        ],
        tmp_path / "again",
    )
    inv = first[1]
    assert inv["projects"] == [projects[0].platform["feature_store"]["project"]]
    for project in projects:
        assert_owns_its_objects(project, inv)
    owners = {o["tags"].get("owner") for o in inv["objects"]}
    assert owners == {p.slug for p in projects}, "every object has exactly one owner of the three"
    assert len(inv["objects"]) == 4 * len(projects)
    listing = first[2]["stdout"]
    for project in projects:
        assert re.search(rf"{project.package}_customer_features\s+{re.escape(project.slug)}\b", listing), (
            listing
        )
    # The others still resolve after the first repo re-applied and materialised.
    last = feast_steps(feast_python, repos[-1], [inventory(url)], tmp_path / "last")
    assert_owns_its_objects(projects[-1], last[0])


@pytest.mark.parametrize("project", matrix_params("service"), indirect=True)
def test_live_service_reads_online_features_from_the_store(project, feast_python, postgres, uv, tmp_path):
    """After registering and materialising into the shared registry, the generated service answers
    POST /predict without features by reading them from the online store: the same answer as when
    the request carries the customer's features; an unknown customer is a 404."""
    repo = project.clone(tmp_path / project.slug)
    url = postgres.create_database(db_name(project.id) + "_svc")
    feast_steps(
        feast_python,
        repo,
        [apply(url), {"registry": url, "argv": ["materialize", *WINDOW]}],
        tmp_path / "feast",
    )
    venv = tmp_path / "venv"
    run([uv, "venv", "-q", "--python", "python3", str(venv)])
    run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--compile-bytecode",
            "--python",
            str(venv / "bin" / "python"),
            "-e",
            str(repo),
            "-r",
            str(repo / "features" / "requirements.txt"),
            "-c",
            str(CI_DIR / "constraints-feast.txt"),
        ],
        log=tmp_path / "install.log",
    )
    model = repo / "models" / "model.joblib"
    run(
        [
            str(venv / "bin" / "python"),
            "-m",
            f"{project.package}.model",
            "train",
            "--data",
            "data/sample/customers.csv",
            "--out",
            str(model),
        ],
        cwd=repo,
    )
    port = _free_port()
    env = tool_env(MLGOLDEN_FEAST_REGISTRY=url, MODEL_PATH=str(model))
    log = (tmp_path / "service.log").open("w")
    server = subprocess.Popen(
        [
            str(venv / "bin" / "uvicorn"),
            f"{project.package}.service:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=repo,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    service_log = tmp_path / "service.log"
    try:
        wait_until_ready(
            f"{base}/readyz", 90, lambda: server.poll() is None, lambda: service_log.read_text()[-3000:]
        )
        rows = sample_rows(repo)
        customer = min(rows)
        given = {k: rows[customer][k] for k in ("tenure_months", "monthly_charges", "support_calls")}
        given = {k: (float(v) if k == "monthly_charges" else int(v)) for k, v in given.items()}
        from_store = http("POST", f"{base}/predict", {"customer_id": customer, "features": None}, timeout=60)
        assert from_store.status == 200, (from_store.text, service_log.read_text()[-3000:])
        explicit = http("POST", f"{base}/predict", {"customer_id": customer, "features": given})
        assert explicit.status == 200, explicit.text
        assert from_store.json()["churn_probability"] == pytest.approx(explicit.json()["churn_probability"])
        assert from_store.json()["customer_id"] == customer
        unknown = http("POST", f"{base}/predict", {"customer_id": 999_999, "features": None})
        assert unknown.status == 404, unknown.text
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
