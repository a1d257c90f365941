"""`mlgolden catalog check [DIR]`: everything wrong with a catalog, each problem with its file and line.

Opening a catalog stops at the first problem; a platform team fixing its catalog wants them all.
The steps: schema of catalog.yml, platform.yml and every pattern (unknown fields by name) → the
catalog as `new` opens it (components, their templates and how they fit together) → questions'
references (``when``, ``choices_from``, ``default_from``, ``min_from``, pattern defaults) → Jinja
syntax of every template file and path → template files a .gitignore would keep out of the
catalog's repository → a changelog section for the catalog's version.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from mlgolden import gitops
from mlgolden.errors import MlgoldenError, UsageError
from mlgolden.loading import line_of, read_yaml, schema_problems
from mlgolden.models import CatalogSpec, Pattern, PlatformSettings, Question

CHANGELOGS = ("templates/CHANGELOG.md", "CHANGELOG.md")
NEVER_CONTENT = ("__pycache__", ".pyc", ".pyo")  # dropped from every render anyway


@dataclass(frozen=True)
class Problem:
    path: str  # relative to the catalog folder
    line: int | None
    message: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class CheckReport:
    root: Path
    version: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Loaded:
    spec: CatalogSpec | None = None
    platform: dict[str, Any] = field(default_factory=dict)
    patterns: dict[str, tuple[str, Pattern]] = field(default_factory=dict)  # name -> (file, model)


def check_catalog(folder: Path) -> CheckReport:
    """Check the catalog in ``folder`` as it is on disk (uncommitted changes included)."""
    root = folder.expanduser().resolve()
    if not (root / "catalog.yml").is_file():
        raise UsageError(f"{folder} is not a catalog (no catalog.yml)", hint="pass the catalog's folder")
    report = CheckReport(root)
    loaded = _schema(root, report)
    if loaded.spec is not None:
        report.version = str(loaded.spec.version)
        _as_opened(root, report)
        _questions(loaded, report)
        _templates(root, loaded.spec, report)
        _changelog(root, report.version, report)
    _ignored(root, report)
    return report


# --- schema --------------------------------------------------------------------------------


def _schema(root: Path, report: CheckReport) -> _Loaded:
    loaded = _Loaded()
    loaded.spec = _load(root, "catalog.yml", CatalogSpec, report)
    if (root / "platform.yml").is_file():
        data = _read(root, "platform.yml", report)
        if isinstance(data, dict):
            settings = _validate(root, "platform.yml", PlatformSettings, data, report)
            loaded.platform = settings.model_dump() if settings is not None else data
    else:
        report.problems.append(Problem("platform.yml", None, "missing: the platform settings"))
    folder = root / "patterns"
    files = sorted(folder.glob("*.y*ml")) if folder.is_dir() else []
    if not files:
        report.problems.append(Problem("patterns/", None, "no pattern files (patterns/NAME.yml)"))
    for path in files:
        rel = path.relative_to(root).as_posix()
        pattern = _load(root, rel, Pattern, report)
        if pattern is not None:
            loaded.patterns[pattern.name] = (rel, pattern)
    return loaded


def _read(root: Path, rel: str, report: CheckReport) -> Any:
    try:
        return read_yaml(root / rel, what="file", shown=rel)
    except UsageError as exc:
        line = re.search(r"line (\d+)", exc.message)
        report.problems.append(Problem(rel, int(line.group(1)) if line else None, exc.one_line()))
        return None


def _load(root: Path, rel: str, model: type[BaseModel], report: CheckReport):
    data = _read(root, rel, report)
    if data is None:
        return None
    return _validate(root, rel, model, data, report)


def _validate(root: Path, rel: str, model: type[BaseModel], data: Any, report: CheckReport):
    if not isinstance(data, dict):
        report.problems.append(Problem(rel, 1, f"must be a YAML mapping, not {type(data).__name__}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        text = (root / rel).read_text(encoding="utf-8")
        for loc, message in schema_problems(exc):
            where = ".".join(str(part) for part in loc) or "(top level)"
            report.problems.append(Problem(rel, line_of(text, loc), f"{where}: {message}"))
        return None


# --- the catalog as `new` opens it ---------------------------------------------------------


def _as_opened(root: Path, report: CheckReport) -> None:
    """Whatever opening the catalog refuses (unknown components, missing templates, components
    that do not fit together) — reported once, with the file it names."""
    from mlgolden.catalog import Catalog  # noqa: PLC0415

    catalog = Catalog(root=root, source=str(root), version=report.version or "")
    try:
        for pattern in catalog.patterns.values():
            catalog.pattern(pattern.name)
    except MlgoldenError as exc:
        text = exc.one_line()
        rel = next((m.group(1) for m in [re.search(r"(patterns/[\w.-]+\.ya?ml)", text)] if m), "catalog.yml")
        if not any(p.path == rel and p.severity == "error" for p in report.problems):
            report.problems.append(Problem(rel, None, text))
    declared = set(catalog.spec.components) if _safe(lambda: catalog.spec) else set()
    templates = root / "templates"
    for folder in sorted(templates.iterdir()) if templates.is_dir() else []:
        if folder.is_dir() and folder.name not in declared and not folder.name.startswith((".", "_")):
            report.problems.append(
                Problem(
                    f"templates/{folder.name}/",
                    None,
                    f"component folder {folder.name!r} is not declared under components: in catalog.yml",
                    "warning",
                )
            )


def _safe(read) -> bool:
    try:
        read()
    except MlgoldenError:
        return False
    return True


# --- questions -----------------------------------------------------------------------------


def _questions(loaded: _Loaded, report: CheckReport) -> None:
    """References between questions and to the platform settings: shared questions, each
    component's (catalog.yml) and each pattern's own (which may replace a component's)."""
    spec = loaded.spec
    assert spec is not None
    shared = list(spec.questions)
    _question_list(report, "catalog.yml", ("questions",), shared, [], loaded.platform)
    for name, component in spec.components.items():
        loc = ("components", name, "questions")
        _question_list(report, "catalog.yml", loc, component.questions, shared, loaded.platform)
    for rel, pattern in loaded.patterns.values():
        own = {q.id for q in pattern.questions}
        earlier = [
            *shared,
            *(
                q
                for c in pattern.components
                for q in (spec.components[c].questions if c in spec.components else [])
                if q.id not in own
            ),
        ]
        _question_list(report, rel, ("questions",), pattern.questions, earlier, loaded.platform)
        asked = {q.id: q for q in [*earlier, *pattern.questions]}
        for key, value in pattern.defaults.items():
            if key not in asked:
                report.problems.append(
                    _at(report, rel, ("defaults", key), f"defaults.{key}: no such question")
                )
            else:
                _value_fits(report, rel, ("defaults", key), asked[key], value)
        for check in (c for comp in pattern.components for c in _checks_of(spec, comp)):
            _known_check(check, report)


def _question_list(
    report: CheckReport,
    rel: str,
    where: tuple,
    questions: list[Question],
    earlier: list[Question],
    platform: dict,
) -> None:
    seen = {q.id: q for q in earlier}
    shared_ids = set(seen)
    for index, q in enumerate(questions):
        loc = (*where, index)
        if q.id in shared_ids or q.id in {x.id for x in questions[:index]}:
            report.problems.append(_at(report, rel, (*loc, "id"), f"question {q.id!r} is asked twice"))
        for field_name in ("choices_from", "default_from"):
            dotted = getattr(q, field_name)
            if dotted and _lookup(platform, dotted) is _MISSING:
                report.problems.append(
                    _at(
                        report,
                        rel,
                        (*loc, field_name),
                        f"{q.id}.{field_name}: no platform setting {dotted!r}",
                    )
                )
        if q.min_from and q.min_from not in seen:
            report.problems.append(
                _at(
                    report, rel, (*loc, "min_from"), f"{q.id}.min_from: {q.min_from!r} is not asked before it"
                )
            )
        for other, value in (q.when or {}).items():
            if other not in seen:
                report.problems.append(
                    _at(report, rel, (*loc, "when", other), f"{q.id}.when: {other!r} is not asked before it")
                )
            else:
                _value_fits(report, rel, (*loc, "when", other), seen[other], value, f"{q.id}.when")
        if q.default is not None:
            _value_fits(report, rel, (*loc, "default"), q, q.default, f"{q.id}.default")
        seen[q.id] = q


def _value_fits(report, rel, loc, question: Question, value, what: str | None = None) -> None:
    what = what or ".".join(str(p) for p in loc)
    if question.type == "bool" and not isinstance(value, bool):
        report.problems.append(
            _at(report, rel, loc, f"{what}: {question.id!r} is a yes/no question, not {value!r}")
        )
    elif question.type == "choice" and question.choices and value not in question.choices:
        choices = ", ".join(map(str, question.choices))
        report.problems.append(
            _at(report, rel, loc, f"{what}: {value!r} is not a choice of {question.id!r} ({choices})")
        )


_MISSING = object()


def _lookup(data: dict, dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _checks_of(spec: CatalogSpec, component: str) -> list[str]:
    comp = spec.components.get(component)
    return list(comp.checks) if comp else []


def _known_check(check_id: str, report: CheckReport) -> None:
    from mlgolden.checks import REGISTRY  # noqa: PLC0415

    problem = Problem(
        "catalog.yml", None, f"components: unknown check {check_id!r} (known: {', '.join(REGISTRY)})"
    )
    if check_id not in REGISTRY and problem not in report.problems:
        report.problems.append(problem)


def _at(report: CheckReport, rel: str, loc: tuple, message: str) -> Problem:
    return Problem(rel, line_of((report.root / rel).read_text(encoding="utf-8"), loc), message)


# --- templates -----------------------------------------------------------------------------


def _templates(root: Path, spec: CatalogSpec, report: CheckReport) -> None:
    """Every template file and path name parses as Jinja (as cookiecutter renders them)."""
    from cookiecutter.environment import StrictEnvironment  # noqa: PLC0415
    from jinja2 import TemplateSyntaxError  # noqa: PLC0415

    env = StrictEnvironment(context={"cookiecutter": {}})
    for component in spec.components:
        folder = root / "templates" / component
        for path in _files(folder):
            rel = path.relative_to(root).as_posix()
            for part in path.relative_to(folder).parts:
                if "{" in part:
                    _parse(env, part, rel, None, report, TemplateSyntaxError, "path")
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue  # binary files are copied as they are
            _parse(env, text, rel, 0, report, TemplateSyntaxError, "file")


def _parse(env, text, rel, offset, report, error, what) -> None:
    try:
        env.parse(text)
    except error as exc:
        line = exc.lineno if offset is not None else None
        problem = Problem(rel, line, f"Jinja syntax error in the {what}: {exc.message}")
        if problem not in report.problems:
            report.problems.append(problem)


def _files(folder: Path) -> list[Path]:
    found = []
    for base, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [Path(base) / f for f in sorted(files) if not f.endswith(NEVER_CONTENT)]
    return found


def _ignored(root: Path, report: CheckReport) -> None:
    """A template's own .gitignore (or the catalog's) would keep these files out of its repository:
    the tag would not hold them, and projects made from the tag would miss them."""
    files = [p.relative_to(root).as_posix() for p in _files(root / "templates")]
    for rel, rule in gitops.ignored_files(root, files).items():
        report.problems.append(
            Problem(rel, None, f"git would not commit this template file: it matches {rule}")
        )


# --- changelog -----------------------------------------------------------------------------


def changelog_section(root: Path, version: str) -> tuple[str, int] | None:
    """(changelog file, line) of the section for ``version``, or None."""
    heading = re.compile(rf"^#{{2,3}}\s+\[?v?{re.escape(version)}\]?(\s|$)")
    for rel in CHANGELOGS:
        path = root / rel
        if path.is_file():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if heading.match(line):
                    return rel, number
    return None


def _changelog(root: Path, version: str, report: CheckReport) -> None:
    if changelog_section(root, version) is None:
        existing = next((rel for rel in CHANGELOGS if (root / rel).is_file()), None)
        report.problems.append(
            Problem(
                existing or CHANGELOGS[0],
                None,
                f"no section '## {version}' for the catalog's version {version} "
                "(say what this version changes for the projects made from it)",
            )
        )


def summary(report: CheckReport) -> list[str]:
    """The report for people: one line per problem, then a verdict."""
    lines = [str(p) for p in report.problems]
    errors, warnings = len(report.errors), len(report.problems) - len(report.errors)
    name = f"catalog {report.root} {report.version or ''}".rstrip()
    if report.ok:
        lines.append(f"{name}: OK" + (f" ({warnings} warning(s))" if warnings else ""))
    else:
        lines.append(f"{name}: {errors} error(s), {warnings} warning(s)")
    return lines
