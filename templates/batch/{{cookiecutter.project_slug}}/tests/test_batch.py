"""The batch job trains on the sample, scores a dated input and writes well-formed predictions."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import batch, model

DAY = date(2026, 1, 1)


@pytest.fixture
def score_input(sample_csv: Path) -> Path:
    return sample_csv.parent / "score_input_2026-01-01.csv"


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
    argv += ["--output", str(tmp_path / "out"), "--train-data", str(sample_csv)]

    assert batch.main(argv) == 0

    assert isolated_model_path.is_file(), "the job trains and saves a model when there is none"
    written = tmp_path / "out" / "date=2026-01-01" / "predictions.csv"
    assert written.is_file()
    assert "scored 60 rows of 2026-01-01 with model 0.1.0+" in capsys.readouterr().out

    inputs = pd.read_csv(score_input)
    predictions = pd.read_csv(written)
    assert list(predictions.columns) == batch.COLUMNS
    assert len(predictions) == len(inputs) == 60
    assert predictions["customer_id"].tolist() == inputs["customer_id"].tolist()
    assert predictions["churn_probability"].between(0, 1).all()
    assert set(predictions["prediction"]) <= {0, 1}
    expected = (predictions["churn_probability"] >= model.THRESHOLD).astype(int)
    assert predictions["prediction"].tolist() == expected.tolist()
    assert predictions["model_version"].nunique() == 1
    assert predictions["model_version"].iloc[0] == model.load().version
    scored_at = pd.to_datetime(predictions["scored_at"], utc=True)
    assert scored_at.notna().all()


def test_scores_with_the_existing_model_and_separates_risky_from_loyal(
    model_env: Path, tmp_path: Path
) -> None:
    customers = pd.DataFrame(
        [
            {"customer_id": 7, "tenure_months": 2, "monthly_charges": 110.0, "support_calls": 6},
            {"customer_id": 8, "tenure_months": 70, "monthly_charges": 25.0, "support_calls": 0},
        ]
    )
    source = tmp_path / "input.csv"
    customers.to_csv(source, index=False)
    scored_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

    target, predictions = batch.run(DAY, source, tmp_path / "out", scored_at=scored_at)

    assert target == tmp_path / "out" / "date=2026-01-01" / "predictions.csv"
    assert pd.read_csv(target)["prediction"].tolist() == [1, 0]
    assert predictions["model_version"].tolist() == [model.load(model_env).version] * 2
    assert predictions["scored_at"].tolist() == ["2026-01-02T03:04:05+00:00"] * 2


def test_a_rerun_replaces_the_predictions_of_the_date(
    model_env: Path, score_input: Path, tmp_path: Path
) -> None:
    first, _ = batch.run(DAY, score_input, tmp_path)
    second, _ = batch.run(DAY, score_input, tmp_path)
    assert first == second
    assert len(pd.read_csv(second)) == 60
    assert [p.name for p in second.parent.iterdir()] == ["predictions.csv"]


def test_missing_input_fails_clearly(
    model_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.csv"
    assert batch.main(["score", "--date", "2026-01-01", "--input", str(missing)]) == 1
    assert "no input for 2026-01-01" in capsys.readouterr().err


def test_a_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        batch.main(["score", "--date", "01/01/2026"])
    assert exit_info.value.code == 2
    assert "is not a date like 2026-01-01" in capsys.readouterr().err


def test_input_without_customer_id_is_refused(model_env: Path, tmp_path: Path) -> None:
    source = tmp_path / "input.csv"
    pd.DataFrame([{"tenure_months": 1, "monthly_charges": 2.0, "support_calls": 3}]).to_csv(
        source, index=False
    )
    with pytest.raises(ValueError, match="customer_id"):
        batch.run(DAY, source, tmp_path / "out")
