"""Regenerate the sample feature table shipped in the features template (maintainers only, not rendered).

    /opt/venvs/feast/bin/python templates/features/make_customer_features.py   # needs pyarrow

Reads the base template's sample data (templates/base/.../data/sample/customers.csv, made by
templates/base/make_sample_data.py) and writes
templates/features/{{cookiecutter.project_slug}}/data/features/customer_features.parquet with the
columns customer_id, event_timestamp, tenure_months, monthly_charges, support_calls, created: the
same customers and feature values as the training data (no label), so the online features of a
customer are the ones the model was trained on. `created` is event_timestamp + 5 minutes (when the
row landed in the offline store). Deterministic: no clock, no randomness; the file is committed.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

TEMPLATES = Path(__file__).resolve().parent.parent
SLUG_DIR = "{{cookiecutter.project_slug}}"
CUSTOMERS = TEMPLATES / "base" / SLUG_DIR / "data" / "sample" / "customers.csv"
OUT = TEMPLATES / "features" / SLUG_DIR / "data" / "features" / "customer_features.parquet"


def main() -> None:
    with CUSTOMERS.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    stamps = [datetime.fromisoformat(r["event_timestamp"]) for r in rows]
    ts = pa.timestamp("us", tz="UTC")
    table = pa.table(
        {
            "customer_id": pa.array([int(r["customer_id"]) for r in rows], pa.int64()),
            "event_timestamp": pa.array(stamps, ts),
            "tenure_months": pa.array([int(r["tenure_months"]) for r in rows], pa.int64()),
            "monthly_charges": pa.array([float(r["monthly_charges"]) for r in rows], pa.float64()),
            "support_calls": pa.array([int(r["support_calls"]) for r in rows], pa.int64()),
            "created": pa.array([s + timedelta(minutes=5) for s in stamps], ts),
        }
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, OUT, compression="snappy", store_schema=False)
    print(f"{OUT}: {table.num_rows} rows, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
