"""Shared fixtures: the sample data shipped in data/sample/ and a model trained on it once."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import model

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"


@pytest.fixture(autouse=True)
def isolated_model_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own (empty) MODEL_PATH, so no test reads or writes models/."""
    path = tmp_path / "models" / "model.joblib"
    monkeypatch.setenv(model.MODEL_PATH_ENV, str(path))
    return path


@pytest.fixture(scope="session")
def sample_csv() -> Path:
    return SAMPLE_DIR / "customers.csv"


@pytest.fixture(scope="session")
def trained_model_file(tmp_path_factory: pytest.TempPathFactory, sample_csv: Path) -> Path:
    """A model trained on the sample data, saved once for the whole session."""
    return model.save(model.train(sample_csv), tmp_path_factory.mktemp("model") / "model.joblib")


@pytest.fixture
def model_env(monkeypatch: pytest.MonkeyPatch, trained_model_file: Path) -> Path:
    """Point MODEL_PATH at the trained model."""
    monkeypatch.setenv(model.MODEL_PATH_ENV, str(trained_model_file))
    return trained_model_file
