"""Archive the built-in catalog's current template version into mlgolden/releases/.

Run this before bumping `version` in catalog.yml, so projects generated with the outgoing version
can always be re-rendered by `mlgolden upgrade` (and validated). The archive is deterministic:
sorted entries, zero timestamps and owners, so re-running it gives identical bytes.

    python scripts/release-template.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    import yaml

    from mlgolden.catalog_tools.release import archive_version

    version = str(yaml.safe_load((ROOT / "catalog.yml").read_text())["version"])
    dest = archive_version(ROOT, version)
    print(f"archived template version {version} to {dest.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
