"""Run a generated repo's features/register.py commands (and online reads) in ONE process.

Run with the Feast venv's python (scripts/setup-ci-tools.sh). Importing Feast takes seconds, so the
matrix tests run a repo's register/list/materialise/read steps here, one after the other, each as
`python features/register.py ARGS...` would (same module, same argv, its exit code), instead of
paying the import per command.

    python tests/tools/feast_steps.py REPO STEPS.json OUT.json

STEPS.json: a list of {"registry": URL-or-null, "argv": [...]} (a register.py command) or
{"registry": ..., "read": [customer_id, ...]} (src/<pkg>/online_features.get_online_features) or
{"registry": ..., "inventory": true} (the registry's projects, and every object of the store's
project with its tags, listed through Feast itself).
"registry" sets MLGOLDEN_FEAST_REGISTRY for the step (null: the default of feature_store.yaml).
OUT.json: one {"code", "stdout", "stderr"[, "features" | "projects", "objects"]} per step.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import json
import os
import runpy
import sys
import traceback
from pathlib import Path

REGISTRY_ENV = "MLGOLDEN_FEAST_REGISTRY"


def load_by_path(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def inventory(repo: Path) -> dict:
    register = load_by_path("register_for_inventory", repo / "features" / "register.py")
    store = register.open_store()
    objects = []
    for kind, lister in (
        ("entity", store.list_entities),
        ("data_source", store.list_data_sources),
        ("feature_view", store.list_feature_views),
        ("feature_service", store.list_feature_services),
    ):
        objects += [{"kind": kind, "name": o.name, "tags": dict(o.tags or {})} for o in lister()]
    return {
        "project": store.project,
        "projects": sorted(p.name for p in store.list_projects()),
        "objects": objects,
    }


def run_step(repo: Path, step: dict) -> dict:
    if step.get("registry"):
        os.environ[REGISTRY_ENV] = step["registry"]
    else:
        os.environ.pop(REGISTRY_ENV, None)
    out, err = io.StringIO(), io.StringIO()
    result: dict = {}
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            if step.get("inventory"):
                result.update(inventory(repo))
            elif "read" in step:
                (pkg,) = [p for p in (repo / "src").iterdir() if (p / "online_features.py").exists()]
                sys.path.insert(0, str(repo / "src"))  # a package module: it imports its siblings
                module = importlib.import_module(f"{pkg.name}.online_features")
                result["features"] = {str(cid): module.get_online_features(int(cid)) for cid in step["read"]}
            else:
                sys.argv = ["features/register.py", *step["argv"]]
                try:
                    runpy.run_path(str(repo / "features" / "register.py"), run_name="__main__")
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
            traceback.print_exc()
            code = 99
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue(), **result}


def main(repo: str, steps_file: str, out_file: str) -> int:
    root = Path(repo).resolve()
    os.chdir(root)
    sys.path.insert(0, str(root / "features"))
    steps = json.loads(Path(steps_file).read_text())
    results = []
    for step in steps:
        results.append(run_step(root, step))
        Path(out_file).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
