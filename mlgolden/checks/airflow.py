"""Every DAG under dags/ parses and loads in Airflow with a schedule, an owner and retries.

- **syntax**: every `dags/**/*.py` parses as Python (the line of a syntax error is reported).
- **dagbag**: with Airflow available, the files are loaded by Airflow's own `DagBag` and must load
  with zero import errors. Airflow is big and usually lives in a virtualenv of its own: point
  `MLGOLDEN_AIRFLOW_PYTHON` at that interpreter (e.g. `/opt/venvs/airflow/bin/python`); otherwise
  the interpreter running mlgolden is used when it can import `airflow`. The DagBag runs in a
  subprocess with a temporary `AIRFLOW_HOME` and `AIRFLOW__CORE__LOAD_EXAMPLES=False`; nothing is
  written to the project. Without Airflow this part is skipped ("skipped: airflow not installed")
  and the next rule is checked statically from the source.
- **dag-settings**: every DAG has a schedule, an owner other than Airflow's default `airflow`, and
  every task has retries (`default_args={"owner": ..., "retries": ...}`).
"""

from __future__ import annotations

import ast
import json
import re
import tempfile
from pathlib import Path

from mlgolden.checks.base import Context, Outcome, last_lines, python_with, run_tool

ID = "airflow"
FILES = ("dags/**/*.py",)
ENV_VAR = "MLGOLDEN_AIRFLOW_PYTHON"
DEFAULT_OWNER = "airflow"

DAGBAG_SCRIPT = r"""
import json, sys
folder, target = sys.argv[1], sys.argv[2]
import airflow
try:
    from airflow.dag_processing.dagbag import DagBag  # Airflow 3
except ImportError:
    from airflow.models.dagbag import DagBag  # Airflow 2
try:
    bag = DagBag(dag_folder=folder, include_examples=False)
except TypeError:
    bag = DagBag(dag_folder=folder)
dags = []
for dag in bag.dags.values():
    schedule = getattr(dag, "schedule", None)
    if schedule is None:
        schedule = getattr(dag, "schedule_interval", None)
    dags.append({
        "dag_id": dag.dag_id, "fileloc": dag.fileloc,
        "schedule": None if schedule is None else str(schedule),
        "owner": dag.owner,
        "tasks": [{"task_id": t.task_id, "owner": t.owner, "retries": t.retries} for t in dag.tasks],
    })
errors = {path: str(message) for path, message in bag.import_errors.items()}
with open(target, "w") as handle:
    json.dump({"version": airflow.__version__, "import_errors": errors, "dags": dags}, handle)
"""


def run(ctx: Context, out: Outcome) -> None:
    files = ctx.glob(*FILES)
    if not files:
        out.error("no DAG under dags/ (the airflow component generates one)", "dags", rule="missing")
        return
    trees = {}
    for rel in files:
        tree = _parse(ctx, out, rel)
        if tree is not None:
            trees[rel] = tree
    python = python_with("airflow", ENV_VAR)
    if python is None:
        out.missing_tool("airflow", f"DagBag import check; set {ENV_VAR} to a python with Airflow")
        for rel, tree in trees.items():
            static_settings(out, rel, tree)
        return
    if len(trees) == len(files):
        _dagbag(ctx, out, python)


def _parse(ctx: Context, out: Outcome, rel: str) -> ast.Module | None:
    text = ctx.read_text(rel)
    if text is None:
        out.error(f"{rel} cannot be read as UTF-8 text", rel, rule="syntax")
        return None
    try:
        return ast.parse(text, filename=rel)
    except SyntaxError as exc:
        out.error(f"syntax error: {exc.msg}", rel, exc.lineno, rule="syntax")
        return None


