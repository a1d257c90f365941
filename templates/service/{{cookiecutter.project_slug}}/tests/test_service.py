"""The service over HTTP (FastAPI's TestClient): health, readiness, typed predictions, bad input."""

from __future__ import annotations

from collections.abc import Iterator
{%- if 'features' in cookiecutter.components %}
from functools import lru_cache
{%- endif %}
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

{% if 'features' in cookiecutter.components -%}
from {{ cookiecutter.package_name }} import model, online_features, service
{%- else -%}
from {{ cookiecutter.package_name }} import model, service
{%- endif %}

RISKY = {"tenure_months": 2, "monthly_charges": 110.0, "support_calls": 6}
LOYAL = {"tenure_months": 70, "monthly_charges": 25.0, "support_calls": 0}


@pytest.fixture
def client(model_env: Path) -> Iterator[TestClient]:
    with TestClient(service.create_app()) as client:  # runs the lifespan: loads the model
        yield client


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_503_before_and_200_after_the_model_is_loaded(model_env: Path) -> None:
    client = TestClient(service.create_app())
    before = client.get("/readyz")  # the lifespan has not run: no model yet
    assert before.status_code == 503
    assert before.json()["model_version"] is None
    assert client.post("/predict", json={"customer_id": 1, "features": RISKY}).status_code == 503

    with client:  # start-up loads the model from MODEL_PATH
        after = client.get("/readyz")
        assert after.status_code == 200
        assert after.json() == {"status": "ready", "model_version": model.load().version}


def test_without_a_model_the_service_is_alive_but_not_ready(isolated_model_path: Path) -> None:
    assert not isolated_model_path.exists()
    with TestClient(service.create_app()) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503


def test_predict_returns_a_typed_prediction(client: TestClient, model_env: Path) -> None:
    response = client.post("/predict", json={"customer_id": 1001, "features": RISKY})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"customer_id", "churn_probability", "prediction", "model_version"}
    prediction = service.PredictResponse.model_validate(body)
    trained = model.load(model_env)
    assert prediction.customer_id == 1001
    assert prediction.churn_probability == pytest.approx(trained.predict_proba(RISKY)[0])
    assert prediction.prediction == 1
    assert prediction.model_version == trained.version


def test_loyal_customers_are_predicted_to_stay(client: TestClient) -> None:
    response = client.post("/predict", json={"customer_id": 1002, "features": LOYAL})
    assert response.status_code == 200
    assert response.json()["prediction"] == 0
    assert response.json()["churn_probability"] < 0.5


@pytest.mark.parametrize(
    "payload",
    [
        {"features": RISKY},
        {"customer_id": "abc", "features": RISKY},
        {"customer_id": 0, "features": RISKY},
        {"customer_id": 1, "features": {"tenure_months": 3}},
        {"customer_id": 1, "features": {**RISKY, "support_calls": -1}},
        {"customer_id": 1, "features": {**RISKY, "monthly_charges": "lots"}},
        {"customer_id": 1, "features": {**RISKY, "unknown": 1}},
    ],
    ids=["no-id", "text-id", "zero-id", "missing", "negative", "text", "extra"],
)
def test_bad_input_is_422(client: TestClient, payload: dict) -> None:
    response = client.post("/predict", json=payload)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_missing_features_come_from_the_online_store(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []

    def from_store(customer_id: int) -> dict[str, float]:
        asked.append(customer_id)
        return {name: float(value) for name, value in RISKY.items()}

{%- if 'features' in cookiecutter.components %}

    monkeypatch.setattr(online_features, "get_online_features", from_store)
    app = service.app
{%- else %}

    app = service.create_app(feature_lookup=from_store)
{%- endif %}
    with TestClient(app) as online:
        without = online.post("/predict", json={"customer_id": 1001})
        null = online.post("/predict", json={"customer_id": 1002, "features": None})
    given = client.post("/predict", json={"customer_id": 1001, "features": RISKY})

    assert asked == [1001, 1002]
    assert without.status_code == null.status_code == 200
    assert without.json() == given.json()
    assert null.json()["customer_id"] == 1002


def test_a_customer_without_online_features_is_404(model_env: Path) -> None:
    app = service.create_app(feature_lookup=lambda customer_id: None)
    with TestClient(app) as online:
        response = online.post("/predict", json={"customer_id": 4242})
    assert response.status_code == 404
    assert "4242" in response.json()["detail"]


def test_a_failing_feature_store_is_503(model_env: Path) -> None:
    def broken(customer_id: int) -> dict[str, float]:
        raise ConnectionError("store down")

    with TestClient(service.create_app(feature_lookup=broken)) as online:
        response = online.post("/predict", json={"customer_id": 1001})
        metrics = online.get("/metrics").text
    assert response.status_code == 503
    assert "online_store_unavailable_total 1" in metrics
    assert "online_features_missing_total 0" in metrics
{%- if 'features' in cookiecutter.components %}


def test_an_unreachable_online_store_is_503_not_404(
    model_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real lookup: a store that cannot answer raises; it never looks like a missing id."""

    @lru_cache(maxsize=1)
    def database_stopped() -> None:
        raise ConnectionError("connection refused")

    monkeypatch.setattr(online_features, "_store", database_stopped)
    with pytest.raises(online_features.FeatureStoreUnavailable, match="connection refused"):
        online_features.get_online_features(1001)
    with TestClient(service.create_app()) as online:
        response = online.post("/predict", json={"customer_id": 1001})
    assert response.status_code == 503
    assert "unavailable" in response.json()["detail"]
{%- endif %}
