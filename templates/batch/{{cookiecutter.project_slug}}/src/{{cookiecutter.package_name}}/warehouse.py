"""Write one run's predictions to the environment's warehouse, idempotently per run date.

    write(predictions, table="predictions.scores", run_date=date(2026, 1, 1)) -> rows written
    read(table="predictions.scores", run_date=date(2026, 1, 1)) -> that date's rows

The warehouse is the environment's (see environment.py): ``sqlite`` (local: a table in a SQLite
database file, e.g. data/warehouse.db), ``postgres`` (schema ``dataset``, table ``table``) or
``bigquery`` (``project.dataset.table``, partitioned by run_date). Each row carries its run_date
and model_version. A re-run of the same date replaces that date's rows, in one transaction (on
BigQuery: the date's partition is overwritten by one load job), so readers never see a half run.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from . import environment

# The columns of the table; run_date is the partition a re-run replaces.
COLUMNS = {
    "run_date": "DATE",
    "customer_id": "BIGINT",
    "churn_probability": "DOUBLE PRECISION",
    "prediction": "BIGINT",
    "model_version": "TEXT",
    "scored_at": "TEXT",
}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def split_table(table: str) -> tuple[str, str]:
    """``dataset.table`` -> (dataset, table); each part a plain SQL identifier."""
    parts = table.split(".")
    if len(parts) != 2 or not all(_NAME.match(part) for part in parts):
        raise ValueError(f"{table!r} is not dataset.table")
    return parts[0], parts[1]


def rows(predictions: pd.DataFrame, run_date: date) -> pd.DataFrame:
    frame = predictions.assign(run_date=run_date.isoformat())
    return frame[list(COLUMNS)]


def write(
    predictions: pd.DataFrame, table: str, run_date: date, config: dict[str, Any] | None = None
) -> int:
    """Replace ``run_date``'s rows of ``table`` with ``predictions``; the rows written."""
    config = config or environment.warehouse()
    dataset, name = split_table(table)
    frame = rows(predictions, run_date)
    kind = config["type"]
    if kind == "sqlite":
        _write_sqlite(frame, Path(config["path"]), f"{dataset}.{name}", run_date)
    elif kind == "postgres":
        _write_postgres(frame, config, dataset, name, run_date)
    elif kind == "bigquery":
        _write_bigquery(frame, config, dataset, name, run_date)
    else:
        raise ValueError(f"unknown warehouse type {kind!r}")
    return len(frame)


def _write_sqlite(frame: pd.DataFrame, path: Path, table: str, run_date: date) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = ", ".join(f'"{c}" {t}' for c, t in COLUMNS.items())
    with sqlite3.connect(path) as db:  # one transaction: committed on success, else rolled back
        db.execute(f'CREATE TABLE IF NOT EXISTS "{table}" ({columns})')
        db.execute(f'DELETE FROM "{table}" WHERE run_date = ?', (run_date.isoformat(),))
        marks = ", ".join("?" for _ in COLUMNS)
        db.executemany(
            f'INSERT INTO "{table}" VALUES ({marks})', frame.itertuples(index=False, name=None)
        )
    db.close()


def _write_postgres(
    frame: pd.DataFrame, config: dict[str, Any], schema: str, table: str, run_date: date
) -> None:
    import psycopg2  # in the image with Feast's postgres support

    connection = psycopg2.connect(
        host=config["host"],
        port=int(config.get("port", 5432)),
        dbname=config["database"],
        user=config["user"],
        password=config["password"],
        sslmode=config.get("sslmode", "prefer"),
        connect_timeout=10,
    )
    target = f'"{schema}"."{table}"'
    columns = ", ".join(f'"{c}" {t}' for c, t in COLUMNS.items())
    try:
        with connection, connection.cursor() as cursor:  # one transaction
            cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {target} ({columns})")
            cursor.execute(f"DELETE FROM {target} WHERE run_date = %s", (run_date,))
            marks = ", ".join("%s" for _ in COLUMNS)
            cursor.executemany(
                f"INSERT INTO {target} VALUES ({marks})",
                [tuple(row) for row in frame.itertuples(index=False, name=None)],
            )
    finally:
        connection.close()


def _write_bigquery(
    frame: pd.DataFrame, config: dict[str, Any], dataset: str, table: str, run_date: date
) -> None:
    from google.cloud import bigquery  # pip install "google-cloud-bigquery[pandas]"

    client = bigquery.Client(project=config["project"], location=config.get("location"))
    job_config = bigquery.LoadJobConfig(
        write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE,
        time_partitioning=bigquery.TimePartitioning(field="run_date"),
    )
    data = frame.assign(run_date=pd.to_datetime(frame["run_date"]).dt.date)
    # The date's partition is replaced whole by one load job: a re-run replaces, never appends.
    destination = f"{config['project']}.{dataset}.{table}${run_date:%Y%m%d}"
    client.load_table_from_dataframe(data, destination, job_config=job_config).result()


def read(table: str, run_date: date, config: dict[str, Any] | None = None) -> pd.DataFrame:
    """``run_date``'s rows of ``table`` (sqlite and postgres; BigQuery is read in BigQuery)."""
    config = config or environment.warehouse()
    dataset, name = split_table(table)
    kind = config["type"]
    if kind == "sqlite":
        path = Path(config["path"])
        if not path.is_file():
            raise ValueError(f"no warehouse at {path}: nothing was written yet")
        with sqlite3.connect(path) as db:
            query = f'SELECT * FROM "{dataset}.{name}" WHERE run_date = ? ORDER BY customer_id'
            frame = pd.read_sql_query(query, db, params=(run_date.isoformat(),))
        db.close()
        return frame
    if kind == "postgres":
        import psycopg2  # in the image with Feast's postgres support

        connection = psycopg2.connect(
            host=config["host"],
            port=int(config.get("port", 5432)),
            dbname=config["database"],
            user=config["user"],
            password=config["password"],
            sslmode=config.get("sslmode", "prefer"),
            connect_timeout=10,
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f'SELECT * FROM "{dataset}"."{name}" WHERE run_date = %s ORDER BY customer_id',
                    (run_date,),
                )
                names = [column[0] for column in cursor.description]
                return pd.DataFrame(cursor.fetchall(), columns=names)
        finally:
            connection.close()
    raise ValueError(f"reading a {kind} warehouse is done in {kind} itself, not here")
