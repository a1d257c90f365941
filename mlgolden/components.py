"""What a pattern's components provide, and the render context derived from it.

Components declare in catalog.yml what they provide (``provides``: capability -> facts such as the
image's entrypoint, a port, health paths) and what they need from the other components of a
pattern (``needs``). From the components present this module derives, for the templates:

- ``cookiecutter.provides.<capability>``: the provision's facts (``component``, ``entrypoint``,
  ``port``, ``health``, ``ready``, ``files``, ``output``) or ``None`` when no component of the
  pattern provides it (every capability the catalog knows is a key, so templates can test it);
- ``cookiecutter.entrypoint``: the image's command (a list), ``cookiecutter.port``,
  ``cookiecutter.health_path``, ``cookiecutter.ready_path`` of the server, if any;
- the catalog's ``derived`` values (Jinja expressions over the answers, sandboxed).

The same :class:`Stack` tells ``validate`` and the ``--build`` smoke test what to expect, so a
pattern made of the built-in components under another name renders and validates correctly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlgolden.errors import UsageError
from mlgolden.models import PLACEHOLDER, VIRTUAL_CAPABILITIES, CatalogSpec, Pattern, Provision, Question


@dataclass(frozen=True)
class Provided:
    """One provision of one component of a pattern, with its entrypoint filled in."""

    capability: str
    component: str
    provision: Provision
    entrypoint: list[str] | None
    output: list[str] | None = None  # a job's command printing what it wrote, filled in

    @property
    def port(self) -> int | None:
        return self.provision.port

    @property
    def health(self) -> str | None:
        return self.provision.health

    @property
    def ready(self) -> str | None:
        return self.provision.ready or self.provision.health

    def as_context(self) -> dict[str, Any]:
        facts = self.provision.model_dump()
        facts.update(
            component=self.component, entrypoint=self.entrypoint, output=self.output, ready=self.ready
        )
        return facts


@dataclass(frozen=True)
class Stack:
    """What the components of one pattern provide, for one project's names."""

    provisions: dict[str, Provided]  # capability -> provision (virtual capabilities excluded)

    @property
    def entrypoint(self) -> Provided | None:
        return next((p for p in self.provisions.values() if p.entrypoint), None)

    @property
    def server(self) -> Provided | None:
        return next((p for p in self.provisions.values() if p.provision.is_server), None)

    def has(self, capability: str) -> bool:
        return capability in self.provisions or self._virtual(capability) is not None

    def _virtual(self, capability: str) -> Provided | None:
        return {"entrypoint": self.entrypoint, "server": self.server}.get(capability)

    def context(self, spec: CatalogSpec) -> dict[str, Any]:
        known = {name for comp in spec.components.values() for name in comp.provides}
        provides: dict[str, Any] = {name: None for name in sorted(known | set(VIRTUAL_CAPABILITIES))}
        for name, item in self.provisions.items():
            provides[name] = item.as_context()
        for name in VIRTUAL_CAPABILITIES:
            item = self._virtual(name)
            provides[name] = item.as_context() if item else None
        entry, server = self.entrypoint, self.server
        return {
            "provides": provides,
            "entrypoint": entry.entrypoint if entry else None,
            "port": server.port if server else None,
            "health_path": server.health if server else None,
            "ready_path": server.ready if server else None,
        }


def stack(spec: CatalogSpec, components: list[str], names: dict[str, str]) -> Stack:
    """The provisions of ``components``; ``names`` holds package_name and project_slug."""
    provisions: dict[str, Provided] = {}
    for component in components:
        for capability, provision in spec.components[component].provides.items():
            values = {**names, "port": str(provision.port or "")}
            entry = [_fill(arg, values) for arg in provision.entrypoint] if provision.entrypoint else None
            output = [_fill(arg, values) for arg in provision.output] if provision.output else None
            provisions.setdefault(capability, Provided(capability, component, provision, entry, output))
    return Stack(provisions)


def _fill(arg: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], arg)


# --- coherence, checked when the catalog is opened ----------------------------------------------


