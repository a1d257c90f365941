"""Airflow: every generated DAG loads in a real Airflow DagBag (Airflow 3, pinned by
ci/constraints-airflow.txt, in its own venv) with no import error, the expected tasks, schedule and
owner; the task that needs no cluster runs with `airflow tasks test` (the Kubernetes pod tasks need
a cluster: they are checked for their shape, not run).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.matrix.conftest import TOOLS, Project, matrix_params, run, tool_env

pytestmark = pytest.mark.slow

KPO = "KubernetesPodOperator"
# The tasks of each pattern's DAG, with their upstream tasks.
EXPECTED_TASKS = {
    "batch-prediction": {
        "check_run_config": [],
        "materialize_features": ["check_run_config"],
        "score": ["materialize_features"],
    },
    "live-service": {"check_run_config": [], "materialize_features": ["check_run_config"]},
}
CLUSTER_FREE = ["check_run_config"]
RUN_DATE = "2026-01-01"


def airflow_env(home: Path, dags: Path | None = None) -> dict[str, str]:
    env = tool_env(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
        AIRFLOW__LOGGING__COLORED_CONSOLE_LOG="False",
    )
    if dags:
        env["AIRFLOW__CORE__DAGS_FOLDER"] = str(dags)
    return env


@pytest.fixture(scope="session")
def airflow_db(airflow_python, tmp_path_factory) -> Path:
    """A migrated Airflow metadata database (SQLite), made once; each check copies it."""
    home = tmp_path_factory.mktemp("airflow-template")
    run(
        [str(Path(airflow_python).parent / "airflow"), "db", "migrate"],
        env=airflow_env(home),
        log=home / "migrate.log",
        timeout=300,
    )
    return home / "airflow.db"


@pytest.fixture
def dagbag(project, airflow_python, once, tmp_path_factory) -> dict:
    """What a real DagBag holds for the project's dags/ folder (loaded once per entry)."""

    def load() -> dict:
        work = tmp_path_factory.mktemp("dagbag")
        out = work / "dagbag.json"
        run(
            [airflow_python, str(TOOLS / "airflow_dagbag.py"), str(project.path / "dags"), str(out)],
            env=airflow_env(work),
            log=work / "dagbag.log",
            timeout=300,
        )
        return json.loads(out.read_text())

    return once(("dagbag", project.id), load)


@pytest.mark.parametrize("project", matrix_params("airflow"), indirect=True)
def test_dag_loads_without_import_errors(project: Project, dagbag):
    assert dagbag["airflow"].startswith("3."), dagbag["airflow"]
    assert dagbag["import_errors"] == {}
    assert list(dagbag["dags"]) == [project.package], "one DAG, named after the package"
    dag_file = Path(dagbag["dags"][project.package]["fileloc"])
    assert dag_file.name == f"{project.package}_dag.py"


@pytest.mark.parametrize("project", matrix_params("airflow"), indirect=True)
def test_dag_tasks_schedule_and_owner(project: Project, dagbag):
    dag = dagbag["dags"][project.package]
    expected = EXPECTED_TASKS[project.pattern]
    assert {t: v["upstream"] for t, v in dag["tasks"].items()} == expected
    schedule = project.answers["schedule"] if project.pattern == "batch-prediction" else "@hourly"
    assert dag["schedule"] == schedule
    owner = project.answers["owner_team"]
    assert dag["owner"] == owner
    assert all(t["owner"] == owner for t in dag["tasks"].values())
    assert all(t["retries"] == project.platform["airflow"]["retries"] for t in dag["tasks"].values())
    assert dag["catchup"] is False
    assert {"mlgolden", project.pattern, project.slug} <= set(dag["tags"])
    pods = {t for t, v in dag["tasks"].items() if v["operator"] == KPO}
    assert pods == set(expected) - set(CLUSTER_FREE), "the work runs in pods of the image"


@pytest.mark.parametrize("project", matrix_params("airflow"), indirect=True)
def test_dag_pods_use_the_platform_namespace_image_and_gpu(project: Project, dagbag):
    dag = dagbag["dags"][project.package]
    for task_id, task in dag["tasks"].items():
        if task["operator"] != KPO:
            continue
        assert task["namespace"] == project.platform["airflow"]["namespace"], task_id
        assert task["image"].startswith(f"{project.platform['registry']}/{project.slug}:"), task
        wants_gpu = project.gpu and task_id == "score"
        assert ("nvidia.com/gpu" in (task["resources"] or "")) == wants_gpu, (task_id, task)


@pytest.mark.parametrize("project", matrix_params("airflow"), indirect=True)
def test_cluster_free_tasks_run_with_airflow_tasks_test(
    project: Project, airflow_python, airflow_db, tmp_path
):
    """`airflow tasks test DAG TASK DATE` runs the task for real (no scheduler, no cluster)."""
    home = tmp_path / "airflow"
    home.mkdir()
    shutil.copy2(airflow_db, home / "airflow.db")
    repo = project.clone(tmp_path / project.slug)
    airflow = str(Path(airflow_python).parent / "airflow")
    for task_id in CLUSTER_FREE:
        proc = run(
            [airflow, "tasks", "test", project.package, task_id, RUN_DATE],
            env=airflow_env(home, repo / "dags"),
            cwd=tmp_path,
            timeout=600,
            log=tmp_path / f"{task_id}.log",
        )
        output = proc.stdout + proc.stderr
        assert "new_state=success" in output or "Marking task as SUCCESS" in output, output[-3000:]
        assert f"{project.slug}: run of {RUN_DATE}" in output
