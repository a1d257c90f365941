"""The Streamlit app driven like a user would (streamlit.testing's AppTest): fill the inputs,
click Predict, read what the page shows. Service mode talks to a tiny real HTTP server on
127.0.0.1 started by the test; local mode uses a model trained on the sample data."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from {{ cookiecutter.package_name }} import app_logic, model

APP = Path(__file__).resolve().parents[1] / "streamlit_app.py"
RISKY = {"tenure_months": 2, "monthly_charges": 110.0, "support_calls": 6}
LOYAL = {"tenure_months": 70, "monthly_charges": 25.0, "support_calls": 0}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INFERENCE_MODE", raising=False)
    monkeypatch.delenv("SERVICE_URL", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@contextmanager
def prediction_service(trained: model.ChurnModel, status: int = 200) -> Iterator[Any]:
    """A tiny prediction service on 127.0.0.1 that answers like the real one, recording requests."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append({"path": self.path, "json": request})
            probability = float(trained.predict_proba(request["features"])[0])
            answer = {
                "customer_id": request["customer_id"],
                "churn_probability": probability,
                "prediction": int(probability >= model.THRESHOLD),
                "model_version": f"served-{trained.version}",
            }
            data = json.dumps(answer if status == 200 else {"detail": "boom"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def start_app() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    assert not app.exception
    return app


def fill_in_and_predict(app: AppTest, customer_id: int, features: dict[str, float]) -> None:
    app.number_input(key="customer_id").set_value(customer_id)
    for name, value in features.items():
        app.number_input(key=name).set_value(value)
    app.button(key="predict").click().run()
    assert not app.exception


def test_the_page_asks_for_a_customer_and_shows_nothing_yet(model_env: Path) -> None:
    app = start_app()
    assert app.title[0].value == {{ cookiecutter.project_name | py_str }}
    keys = [widget.key for widget in app.number_input]
    assert keys == ["customer_id", "tenure_months", "monthly_charges", "support_calls"]
    assert app.button(key="predict").label == "Predict"
    assert not app.metric
    assert not app.error
{%- if cookiecutter.inference_mode == 'service' %}
    assert any("the service at" in text.value for text in app.markdown)
{%- else %}
    assert any("the local model" in text.value for text in app.markdown)
{%- endif %}


def test_local_mode_predicts_with_the_model(
    model_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFERENCE_MODE", "local")
    trained = model.load(model_env)
    app = start_app()

    fill_in_and_predict(app, 1001, RISKY)
    assert app.metric[0].value == f"{trained.predict_proba(RISKY)[0]:.1%}"
    assert app.warning[0].value == "Likely to churn"
    assert app.caption[-1].value == f"Model {trained.version}"

    fill_in_and_predict(app, 1002, LOYAL)
    assert app.metric[0].value == f"{trained.predict_proba(LOYAL)[0]:.1%}"
    assert app.success[0].value == "Likely to stay"
    assert not app.warning


def test_service_mode_posts_to_the_service_and_shows_its_answer(
    model_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trained = model.load(model_env)
    with prediction_service(trained) as (url, received):
        monkeypatch.setenv("INFERENCE_MODE", "service")
        monkeypatch.setenv("SERVICE_URL", url + "/")
        app = start_app()
        assert any(url in text.value for text in app.markdown)
        fill_in_and_predict(app, 1042, RISKY)

    assert received == [{"path": "/predict", "json": {"customer_id": 1042, "features": RISKY}}]
    assert app.metric[0].value == f"{trained.predict_proba(RISKY)[0]:.1%}"
    assert app.warning[0].value == "Likely to churn"
    assert app.caption[-1].value == f"Model served-{trained.version}"


def test_service_errors_are_shown_not_raised(
    model_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with prediction_service(model.load(model_env), status=500) as (url, received):
        monkeypatch.setenv("INFERENCE_MODE", "service")
        monkeypatch.setenv("SERVICE_URL", url)
        app = start_app()
        fill_in_and_predict(app, 1001, RISKY)

    assert len(received) == 1
    assert "answered 500" in app.error[0].value
    assert not app.metric


def test_an_unreachable_service_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a free port on which nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("INFERENCE_MODE", "service")
    monkeypatch.setenv("SERVICE_URL", f"http://127.0.0.1:{port}")
    app = start_app()
    fill_in_and_predict(app, 1001, RISKY)
    assert "could not be reached" in app.error[0].value


def test_an_unknown_mode_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFERENCE_MODE", "telepathy")
    app = start_app()
    assert "INFERENCE_MODE must be one of local, service" in app.error[0].value


def test_predict_service_parses_the_typed_response() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url == "http://svc.test/api/predict"
        assert json.loads(request.content) == {"customer_id": 7, "features": LOYAL}
        body = {"customer_id": 7, "churn_probability": 0.25, "prediction": 0, "model_version": "v"}
        return httpx.Response(200, json=body)

    result = app_logic.predict_service(
        7, LOYAL, "http://svc.test/api", transport=httpx.MockTransport(answer)
    )
    assert result == app_logic.Prediction(0.25, 0, "v")


def test_predict_service_refuses_an_unexpected_answer() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"oops": 1}))
    with pytest.raises(app_logic.PredictionError, match="unexpected answer"):
        app_logic.predict_service(7, LOYAL, "http://svc.test", transport=transport)
