"""Regenerate the sample data shipped in the templates (run by template maintainers, not rendered).

    python templates/base/make_sample_data.py

Writes, deterministically (fixed seed, no clock):
- templates/base/{{cookiecutter.project_slug}}/data/sample/customers.csv (200 labelled rows)
- templates/batch/{{cookiecutter.project_slug}}/data/sample/score_input_2026-01-01.csv (60 rows, no
  label), the batch job's input for one date.

Churn is drawn from a logistic function of the features (short tenure, high charges and many
support calls churn more), so a model trained on the sample learns a real, testable signal.
The files are committed; this script only documents how they were made. Do not add a random or
time-dependent value to them: a rendered project must be a pure function of the answers.
"""

from __future__ import annotations

import csv
import math
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE.parent
SLUG_DIR = "{{cookiecutter.project_slug}}"
CUSTOMERS = TEMPLATES / "base" / SLUG_DIR / "data" / "sample" / "customers.csv"
SCORE_INPUT = TEMPLATES / "batch" / SLUG_DIR / "data" / "sample" / "score_input_2026-01-01.csv"
FEATURES = ["tenure_months", "monthly_charges", "support_calls"]
START = datetime(2025, 12, 1, tzinfo=timezone.utc)


def features(rng: random.Random) -> dict[str, float]:
    calls_weights = [30, 25, 18, 12, 7, 4, 2, 1, 1]
    return {
        "tenure_months": rng.randint(1, 72),
        "monthly_charges": round(rng.uniform(18.0, 120.0), 2),
        "support_calls": rng.choices(range(len(calls_weights)), weights=calls_weights)[0],
    }


def churn_probability(row: dict[str, float]) -> float:
    logit = (
        -0.6
        - 0.06 * row["tenure_months"]
        + 0.025 * (row["monthly_charges"] - 65.0)
        + 0.55 * row["support_calls"]
    )
    return 1.0 / (1.0 + math.exp(-logit))


def iso(moment: datetime) -> str:
    return moment.isoformat()


def main() -> None:
    rng = random.Random(20260101)
    rows = []
    for i in range(200):
        row = {"customer_id": 1001 + i, "event_timestamp": iso(START + timedelta(hours=3 * i))}
        row.update(features(rng))
        row["churned"] = int(rng.random() < churn_probability(row))
        rows.append(row)
    write(CUSTOMERS, ["customer_id", "event_timestamp", *FEATURES, "churned"], rows)

    scoring_day = datetime(2026, 1, 1, tzinfo=timezone.utc)
    score_rows = []
    for customer_id in sorted(rng.sample(range(1001, 1201), 60)):
        row = {"customer_id": customer_id, "event_timestamp": iso(scoring_day)}
        row.update(features(rng))
        score_rows.append(row)
    write(SCORE_INPUT, ["customer_id", "event_timestamp", *FEATURES], score_rows)
    churned = sum(r["churned"] for r in rows)
    print(f"{CUSTOMERS}: {len(rows)} rows, {churned} churned; {SCORE_INPUT}: {len(score_rows)} rows")


def write(path: Path, columns: list[str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
