"""The batch job trains on the sample, scores a dated input and writes well-formed predictions
to the environment's warehouse (local: a SQLite table), replacing the date's rows on a re-run."""

from __future__ import annotations

import io
import sqlite3
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import batch, environment, model, warehouse

DAY = date(2026, 1, 1)
RISKY = {"tenure_months": 2, "monthly_charges": 110.0, "support_calls": 6}
LOYAL = {"tenure_months": 70, "monthly_charges": 25.0, "support_calls": 0}


@pytest.fixture
def score_input(sample_csv: Path) -> Path:
    return sample_csv.parent / "score_input_2026-01-01.csv"


@pytest.fixture(autouse=True)
def warehouse_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The local environment's warehouse, in this test's own SQLite file."""
    path = tmp_path / "warehouse.db"
    monkeypatch.delenv(environment.ENV_VAR, raising=False)
    local = {
        **environment.ENVIRONMENTS["local"],
        "warehouse": {"type": "sqlite", "path": str(path)},
    }
    monkeypatch.setitem(environment.ENVIRONMENTS, "local", local)
    return path


def read_table(db: Path, table: str, day: date | None = None) -> pd.DataFrame:
    """The rows of `table` (of `day`) in the SQLite warehouse, ordered as written."""
    where, args = (" WHERE run_date = ?", (day.isoformat(),)) if day else ("", ())
    with sqlite3.connect(db) as connection:
        frame = pd.read_sql_query(
            f'SELECT * FROM "{table}"{where} ORDER BY rowid', connection, params=args
        )
    connection.close()
    return frame


def check_predictions(predictions: pd.DataFrame, customer_ids: list[int], version: str) -> None:
    assert set(batch.COLUMNS) <= set(predictions.columns)
    assert predictions["customer_id"].tolist() == customer_ids
    assert predictions["churn_probability"].between(0, 1).all()
    expected = (predictions["churn_probability"] >= model.THRESHOLD).astype(int)
    assert predictions["prediction"].tolist() == expected.tolist()
    assert set(predictions["model_version"]) == {version}
    assert pd.to_datetime(predictions["scored_at"], utc=True).notna().all()


def test_the_dated_sample_input_is_where_the_job_looks(score_input: Path) -> None:
    assert batch.input_path_for(DAY) == Path("data/sample/score_input_2026-01-01.csv")
    assert score_input.name == batch.input_path_for(DAY).name
    frame = pd.read_csv(score_input)
    assert "churned" not in frame.columns
    assert {"customer_id", *model.FEATURES} <= set(frame.columns)


def test_score_cli_trains_scores_and_writes_predictions(
    score_input: Path,
    sample_csv: Path,
    tmp_path: Path,
    isolated_model_path: Path,
    warehouse_db: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert not isolated_model_path.exists()
    argv = ["score", "--date", "2026-01-01", "--input", str(score_input)]
    argv += ["--customers", str(sample_csv), "--table", "scores.churn"]

    assert batch.main(argv) == 0

    assert isolated_model_path.is_file(), "the job trains and saves a model when there is none"
    out = capsys.readouterr().out
    assert "scored 60 customers of 2026-01-01" in out and "table scores.churn" in out
    inputs = pd.read_csv(score_input)
    predictions = read_table(warehouse_db, "scores.churn")
    assert len(predictions) == len(inputs) == 60
    check_predictions(predictions, inputs["customer_id"].tolist(), model.load().version)
    assert set(predictions["run_date"]) == {"2026-01-01"}
    assert not (tmp_path / "data" / "output").exists(), "nothing is written as a file in the pod"


def test_show_prints_what_a_run_wrote_as_csv(
    score_input: Path,
    sample_csv: Path,
    isolated_model_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    table = ["--table", "scores.churn"]
    assert batch.main(["show", "--date", "2026-01-01", *table]) == 1  # nothing written yet
    assert "error:" in capsys.readouterr().err
    argv = ["score", "--date", "2026-01-01", "--input", str(score_input)]
    assert batch.main([*argv, "--customers", str(sample_csv), *table]) == 0
    capsys.readouterr()

    assert batch.main(["show", "--date", "2026-01-01", *table]) == 0

    shown = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert sorted(shown["customer_id"]) == sorted(pd.read_csv(score_input)["customer_id"])
    assert set(shown["run_date"]) == {"2026-01-01"}
    assert batch.main(["show", "--date", "2026-01-02", *table]) == 1  # no rows for that date


def test_without_an_input_it_scores_the_latest_features_known_by_the_date(
    model_env: Path, sample_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no data/sample/score_input_<date>.csv here
    result = batch.run(date(2025, 12, 10), customers=sample_csv)

    # The sample has one customer every 3 hours from 2025-12-01: 80 by the end of 2025-12-10.
    customers = pd.read_csv(sample_csv)
    known = customers[pd.to_datetime(customers["event_timestamp"]) < "2025-12-11T00:00:00Z"]
    assert len(known) == 80
    assert "latest features by 2025-12-10" in result.source
    check_predictions(
        result.predictions, known["customer_id"].tolist(), model.load(model_env).version
    )


def test_a_scheduled_run_of_any_later_date_scores_every_customer(
    model_env: Path, sample_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = batch.run(date(2026, 3, 1), customers=sample_csv)
    assert result.table == batch.output_table()
    assert len(result.predictions) == 200


def test_a_date_before_any_data_fails_clearly(
    model_env: Path,
    sample_csv: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    argv = ["score", "--date", "2025-11-30", "--customers", str(sample_csv)]
    assert batch.main(argv) == 1
    assert "nothing to score for 2025-11-30" in capsys.readouterr().err


def test_scores_with_the_existing_model_and_separates_risky_from_loyal(
    model_env: Path, tmp_path: Path, warehouse_db: Path
) -> None:
    customers = pd.DataFrame([{"customer_id": 7, **RISKY}, {"customer_id": 8, **LOYAL}])
    source = tmp_path / "input.csv"
    customers.to_csv(source, index=False)
    scored_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

    result = batch.run(DAY, source, scored_at=scored_at)

    written = read_table(warehouse_db, result.table, DAY)
    assert written["prediction"].tolist() == [1, 0]
    assert written["scored_at"].tolist() == ["2026-01-02T03:04:05+00:00"] * 2
    assert result.model_version == model.load(model_env).version
    assert written["model_version"].tolist() == [result.model_version] * 2
    assert written["run_date"].tolist() == ["2026-01-01"] * 2


def test_a_rerun_replaces_the_predictions_of_the_date_and_keeps_other_dates(
    model_env: Path, score_input: Path, warehouse_db: Path
) -> None:
    other = batch.run(date(2026, 3, 1))
    first = batch.run(DAY, score_input)
    second = batch.run(DAY, score_input)
    assert first.table == second.table == other.table
    assert len(read_table(warehouse_db, second.table, DAY)) == 60
    assert len(read_table(warehouse_db, second.table, date(2026, 3, 1))) == 200
    assert len(read_table(warehouse_db, second.table)) == 260


def test_an_empty_input_replaces_the_date_with_no_rows(
    model_env: Path, tmp_path: Path, score_input: Path, warehouse_db: Path
) -> None:
    batch.run(DAY, score_input)
    source = tmp_path / "empty.csv"
    source.write_text("customer_id," + ",".join(model.FEATURES) + "\n")
    result = batch.run(DAY, source)
    assert result.predictions.empty
    written = read_table(warehouse_db, result.table)
    assert written.empty and list(written.columns) == list(warehouse.COLUMNS)


def test_a_table_name_that_is_not_dataset_table_is_refused(
    model_env: Path, score_input: Path
) -> None:
    with pytest.raises(ValueError, match="is not dataset.table"):
        batch.run(DAY, score_input, table='x"; DROP TABLE y; --')


def test_a_missing_input_fails_clearly(
    model_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.csv"
    assert batch.main(["score", "--date", "2026-01-01", "--input", str(missing)]) == 1
    assert f"no input at {missing}" in capsys.readouterr().err


def test_a_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        batch.main(["score", "--date", "01/01/2026"])
    assert exit_info.value.code == 2
    assert "is not a date like 2026-01-01" in capsys.readouterr().err


def test_input_without_customer_id_is_refused(model_env: Path, tmp_path: Path) -> None:
    source = tmp_path / "input.csv"
    pd.DataFrame([RISKY]).to_csv(source, index=False)
    with pytest.raises(ValueError, match="customer_id"):
        batch.run(DAY, source)


def test_output_table_comes_from_the_answers_unless_overridden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answered = {{ cookiecutter.output_table | py_str }}  # noqa: E501  # fmt: skip
    monkeypatch.delenv("OUTPUT_TABLE", raising=False)
    assert batch.output_table() == answered
    monkeypatch.setenv("OUTPUT_TABLE", "other.table")
    assert batch.output_table() == "other.table"
