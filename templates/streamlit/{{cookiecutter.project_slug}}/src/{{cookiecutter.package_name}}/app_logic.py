"""The Streamlit app's logic; streamlit_app.py only calls render().

Predictions come from one of two places, chosen when the project was generated and overridden by
the environment variable INFERENCE_MODE:
- "local": the model loaded in the app from $MODEL_PATH (trained on the sample data if missing);
- "service": POST <SERVICE_URL>/predict of the live prediction service (SERVICE_URL overrides the
  generated default).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import httpx
import streamlit as st

from . import DESCRIPTION
from .model import DEFAULT_DATA, THRESHOLD, ChurnModel, load_or_train, model_path

DEFAULT_INFERENCE_MODE = {{ cookiecutter.inference_mode | py_str }}
DEFAULT_SERVICE_URL = {{ cookiecutter.service_url | py_str }}  # noqa: E501  # fmt: skip
MODES = ("local", "service")
TIMEOUT_SECONDS = 10.0


class PredictionError(RuntimeError):
    """A prediction could not be made; the message is shown to the user."""


@dataclass(frozen=True)
class Prediction:
    churn_probability: float
    prediction: int
    model_version: str


def inference_mode() -> str:
    mode = (os.environ.get("INFERENCE_MODE") or DEFAULT_INFERENCE_MODE).strip().lower()
    if mode not in MODES:
        raise PredictionError(f"INFERENCE_MODE must be one of {', '.join(MODES)}, not {mode!r}")
    return mode


def service_url() -> str:
    return (os.environ.get("SERVICE_URL") or DEFAULT_SERVICE_URL).rstrip("/")


def predict_local(features: dict[str, Any], model: ChurnModel) -> Prediction:
    probability = float(model.predict_proba(features)[0])
    return Prediction(probability, int(probability >= THRESHOLD), model.version)


def predict_service(
    customer_id: int,
    features: dict[str, Any],
    url: str,
    transport: httpx.BaseTransport | None = None,
) -> Prediction:
    """Ask the live service; `transport` lets tests answer in-process."""
    payload = {"customer_id": customer_id, "features": features}
    try:
        with httpx.Client(base_url=url, timeout=TIMEOUT_SECONDS, transport=transport) as client:
            response = client.post("/predict", json=payload)
        response.raise_for_status()
        body = response.json()
        return Prediction(
            churn_probability=float(body["churn_probability"]),
            prediction=int(body["prediction"]),
            model_version=str(body["model_version"]),
        )
    except httpx.HTTPStatusError as exc:
        status = exc.response.status_code
        raise PredictionError(f"the service at {url} answered {status}") from exc
    except httpx.HTTPError as exc:
        raise PredictionError(f"the service at {url} could not be reached: {exc}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise PredictionError(f"the service at {url} sent an unexpected answer") from exc


@st.cache_resource(show_spinner="Loading the model...")
def cached_model(path: str, data: str) -> ChurnModel:
    return load_or_train(path, data)


def predict(customer_id: int, features: dict[str, Any]) -> Prediction:
    if inference_mode() == "service":
        return predict_service(customer_id, features, service_url())
    try:
        model = cached_model(str(model_path()), str(DEFAULT_DATA))
    except (OSError, ValueError, TypeError) as exc:
        raise PredictionError(f"the model could not be loaded: {exc}") from exc
    return predict_local(features, model)


def render() -> None:
    st.set_page_config(page_title="{{ cookiecutter.project_slug }}")
    st.title({{ cookiecutter.project_name | py_str }})
    st.caption(DESCRIPTION)
    try:
        mode = inference_mode()
    except PredictionError as exc:
        st.error(str(exc))
        return
    source = f"the service at {service_url()}" if mode == "service" else "the local model"
    st.write(f"Predictions come from {source}.")

    customer_id = st.number_input("Customer ID", min_value=1, value=1001, step=1, key="customer_id")
    features = {
        "tenure_months": st.number_input(
            "Tenure (months)", min_value=0, max_value=600, value=12, step=1, key="tenure_months"
        ),
        "monthly_charges": st.number_input(
            "Monthly charges", min_value=0.0, value=70.0, step=0.5, key="monthly_charges"
        ),
        "support_calls": st.number_input(
            "Support calls", min_value=0, max_value=100, value=1, step=1, key="support_calls"
        ),
    }
    if not st.button("Predict", type="primary", key="predict"):
        return
    try:
        result = predict(int(customer_id), features)
    except PredictionError as exc:
        st.error(str(exc))
        return
    st.metric("Churn probability", f"{result.churn_probability:.1%}")
    if result.prediction:
        st.warning("Likely to churn")
    else:
        st.success("Likely to stay")
    st.caption(f"Model {result.model_version}")
