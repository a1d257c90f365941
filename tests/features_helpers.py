"""Helpers of the tests/test_features_*.py tests: generated projects of different teams that
register into ONE shared registry with the real Feast (in its own venv, tests/tools/feast_steps.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import generate_project, require_tool, tool_python
from tests.matrix.conftest import TOOLS, run

# The sample data is dated 2026-01-01 and later; materialise a window that holds all of it.
WINDOW = ["--start", "2020-01-01T00:00:00+00:00", "--end", "2027-01-01T00:00:00+00:00"]


def feast_python() -> str:
    return require_tool("Feast venv", tool_python("feast") or "", "run scripts/setup-ci-tools.sh")


def team_project(out: Path, name: str, team: str, classification: str = "internal", **sets: str) -> Path:
    """`mlgolden new --no-input` of a batch-prediction project called ``name`` owned by ``team``."""
    out.mkdir(parents=True, exist_ok=True)
    values = {"owner_team": team, "data_classification": classification, "gpu": "false", **sets}
    return generate_project(out, "batch-prediction", values, "--name", name)


def register(
    repo: Path, registry: str, *argvs: list[str], work: Path, expect: list[int] | None = None
) -> list[dict]:
    """Run `python features/register.py ARGV` for each argv in one Feast process against
    ``registry``; each step must exit with ``expect[i]`` (default 0). Returns the step results."""
    steps = [{"registry": registry, "argv": argv} for argv in argvs]
    work.mkdir(parents=True, exist_ok=True)
    (work / "steps.json").write_text(json.dumps(steps))
    out = work / "results.json"
    run(
        [feast_python(), str(TOOLS / "feast_steps.py"), str(repo), str(work / "steps.json"), str(out)],
        cwd=repo,
    )
    results = json.loads(out.read_text())
    for argv, result, code in zip(argvs, results, expect or [0] * len(argvs), strict=True):
        assert result["code"] == code, f"register.py {argv} exited {result['code']}, not {code}:\n{result}"
    return results
