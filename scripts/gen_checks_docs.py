"""Write docs/checks.md from the check registry (mlgolden/checks/), so the page never drifts.

python scripts/gen_checks_docs.py           # rewrite docs/checks.md
python scripts/gen_checks_docs.py --check   # exit 1 when docs/checks.md is stale (CI, tests)
"""

from __future__ import annotations

import sys
from pathlib import Path

from mlgolden.catalog import open_catalog
from mlgolden.checks import docs_markdown

PAGE = Path(__file__).resolve().parents[1] / "docs" / "checks.md"


def page() -> str:
    """The page: the registry's docstrings, and which built-in components declare each check."""
    declared: dict[str, list[str]] = {}
    with open_catalog() as catalog:
        for name, component in catalog.spec.components.items():
            for check in component.checks:
                declared.setdefault(check, []).append(name)
    return docs_markdown(declared)


def main(argv: list[str]) -> int:
    wanted = page()
    if "--check" in argv:
        current = PAGE.read_text(encoding="utf-8") if PAGE.is_file() else ""
        if current != wanted:
            print(f"{PAGE} is stale: run python scripts/gen_checks_docs.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(wanted, encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
