"""`mlgolden catalog test [DIR]`: prove that every pattern of a catalog renders working projects.

The steps: `catalog check` → open the catalog *as it is in the working tree* (a git catalog's
uncommitted and untracked files included, through a snapshot commit that touches neither its
index nor its refs) → for every pattern, a matrix of answers (the defaults, plus every value of
every yes/no and choice question: pairwise by default) → render each, commit it, run
``validate --require-tools`` and, with ``project_tests``, the project's own ``make install test
lint`` → for every pattern of the previous version, render it there and ``upgrade`` it to the
working tree (migrations included), then validate the result.

The catalog under test is trusted: it is the working tree of the team that runs the command.
"""

from __future__ import annotations

import itertools
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgolden import gitops
from mlgolden.catalog import BUILTIN, Catalog, available_versions, builtin_root, open_catalog, version_key
from mlgolden.errors import MlgoldenError, UsageError

MATRICES = ("pairwise", "flips", "defaults")
PROJECT_TESTS = ("make", "install", "test", "lint")
PROJECT_TESTS_TIMEOUT = 1800


@dataclass
class TestOptions:
    pattern: str | None = None
    jobs: int = 1
    matrix: str = "pairwise"
    project_tests: bool = False
    upgrade: bool = True
    require_tools: bool = True


@dataclass
class Case:
    kind: str  # check | render | upgrade
    pattern: str = ""
    answers: dict[str, Any] = field(default_factory=dict)  # the non-default answers

    @property
    def name(self) -> str:
        sets = " ".join(f"{k}={_text(v)}" for k, v in self.answers.items())
        return " ".join(part for part in (self.kind, self.pattern, sets and f"[{sets}]") if part)


@dataclass
class CaseResult:
    case: Case
    passed: bool
    detail: str = ""
    duration: float = 0.0


@dataclass
class TestReport:
    source: str
    version: str
    results: list[CaseResult] = field(default_factory=list)
    duration: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)


@dataclass
class _Target:
    """The catalog under test: how to open it, and what version it is."""

    source: str | None  # None: the built-in catalog
    ref: str | None  # a snapshot commit of a git catalog's working tree
    folder: Path | None  # the folder `catalog check` reads


def test_catalog(folder: str | None, opts: TestOptions, progress: Callable | None = None) -> TestReport:
    """Run the whole matrix; never raises for a failing case (the report says), only for usage."""
    if opts.matrix not in MATRICES:
        raise UsageError(f"unknown matrix {opts.matrix!r}", hint=f"choose one of: {', '.join(MATRICES)}")
    started = time.perf_counter()
    target = _target(folder)
    from mlgolden.catalog_tools.check import check_catalog, summary  # noqa: PLC0415

    results: list[CaseResult] = []
    if target.folder is not None:
        checked = check_catalog(target.folder)
        results.append(CaseResult(Case("check"), checked.ok, "; ".join(summary(checked)[:-1][:5])))
    with open_catalog(target.source, target.ref, trust=True) as catalog:
        report = TestReport(source=catalog.source, version=catalog.version, results=results)
        try:
            patterns = [catalog.pattern(opts.pattern)] if opts.pattern else list(catalog.patterns.values())
        except UsageError as exc:
            if opts.pattern and "unknown pattern" in exc.message:
                raise
            report.results.append(CaseResult(Case("open"), False, exc.one_line()))
            return _done(report, started)
        cases = [
            Case("render", p.name, row) for p in patterns for row in answer_matrix(catalog, p, opts.matrix)
        ]
        previous = _previous_version(target, catalog) if opts.upgrade else None
        if previous is not None:
            with open_catalog(target.source, previous, trust=True) as old:
                known = set(old.patterns)  # a pattern new in this version has nothing to upgrade
            cases += [Case("upgrade", p.name, {"from": previous}) for p in patterns if p.name in known]
        with tempfile.TemporaryDirectory(prefix="mlgolden-catalog-test-") as tmp:
            numbered = list(enumerate(cases))

            def one(item: tuple[int, Case]) -> CaseResult:
                result = _run_case(item[1], catalog, target, opts, Path(tmp) / str(item[0]))
                if progress is not None:
                    progress(result)
                return result

            with ThreadPoolExecutor(max_workers=max(1, opts.jobs), thread_name_prefix="catalog-test") as pool:
                report.results += list(pool.map(one, numbered))
    return _done(report, started)


