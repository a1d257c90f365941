"""`mlgolden catalog init DIR`: start a catalog of your own from a copy of the built-in one.

The copy holds catalog.yml (renamed, at version 1.0.0), platform.yml, patterns/ and templates/,
and a fresh templates/CHANGELOG.md with its first section, so `catalog check` passes on it as is.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from mlgolden.catalog import builtin_root
from mlgolden.errors import UsageError

FIRST_VERSION = "1.0.0"
PARTS = ("catalog.yml", "platform.yml", "patterns", "templates")
CHANGELOG = """\
# {name} catalog changelog

What each version of this catalog changes for the projects made from it; `mlgolden catalog release`
refuses a version without its section here.

## {version}
- First release, from mlgolden's built-in catalog {source}.
"""


def init_catalog(dest: Path, name: str) -> Path:
    """Copy the built-in catalog into ``dest`` (new or empty) as catalog ``name`` 1.0.0."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", name):
        raise UsageError(f"catalog name {name!r}: use lower-case letters, digits and dashes")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest} already exists and is not empty")
    source = builtin_root()
    ignore = shutil.ignore_patterns("__pycache__", "*.py[co]")
    dest.mkdir(parents=True, exist_ok=True)
    try:
        for part in PARTS:
            if (source / part).is_dir():
                shutil.copytree(source / part, dest / part, ignore=ignore)
            else:
                shutil.copy2(source / part, dest / part)
        text = (dest / "catalog.yml").read_text(encoding="utf-8")
        builtin_version = re.search(r"^version:\s*(\S+)", text, re.MULTILINE)
        text = re.sub(r"^name:.*$", f"name: {name}", text, count=1, flags=re.MULTILINE)
        text = re.sub(r"^version:.*$", f"version: {FIRST_VERSION}", text, count=1, flags=re.MULTILINE)
        (dest / "catalog.yml").write_text(text, encoding="utf-8")
        (dest / "templates" / "CHANGELOG.md").write_text(
            CHANGELOG.format(
                name=name, version=FIRST_VERSION, source=builtin_version.group(1) if builtin_version else ""
            ),
            encoding="utf-8",
        )
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    return dest
