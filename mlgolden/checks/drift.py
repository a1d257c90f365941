"""The project's template version is the newest of its catalog, or close to it.

The version recorded in `.mlgolden.yml` (`catalog.version`) is compared with the newest version
of the same catalog (its newest `vX.Y.Z` git tag, or the newest release of the built-in catalog).
Behind by a minor or patch version is a warning; behind by a major version is a failure, because
the platform stops supporting projects a major version behind. With `--strict` any drift fails.
`mlgolden upgrade` takes the newer version; `mlgolden upgrade --check` reports the same drift.
"""

from __future__ import annotations

from mlgolden.checks.base import Context, Outcome
from mlgolden.errors import MlgoldenError
from mlgolden.project import MANIFEST as FILE

ID = "drift"


def run(ctx: Context, out: Outcome) -> None:
    from mlgolden.catalog import BUILTIN, available_versions, parse_version  # noqa: PLC0415

    if ctx.manifest is None:
        out.not_run(f"{FILE} is invalid (see the manifest check)")
        return
    ref = ctx.manifest.catalog
    line = ctx.line_of(FILE, r"^\s+version:")
    recorded = parse_version(ref.version)
    if recorded is None:
        out.error(f"catalog.version {ref.version!r} is not a version like 1.2.0", FILE, line)
        return
    try:
        versions = available_versions(None if ref.source == BUILTIN else ref.source)
    except MlgoldenError as exc:
        out.error(f"cannot list the versions of catalog {ref.source}: {exc.one_line()}", FILE, line)
        return
    if not versions:
        out.error(f"catalog {ref.source} has no versions", FILE, line)
        return
    newest = versions[-1]
    behind = parse_version(newest)
    if recorded >= behind:
        out.note(f"template version {ref.version} is the newest")
        return
    upgrade = f"run `mlgolden upgrade` to take {newest}"
    if recorded[0] < behind[0]:
        out.error(
            f"template version {ref.version} is a major version behind the newest, {newest}; {upgrade}",
            FILE,
            line,
            rule="major-drift",
        )
    else:
        out.warn(
            f"template version {ref.version} is behind the newest, {newest}; {upgrade}",
            FILE,
            line,
            rule="drift",
        )
