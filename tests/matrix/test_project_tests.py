"""Each generated repository's own checks pass: `make install` builds a fresh virtualenv with only
what the generated pyproject declares, then `make test` (pytest) and `make lint` (ruff) pass in it.

Installs go through the real Makefile (pip), with a pip cache shared across the session
(MLGOLDEN_CI_PIP_CACHE). GPU entries have the same Python code as the CPU ones; they run anyway.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import require_tool
from tests.matrix.conftest import Project, matrix_params, run, tool_env

pytestmark = pytest.mark.slow


def make_env() -> dict[str, str]:
    # No pytest/ruff state leaks in from the runner; the repo's venv comes only from `make install`.
    return tool_env(PYTHONDONTWRITEBYTECODE="1", MAKEFLAGS="")


@pytest.fixture
def installed(project: Project, once, tmp_path_factory) -> Path:
    """A fresh clone of the project after `make install` (its own .venv), once per entry."""

    def install() -> Path:
        make = require_tool("make")
        work = tmp_path_factory.mktemp("installed")
        repo = project.clone(work / project.slug)
        run([make, "install"], cwd=repo, env=make_env(), timeout=900, log=work / "install.log")
        assert (repo / ".venv" / "bin" / "python").exists(), "make install made no .venv"
        return repo

    return once(("installed", project.id), install)


@pytest.mark.parametrize("project", matrix_params("base"), indirect=True)
def test_make_install_gives_a_consistent_venv(project: Project, installed: Path):
    python = installed / ".venv" / "bin" / "python"
    run([str(python), "-m", "pip", "check"], cwd=installed)
    probe = run(
        [str(python), "-c", f"import {project.package}, sys; print(sys.prefix)"], cwd=installed
    ).stdout.strip()
    assert Path(probe).resolve() == (installed / ".venv").resolve()


@pytest.mark.parametrize("project", matrix_params("base"), indirect=True)
def test_make_test_passes(project: Project, installed: Path):
    proc = run([shutil.which("make") or "make", "test"], cwd=installed, env=make_env(), timeout=900)
    summary = proc.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "error" not in summary, summary


@pytest.mark.parametrize("project", matrix_params("base"), indirect=True)
def test_make_lint_passes(project: Project, installed: Path):
    run([shutil.which("make") or "make", "lint"], cwd=installed, env=make_env())
