"""A generated project as mlgolden sees it: its answers file, and renders of it at any version."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgolden.answers import collect, questions_for
from mlgolden.catalog import BUILTIN, Catalog, open_catalog
from mlgolden.errors import UsageError
from mlgolden.loading import parse_model
from mlgolden.models import Manifest, PlatformSettings

__all__ = [
    "MANIFEST",
    "Location",
    "find_project",
    "open_recorded_catalog",
    "read_manifest",
    "render_answers",
    "write_manifest",
]

# The project's answers file: its one home is this module (path, read, write).
MANIFEST = ".mlgolden.yml"
MANIFEST_HEADER = (
    "# mlgolden answers file: how this project was generated. Change answers with\n"
    "# `mlgolden upgrade --set KEY=VALUE`; the `validate:` section is yours to edit.\n"
)


@dataclass(frozen=True)
class Location:
    """Where a project lives: the repository's top folder, and the project folder inside it
    (the same folder, or a subfolder of a monorepo: ``prefix`` is its posix path, '' at the top)."""

    top: Path
    folder: Path
    prefix: str


def find_project(path: Path) -> Location:
    """The project ``path`` is in: the nearest folder from ``path`` up to the repository's top that
    holds ``.mlgolden.yml`` (several projects may share one repository, each in its own folder)."""
    from mlgolden import gitops  # noqa: PLC0415

    gitops.require_git()
    if not path.exists():
        raise UsageError(f"{path} does not exist")
    start = (path if path.is_dir() else path.parent).resolve()
    top = gitops.toplevel(start)
    if top is None:
        raise UsageError(f"{path} is not a git repository", hint="mlgolden upgrade works on git repos")
    top = top.resolve()
    for folder in (start, *start.parents):
        if (folder / MANIFEST).is_file():
            prefix = "" if folder == top else folder.relative_to(top).as_posix()
            return Location(top=top, folder=folder, prefix=prefix)
        if folder == top or top not in folder.parents:
            break
    raise UsageError(
        f"{path} is not an mlgolden project (no .mlgolden.yml in it or above it in its repository)",
        hint="pass the project folder, e.g. `mlgolden upgrade services/churn`",
    )


def open_recorded_catalog(manifest: Manifest, *, trust: bool = False) -> Catalog:
    """The catalog exactly as recorded in the answers file (same source, version and commit)."""
    ref = manifest.catalog
    if ref.source == BUILTIN:
        catalog = open_catalog(None, ref.version)
    elif ref.commit:
        catalog = open_catalog(ref.source, ref.commit, trust=trust)
        catalog.version = ref.version
    else:
        catalog = open_catalog(ref.source, None, trust=trust)
    catalog.recorded_as = ref._as_written
    return catalog


def recorded_platform(manifest: Manifest) -> PlatformSettings:
    return parse_model(PlatformSettings, manifest.platform, origin="platform section of .mlgolden.yml")


def render_answers(
    catalog: Catalog,
    pattern_name: str,
    answers: dict[str, Any],
    platform: PlatformSettings,
    parent: Path,
    *,
    validate_config: dict | None = None,
    origin: str = "answers file",
    home: Path | None = None,
) -> Path:
    """Render ``pattern_name`` with recorded ``answers`` (validated again) into ``parent/<slug>``."""
    pattern = catalog.pattern(pattern_name)
    questions = questions_for(catalog.spec.questions, pattern, platform)
    known = {item.id for item in questions}  # answers of another pattern are dropped on a switch
    values = collect(questions, [(origin, {k: v for k, v in answers.items() if k in known})])
    from mlgolden.render import render_project  # noqa: PLC0415 (render imports this module)

    return render_project(
        catalog, pattern, questions, values, platform, parent, validate_config=validate_config, home=home
    )


def project_root(path: Path) -> Path:
    path = path.resolve()
    if not (path / MANIFEST).is_file():
        raise UsageError(f"{path} is not an mlgolden project (no .mlgolden.yml)")
    return path


def write_manifest(project_dir: Path, manifest: Manifest) -> None:
    data = manifest.model_dump(by_alias=True, exclude_none=False)
    if not data["validate"]["skip"] and not data["validate"]["ignore"]:
        data["validate"] = {"skip": {}, "ignore": []}
    import yaml  # noqa: PLC0415

    text = MANIFEST_HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=False, width=100)
    (project_dir / MANIFEST).write_text(text, encoding="utf-8")


def read_manifest(project_dir: Path, *, catalog: str | None = None) -> Manifest:
    """The project's answers file; its catalog source resolved (a relative path is relative to
    the project) or, with ``catalog`` (--catalog), replaced by a moved or mirrored copy."""
    from mlgolden.catalog import relocate_source, resolve_recorded_source  # noqa: PLC0415
    from mlgolden.loading import load_model  # noqa: PLC0415

    path = project_dir / MANIFEST
    if not path.is_file():
        raise UsageError(f"{project_dir} is not an mlgolden project (no {MANIFEST})")
    manifest = load_model(Manifest, path, what="answers file")
    manifest.catalog._as_written = manifest.catalog.source
    manifest.catalog.source = (
        relocate_source(catalog) if catalog else resolve_recorded_source(manifest.catalog.source, project_dir)
    )
    return manifest
