"""A generated project as mlgolden sees it: its answers file, and renders of it at any version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgolden.answers import collect, questions_for
from mlgolden.catalog import BUILTIN, Catalog, open_catalog
from mlgolden.errors import UsageError
from mlgolden.loading import parse_model
from mlgolden.models import Manifest, PlatformSettings
from mlgolden.render import read_manifest, render_project

__all__ = ["open_recorded_catalog", "read_manifest", "render_answers"]


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
    return render_project(
        catalog, pattern, questions, values, platform, parent, validate_config=validate_config, home=home
    )


def project_root(path: Path) -> Path:
    path = path.resolve()
    if not (path / ".mlgolden.yml").is_file():
        raise UsageError(f"{path} is not an mlgolden project (no .mlgolden.yml)")
    return path
