"""`mlgolden catalog release VERSION`: check, test, bump, commit and tag a catalog version.

Refused before anything is written: a folder that is not a git repository, uncommitted changes,
a version that is not newer than the current one, an existing tag, no changelog section for the
version. Then: (built-in catalog only) archive the outgoing version into mlgolden/releases/ →
bump ``version:`` in catalog.yml → `catalog check` → `catalog test` (the working tree, now at
VERSION, upgrading from the previous release) → commit → tag ``vVERSION``. When a check or a test
fails, the bump and the archive are undone: the repository is as it was.
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from mlgolden import gitops
from mlgolden.catalog import RELEASES_DIR, builtin_root, parse_version, version_key
from mlgolden.errors import OperationError, UsageError

ARCHIVED_PARTS = ("catalog.yml", "platform.yml", "patterns", "templates", "migrations")
VERSION_LINE = re.compile(r"^version:[ \t]*\S.*$", re.MULTILINE)


@dataclass
class ReleaseResult:
    folder: Path
    previous: str
    version: str
    commit: str
    tag: str
    archive: Path | None


def release_catalog(folder: Path, version: str, test_opts, progress=None) -> ReleaseResult:
    from mlgolden.catalog_tools.check import changelog_section  # noqa: PLC0415
    from mlgolden.loading import read_yaml  # noqa: PLC0415

    root = folder.expanduser().resolve()
    version = version.removeprefix("v")
    if parse_version(version) is None:
        raise UsageError(f"{version!r} is not a version like 1.2.0")
    if not (root / "catalog.yml").is_file():
        raise UsageError(f"{folder} is not a catalog (no catalog.yml)")
    if gitops.toplevel(root) != root:
        raise UsageError(
            f"{folder} is not the top of a git repository", hint="git init, commit, then release"
        )
    changed = gitops.worktree_changes(root)
    if changed:
        raise UsageError(
            f"catalog {root} has uncommitted changes ({changed[0]}"
            + (f" and {len(changed) - 1} more" if len(changed) > 1 else "")
            + ")",
            hint="commit them (with the changelog section) first",
        )
    previous = str(read_yaml(root / "catalog.yml", what="catalog file")["version"])
    tag = f"v{version}"
    if tag in gitops.list_tags(str(root)):
        raise UsageError(f"tag {tag} already exists in {root}")
    # a newer version, or the one catalog.yml already names when it was never released
    if parse_version(previous) is not None and version_key(version) < version_key(previous):
        raise UsageError(f"{version} is not newer than the catalog's version {previous}")
    if changelog_section(root, version) is None:
        raise UsageError(
            f"no changelog section for {version}",
            hint=f"add '## {version}' to templates/CHANGELOG.md saying what changes for projects, and commit",
        )

    builtin = root == builtin_root().resolve()
    archive = archive_version(root, previous) if builtin and previous != version else None
    catalog_yml = root / "catalog.yml"
    original = catalog_yml.read_text(encoding="utf-8")
    try:
        catalog_yml.write_text(VERSION_LINE.sub(f"version: {version}", original, count=1), encoding="utf-8")
        _prove(root, test_opts, progress)
    except BaseException:  # a failed check or test, or an interrupt: undo the bump and the archive
        catalog_yml.write_text(original, encoding="utf-8")
        if archive is not None:
            archive.unlink(missing_ok=True)
        raise
    identity = gitops.identity_env(root)
    gitops.run(root, "add", "--", "catalog.yml", *([str(archive.relative_to(root))] if archive else []))
    if gitops.run(root, "diff", "--cached", "--quiet", check=False).status != 0:  # not a first release
        gitops.run(root, "commit", "--quiet", "--no-verify", "-m", f"Release catalog {version}", env=identity)
    gitops.run(root, "tag", "--annotate", "-m", f"catalog {version}", "--", tag, env=identity)
    return ReleaseResult(root, previous, version, gitops.head(root), tag, archive)


def _prove(root: Path, test_opts, progress) -> None:
    from mlgolden.catalog_tools.check import check_catalog, summary  # noqa: PLC0415
    from mlgolden.catalog_tools.matrix import test_catalog, text_lines  # noqa: PLC0415

    checked = check_catalog(root)
    if not checked.ok:
        problems = " | ".join(summary(checked)[:-1][:5])
        raise OperationError(f"catalog check failed, nothing released: {problems}")
    tested = test_catalog(str(root), test_opts, progress)
    if not tested.ok:
        failed = [line.split("\n")[0] for line in text_lines(tested) if line.startswith("FAIL")]
        raise OperationError(f"catalog test failed, nothing released: {' | '.join(failed[:5])}")


def archive_version(root: Path, version: str) -> Path:
    """Archive the built-in catalog's outgoing ``version`` into mlgolden/releases/, so projects made
    with it can always be re-rendered. Deterministic: sorted entries, zero timestamps and owners."""
    dest = RELEASES_DIR / f"{version}.tar.gz"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for part in ARCHIVED_PARTS:
            base = root / part
            if not base.exists():
                continue
            paths = (
                [base]
                if base.is_file()
                else sorted(p for p in base.rglob("*") if "__pycache__" not in p.parts)
            )
            for path in paths:
                info = archive.gettarinfo(str(path), arcname=str(path.relative_to(root)))
                info.mtime = 0
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                if info.isfile():
                    with path.open("rb") as handle:
                        archive.addfile(info, handle)
                else:
                    archive.addfile(info)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        out.write(buffer.getvalue())
    return dest
