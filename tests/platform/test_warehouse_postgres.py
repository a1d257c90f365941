"""The batch job's warehouse writer against a real PostgreSQL server: the `ci` environment of a
platform file the test writes, selected at run time by MLGOLDEN_ENV, with the password only as a
${VAR} reference. Predictions are read back from the table; a re-run of the same date leaves the
same row count and keeps the other dates."""

from __future__ import annotations

import sys

import pytest
import yaml

from tests.matrix.conftest import run, tool_env

pytestmark = pytest.mark.slow

WRITE = r"""
import sys
from datetime import date
import pandas as pd
from {package} import environment, warehouse

assert environment.name() == "ci", environment.name()
frame = pd.DataFrame({{
    "customer_id": [1, 2, 3], "churn_probability": [0.1, 0.7, 0.4], "prediction": [0, 1, 0],
    "model_version": ["v-test"] * 3, "scored_at": ["2026-01-01T03:00:00+00:00"] * 3,
}})
day = date.fromisoformat(sys.argv[1])
print(warehouse.write(frame.head(int(sys.argv[2])), "scores.churn", day))
"""


def test_batch_predictions_land_in_the_postgres_warehouse_idempotently(
    tmp_path, postgres, feast_python, matrix_home
):
    postgres.create_database("warehouse")
    store = {
        "type": "postgres",
        "host": "127.0.0.1",
        "port": postgres.port,
        "database": "warehouse",
        "user": postgres.user,
        "password": "${CI_WAREHOUSE_PASSWORD}",
    }
    platform = tmp_path / "platform.yml"
    platform.write_text(yaml.safe_dump({"environments": {"ci": {"warehouse": store}}}))
    out = tmp_path / "out"
    env = tool_env(HOME=str(matrix_home), GIT_CONFIG_GLOBAL=str(matrix_home / ".gitconfig"))
    run(
        [sys.executable, "-m", "mlgolden", "new", "--no-input", "--pattern", "batch-prediction",
         "--output-dir", str(out), "--platform", str(platform)],
        env=env,
    )  # fmt: skip
    (repo,) = [p for p in out.iterdir() if p.is_dir()]
    (package,) = [p.name for p in (repo / "src").iterdir() if (p / "environment.py").is_file()]
    script = tmp_path / "write.py"
    script.write_text(WRITE.format(package=package))
    runtime = tool_env(
        MLGOLDEN_ENV="ci", CI_WAREHOUSE_PASSWORD="unused-by-trust-auth", PYTHONPATH=str(repo / "src")
    )

    def write(day: str, rows: int) -> None:
        assert run(
            [feast_python, str(script), day, str(rows)], env=runtime, cwd=tmp_path
        ).stdout.strip() == str(rows)

    def count(where: str = "") -> int:
        return int(postgres.query("warehouse", f"SELECT COUNT(*) FROM scores.churn {where}").strip())

    write("2026-01-01", 3)
    write("2026-01-02", 2)
    assert count() == 5
    write("2026-01-01", 3)  # a re-run of the date replaces its rows
    assert count("WHERE run_date = '2026-01-01'") == 3
    write("2026-01-01", 1)
    assert count("WHERE run_date = '2026-01-01'") == 1 and count() == 3, "other dates are kept"
    row = postgres.query(
        "warehouse", "SELECT model_version, run_date FROM scores.churn ORDER BY run_date LIMIT 1"
    )
    assert row.strip() == "v-test|2026-01-01"
    missing = tool_env(MLGOLDEN_ENV="ci", PYTHONPATH=str(repo / "src"))
    missing.pop("CI_WAREHOUSE_PASSWORD", None)
    proc = run([feast_python, str(script), "2026-01-03", "1"], env=missing, cwd=tmp_path, check=False)
    assert proc.returncode != 0 and "CI_WAREHOUSE_PASSWORD is not set" in proc.stderr
