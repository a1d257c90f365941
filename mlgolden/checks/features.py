"""The Feast definitions import, point at the shared registry and touch only objects the repo owns.

The platform has one Feast project shared by every repository, so a repository may only register
objects it owns. In `features/`:

- **store-config**: `feature_store.yaml` parses and its `project` is the platform's shared project
  (`platform.feature_store.project`); a registry other than the platform's default is a warning.
- **definitions**: `definitions.py` parses; with Feast available, every Python file of the feature
  repo is imported the way `feast plan` does it and the plan is computed against a fresh temporary
  registry (nothing is written to the project or to the shared registry). Feast usually lives in a
  virtualenv of its own: point `MLGOLDEN_FEAST_PYTHON` at that interpreter (e.g.
  `/opt/venvs/feast/bin/python`); otherwise the interpreter running mlgolden is used when it can
  import `feast`. Without Feast this part is skipped ("skipped: feast not installed") and the
  definitions are read statically.
- **ownership**: every entity, data source, feature view and feature service is named with the
  package prefix (`<package_name>_`) and tagged `owner=<project_slug>`.
"""

from __future__ import annotations

import ast
import json
import re
import tempfile
from pathlib import Path

from mlgolden.checks.base import Context, Outcome, last_lines, python_with, run_tool

ID = "features"
FILES = ("features/feature_store.yaml",)
STORE = "features/feature_store.yaml"
DEFINITIONS = "features/definitions.py"
ENV_VAR = "MLGOLDEN_FEAST_PYTHON"
OBJECT_KINDS = {
    "Entity": "entity",
    "FeatureView": "feature view",
    "BatchFeatureView": "feature view",
    "StreamFeatureView": "feature view",
    "OnDemandFeatureView": "feature view",
    "FeatureService": "feature service",
}

PLAN_SCRIPT = r"""
import json, os, sys, traceback
from pathlib import Path
root, registry, target = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
features = root / "features"
sys.dont_write_bytecode = True
result = {"objects": [], "plan": [], "error": None}
try:
    import feast, yaml
    from feast import FeatureStore
    from feast.repo_config import RepoConfig
    from feast.repo_operations import parse_repo
    result["version"] = feast.__version__
    raw = yaml.safe_load(os.path.expandvars((features / "feature_store.yaml").read_text("utf-8")))
    raw["registry"] = {"registry_type": "file", "path": registry}
    raw["online_store"] = {"type": "sqlite", "path": str(Path(registry).with_name("online.db"))}
    config = RepoConfig(**raw)
    config.repo_path = root
    os.chdir(features)
    sys.path.insert(0, str(features))
    repo = parse_repo(features)
    for kind, items in (("entity", repo.entities), ("data source", repo.data_sources),
                        ("feature view", [*repo.feature_views, *repo.on_demand_feature_views,
                                          *repo.stream_feature_views]),
                        ("feature service", repo.feature_services)):
        result["objects"] += [{"kind": kind, "name": o.name, "tags": dict(o.tags or {})} for o in items]
    store = FeatureStore(repo_path=str(root), config=config)
    registry_diff, _, _ = store.plan(repo)
    result["plan"] = [{"name": d.name, "type": str(d.feast_object_type).rsplit(".", 1)[-1],
                       "transition": str(d.transition_type).rsplit(".", 1)[-1]}
                      for d in registry_diff.feast_object_diffs]
except BaseException as exc:
    tb = traceback.extract_tb(exc.__traceback__)
    where = [(f.filename, f.lineno) for f in tb if f.filename.startswith(str(features))]
    result["error"] = {"message": f"{type(exc).__name__}: {exc}",
                       "file": where[-1][0] if where else None, "line": where[-1][1] if where else None}
with open(target, "w") as handle:
    json.dump(result, handle)
"""


def run(ctx: Context, out: Outcome) -> None:
    if not _store_config(ctx, out):
        return
    text = ctx.read_text(DEFINITIONS)
    if text is None:
        out.error("features/definitions.py is missing or unreadable", DEFINITIONS, rule="definitions")
        return
    try:
        tree = ast.parse(text, filename=DEFINITIONS)
    except SyntaxError as exc:
        out.error(f"syntax error: {exc.msg}", DEFINITIONS, exc.lineno, rule="definitions")
        return
    python = python_with("feast", ENV_VAR)
    if python is None:
        out.missing_tool("feast", f"import and plan of the definitions; set {ENV_VAR} to a python with Feast")
        objects = static_objects(tree)
    else:
        objects = _plan(ctx, out, python)
        if objects is None:
            return
        lines = {o["name"]: o["line"] for o in static_objects(tree) if o["name"]}
        objects = [{**o, "line": lines.get(o["name"])} for o in objects]
    check_ownership(ctx, out, objects)


def _store_config(ctx: Context, out: Outcome) -> bool:
    import yaml  # noqa: PLC0415

    from mlgolden.loading import parse_yaml  # noqa: PLC0415 (refuses alias bombs)

    text = ctx.read_text(STORE)
    if text is None:
        out.error("features/feature_store.yaml is missing or unreadable", STORE, rule="store-config")
        return False
    try:
        config = parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        out.error(
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            STORE,
            mark.line + 1 if mark else None,
            rule="store-config",
        )
        return False
    if not isinstance(config, dict):
        out.error("not a YAML mapping", STORE, rule="store-config")
        return False
    shared = ctx.platform.feature_store if ctx.platform else None
    if shared and config.get("project") != shared.project:
        out.error(
            f"project {config.get('project')!r} is not the platform's shared Feast project "
            f"{shared.project!r}",
            STORE,
            ctx.line_of(STORE, r"^project:"),
            rule="store-config",
        )
    registry = config.get("registry")
    registry_path = registry.get("path") if isinstance(registry, dict) else registry
    if shared and registry_path != shared.registry:
        out.warn(
            f"registry {registry_path!r} is not the platform's {shared.registry!r} (set "
            f"{shared.registry_env} to reach the shared registry)",
            STORE,
            ctx.line_of(STORE, r"^registry:"),
            rule="store-config",
        )
    return True


