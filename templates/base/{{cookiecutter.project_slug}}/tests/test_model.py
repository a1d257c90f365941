"""The model learns the churn signal in the sample data and round-trips through joblib."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import model

RISKY = {"tenure_months": 2, "monthly_charges": 110.0, "support_calls": 6}
LOYAL = {"tenure_months": 70, "monthly_charges": 25.0, "support_calls": 0}


def test_sample_data_matches_the_contract(sample_csv: Path) -> None:
    data = pd.read_csv(sample_csv)
    assert list(data.columns) == ["customer_id", "event_timestamp", *model.FEATURES, "churned"]
    assert len(data) == 200
    assert data["customer_id"].is_unique
    assert set(data["churned"]) == {0, 1}
    assert pd.to_datetime(data["event_timestamp"], utc=True).notna().all()


def test_training_learns_a_real_signal(sample_csv: Path) -> None:
    trained = model.train(sample_csv)
    assert trained.metrics["rows"] == 200
    assert trained.metrics["train_roc_auc"] > 0.8
    data = pd.read_csv(sample_csv)
    churn_rate = data["churned"].mean()
    assert trained.metrics["train_accuracy"] > max(churn_rate, 1 - churn_rate)


def test_risky_customers_score_higher_than_loyal_ones(sample_csv: Path) -> None:
    trained = model.train(sample_csv)
    risky, loyal = trained.predict_proba([RISKY, LOYAL])
    assert 0.0 <= loyal < 0.5 <= risky <= 1.0
    assert trained.predict([RISKY, LOYAL]).tolist() == [1, 0]


def test_training_is_deterministic(sample_csv: Path) -> None:
    first, second = model.train(sample_csv), model.train(sample_csv)
    assert first.version == second.version
    assert first.version.startswith("0.1.0+")
    data = pd.read_csv(sample_csv)
    np.testing.assert_array_equal(first.predict_proba(data), second.predict_proba(data))


def test_predict_accepts_a_dict_dicts_or_a_dataframe(trained_model_file: Path) -> None:
    trained = model.load(trained_model_file)
    one = trained.predict_proba(RISKY)
    many = trained.predict_proba([RISKY, LOYAL])
    frame = trained.predict_proba(pd.DataFrame([RISKY, LOYAL]).assign(customer_id=[1, 2]))
    assert one.shape == (1,)
    assert one[0] == pytest.approx(many[0])
    np.testing.assert_allclose(many, frame)
    assert trained.predict_proba([]).shape == (0,)


def test_predict_rejects_missing_or_bad_features(trained_model_file: Path) -> None:
    trained = model.load(trained_model_file)
    with pytest.raises(ValueError, match="support_calls"):
        trained.predict_proba({"tenure_months": 1, "monthly_charges": 2.0})
    with pytest.raises(ValueError, match="monthly_charges"):
        trained.predict_proba({**RISKY, "monthly_charges": "lots"})


def test_save_and_load_round_trip(sample_csv: Path, tmp_path: Path) -> None:
    trained = model.train(sample_csv)
    path = model.save(trained, tmp_path / "nested" / "model.joblib")
    loaded = model.load(path)
    assert loaded.version == trained.version
    assert loaded.predict_proba(RISKY) == pytest.approx(trained.predict_proba(RISKY))


def test_model_path_env_is_honoured(isolated_model_path: Path, sample_csv: Path) -> None:
    assert model.model_path() == isolated_model_path
    with pytest.raises(FileNotFoundError, match="model train"):
        model.load()
    loaded = model.load_or_train(data=sample_csv)
    assert isolated_model_path.is_file()
    assert model.load().version == loaded.version


def test_train_cli_writes_the_model(
    sample_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cli" / "model.joblib"
    assert model.main(["train", "--data", str(sample_csv), "--out", str(out)]) == 0
    assert out.is_file()
    assert "trained model 0.1.0+" in capsys.readouterr().out
    assert model.load(out).predict([RISKY]).tolist() == [1]


def test_a_model_trained_by_the_cli_process_loads_here(sample_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "model.joblib"
    command = [sys.executable, "-m", model.__name__, "train", "--data", str(sample_csv)]
    subprocess.run([*command, "--out", str(out)], check=True, capture_output=True)
    assert model.load(out).version == model.train(sample_csv).version


def test_load_refuses_a_file_that_is_not_a_model(tmp_path: Path) -> None:
    path = tmp_path / "other.joblib"
    joblib.dump({"something": "else"}, path)
    with pytest.raises(TypeError, match="does not hold a model"):
        model.load(path)


def test_training_refuses_unlabelled_data(tmp_path: Path) -> None:
    unlabelled = tmp_path / "unlabelled.csv"
    pd.DataFrame([RISKY, LOYAL]).to_csv(unlabelled, index=False)
    with pytest.raises(ValueError, match="churned"):
        model.train(unlabelled)
