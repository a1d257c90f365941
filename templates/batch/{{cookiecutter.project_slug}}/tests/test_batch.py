"""The batch job trains on the sample, scores a dated input and writes well-formed predictions."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import batch, model

DAY = date(2026, 1, 1)
RISKY = {"tenure_months": 2, "monthly_charges": 110.0, "support_calls": 6}
LOYAL = {"tenure_months": 70, "monthly_charges": 25.0, "support_calls": 0}


@pytest.fixture
def score_input(sample_csv: Path) -> Path:
    return sample_csv.parent / "score_input_2026-01-01.csv"


def check_predictions(predictions: pd.DataFrame, customer_ids: list[int], version: str) -> None:
    assert list(predictions.columns) == batch.COLUMNS
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
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert not isolated_model_path.exists()
    argv = ["score", "--date", "2026-01-01", "--input", str(score_input)]
    argv += ["--output", str(tmp_path / "out"), "--customers", str(sample_csv)]

    assert batch.main(argv) == 0

    assert isolated_model_path.is_file(), "the job trains and saves a model when there is none"
    written = tmp_path / "out" / "date=2026-01-01" / "predictions.csv"
    assert written.is_file()
    assert "scored 60 customers of 2026-01-01" in capsys.readouterr().out
    inputs = pd.read_csv(score_input)
    predictions = pd.read_csv(written)
    assert len(predictions) == len(inputs) == 60
    check_predictions(predictions, inputs["customer_id"].tolist(), model.load().version)


def test_without_an_input_it_scores_the_latest_features_known_by_the_date(
    model_env: Path, sample_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no data/sample/score_input_<date>.csv here
    result = batch.run(date(2025, 12, 10), customers=sample_csv, output_dir=tmp_path / "out")

    # The sample has one customer every 3 hours from 2025-12-01: 80 by the end of 2025-12-10.
    customers = pd.read_csv(sample_csv)
    known = customers[pd.to_datetime(customers["event_timestamp"]) < "2025-12-11T00:00:00Z"]
    assert len(known) == 80
    assert "latest features by 2025-12-10" in result.source
    check_predictions(
        pd.read_csv(result.path), known["customer_id"].tolist(), model.load(model_env).version
    )


def test_a_scheduled_run_of_any_later_date_scores_every_customer(
    model_env: Path, sample_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = batch.run(date(2026, 3, 1), customers=sample_csv, output_dir=tmp_path)
    assert result.path == tmp_path / "date=2026-03-01" / "predictions.csv"
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
    model_env: Path, tmp_path: Path
) -> None:
    customers = pd.DataFrame([{"customer_id": 7, **RISKY}, {"customer_id": 8, **LOYAL}])
    source = tmp_path / "input.csv"
    customers.to_csv(source, index=False)
    scored_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

    result = batch.run(DAY, source, tmp_path / "out", scored_at=scored_at)

    assert result.path == tmp_path / "out" / "date=2026-01-01" / "predictions.csv"
    written = pd.read_csv(result.path)
    assert written["prediction"].tolist() == [1, 0]
    assert written["scored_at"].tolist() == ["2026-01-02T03:04:05+00:00"] * 2
    assert result.model_version == model.load(model_env).version


def test_a_rerun_replaces_the_predictions_of_the_date(
    model_env: Path, score_input: Path, tmp_path: Path
) -> None:
    first = batch.run(DAY, score_input, tmp_path)
    second = batch.run(DAY, score_input, tmp_path)
    assert first.path == second.path
    assert len(pd.read_csv(second.path)) == 60
    assert [p.name for p in second.path.parent.iterdir()] == ["predictions.csv"]


def test_an_empty_input_writes_an_empty_file_with_the_columns(
    model_env: Path, tmp_path: Path
) -> None:
    source = tmp_path / "empty.csv"
    source.write_text("customer_id," + ",".join(model.FEATURES) + "\n")
    result = batch.run(DAY, source, tmp_path / "out")
    assert list(pd.read_csv(result.path).columns) == batch.COLUMNS
    assert result.predictions.empty


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
        batch.run(DAY, source, tmp_path / "out")


def test_output_table_comes_from_the_answers_unless_overridden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answered = {{ cookiecutter.output_table | py_str }}  # noqa: E501  # fmt: skip
    monkeypatch.delenv("OUTPUT_TABLE", raising=False)
    assert batch.output_table() == answered
    monkeypatch.setenv("OUTPUT_TABLE", "other.table")
    assert batch.output_table() == "other.table"