def _plan(ctx: Context, out: Outcome, python: str) -> list[dict] | None:
    with tempfile.TemporaryDirectory(prefix="mlgolden-feast-") as tmp:
        target = Path(tmp) / "plan.json"
        proc = run_tool(
            [python, "-c", PLAN_SCRIPT, str(ctx.root), str(Path(tmp) / "registry.db"), str(target)],
            cwd=Path(tmp),
            env={"PYTHONDONTWRITEBYTECODE": "1", "FEAST_USAGE": "False", "HOME": tmp},
            scrub=True,
        )
        if not target.is_file():
            out.error(
                f"Feast did not run ({python}): {last_lines(proc.stderr or proc.stdout)}",
                DEFINITIONS,
                rule="definitions",
            )
            return None
        result = json.loads(target.read_text())
    error = result["error"]
    if error:
        rel = _relative(ctx, error["file"]) if error["file"] else DEFINITIONS
        out.error(f"feast plan fails: {error['message']}", rel, error["line"], rule="definitions")
        return None
    changes: dict[str, int] = {}
    for item in result["plan"]:
        if not item["name"].startswith("__"):
            changes[item["transition"].lower()] = changes.get(item["transition"].lower(), 0) + 1
    summary = ", ".join(f"{count} to {what}" for what, count in changes.items()) or "no objects"
    out.note(f"feast plan (Feast {result.get('version')}) on an empty registry: {summary}")
    return [{**o, "line": None} for o in result["objects"] if not o["name"].startswith("__")]


def _relative(ctx: Context, path: str) -> str:
    try:
        return Path(path).resolve().relative_to(ctx.root).as_posix()
    except ValueError:
        return path


def check_ownership(ctx: Context, out: Outcome, objects: list[dict]) -> None:
    package, slug = ctx.package_name, ctx.project_slug
    if not package:
        return
    if not objects:
        out.error("the definitions declare no Feast objects", DEFINITIONS, rule="ownership")
    for obj in objects:
        what = f"{obj['kind']} {obj['name']!r}" if obj["name"] else f"an unnamed {obj['kind']}"
        line = obj["line"] or (ctx.line_of(DEFINITIONS, re.escape(obj["name"])) if obj["name"] else None)
        if obj["name"] is None or obj["tags"] is None:
            out.warn(
                f"{what}: name or tags cannot be read without Feast", DEFINITIONS, line, rule="ownership"
            )
            continue
        if not obj["name"].startswith(f"{package}_"):
            out.error(
                f"{what} is not named with this repo's prefix '{package}_': the shared "
                "project holds other repos' objects",
                DEFINITIONS,
                line,
                rule="ownership",
            )
        owner = obj["tags"].get("owner")
        if owner != slug:
            out.error(
                f"{what} is tagged owner={owner!r}, not owner={slug!r}", DEFINITIONS, line, rule="ownership"
            )


# --- without Feast: read the definitions statically ----------------------------------------------

UNKNOWN = object()


def static_objects(tree: ast.Module) -> list[dict]:
    """Feast objects constructed in the module: kind, name, tags (None when not literal), line."""
    env: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    env[target.id] = _value(node.value, env)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
            env[node.target.id] = _value(node.value, env)
    objects = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        callee = _callee(node)
        kind = OBJECT_KINDS.get(callee) or ("data source" if callee and callee.endswith("Source") else None)
        if kind is None:
            continue
        keywords = {k.arg: _value(k.value, env) for k in node.keywords if k.arg}
        name, tags = keywords.get("name"), keywords.get("tags", {})
        objects.append(
            {
                "kind": kind,
                "line": node.lineno,
                "name": name if isinstance(name, str) else None,
                "tags": tags if isinstance(tags, dict) and UNKNOWN not in tags.values() else None,
            }
        )
    return objects


def _value(node: ast.AST, env: dict[str, object]) -> object:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env.get(node.id, UNKNOWN)
    if isinstance(node, ast.JoinedStr):
        parts = [_value(v.value if isinstance(v, ast.FormattedValue) else v, env) for v in node.values]
        return "".join(map(str, parts)) if all(isinstance(p, (str, int)) for p in parts) else UNKNOWN
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _value(node.left, env), _value(node.right, env)
        return left + right if isinstance(left, str) and isinstance(right, str) else UNKNOWN
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):  # {**other}: merge what is known
            merged: dict = {}
            for key, value in zip(node.keys, node.values, strict=True):
                item = _value(value, env)
                if key is None:
                    if not isinstance(item, dict):
                        return UNKNOWN
                    merged.update(item)
                else:
                    merged[_value(key, env)] = item
            return merged
        return {_value(k, env): _value(v, env) for k, v in zip(node.keys, node.values, strict=True)}
    if isinstance(node, ast.Call) and _callee(node) == "dict" and not node.args:
        return {k.arg: _value(k.value, env) for k in node.keywords if k.arg}
    return UNKNOWN


def _callee(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
