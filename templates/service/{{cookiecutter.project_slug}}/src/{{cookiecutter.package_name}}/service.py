"""The prediction service: FastAPI with /healthz, /readyz and a typed /predict.

    uvicorn {{ cookiecutter.package_name }}.service:app --host 0.0.0.0 --port 8080
    python -m {{ cookiecutter.package_name }}.service    # the same, on $HOST:$PORT

The model is loaded from $MODEL_PATH at start-up (see model.py); /readyz answers 200 only once it
is loaded, 503 before. A /predict request without features gets them from the online feature
store{% if 'features' in cookiecutter.components %} ({{ cookiecutter.package_name }}.online_features){% endif %}.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import DESCRIPTION, __version__
from .model import FEATURES, THRESHOLD, ChurnModel, load

log = logging.getLogger(__name__)

FeatureLookup = Callable[[int], dict[str, Any] | None]


class Features(BaseModel):
    """The model's input features of one customer."""

    model_config = ConfigDict(extra="forbid")

    tenure_months: int = Field(ge=0, description="Months since the customer joined")
    monthly_charges: float = Field(ge=0, description="Current monthly charges")
    support_calls: int = Field(ge=0, description="Calls to support in the last period")


class PredictRequest(BaseModel):
    """A customer, with their features or without them (then read from the online store)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer_id": 1001,
                    "features": {"tenure_months": 3, "monthly_charges": 99.5, "support_calls": 4},
                },
                {"customer_id": 1001, "features": None},
            ]
        },
    )

    customer_id: int = Field(gt=0)
    features: Features | None = None


class PredictResponse(BaseModel):
    customer_id: int
    churn_probability: float = Field(ge=0, le=1)
    prediction: int = Field(ge=0, le=1, description="1: predicted to churn")
    model_version: str


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    model_version: str | None = None


def online_feature_lookup(customer_id: int) -> dict[str, Any] | None:
    """The customer's features from the online feature store, or None if it has none."""
{%- if 'features' in cookiecutter.components %}
    from . import online_features  # looked up at call time: Feast is imported only when needed

    return online_features.get_online_features(customer_id)
{%- else %}
    return None  # this project has no online feature store: requests must carry features
{%- endif %}


def create_app(
    model_loader: Callable[[], ChurnModel] = load,
    feature_lookup: FeatureLookup | None = None,
) -> FastAPI:
    """The application; tests pass their own model loader or feature lookup."""
    lookup = feature_lookup or online_feature_lookup

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            app.state.model = model_loader()
            log.info("loaded model %s", app.state.model.version)
        except Exception as exc:  # stay up (alive, not ready) so that the cause can be seen
            log.error("no model loaded, /readyz answers 503: %s", exc)
        yield
        app.state.model = None

    app = FastAPI(
        title="{{ cookiecutter.project_slug }}",
        description=DESCRIPTION,
        version=__version__,
        lifespan=lifespan,
    )
    app.state.model = None
    # Counted for /metrics: a store outage is an alert, a missing customer is not.
    app.state.counts = {"online_store_unavailable": 0, "online_features_missing": 0}

    def features_of(customer_id: int) -> dict[str, Any]:
        try:
            found = lookup(customer_id)
        except Exception as exc:  # the store could not answer: 503, never 404
            app.state.counts["online_store_unavailable"] += 1
            log.error("online feature store unavailable (customer %s): %s", customer_id, exc)
            raise HTTPException(503, "the online feature store is unavailable") from exc
        values = {name: (found or {}).get(name) for name in FEATURES}
        if any(value is None for value in values.values()):
            app.state.counts["online_features_missing"] += 1
            raise HTTPException(404, f"no online features for customer {customer_id}")
        try:
            return Features.model_validate(values).model_dump()
        except ValidationError as exc:
            log.error("bad online features for customer %s: %s", customer_id, exc)
            raise HTTPException(503, "the online feature store returned invalid features") from exc

    @app.get("/healthz")
    def healthz() -> Health:
        """Liveness: the process answers."""
        return Health(status="ok")

    @app.get("/metrics", response_class=PlainTextResponse)
    def metrics() -> str:
        """Counters in the Prometheus text format."""
        lines = []
        for name, value in app.state.counts.items():
            lines += [f"# TYPE {name}_total counter", f"{name}_total {value}"]
        return "\n".join(lines) + "\n"

    @app.get("/readyz", responses={503: {"model": Readiness, "description": "No model yet"}})
    def readyz(request: Request, response: Response) -> Readiness:
        """Readiness: 200 once the model is loaded, else 503."""
        model: ChurnModel | None = request.app.state.model
        if model is None:
            response.status_code = 503
            return Readiness(status="no model loaded")
        return Readiness(status="ready", model_version=model.version)

    @app.post(
        "/predict",
        responses={
            404: {"description": "No online features for the customer"},
            503: {"description": "Model not loaded, or the online feature store unavailable"},
        },
    )
    def predict(body: PredictRequest, request: Request) -> PredictResponse:
        """Churn probability of one customer."""
        model: ChurnModel | None = request.app.state.model
        if model is None:
            raise HTTPException(503, "the model is not loaded")
        if body.features is not None:
            features = body.features.model_dump()
        else:
            features = features_of(body.customer_id)
        probability = float(model.predict_proba(features)[0])
        return PredictResponse(
            customer_id=body.customer_id,
            churn_probability=probability,
            prediction=int(probability >= THRESHOLD),
            model_version=model.version,
        )

    return app


app = create_app()


def main() -> None:
    import uvicorn

    host = os.environ.get("HOST", "0.0.0.0")
    uvicorn.run(app, host=host, port=int(os.environ.get("PORT", "8080")))


if __name__ == "__main__":
    main()
