"""The churn model: train on a CSV, save and load it with joblib, predict churn probabilities.

    python -m {{ cookiecutter.package_name }}.model train [--data PATH] [--out PATH]

The model is a scikit-learn pipeline (standard scaling, then logistic regression) over FEATURES.
Its version is the package version plus a digest of the training data, so the same code trained
on the same data always reports the same version.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from . import __version__

FEATURES = ["tenure_months", "monthly_charges", "support_calls"]
TARGET = "churned"
THRESHOLD = 0.5
DEFAULT_DATA = Path("data/sample/customers.csv")
DEFAULT_MODEL_PATH = Path("models/model.joblib")
MODEL_PATH_ENV = "MODEL_PATH"

Rows = pd.DataFrame | Mapping[str, Any] | Iterable[Mapping[str, Any]]


def model_path() -> Path:
    """Where the model lives: $MODEL_PATH, else models/model.joblib (relative to the cwd)."""
    return Path(os.environ.get(MODEL_PATH_ENV) or DEFAULT_MODEL_PATH)


def to_frame(rows: Rows, features: list[str] = FEATURES) -> pd.DataFrame:
    """The feature columns of one row (a dict), many rows (dicts) or a DataFrame, as floats."""
    if isinstance(rows, pd.DataFrame):
        frame = rows
    elif isinstance(rows, Mapping):
        frame = pd.DataFrame([dict(rows)])
    else:
        frame = pd.DataFrame([dict(row) for row in rows])
    if frame.empty and not len(frame.columns):
        return pd.DataFrame({name: pd.Series(dtype=float) for name in features})
    missing = [name for name in features if name not in frame.columns]
    if missing:
        raise ValueError(f"missing feature column(s): {', '.join(missing)}")
    values = frame[features].apply(pd.to_numeric, errors="coerce").astype(float)
    bad = values.columns[values.isna().any()].tolist()
    if bad:
        raise ValueError(f"feature column(s) with empty or non-numeric values: {', '.join(bad)}")
    return values.reset_index(drop=True)


@dataclass
class ChurnModel:
    """A fitted pipeline with its version, features and training metrics."""

    pipeline: Pipeline
    version: str
    features: list[str] = field(default_factory=lambda: list(FEATURES))
    metrics: dict[str, float] = field(default_factory=dict)

    def predict_proba(self, rows: Rows) -> np.ndarray:
        """Churn probability (0..1) of each row."""
        frame = to_frame(rows, self.features)
        if frame.empty:
            return np.empty(0, dtype=float)
        return self.pipeline.predict_proba(frame)[:, 1]

    def predict(self, rows: Rows, threshold: float = THRESHOLD) -> np.ndarray:
        """1 where the churn probability reaches the threshold, else 0."""
        return (self.predict_proba(rows) >= threshold).astype(int)


def data_digest(csv_path: str | Path) -> str:
    return hashlib.sha256(Path(csv_path).read_bytes()).hexdigest()


def train(csv_path: str | Path = DEFAULT_DATA) -> ChurnModel:
    """Fit the model on a labelled CSV (FEATURES plus the 0/1 column `churned`)."""
    path = Path(csv_path)
    data = pd.read_csv(path)
    if TARGET not in data.columns:
        raise ValueError(f"{path}: no label column {TARGET!r}")
    features = to_frame(data)
    labels = data[TARGET].astype(int)
    if labels.nunique() != 2:
        raise ValueError(f"{path}: the label {TARGET!r} needs both classes (0 and 1)")
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(random_state=0))
    pipeline.fit(features, labels)
    probabilities = pipeline.predict_proba(features)[:, 1]
    metrics = {
        "rows": float(len(data)),
        "train_accuracy": float(accuracy_score(labels, probabilities >= THRESHOLD)),
        "train_roc_auc": float(roc_auc_score(labels, probabilities)),
    }
    version = f"{__version__}+{data_digest(path)[:12]}"
    return ChurnModel(pipeline=pipeline, version=version, metrics=metrics)


def save(model: ChurnModel, path: str | Path | None = None) -> Path:
    """Write the model; the file holds plain data and scikit-learn objects, not our classes, so
    it loads whatever module trained it (`python -m ...model train` runs as __main__)."""
    target = Path(path) if path else model_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "pipeline": model.pipeline,
        "version": model.version,
        "features": list(model.features),
        "metrics": dict(model.metrics),
    }
    joblib.dump(data, target)
    return target


def load(path: str | Path | None = None) -> ChurnModel:
    source = Path(path) if path else model_path()
    if not source.is_file():
        raise FileNotFoundError(
            f"no model at {source}; train one with `python -m {__package__}.model train`"
        )
    data = joblib.load(source)
    if not isinstance(data, dict) or not isinstance(data.get("pipeline"), Pipeline):
        raise TypeError(f"{source} does not hold a model saved by {__name__}.save")
    return ChurnModel(**data)


def load_or_train(path: str | Path | None = None, data: str | Path = DEFAULT_DATA) -> ChurnModel:
    """Load the saved model, or train one on `data` and save it first."""
    target = Path(path) if path else model_path()
    if not target.is_file():
        save(train(data), target)
    return load(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}.model", description="Train the churn model."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    train_cmd = commands.add_parser("train", help="train on a labelled CSV and save the model")
    train_cmd.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled CSV")
    train_cmd.add_argument("--out", type=Path, help="model file (default: $MODEL_PATH)")
    args = parser.parse_args(argv)

    model = train(args.data)
    target = save(model, args.out)
    print(
        f"trained model {model.version} on {int(model.metrics['rows'])} rows "
        f"(train ROC AUC {model.metrics['train_roc_auc']:.3f}) -> {target}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
