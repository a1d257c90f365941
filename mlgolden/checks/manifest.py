"""The answers file `.mlgolden.yml` is valid and names a known pattern and catalog version.

`.mlgolden.yml` records how the project was generated: the pattern, the catalog (source, version,
commit), the answers and the platform settings. It must load against its schema (unknown or
missing fields fail, with the field named), its catalog must be reachable and hold the recorded
version, that version must hold the recorded pattern, the recorded answers must still be valid
answers of that pattern, and the platform section must be valid platform settings. Everything else
(`drift`, `structure`) builds on this file, so fix it first.
"""

from __future__ import annotations

from mlgolden.checks.base import Context, Outcome
from mlgolden.errors import MlgoldenError
from mlgolden.project import MANIFEST as FILE

ID = "manifest"

SCHEMA_VERSIONS = {1}


def run(ctx: Context, out: Outcome) -> None:
    if ctx.manifest is None:
        message = (ctx.manifest_error or "cannot be read").replace(f"answers file {ctx.root / FILE}", "")
        out.error(f"{FILE} is invalid: {message.lstrip(': ')}", FILE, rule="schema")
        return
    manifest = ctx.manifest
    if manifest.mlgolden not in SCHEMA_VERSIONS:
        out.error(
            f"answers file schema {manifest.mlgolden} is not supported by this mlgolden "
            f"(supported: {sorted(SCHEMA_VERSIONS)})",
            FILE,
            ctx.line_of(FILE, r"^mlgolden:"),
            rule="schema",
        )
    if ctx.platform is None:
        out.error(
            "the platform section is not valid platform settings",
            FILE,
            ctx.line_of(FILE, r"^platform:"),
            rule="platform",
        )
    _check_catalog(ctx, out)


def _check_catalog(ctx: Context, out: Outcome) -> None:
    from mlgolden.catalog import BUILTIN, available_versions  # noqa: PLC0415

    ref = ctx.manifest.catalog
    where = ctx.line_of(FILE, r"^\s+version:")
    try:
        versions = available_versions(None if ref.source == BUILTIN else ref.source)
    except MlgoldenError as exc:
        out.error(
            f"catalog {ref.source} cannot be read: {exc.one_line()}",
            FILE,
            ctx.line_of(FILE, r"^\s+source:"),
            rule="catalog",
        )
        return
    if ref.version not in versions and not ref.commit:
        out.error(
            f"catalog {ref.source} has no version {ref.version!r} (known: {', '.join(versions) or 'none'})",
            FILE,
            where,
            rule="catalog-version",
        )
        return
    try:
        catalog = ctx.catalog()
    except MlgoldenError as exc:
        out.error(
            f"catalog {ref.source} {ref.version} cannot be opened: {exc.one_line()}",
            FILE,
            where,
            rule="catalog-version",
        )
        return
    if ctx.manifest.pattern not in catalog.patterns:
        out.error(
            f"pattern {ctx.manifest.pattern!r} is not in catalog {ref.source} {ref.version} "
            f"(known: {', '.join(catalog.patterns)})",
            FILE,
            ctx.line_of(FILE, r"^pattern:"),
            rule="pattern",
        )
        return
    out.note(f"pattern {ctx.manifest.pattern}, catalog {ref.source} {ref.version}")
    _check_answers(ctx, out, catalog)


def _check_answers(ctx: Context, out: Outcome, catalog) -> None:
    from mlgolden.answers import collect, questions_for  # noqa: PLC0415

    if ctx.platform is None:
        return
    questions = questions_for(catalog.spec.questions, catalog.pattern(ctx.manifest.pattern), ctx.platform)
    known = {item.id for item in questions}
    answers = dict(ctx.manifest.answers)
    for key in sorted(set(answers) - known):
        out.warn(
            f"answer {key!r} is not a question of pattern {ctx.manifest.pattern}; it is ignored",
            FILE,
            ctx.line_of(FILE, rf"^\s+{key}:"),
            rule="answers",
        )
    try:
        collect(questions, [(f"{FILE} answers", {k: v for k, v in answers.items() if k in known})])
    except MlgoldenError as exc:
        out.error(exc.one_line(), FILE, ctx.line_of(FILE, r"^answers:"), rule="answers")
