"""Register this repo's features in the platform's shared Feast project; materialise; list.

    python features/register.py plan              # check first: breaks another repo's model?
    python features/register.py apply             # register the OBJECTS of definitions.py
    python features/register.py materialize [--start DATE] [--end DATE]   # offline -> online
    python features/register.py list [--mine]     # what the shared project holds

The Feast project ({{ cookiecutter.platform.feature_store.project }}) is shared by every repo of the platform. `apply` therefore
registers only this repo's objects, with ``FeatureStore.apply(objects, partial=True)``, and refuses
to overwrite an object another repo owns. Never run `feast apply` here: it is declarative per
project and deletes every object of the project that is not defined in this folder.

The registry is the one in feature_store.yaml unless the environment variable
{{ cookiecutter.platform.feature_store.registry_env }} is set: a file path, a gs:// or s3:// URI, or a SQLAlchemy URL (then a
SQL registry, e.g. postgresql+psycopg2://feast@db/feast). Relative paths are relative to the
project root. Needs only Feast (features/requirements.txt), not this project's package.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent  # the store's repo_path: relative paths in the config resolve from here
REGISTRY_ENV = "{{ cookiecutter.platform.feature_store.registry_env }}"
FILE_SCHEMES = ("gs", "s3", "file")


def registry_config(value: str) -> dict[str, Any]:
    """The registry section for a path, an object store URI or a SQLAlchemy URL."""
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    if scheme and scheme not in FILE_SCHEMES:
        return {
            "registry_type": "sql",
            "path": value,
            "cache_ttl_seconds": 60,
            "sqlalchemy_config_kwargs": {"pool_pre_ping": True},
        }
    return {"registry_type": "file", "path": value, "cache_ttl_seconds": 60}


def environment_stores() -> dict[str, Any]:
    """The stores of the platform environment chosen at run time (src/<package>/environment.py,
    loaded by path: this script runs without the package installed)."""
    path = ROOT / "src" / "{{ cookiecutter.package_name }}" / "environment.py"
    spec = importlib.util.spec_from_file_location("project_environment", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.feast_stores()


def load_config():
    """feature_store.yaml (with Feast's own $VAR expansion) with the stores of the environment
    ({{ cookiecutter.platform.environment_variable }}, default local), the registry from {{ cookiecutter.platform.feature_store.registry_env }} when set."""
    import yaml
    from feast.repo_config import RepoConfig

    raw = yaml.safe_load(os.path.expandvars((HERE / "feature_store.yaml").read_text("utf-8")))
    raw.update(environment_stores())
    override = os.environ.get(REGISTRY_ENV, "").strip()
    if override:
        raw["registry"] = registry_config(override)
    config = RepoConfig(**raw)
    config.repo_path = ROOT
    return config


def open_store():
    from feast import FeatureStore

    return FeatureStore(repo_path=str(ROOT), config=load_config())


def load_definitions():
    """features/definitions.py, loaded by path (this folder is not a package)."""
    spec = importlib.util.spec_from_file_location("feature_definitions", HERE / "definitions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def describe_registry(store) -> str:
    registry = store.config.registry
    path = str(registry.path)
    if registry.registry_type == "sql" and "@" in path:  # never print a password
        scheme, rest = path.split("://", 1)
        path = f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return f"{registry.registry_type} registry {path}"


def owned_objects(store) -> list[tuple[str, Any]]:
    """Every object of the shared project, as (kind, object)."""
    project = store.project
    found: list[tuple[str, Any]] = []
    for kind, lister in (
        ("entity", store.list_entities),
        ("data source", store.list_data_sources),
        ("feature view", store.list_feature_views),
        ("feature service", store.list_feature_services),
    ):
        try:
            found.extend((kind, item) for item in lister())
        except Exception as exc:  # an empty registry has nothing to list
            print(f"  (could not list {kind}s of {project}: {exc})", file=sys.stderr)
    return found


def owner_of(item) -> str:
    """An object's owner: Feast's `owner` field, else (objects registered before it was set) the
    team/repository of its tags."""
    tags = item.tags or {}
    return item.owner or f"{tags.get('team', '?')}/{tags.get('owner', '?')}"


def check_ownership(store, defs) -> list[str]:
    """Objects of ours that another repository (or team) owns: applying would take them over."""
    ours = {obj.name for obj in defs.OBJECTS}
    problems = []
    for kind, item in owned_objects(store):
        owner = owner_of(item)
        if item.name in ours and owner != defs.OWNER_ID:
            mine = defs.OWNER_ID
            problems.append(
                f"{kind} {item.name!r} is owned by {owner!r}, not by this repository {mine!r}"
            )
    return problems


def is_ours(obj, defs) -> bool:
    tagged = (obj.tags or {}).get("owner") == defs.OWNER
    return obj.name.startswith(defs.PREFIX + "_") and tagged and obj.owner == defs.OWNER_ID


def cmd_apply(args) -> int:
    defs = load_definitions()
    bad = [obj.name for obj in defs.OBJECTS if not is_ours(obj, defs)]
    if bad:
        print(f"refusing to apply objects not named {defs.PREFIX}_*, tagged", bad, file=sys.stderr)
        return 2
    store = open_store()
    problems = check_ownership(store, defs)
    if problems:
        print("refusing to apply into the shared project:", *problems, sep="\n  ", file=sys.stderr)
        return 2
    store.apply(defs.OBJECTS, partial=True)
    where = describe_registry(store)
    print(f"applied {len(defs.OBJECTS)} objects into Feast project {store.project!r} ({where}):")
    for obj in defs.OBJECTS:
        print(f"  {type(obj).__name__:15} {obj.name}")
    return 0


def governance_problems(store, defs) -> list[str]:
    """What would break others or leave an object undocumented: a field dropped or retyped that
    another owner's feature service reads, or an object without description, owner or
    classification."""
    problems = []
    for obj in defs.OBJECTS:
        what = f"{type(obj).__name__} {obj.name!r}"
        if not getattr(obj, "description", ""):
            problems.append(f"{what} has no description")
        if not getattr(obj, "owner", "") and hasattr(obj, "owner"):
            problems.append(f"{what} has no owner")
        if not (obj.tags or {}).get("classification"):
            problems.append(f"{what} has no classification tag")
    new_views = {o.name: o for o in defs.OBJECTS if hasattr(o, "schema") and hasattr(o, "entities")}
    registered = {view.name: view for _, view in owned_objects(store) if view.name in new_views}
    consumers = [item for kind, item in owned_objects(store) if kind == "feature service"]
    for name, old in registered.items():
        if not hasattr(old, "features"):
            continue
        new_types = {f.name: str(f.dtype) for f in new_views[name].features}
        for field in old.features:
            change = "drops" if field.name not in new_types else None
            if change is None and new_types[field.name] != str(field.dtype):
                change = f"retypes ({field.dtype} -> {new_types[field.name]})"
            if change is None:
                continue
            for service in consumers:
                if owner_of(service) == defs.OWNER_ID:
                    continue
                for projection in service.feature_view_projections:
                    read = {f.name for f in projection.features}
                    if projection.name == name and field.name in read:
                        problems.append(
                            f"this change {change} {name}.{field.name}, which feature service "
                            f"{service.name!r} of {owner_of(service)!r} reads"
                        )
    return problems


def cmd_plan(args) -> int:
    """Check the change before applying it; exit 1 when it would break or hide something."""
    defs = load_definitions()
    store = open_store()
    problems = check_ownership(store, defs) + governance_problems(store, defs)
    if problems:
        print("the plan is refused:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"plan OK: {len(defs.OBJECTS)} objects, no consumer of another repository affected")
    return 0


def parse_moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def ensure_online_tables(store, defs) -> None:
    """Create this repo's online store tables if they are missing (as `apply` would).

    A pod that materialises may see an online store that `apply` never touched (a fresh local
    SQLite file). This only creates this repo's tables: it deletes nothing and does not write
    the registry. (Feast has no public call for it; this is what FeatureStore.apply does.)
    """
    view = store.get_feature_view(defs.FEATURE_VIEW)
    entities = [store.get_entity(name) for name in view.entities]
    store._get_provider().update_infra(
        project=store.project,
        tables_to_delete=[],
        tables_to_keep=[view],
        entities_to_delete=[],
        entities_to_keep=entities,
        partial=True,
    )


def cmd_materialize(args) -> int:
    defs = load_definitions()
    store = open_store()
    end = parse_moment(args.end) if args.end else datetime.now(timezone.utc)
    views = [defs.FEATURE_VIEW]  # only ours: the shared project holds other repos' views too
    ensure_online_tables(store, defs)
    if args.start:
        store.materialize(start_date=parse_moment(args.start), end_date=end, feature_views=views)
    else:
        store.materialize_incremental(end_date=end, feature_views=views)
    print(f"materialised {', '.join(views)} up to {end.isoformat()} into the online store")
    return 0


def cmd_list(args) -> int:
    defs = load_definitions()
    store = open_store()
    print(f"Feast project {store.project!r} ({describe_registry(store)}):")
    rows = []
    for kind, item in owned_objects(store):
        tags = item.tags or {}
        if args.mine and tags.get("owner") != defs.OWNER:
            continue
        labels = [tags.get(key, "-") for key in ("owner", "team", "classification")]
        rows.append((kind, item.name, *labels))
    print(f"  {'KIND':16} {'NAME':48} {'OWNER':24} {'TEAM':20} CLASSIFICATION")
    for row in sorted(rows):
        print(f"  {row[0]:16} {row[1]:48} {row[2]:24} {row[3]:20} {row[4]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="register.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    apply = commands.add_parser("apply", help="register this repo's objects (partial apply)")
    apply.set_defaults(func=cmd_apply)
    plan = commands.add_parser("plan", help="check a change: no consumer broken, all documented")
    plan.set_defaults(func=cmd_plan)
    materialize = commands.add_parser("materialize", help="load features into the online store")
    materialize.add_argument("--start", help="ISO date/time; default: since the last run")
    materialize.add_argument("--end", help="ISO date/time (UTC unless given); default: now")
    materialize.set_defaults(func=cmd_materialize)
    listing = commands.add_parser("list", help="list the objects of the shared project")
    listing.add_argument("--mine", action="store_true", help="only this repo's objects")
    listing.set_defaults(func=cmd_list)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
