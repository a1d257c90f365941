"""Usage errors, ours and click's own: one `error:` line, exit 2, naming the option typed."""

from __future__ import annotations

import pytest
import yaml

from tests.helpers import listing


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["new", "--bogus"], "error: no such option: --bogus"),
        (["upgrade", "-j0"], "error: -j: "),
        (["upgrade", "--jobs=40"], "error: --jobs: "),
        (["upgrade", "--jobs", "many"], "error: --jobs: "),
        (["nope"], "error: no such command 'nope'"),
        (["patterns", "show"], "error: missing argument"),
        (["validate", "--format", "xml"], "error: unknown format 'xml'"),
        (["new", "--no-input", "--set", "gpu"], "error: --set 'gpu' is not KEY=VALUE"),
        (["new", "--no-input", "-n", "random"], "error: --name: project_name: 'random' is a reserved"),
        (["new", "--no-input", "--set", "project_name=random"], "error: --set: project_name: 'random'"),
        (["new", "--no-input", "--set", "colour=blue"], "error: --set: unknown question 'colour'"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(cli, tmp_path, monkeypatch, args, expected):
    monkeypatch.chdir(tmp_path)
    result = cli(*args)
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].lower().startswith(expected.lower()), lines[0]
    assert "Error:" not in result.err and "Traceback" not in result.err
    assert listing(tmp_path) == []


def test_an_answer_that_does_not_apply_is_ignored_with_the_reason(cli, tmp_path):
    result = cli(
        "new",
        "--no-input",
        "-p",
        "streamlit-demo",
        "--set",
        "service_url=http://scorer:8080",
        "-o",
        str(tmp_path),
    )
    assert result.code == 0, result.err
    assert (
        "warning: --set service_url is ignored: it is asked only when inference_mode is service "
        "(here inference_mode is local)"
    ) in " ".join(result.err.split())
    manifest = (tmp_path / "churn-model" / ".mlgolden.yml").read_text()
    assert "service_url" not in manifest


def test_streamlit_demo_asks_no_gpu_for_a_remote_service(cli, tmp_path):
    result = cli(
        "new", "--no-input", "-p", "streamlit-demo", "--set", "inference_mode=service", "-o", str(tmp_path)
    )
    assert result.code == 0, result.err
    answers = yaml.safe_load((tmp_path / "churn-model" / ".mlgolden.yml").read_text())["answers"]
    assert "gpu" not in answers and "service_url" in answers
