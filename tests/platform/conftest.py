"""The platform in a box: the matrix's tools (PostgreSQL, the Docker engine, the Feast venv) as the
shared services of a `ci` environment. The fixtures are the matrix's own (tests/matrix/conftest.py)."""

from tests.matrix.conftest import (  # noqa: F401 - fixtures re-used by this folder's tests
    docker,
    feast_python,
    matrix_home,
    once,
    postgres,
    render,
)
