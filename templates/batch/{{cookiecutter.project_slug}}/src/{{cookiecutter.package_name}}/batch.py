"""The batch job: score the customers of one date and write their predictions to the warehouse.

    python -m {{ cookiecutter.package_name }}.batch score --date 2026-01-01
        [--input PATH] [--customers PATH] [--table DATASET.TABLE]
    python -m {{ cookiecutter.package_name }}.batch show --date 2026-01-01 [--table DATASET.TABLE]

What it scores, first found:
1. --input: a CSV with `customer_id` and the model's feature columns;
2. data/sample/score_input_<date>.csv, the input prepared for that date;
3. else each customer's latest features known by the end of the date (UTC), taken from the
   customer table (--customers, default data/sample/customers.csv): what a scheduled run of any
   date scores when nobody prepared an input for it.
It trains a model on the customer table first when there is none at $MODEL_PATH, and writes the
predictions to the table OUTPUT_TABLE ($OUTPUT_TABLE or --table override it) in the warehouse of
the environment ({{ cookiecutter.platform.environment_variable }}; local: a SQLite table in data/warehouse.db; see warehouse.py).
Each row carries the run date and the model version; a re-run of a date replaces that date's rows.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pandas as pd

from . import environment, warehouse
from .model import DEFAULT_DATA, TARGET, THRESHOLD, ChurnModel, load_or_train

OUTPUT_TABLE = {{ cookiecutter.output_table | py_str }}  # noqa: E501  # fmt: skip
COLUMNS = ["customer_id", "churn_probability", "prediction", "model_version", "scored_at"]
DEFAULT_INPUT_DIR = Path("data/sample")


@dataclass
class Run:
    """What a run scored (`source`), what it predicted and where it wrote it (`table`)."""

    table: str
    predictions: pd.DataFrame
    source: str
    model_version: str


def output_table() -> str:
    return os.environ.get("OUTPUT_TABLE") or OUTPUT_TABLE


def input_path_for(day: date, input_dir: Path = DEFAULT_INPUT_DIR) -> Path:
    return input_dir / f"score_input_{day.isoformat()}.csv"


def snapshot(customers_csv: Path, day: date) -> pd.DataFrame:
    """Each customer's latest row with an event_timestamp before the end of `day` (UTC)."""
    data = pd.read_csv(customers_csv)
    stamps = pd.to_datetime(data["event_timestamp"], utc=True)
    end_of_day = pd.Timestamp(datetime.combine(day + timedelta(days=1), time(), timezone.utc))
    known = data.assign(_stamp=stamps)[stamps < end_of_day]
    latest = known.sort_values(["customer_id", "_stamp"]).groupby("customer_id").tail(1)
    latest = latest.drop(columns=["_stamp", TARGET], errors="ignore")
    return latest.sort_values("customer_id").reset_index(drop=True)


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


def load_input(day: date, input_path: Path | None, customers: Path) -> tuple[pd.DataFrame, str]:
    if input_path is not None:
        if not input_path.is_file():
            raise FileNotFoundError(f"no input at {input_path}")
        return pd.read_csv(input_path), str(input_path)
    dated = input_path_for(day)
    if dated.is_file():
        return pd.read_csv(dated), str(dated)
    frame = snapshot(customers, day)
    if frame.empty:
        raise ValueError(
            f"nothing to score for {day.isoformat()}: no {dated}, and no customer in "
            f"{customers} has features from before the end of that day"
        )
    return frame, f"latest features by {day.isoformat()} in {customers}"


def run(
    day: date,
    input_path: Path | None = None,
    customers: Path = DEFAULT_DATA,
    scored_at: datetime | None = None,
    table: str | None = None,
) -> Run:
    """Score the customers of `day` and replace that date's rows of the warehouse table."""
    frame, source = load_input(day, input_path, customers)
    model = load_or_train(data=customers)
    predictions = score(frame, model, scored_at or datetime.now(timezone.utc))
    target = table or output_table()
    warehouse.write(predictions, target, day)
    return Run(target, predictions, source, model.version)


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-01") from None


def show(day: date, table: str | None = None) -> int:
    """Print `day`'s rows of the warehouse table as CSV (header first): what a run wrote."""
    try:
        frame = warehouse.read(table or output_table(), day)
    except (ValueError, environment.ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    frame.to_csv(sys.stdout, index=False)
    return 0 if len(frame) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}.batch", description="Score the customers of one date."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    score_cmd = commands.add_parser("score", help="score the customers of one date")
    score_cmd.add_argument("--date", type=iso_date, required=True, help="YYYY-MM-DD")
    score_cmd.add_argument("--input", type=Path, help="input CSV (default: see the module doc)")
    score_cmd.add_argument(
        "--table", help="dataset.table (default: $OUTPUT_TABLE, else OUTPUT_TABLE)"
    )
    score_cmd.add_argument(
        "--customers", type=Path, default=DEFAULT_DATA, help="customer table (training, snapshot)"
    )
    show_cmd = commands.add_parser("show", help="print one date's predictions as CSV")
    show_cmd.add_argument("--date", type=iso_date, required=True, help="YYYY-MM-DD")
    show_cmd.add_argument("--table", help="dataset.table (default: as for score)")
    args = parser.parse_args(argv)
    if args.command == "show":
        return show(args.date, args.table)

    try:
        result = run(args.date, args.input, args.customers, table=args.table)
    except (FileNotFoundError, ValueError, environment.ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"scored {len(result.predictions)} customers of {args.date.isoformat()} "
        f"({result.source}) with model {result.model_version} -> table {result.table} "
        f"of the {environment.name()} warehouse"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
