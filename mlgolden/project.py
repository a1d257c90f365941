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
from mlgolden.render import read_manifest, render_project

__all__ = ["Location", "find_project", "open_recorded_catalog", "read_manifest", "render_answers"]


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
        if (folder / ".mlgolden.yml").is_file():
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
        return open_catalog(None, ref.version)
    if ref.commit:
        catalog = open_catalog(ref.source, ref.commit, trust=trust)
        catalog.version = ref.version
        return catalog
    return open_catalog(ref.source, None, trust=trust)


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
) -> Path:
    """Render ``pattern_name`` with recorded ``answers`` (validated again) into ``parent/<slug>``."""
    pattern = catalog.pattern(pattern_name)
    questions = questions_for(catalog.spec.questions, pattern, platform)
    known = {item.id for item in questions}  # answers of another pattern are dropped on a switch
    values = collect(questions, [(origin, {k: v for k, v in answers.items() if k in known})])
    return render_project(
        catalog, pattern, questions, values, platform, parent, validate_config=validate_config
    )


def project_root(path: Path) -> Path:
    path = path.resolve()
    if not (path / ".mlgolden.yml").is_file():
        raise UsageError(f"{path} is not an mlgolden project (no .mlgolden.yml)")
    return path
