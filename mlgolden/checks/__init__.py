"""The registry of `mlgolden validate` checks: each check is registered here once, and only here.

Every entry is a module with ``ID``, ``run(ctx, out)`` and a docstring whose first line is the
check's one-line description and whose whole text is its documentation (``docs/checks.md`` is
generated from this registry by ``scripts/gen_checks_docs.py``). Which checks run on a project is
declared by the catalog (``components.<name>.checks`` in ``catalog.yml``); ``build`` runs only when
asked with ``--build``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from mlgolden.checks import (
    airflow,
    build,
    dockerfile,
    drift,
    features,
    jenkins,
    manifest,
    secrets,
    structure,
    terraform,
)
from mlgolden.checks.base import Context, Outcome


@dataclass(frozen=True)
class Check:
    id: str
    description: str
    docs: str
    run: Callable[[Context, Outcome], None]
    opt_in: bool = False  # runs only when asked for (``--build``)
    files: tuple[str, ...] = ()  # globs of the files it reads (chooses checks without a catalog)

    @classmethod
    def from_module(cls, module: ModuleType) -> Check:
        docs = inspect.cleandoc(module.__doc__ or "")
        return cls(
            id=module.ID,
            description=docs.splitlines()[0].rstrip("."),
            docs=docs,
            run=module.run,
            opt_in=getattr(module, "OPT_IN", False),
            files=tuple(getattr(module, "FILES", ())),
        )


REGISTRY: dict[str, Check] = {
    check.id: check
    for check in map(
        Check.from_module,
        (manifest, drift, structure, dockerfile, airflow, jenkins, terraform, features, secrets, build),
    )
}


def docs_markdown(declared_by: dict[str, list[str]] | None = None) -> str:
    """docs/checks.md, generated from the registry so that it never drifts.

    ``declared_by`` maps a check id to the components of the built-in catalog that declare it.
    """
    declared_by = declared_by or {}

    def when(check: Check) -> str:
        if check.opt_in:
            return f"with `--{check.id}`"
        return ", ".join(declared_by.get(check.id, [])) or "always"

    lines = [
        "# Checks of `mlgolden validate`",
        "",
        "<!-- Generated from mlgolden/checks/ by scripts/gen_checks_docs.py; do not edit. -->",
        "",
        "Each check is one module under `mlgolden/checks/` and this page is made of their docstrings.",
        "A check runs when a component of the project's pattern declares it (`checks:` of the",
        "component in the catalog's `catalog.yml`). Turn one off in `.mlgolden.yml` with",
        "`validate: {skip: {ID: reason}}`; see [validate.md](validate.md).",
        "",
        "| ID | What it checks | Declared by (built-in catalog) |",
        "| --- | --- | --- |",
        *(f"| [`{c.id}`](#{c.id}) | {c.description} | {when(c)} |" for c in REGISTRY.values()),
        "",
    ]
    for check in REGISTRY.values():
        body = check.docs.split("\n", 1)[1].strip() if "\n" in check.docs else ""
        lines += [f"## {check.id}", "", f"**{check.description}.**", ""]
        if body:
            lines += [body, ""]
    return "\n".join(lines)
