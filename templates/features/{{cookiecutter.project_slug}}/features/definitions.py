"""Feast definitions: what this repo registers in the platform's shared feature store.

The platform has ONE Feast project shared by every repo, so every object here is named with
this repo's prefix (PREFIX + "_") and tagged with its owner; features/register.py applies
exactly the objects in OBJECTS and nothing else.
"""

from __future__ import annotations

from datetime import timedelta

from feast import Entity, FeatureService, FeatureView, Field, FileSource, ValueType
from feast.types import Float64, Int64

PREFIX = "{{ cookiecutter.package_name }}"
OWNER = {{ cookiecutter.project_slug|py_str }}
TEAM = {{ cookiecutter.owner_team|py_str }}
# Who owns every object below, in Feast's own `owner` field: the owning team and repository.
# features/register.py refuses to change an object whose owner is someone else.
OWNER_ID = f"{TEAM}/{OWNER}"
TAGS = {
    "owner": OWNER,
    "team": TEAM,
    "classification": {{ cookiecutter.data_classification|py_str }},
    "pattern": {{ cookiecutter.pattern|py_str }},
    "managed_by": "mlgolden",
}
DESCRIPTION = {{ cookiecutter.description|py_str }}  # noqa: E501  # fmt: skip

FEATURE_VIEW = f"{PREFIX}_customer_features"
FEATURE_SERVICE = f"{PREFIX}_service"
FEATURES = ["tenure_months", "monthly_charges", "support_calls"]

customer = Entity(
    name=f"{PREFIX}_customer",
    join_keys=["customer_id"],
    value_type=ValueType.INT64,
    description="A customer, keyed by customer_id.",
    tags=TAGS,
    owner=OWNER_ID,
)

# Relative to the project root (the store's repo_path). On the platform this would be a warehouse
# table; the sample parquet holds the customers and values of data/sample/customers.csv.
customer_features_source = FileSource(
    name=f"{PREFIX}_customer_features_source",
    path="data/features/customer_features.parquet",
    timestamp_field="event_timestamp",
    created_timestamp_column="created",
    description="Customer profile features (sample data).",
    tags=TAGS,
    owner=OWNER_ID,
)

customer_features = FeatureView(
    name=FEATURE_VIEW,
    entities=[customer],
    # Profile features change slowly; the long TTL also keeps the dated sample data materialisable.
    ttl=timedelta(days=3650),
    schema=[
        Field(name="tenure_months", dtype=Int64),
        Field(name="monthly_charges", dtype=Float64),
        Field(name="support_calls", dtype=Int64),
    ],
    online=True,
    source=customer_features_source,
    description=DESCRIPTION,
    tags=TAGS,
    owner=OWNER_ID,
)

churn_service = FeatureService(
    name=FEATURE_SERVICE,
    features=[customer_features],
    description=f"Features the {OWNER} model reads online.",
    tags=TAGS,
    owner=OWNER_ID,
)

# Everything this repo owns in the shared project, in dependency order.
OBJECTS = [customer, customer_features_source, customer_features, churn_service]
