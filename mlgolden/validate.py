"""`mlgolden validate`: run the registered checks on a project and return what they found.

The steps: find the project and read its answers file → check the ``validate:`` section against
the registry → select the checks the pattern's components declare → run them (in parallel: most
wait on external tools) → apply ``skip``/``ignore``, ``--require-tools`` and ``--strict``. The
service never prints and never exits; the CLI maps :attr:`Validation.exit_code` to the process.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from mlgolden.checks import REGISTRY, Check
from mlgolden.checks.base import CheckResult, Context, Finding, Options, Outcome
from mlgolden.errors import EXIT_FAILED, EXIT_OK, MlgoldenError, UsageError
from mlgolden.models import Manifest, ValidateConfig
from mlgolden.project import MANIFEST

FORMATS = ("text", "json", "junit")

MAX_WORKERS = 4


@dataclass
class Validation:
    """Everything one `mlgolden validate` run found."""

    root: Path
    options: Options
    results: list[CheckResult]
    pattern: str | None = None
    catalog: dict[str, str | None] = field(default_factory=dict)
    duration: float = 0.0

    @property
    def failed(self) -> bool:
        return any(r.failed for r in self.results)

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.failed else EXIT_OK

    def counts(self) -> dict[str, int]:
        counts = {"passed": 0, "warning": 0, "failed": 0, "skipped": 0}
        for result in self.results:
            counts[result.status] += 1
        return counts


def validate_project(path: Path, options: Options | None = None) -> Validation:
    """Validate the project at ``path``; a path that is not a project is a UsageError (exit 2)."""
    options = options or Options()
    started = time.perf_counter()
    root = project_root(path)
    manifest, error = load_manifest(root, options.catalog)
    config = manifest.validate_ if manifest else ValidateConfig()
    check_config(config)
    unknown = [check_id for check_id in options.only if check_id not in REGISTRY]
    if unknown:
        raise UsageError(f"unknown check {unknown[0]!r}", hint=f"known checks: {', '.join(REGISTRY)}")
    ctx = Context(
        root=root,
        options=options,
        manifest=manifest,
        manifest_error=error,
        ignore=[(rule.path, rule.reason) for rule in config.ignore],
    )
    try:
        checks = select_checks(ctx)
        results = run_checks(ctx, checks, config.skip)
    finally:
        ctx.close()
    catalog = {"source": manifest.catalog.source, "version": manifest.catalog.version} if manifest else {}
    return Validation(
        root=root,
        options=options,
        results=results,
        pattern=manifest.pattern if manifest else None,
        catalog=catalog,
        duration=time.perf_counter() - started,
    )


def project_root(path: Path) -> Path:
    root = path.expanduser().resolve()
    if not root.is_dir():
        raise UsageError(f"{path} is not a directory")
    if not (root / MANIFEST).is_file():
        raise UsageError(
            f"{root} is not an mlgolden project (no {MANIFEST})",
            hint="run it in a generated project or pass its path",
        )
    return root


def load_manifest(root: Path, catalog: str | None = None) -> tuple[Manifest | None, str | None]:
    """The answers file, or the one-line reason it does not load (reported by the manifest check)."""
    from mlgolden.project import read_manifest  # noqa: PLC0415

    try:
        return read_manifest(root, catalog=catalog), None
    except MlgoldenError as exc:
        return None, exc.one_line()


def check_config(config: ValidateConfig) -> None:
    """The ``validate:`` section names only known checks, each skip with a reason."""
    for check_id, reason in config.skip.items():
        if check_id not in REGISTRY:
            raise UsageError(
                f"{MANIFEST}: validate.skip names unknown check {check_id!r}",
                hint=f"known checks: {', '.join(REGISTRY)}",
            )
        if not str(reason or "").strip():
            raise UsageError(f"{MANIFEST}: validate.skip.{check_id} needs a reason")


def select_checks(ctx: Context) -> list[Check]:
    """The checks the pattern's components declare in the catalog; ``build`` only when asked.

    When the catalog cannot be read (the manifest check says why), every check whose files are
    present runs instead.
    """
    if ctx.options.only:
        return [REGISTRY[check_id] for check_id in ctx.options.only]
    declared = _declared_ids(ctx)
    chosen = []
    for check in REGISTRY.values():
        if check.opt_in:
            wanted = getattr(ctx.options, check.id, False)
        elif check.id == "manifest":
            wanted = True
        elif declared is not None:
            wanted = check.id in declared
        else:
            wanted = _files_present(ctx, check)
        if wanted:
            chosen.append(check)
    return chosen


def _declared_ids(ctx: Context) -> set[str] | None:
    if ctx.manifest is None:
        return None
    try:
        catalog = ctx.catalog()
        pattern = catalog.pattern(ctx.manifest.pattern)
        ids = {c for comp in pattern.components for c in catalog.spec.components[comp].checks}
    except MlgoldenError:
        return None
    return ids or None  # a catalog that declares no checks gets them all


def _files_present(ctx: Context, check: Check) -> bool:
    globs = getattr(check, "files", ())
    return not globs or bool(ctx.glob(*globs))


def run_checks(ctx: Context, checks: list[Check], skip: dict[str, str]) -> list[CheckResult]:
    def one(check: Check) -> CheckResult:
        if check.id in skip:
            return CheckResult(
                check.id,
                check.description,
                "skipped",
                (
                    Finding(
                        "skipped", f"skipped in {MANIFEST}: {skip[check.id]}", MANIFEST, rule="configured"
                    ),
                ),
            )
        return finish(ctx, check, *run_one(ctx, check))

    if len(checks) <= 1:
        return [one(check) for check in checks]
    with ThreadPoolExecutor(
        max_workers=min(MAX_WORKERS, len(checks)), thread_name_prefix="mlgolden-check"
    ) as pool:
        return list(pool.map(one, checks))


def run_one(ctx: Context, check: Check) -> tuple[Outcome, float]:
    out = Outcome()
    started = time.perf_counter()
    try:
        check.run(ctx, out)
    except MlgoldenError as exc:  # a tool or catalog failure is this check's failure, not the run's
        out.error(exc.one_line())
    return out, time.perf_counter() - started


def finish(ctx: Context, check: Check, out: Outcome, duration: float) -> CheckResult:
    """Drop findings on ignored paths, apply --require-tools and --strict, and grade the check."""
    findings: list[Finding] = []
    for finding in out.findings:
        if finding.path and ctx.ignored(finding.path):
            continue
        if finding.severity == "skipped" and finding.tool and ctx.options.require_tools:
            finding = replace(
                finding,
                severity="error",
                message=f"{finding.tool} is not installed and --require-tools is set "
                f"({finding.message.removeprefix('skipped: ')})",
            )
        elif finding.severity == "warning" and ctx.options.strict:
            finding = replace(finding, severity="error", message=f"{finding.message} (--strict)")
        findings.append(finding)
    # The worst outcome grades the check; a warning outranks a skipped part, so a check that
    # warned and could not run a tool is "warning" (the skip stays listed among its findings).
    severities = {f.severity for f in findings}
    status = (
        "failed"
        if "error" in severities
        else "warning"
        if "warning" in severities
        else "skipped"
        if "skipped" in severities
        else "passed"
    )
    order = {"error": 0, "warning": 1, "skipped": 2}
    findings.sort(key=lambda f: order[f.severity])
    return CheckResult(check.id, check.description, status, tuple(findings), tuple(out.notes), duration)
