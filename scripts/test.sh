#!/usr/bin/env bash
# The single test command, locally and on CI (.ci/run execs it):
#
#   bash scripts/test.sh [PYTEST ARGS...]     e.g.  bash scripts/test.sh -k live-service
#
# 1. installs mlgolden with its test extra (editable), 2. installs and starts the tools of the
# matrix tests (scripts/setup-ci-tools.sh: Docker engine, base images, Airflow and Feast venvs,
# Groovy, PostgreSQL binaries), 3. runs the whole suite with pytest on 2 xdist workers, each
# matrix entry's checks on one worker (--dist loadgroup). Idempotent: a second run reuses the
# venvs, the base image tarball and the caches under ~/.cache/mlgolden-ci. A Docker engine this
# script started is stopped at the end; one that was already running is left alone.
# Environment: PYTHON (default python3), MLGOLDEN_TEST_WORKERS (default 2; 0 = no xdist).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
WORKERS=${MLGOLDEN_TEST_WORKERS:-2}
started=$SECONDS
say() { printf '[test.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

say "pip install -e '.[test]'"
# (The machine's pip configuration names local indexes that may be absent: drop those warnings.)
"$PYTHON" -m pip install -q --disable-pip-version-check -e '.[test]' 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
# uv (test extra) may have landed next to this python rather than on PATH.
PATH="$(dirname "$("$PYTHON" -c 'import sys; print(sys.executable)')"):$PATH"
export PATH

docker_was_up=0
bash scripts/setup-ci-tools.sh status && docker_was_up=1
envfile=$(bash scripts/setup-ci-tools.sh start)
# shellcheck disable=SC1090
source "$envfile"
if [ "$docker_was_up" = 0 ]; then
    trap 'bash scripts/setup-ci-tools.sh stop' EXIT
fi
say "tools ready after $((SECONDS - started)) s; running pytest"

xdist=()
if [ "$WORKERS" != 0 ]; then xdist=(-n "$WORKERS" --dist loadgroup); fi
set +e
"$PYTHON" -m pytest "${xdist[@]}" --durations=25 "$@"
rc=$?
set -e
say "pytest exited $rc after $((SECONDS - started)) s in all"
if [ "$rc" = 5 ]; then
    echo "error: pytest collected no tests; the suite is broken" >&2
    exit 1
fi
exit "$rc"
