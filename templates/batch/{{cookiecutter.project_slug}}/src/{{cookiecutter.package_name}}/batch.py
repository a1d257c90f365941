"""The batch job: score the input of one date and write its predictions.

    python -m {{ cookiecutter.package_name }}.batch score --date 2026-01-01
        [--input PATH] [--output DIR] [--train-data PATH]

It reads data/sample/score_input_<date>.csv unless --input says otherwise (a CSV with
`customer_id` and the model's feature columns), trains a model on the sample data first when
there is none at $MODEL_PATH, and writes <DIR>/date=<date>/predictions.csv, DIR being
data/output/predictions by default. On the platform the predictions are loaded into OUTPUT_TABLE.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from .model import DEFAULT_DATA, THRESHOLD, ChurnModel, load_or_train

OUTPUT_TABLE = {{ cookiecutter.output_table | py_str }}  # noqa: E501  # fmt: skip
COLUMNS = ["customer_id", "churn_probability", "prediction", "model_version", "scored_at"]
DEFAULT_INPUT_DIR = Path("data/sample")
DEFAULT_OUTPUT_DIR = Path("data/output/predictions")


def input_path_for(day: date, input_dir: Path = DEFAULT_INPUT_DIR) -> Path:
    return input_dir / f"score_input_{day.isoformat()}.csv"


def output_path_for(day: date, output_dir: Path = DEFAULT_OUTPUT_DIR) -> Path:
    return output_dir / f"date={day.isoformat()}" / "predictions.csv"


def score(frame: pd.DataFrame, model: ChurnModel, scored_at: datetime) -> pd.DataFrame:
    """One prediction per input row, in the input's order, with the columns COLUMNS."""
    if "customer_id" not in frame.columns:
        raise ValueError("the input has no customer_id column")
    probabilities = model.predict_proba(frame)
    return pd.DataFrame(
        {
            "customer_id": frame["customer_id"].astype("int64").to_numpy(),
            "churn_probability": probabilities.round(6),
            "prediction": (probabilities >= THRESHOLD).astype("int64"),
            "model_version": model.version,
            "scored_at": scored_at.astimezone(timezone.utc).isoformat(timespec="seconds"),
        },
        columns=COLUMNS,
    )


def run(
    day: date,
    input_path: Path | None = None,
    output_dir: Path = DEFAULT_OUTPUT_DIR,
    train_data: Path = DEFAULT_DATA,
    scored_at: datetime | None = None,
) -> tuple[Path, pd.DataFrame]:
    """Score the input of `day` and write the predictions; returns their path and the frame."""
    source = input_path or input_path_for(day)
    if not source.is_file():
        raise FileNotFoundError(f"no input for {day.isoformat()} at {source}")
    model = load_or_train(data=train_data)
    predictions = score(pd.read_csv(source), model, scored_at or datetime.now(timezone.utc))
    target = output_path_for(day, output_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    predictions.to_csv(partial, index=False)
    partial.replace(target)  # readers never see a half-written file; a re-run replaces it
    return target, predictions


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-01") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}.batch", description="Score the input of one date."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    score_cmd = commands.add_parser("score", help="score the input of one date")
    score_cmd.add_argument(
        "--date", type=iso_date, required=True, help="the date to score (YYYY-MM-DD)"
    )
    score_cmd.add_argument(
        "--input", type=Path, default=None, help="input CSV (default: the sample of the date)"
    )
    score_cmd.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT_DIR, help="output directory"
    )
    score_cmd.add_argument(
        "--train-data", type=Path, default=DEFAULT_DATA, help="training CSV, used if no model"
    )
    args = parser.parse_args(argv)

    try:
        target, predictions = run(args.date, args.input, args.output, args.train_data)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    version = predictions["model_version"].iloc[0] if len(predictions) else "-"
    print(
        f"scored {len(predictions)} rows of {args.date.isoformat()} with model {version} "
        f"-> {target} (table {OUTPUT_TABLE})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