def _dagbag(ctx: Context, out: Outcome, python: str) -> None:
    folder = ctx.path("dags")
    with tempfile.TemporaryDirectory(prefix="mlgolden-airflow-") as home:
        target = Path(home) / "dagbag.json"
        env = {
            "AIRFLOW_HOME": home,
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(folder),
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR",
            "PYTHONDONTWRITEBYTECODE": "1",
            "HOME": home,
        }
        args = [python, "-c", DAGBAG_SCRIPT, str(folder), str(target)]
        proc = run_tool(args, cwd=Path(home), env=env, scrub=True)
        if proc.returncode != 0 or not target.is_file():
            out.error(
                f"Airflow's DagBag did not run ({python}): {last_lines(proc.stderr or proc.stdout)}",
                "dags",
                rule="dagbag",
            )
            return
        result = json.loads(target.read_text())
    out.note(f"DagBag (Airflow {result['version']}) loaded {len(result['dags'])} DAG(s)")
    for path, message in sorted(result["import_errors"].items()):
        rel = _relative(ctx, path)
        out.error(f"import error: {last_lines(message, 1)}", rel, _error_line(message, path), rule="dagbag")
    if not result["dags"] and not result["import_errors"]:
        out.error("Airflow finds no DAG in dags/", "dags", rule="dagbag")
    for dag in result["dags"]:
        _loaded_settings(ctx, out, dag)


def _loaded_settings(ctx: Context, out: Outcome, dag: dict) -> None:
    rel = _relative(ctx, dag["fileloc"])
    line = ctx.line_of(rel, re.escape(dag["dag_id"])) if rel else None
    name = f"DAG {dag['dag_id']}"
    if not dag["schedule"] or dag["schedule"] == "None":
        out.error(f"{name} has no schedule", rel, line, rule="dag-settings")
    if not dag["owner"] or set(dag["owner"].split(",")) <= {DEFAULT_OWNER}:
        out.error(
            f"{name} has no owner (set default_args['owner'] to the owning team)",
            rel,
            line,
            rule="dag-settings",
        )
    for task in dag["tasks"]:
        if not task["retries"]:
            out.error(
                f"{name}: task {task['task_id']} has no retries (set default_args['retries'])",
                rel,
                line,
                rule="dag-settings",
            )


def _relative(ctx: Context, path: str) -> str:
    try:
        return Path(path).resolve().relative_to(ctx.root).as_posix()
    except ValueError:
        return path


def _error_line(message: str, path: str) -> int | None:
    lines = re.findall(rf'File "{re.escape(path)}", line (\d+)', message)
    return int(lines[-1]) if lines else None


# --- without Airflow: read the settings from the source ---------------------------------------


def static_settings(out: Outcome, rel: str, tree: ast.Module) -> None:
    """DAG(...) / @dag(...) calls: schedule given, default_args with owner and retries."""
    assigned = {
        t.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _callee(n) in ("DAG", "dag")]
    if not calls:
        out.warn(
            "no DAG(...) or @dag(...) found; cannot check schedule, owner and retries without Airflow",
            rel,
            rule="dag-settings",
        )
    for call in calls:
        keywords = {k.arg: k.value for k in call.keywords if k.arg}
        schedule = keywords.get("schedule", keywords.get("schedule_interval"))
        if schedule is None or (isinstance(schedule, ast.Constant) and schedule.value is None):
            out.error("DAG has no schedule", rel, call.lineno, rule="dag-settings")
        args = keywords.get("default_args")
        if isinstance(args, ast.Name):
            args = assigned.get(args.id)
        if isinstance(args, ast.Call) and _callee(args) == "dict":
            keys = {k.arg for k in args.keywords}
        elif isinstance(args, ast.Dict):
            keys = {k.value for k in args.keys if isinstance(k, ast.Constant)}
        elif args is None:
            keys = set()
        else:
            continue  # computed default_args: only Airflow can tell
        for needed in ("owner", "retries"):
            if needed not in keys:
                out.error(
                    f"DAG has no {needed} (set default_args[{needed!r}])",
                    rel,
                    call.lineno,
                    rule="dag-settings",
                )


def _callee(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
