"""Load a DAG folder into a real Airflow DagBag and print what it holds, as JSON.

Run with the Airflow venv's python (scripts/setup-ci-tools.sh), not the test runner's:

    AIRFLOW_HOME=... python tests/tools/airflow_dagbag.py DAG_FOLDER OUT.json

Writes {"airflow": version, "import_errors": {file: error}, "dags": {dag_id: {...}}} where each
DAG has its schedule (as written and the timetable's summary), owner(s), tags, default retries and
its tasks (operator class, upstream task ids, owner, retries).
"""

from __future__ import annotations

import json
import os
import sys


def describe(dag) -> dict:
    tasks = {}
    for task in dag.tasks:
        tasks[task.task_id] = {
            "operator": type(task).__name__,
            "module": type(task).__module__,
            "upstream": sorted(task.upstream_task_ids),
            "owner": task.owner,
            "retries": task.retries,
            # KubernetesPodOperator: where and what it runs (None for other operators).
            "namespace": getattr(task, "namespace", None),
            "image": getattr(task, "image", None),
            "resources": str(getattr(task, "container_resources", None) or "") or None,
        }
    timetable = getattr(dag, "timetable", None)
    return {
        "fileloc": dag.fileloc,
        "schedule": None if dag.schedule is None else str(dag.schedule),
        "timetable": getattr(timetable, "summary", None),
        "owner": dag.owner,
        "tags": sorted(dag.tags or []),
        "catchup": dag.catchup,
        "max_active_runs": dag.max_active_runs,
        "default_args": {k: str(v) for k, v in (dag.default_args or {}).items()},
        "tasks": tasks,
    }


def main(folder: str, out: str) -> int:
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    import airflow
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=folder)
    result = {
        "airflow": airflow.__version__,
        "import_errors": {str(k): str(v) for k, v in bag.import_errors.items()},
        "dags": {dag_id: describe(dag) for dag_id, dag in bag.dags.items()},
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