def _done(report: TestReport, started: float) -> TestReport:
    report.duration = time.perf_counter() - started
    return report


def _target(folder: str | None) -> _Target:
    if folder in (None, BUILTIN) or Path(folder).resolve() == builtin_root().resolve():
        root = builtin_root()
        return _Target(None, None, root if (root / "templates").is_dir() else None)
    path = Path(folder).expanduser()
    if not (path / "catalog.yml").is_file():
        raise UsageError(f"{folder} is not a catalog (no catalog.yml)", hint="pass the catalog's folder")
    if gitops.is_git_source(str(path)):
        return _Target(str(path.resolve()), gitops.snapshot_worktree(path), path)
    return _Target(str(path.resolve()), None, path)


def _previous_version(target: _Target, catalog: Catalog) -> str | None:
    """The newest released version older than the working tree's, if any."""
    if target.source is not None and target.ref is None:
        return None  # a plain folder has no releases
    try:
        versions = available_versions(target.source)
        older = [v for v in versions if version_key(v) < version_key(catalog.version)]
    except UsageError:
        return None
    return older[-1] if older else None


# --- the matrix of answers -----------------------------------------------------------------


def answer_matrix(catalog: Catalog, pattern, kind: str = "pairwise") -> list[dict[str, Any]]:
    """Rows of non-default answers for ``pattern``: the defaults first (an empty row), then either
    every value of every yes/no or choice question on its own (``flips``) or a pairwise covering
    set (``pairwise``: every two values of any two questions appear together in some row, where
    both questions apply)."""
    from mlgolden.answers import collect, questions_for  # noqa: PLC0415
    from mlgolden.platform import load_platform  # noqa: PLC0415

    platform = load_platform(catalog.platform_defaults())
    questions = questions_for(catalog.spec.questions, pattern, platform)
    defaults = collect(questions, [])
    factors = []
    for item in questions:
        values = [False, True] if item.question.type == "bool" else list(item.choices or [])
        if len(values) > 1:
            factors.append((item.id, values))

    def applied(row: dict[str, Any]) -> dict[str, Any]:
        answers = collect(questions, [("matrix", row)])
        return {k: v for k, v in answers.items() if k in dict(factors)}

    rows: list[dict[str, Any]] = [{}]
    if kind == "flips":
        rows += [{fid: v} for fid, values in factors for v in values if v != defaults.get(fid)]
    elif kind == "pairwise":
        rows += _pairwise(factors, {k: defaults.get(k) for k, _ in factors}, applied)
    unique: list[dict[str, Any]] = []
    for row in rows:
        used = {k: v for k, v in applied(row).items() if v != defaults.get(k)}
        if used not in unique:
            unique.append(used)
    return unique


def _pairwise(factors, defaults: dict[str, Any], applied) -> list[dict[str, Any]]:
    """A greedy pairwise covering set (the AETG idea): each new row starts from an uncovered pair
    and fills every other question with the value covering most uncovered pairs."""
    uncovered = {
        ((a, va), (b, vb))
        for (a, values_a), (b, values_b) in itertools.combinations(factors, 2)
        for va in values_a
        for vb in values_b
    }

    def pairs(row: dict[str, Any]) -> set:
        items = [(k, row[k]) for k, _ in factors if k in row]
        return set(itertools.combinations(items, 2))

    uncovered -= pairs(applied(defaults))
    rows = []
    while uncovered:
        (a, va), (b, vb) = min(uncovered, key=repr)
        row = {a: va, b: vb}
        for fid, values in factors:
            if fid not in row:
                row[fid] = max(values, key=lambda v: len(pairs({**row, fid: v}) & uncovered))
        row = _make_applicable(row, ((a, va), (b, vb)), factors, applied, pairs)
        covered = pairs(applied(row)) & uncovered
        uncovered -= covered | {((a, va), (b, vb))}  # an infeasible pair (a `when`) is dropped
        if covered:
            rows.append(row)
    return rows


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


# --- one case ------------------------------------------------------------------------------


def _run_case(case: Case, catalog: Catalog, target: _Target, opts: TestOptions, work: Path) -> CaseResult:
    started = time.perf_counter()
    work.mkdir(parents=True)
    try:
        if case.kind == "render":
            project = _render(catalog, case.pattern, case.answers, work)
        else:
            project = _upgrade(case, target, work)
        problems = _validate(project, target, opts)
        if not problems and opts.project_tests:
            problems = _project_tests(project)
    except MlgoldenError as exc:
        problems = exc.one_line()
    except Exception as exc:  # noqa: BLE001 - one case's crash is that case's failure, not the run's
        problems = f"{type(exc).__name__}: {exc}"
    return CaseResult(case, not problems, problems, time.perf_counter() - started)


