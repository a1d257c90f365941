"""Fixtures of the check tests: a private copy of a generated project to break."""

from __future__ import annotations

import pytest

from tests.helpers import copy_project


@pytest.fixture
def project(generated, tmp_path):
    """``project(pattern="live-service", **sets) -> Path``: a fresh copy of a generated project."""

    def make(pattern: str = "live-service", **sets: str):
        source = generated(pattern, sets or None)
        return copy_project(source, tmp_path / f"{pattern}-{len(list(tmp_path.iterdir()))}")

    return make
