"""Archive the built-in catalog's current template version into mlgolden/releases/.

Run this before bumping `version` in catalog.yml, so projects generated with the outgoing version
can always be re-rendered by `mlgolden upgrade` (and validated). The archive is deterministic:
sorted entries, zero timestamps and owners, so re-running it gives identical bytes.

    python scripts/release-template.py
"""

from __future__ import annotations

import gzip
import io
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("catalog.yml", "platform.yml", "patterns", "templates")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    import yaml

    version = str(yaml.safe_load((ROOT / "catalog.yml").read_text())["version"])
    dest = ROOT / "mlgolden" / "releases" / f"{version}.tar.gz"
    archive_tree(ROOT, dest)
    print(f"archived template version {version} to {dest.relative_to(ROOT)}")
    return 0


def archive_tree(root: Path, dest: Path) -> None:
    """Write the catalog parts of ``root`` to ``dest``, deterministically."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for part in PARTS:
            base = root / part
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
    with gzip.GzipFile(filename="", mode="wb", fileobj=dest.open("wb"), mtime=0) as out:
        out.write(buffer.getvalue())


if __name__ == "__main__":
    raise SystemExit(main())