def _render(catalog: Catalog, pattern_name: str, answers: dict[str, Any], work: Path) -> Path:
    from mlgolden.platform import load_platform  # noqa: PLC0415
    from mlgolden.project import render_answers  # noqa: PLC0415

    platform = load_platform(catalog.platform_defaults())
    project = render_answers(catalog, pattern_name, answers, platform, work, origin="matrix")
    gitops.init_and_commit(project, f"catalog test: {pattern_name}")
    return project


def _upgrade(case: Case, target: _Target, work: Path) -> Path:
    from mlgolden.upgrade import UpgradeOptions, upgrade_repo  # noqa: PLC0415

    with open_catalog(target.source, case.answers["from"], trust=True) as old:
        project = _render(old, case.pattern, {}, work)
    outcome = upgrade_repo(project, UpgradeOptions(ref=target.ref, trust=True, catalog=target.source))
    if outcome.result != "upgraded":
        raise UsageError(f"upgrade ended {outcome.result}: {outcome.detail} {' '.join(outcome.conflicts)}")
    return project


def _validate(project: Path, target: _Target, opts: TestOptions) -> str:
    from mlgolden.checks.base import Options  # noqa: PLC0415
    from mlgolden.validate import validate_project  # noqa: PLC0415

    # the catalog under test, wherever the project records it (a remote URL lacks the snapshot)
    options = Options(require_tools=opts.require_tools, catalog=target.source)
    result = validate_project(project, options)
    failed = [r for r in result.results if r.failed]
    return "; ".join(
        f"validate {r.id}: " + (r.findings[0].message if r.findings else "failed") for r in failed
    )


def _project_tests(project: Path) -> str:
    import subprocess  # noqa: PLC0415

    try:
        done = subprocess.run(  # noqa: S603 - the catalog under test is the caller's own
            list(PROJECT_TESTS),
            cwd=project,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=PROJECT_TESTS_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{' '.join(PROJECT_TESTS)}: {exc}"
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
        return f"{' '.join(PROJECT_TESTS)} failed (exit {done.returncode}): {' | '.join(tail)}"
    return ""


# --- reports -------------------------------------------------------------------------------


def text_lines(report: TestReport) -> list[str]:
    lines = [
        f"{'PASS' if r.passed else 'FAIL'}  {r.case.name}  ({r.duration:.1f} s)"
        + (f"\n      {r.detail}" if r.detail and not r.passed else "")
        for r in report.results
    ]
    failed = sum(not r.passed for r in report.results)
    lines.append(
        f"catalog {report.source} {report.version}: {len(report.results) - failed} passed, "
        f"{failed} failed in {report.duration:.0f} s"
    )
    return lines


def to_junit(report: TestReport) -> str:
    """JUnit XML (Jenkins' `junit` step, GitLab, GitHub): one testcase per case."""
    from xml.etree import ElementTree as ET  # noqa: N817, PLC0415

    failed = sum(not r.passed for r in report.results)
    suite = ET.Element(
        "testsuite",
        name=f"mlgolden catalog test {report.source} {report.version}",
        tests=str(len(report.results)),
        failures=str(failed),
        time=f"{report.duration:.3f}",
    )
    for r in report.results:
        case = ET.SubElement(
            suite, "testcase", classname=f"catalog.{r.case.kind}", name=r.case.name, time=f"{r.duration:.3f}"
        )
        if not r.passed:
            ET.SubElement(case, "failure", message=r.detail[:500]).text = r.detail
    return ET.tostring(ET.ElementTree(suite).getroot(), encoding="unicode", xml_declaration=True) + "\n"


def _make_applicable(row: dict[str, Any], seed, factors, applied, pairs) -> dict[str, Any]:
    """``row`` with one other answer changed where that makes both questions of ``seed`` apply
    (e.g. ``gpu`` only applies with ``inference_mode=local``); unchanged when none does."""
    if seed in pairs(applied(row)):
        return row
    fixed = {seed[0][0], seed[1][0]}
    for fid, values in factors:
        if fid in fixed:
            continue
        for value in values:
            trial = {**row, fid: value}
            if seed in pairs(applied(trial)):
                return trial
    return row