def catalog_problem(spec: CatalogSpec) -> str | None:
    """A component needing a capability no component of the catalog provides (a typo, mostly)."""
    known = {name for comp in spec.components.values() for name in comp.provides} | set(VIRTUAL_CAPABILITIES)
    for name, component in spec.components.items():
        for need in component.needs:
            if need not in known:
                return f"component {name!r} needs {need!r}, which no component of the catalog provides"
    return None


def pattern_problem(spec: CatalogSpec, components: list[str]) -> str | None:
    """Why these components cannot work together, or None."""
    if len(set(components)) != len(components):
        twice = next(c for c in components if components.count(c) > 1)
        return f"component {twice!r} is listed twice"
    owners: dict[str, str] = {}
    runners: list[str] = []
    for component in components:
        for capability, provision in spec.components[component].provides.items():
            if capability in owners:
                return f"components {owners[capability]!r} and {component!r} both provide {capability!r}"
            owners[capability] = component
            if provision.entrypoint and component not in runners:
                runners.append(component)
    if len(runners) > 1:
        return f"components {runners[0]!r} and {runners[1]!r} both provide an entrypoint; the image runs one"
    present = stack(spec, components, {"package_name": "p", "project_slug": "p"})
    for component in components:
        for need in spec.components[component].needs:
            if not present.has(need):
                what = VIRTUAL_CAPABILITIES.get(need, f"a component providing {need!r}")
                return (
                    f"component {component!r} needs {need!r}, which none of the pattern's components "
                    f"({', '.join(components)}) provides: add {what}"
                )
    return None


def pattern_questions(spec: CatalogSpec, pattern: Pattern) -> list[Question]:
    """The components' questions (in component order), then the pattern's own, which replace a
    component's question of the same id; a question id of the shared ones may not come back."""
    shared = {q.id for q in spec.questions}
    own = {q.id: q for q in pattern.questions}
    merged: dict[str, Question] = {}
    for component in pattern.components:
        for question in spec.components[component].questions:
            if question.id in shared:
                raise UsageError(
                    f"component {component!r} asks {question.id!r}, which catalog.yml already asks"
                )
            merged.setdefault(question.id, own.pop(question.id, question))
    for question in own.values():
        if question.id in shared:
            raise UsageError(f"pattern {pattern.name!r} asks {question.id!r}, which catalog.yml already asks")
        merged[question.id] = question
    return list(merged.values())


# --- the render context ---------------------------------------------------------------------------


# Catalogs written before ``derived:`` existed read ``base_image``, which the engine computed; it
# stays available, from the platform's base images, unless the catalog derives its own. The
# expression does without the built-in catalog's questions (``gpu``, ``python_version``).
COMPATIBLE_DERIVED = {
    "base_image": "(platform.base_images.gpu if gpu is defined and gpu else platform.base_images.cpu)"
    " | replace('{python_version}', python_version if python_version is defined"
    " else platform.python.default)",
}


def derived_context(spec: CatalogSpec, pattern: Pattern, values: dict[str, Any]) -> dict[str, Any]:
    """The context the components add to ``values`` (answers, names and ``platform``)."""
    names = {"package_name": values["package_name"], "project_slug": values["project_slug"]}
    context = stack(spec, list(pattern.components), names).context(spec)
    expressions = {**COMPATIBLE_DERIVED, **spec.derived}
    context.update(_evaluate(expressions, {**values, **context}))
    return context


def _evaluate(expressions: dict[str, str], values: dict[str, Any]) -> dict[str, Any]:
    from jinja2 import StrictUndefined, TemplateError  # noqa: PLC0415
    from jinja2.sandbox import ImmutableSandboxedEnvironment  # noqa: PLC0415

    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    out: dict[str, Any] = {}
    for name, expression in expressions.items():
        try:
            out[name] = env.compile_expression(expression, undefined_to_none=False)(**values, **out)
        except (TemplateError, TypeError, ValueError, AttributeError, LookupError) as exc:
            raise UsageError(f"catalog.yml derived value {name!r}: {' '.join(str(exc).split())}") from None
    return out
