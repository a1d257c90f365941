"""Fixtures of the matrix tests: every generated repository checked with the real tools.

Each matrix entry (tests/helpers.py MATRIX) is rendered once per pytest session (per xdist worker)
with the real CLI, as a git repository; each check works on its own `git clone` of it, so checks
never see each other's leftovers. Tools come from scripts/setup-ci-tools.sh, whose environment file
($MLGOLDEN_CI_ENV, default ~/.cache/mlgolden-ci/ci.env) is read here once, at import, for the
variables the caller has not set. PostgreSQL is started here, once per session, as a non-root user.
See docs/matrix.md.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.helpers import MATRIX, matrix_id, require_tool

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOLS = REPO_ROOT / "tests" / "tools"
CI_DIR = REPO_ROOT / "ci"
SETUP_HINT = "run `bash scripts/setup-ci-tools.sh` (or `bash scripts/test.sh`)"


def _ci_env_file() -> Path:
    if os.environ.get("MLGOLDEN_CI_ENV"):
        return Path(os.environ["MLGOLDEN_CI_ENV"])
    cache = os.environ.get("MLGOLDEN_CI_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mlgolden-ci"
    )
    return Path(cache) / "ci.env"


def _load_ci_env() -> None:
    """Read the `export K=V` lines of the setup script's environment file (at import: before any
    test's HOME isolation); variables already set win."""
    path = _ci_env_file()
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        words = shlex.split(line, comments=True)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            key, value = words[1].split("=", 1)
            if value:
                os.environ.setdefault(key, value)


_load_ci_env()


# --- the matrix --------------------------------------------------------------------------------


def _pattern_components() -> dict[str, list[str]]:
    from mlgolden.catalog import builtin_root  # noqa: PLC0415

    root = builtin_root() / "patterns"
    return {p.stem: yaml.safe_load(p.read_text())["components"] for p in sorted(root.glob("*.yml"))}


COMPONENTS = _pattern_components()


def matrix_params(component: str | None = None, *, pattern: str | None = None) -> list:
    """pytest params (pattern, sets) of the matrix entries whose pattern has `component`, each in
    its own xdist group so that one worker renders, installs and builds an entry once."""
    params = []
    for pat, sets in MATRIX:
        if component and component not in COMPONENTS.get(pat, []):
            continue
        if pattern and pat != pattern:
            continue
        mid = matrix_id(pat, sets)
        params.append(pytest.param((pat, sets), id=mid, marks=pytest.mark.xdist_group(mid)))
    return params


@dataclass
class Project:
    """A generated repository (a git repo) and what it was generated from."""

    id: str
    pattern: str
    sets: dict[str, str]
    path: Path
    answers: dict = field(default_factory=dict)
    platform: dict = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.path.name

    @property
    def package(self) -> str:
        (pkg,) = [p.name for p in (self.path / "src").iterdir() if (p / "__init__.py").exists()]
        return pkg

    @property
    def components(self) -> list[str]:
        return COMPONENTS[self.pattern]

    @property
    def gpu(self) -> bool:
        return self.sets.get("gpu") == "true"

    def clone(self, dest: Path) -> Path:
        """A fresh clone of the generated repository (what a developer gets from git)."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        run(["git", "clone", "--quiet", str(self.path), str(dest)])
        return dest


def tool_env(**extra: str) -> dict[str, str]:
    """The environment for the tools: no trace of the test runner's virtualenv."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "VIRTUAL_ENV",
            "PYTHONPATH",
            "PYTHONHOME",
            "PYTEST_ADDOPTS",
            "PYTEST_CURRENT_TEST",
            "PYTEST_XDIST_WORKER",
            "COV_CORE_SOURCE",
        }
    }
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    if os.environ.get("MLGOLDEN_CI_PIP_CACHE"):
        env["PIP_CACHE_DIR"] = os.environ["MLGOLDEN_CI_PIP_CACHE"]
    if os.environ.get("MLGOLDEN_CI_UV_CACHE"):
        env["UV_CACHE_DIR"] = os.environ["MLGOLDEN_CI_UV_CACHE"]
    env.update(extra)
    return env


def run(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 900,
    check: bool = True,
    log: Path | None = None,
) -> subprocess.CompletedProcess:
    """Run a command; on failure the assertion shows the command and the end of its output."""
    start = time.monotonic()
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=env or tool_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    took = time.monotonic() - start
    if log:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(
            f"$ {shlex.join(cmd)}  (in {cwd}, {took:.1f} s, exit {proc.returncode})\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        )
    if check and proc.returncode != 0:
        tail = (proc.stdout[-4000:] + "\n--- stderr\n" + proc.stderr[-6000:]).strip()
        pytest.fail(
            f"`{shlex.join(cmd)}` (in {cwd}) exited {proc.returncode} after {took:.0f} s:\n{tail}",
            pytrace=False,
        )
    return proc


# --- rendering ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def matrix_home(tmp_path_factory) -> Path:
    """A HOME for the CLI and git: the real one is never touched, and git has an identity."""
    home = tmp_path_factory.mktemp("matrix-home")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Matrix CI\n\temail = matrix@example.com\n[init]\n\tdefaultBranch = main\n"
    )
    return home


@pytest.fixture(scope="session")
def render(tmp_path_factory, matrix_home):
    """render(pattern, sets, name=None) -> Project, through the real CLI, once per arguments."""
    cache: dict[tuple, Project] = {}
    root = tmp_path_factory.mktemp("rendered")

    def _render(pattern: str, sets: dict[str, str], name: str | None = None) -> Project:
        key = (pattern, tuple(sorted(sets.items())), name)
        if key in cache:
            return cache[key]
        mid = matrix_id(pattern, sets) + (f"-{name}" if name else "")
        out = root / mid
        args = [
            sys.executable,
            "-m",
            "mlgolden",
            "new",
            "--no-input",
            "--pattern",
            pattern,
            "--output-dir",
            str(out),
        ]
        for k, v in sets.items():
            args += ["--set", f"{k}={v}"]
        if name:
            args += ["--name", name]
        env = tool_env(
            HOME=str(matrix_home),
            GIT_CONFIG_GLOBAL=str(matrix_home / ".gitconfig"),
            GIT_CONFIG_NOSYSTEM="1",
            XDG_CONFIG_HOME=str(matrix_home / ".config"),
        )
        env.pop("MLGOLDEN_PLATFORM", None)
        run(args, env=env, cwd=root)
        (path,) = [p for p in out.iterdir() if p.is_dir()]
        manifest = yaml.safe_load((path / ".mlgolden.yml").read_text())
        project = Project(mid, pattern, dict(sets), path, manifest["answers"], manifest["platform"])
        cache[key] = project
        return project

    return _render


@pytest.fixture
def project(request, render) -> Project:
    """The matrix entry's rendered repository (parametrize indirectly with matrix_params())."""
    pattern, sets = request.param
    return render(pattern, sets)


@pytest.fixture(scope="session")
def once():
    """once(key, make) -> make(), computed once per session (per xdist worker).

    Per-entry work (install, image build, DagBag) is memoised here rather than in parametrized
    session fixtures: pytest keeps only one parameter of such a fixture alive and rebuilds it when
    the tests of different entries interleave, as they do under xdist. A failure is remembered
    too: the entry's other tests fail at once with the same message instead of redoing the work."""
    results: dict = {}

    def _once(key, make):
        if key not in results:
            try:
                results[key] = (True, make())
            except pytest.skip.Exception:
                raise
            except BaseException as exc:
                results[key] = (False, f"{type(exc).__name__}: {exc}")
                raise
        ok, value = results[key]
        if not ok:
            pytest.fail(f"failed earlier in this session: {value}", pytrace=False)
        return value

    return _once


@pytest.fixture(scope="session")
def all_projects(render) -> list[Project]:
    return [render(p, s) for p, s in MATRIX]


# --- tools from scripts/setup-ci-tools.sh ----------------------------------------------------------


@pytest.fixture(scope="session")
def uv() -> str:
    return require_tool("uv", hint="pip install uv (it is in mlgolden's test extra)")


@pytest.fixture(scope="session")
def airflow_python() -> str:
    return require_tool("Airflow venv", os.environ.get("MLGOLDEN_CI_AIRFLOW_PYTHON") or "", SETUP_HINT)


@pytest.fixture(scope="session")
def feast_python() -> str:
    return require_tool("Feast venv", os.environ.get("MLGOLDEN_CI_FEAST_PYTHON") or "", SETUP_HINT)


def _docker_socket() -> str:
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    return host.removeprefix("unix://") if host.startswith("unix://") else ""


@pytest.fixture(scope="session")
def docker() -> str:
    """The docker client, once a Docker engine answers on $DOCKER_HOST."""
    client = require_tool("docker")
    require_tool("Docker engine", _docker_socket(), SETUP_HINT)
    proc = subprocess.run(
        [client, "version", "--format", "{{.Server.Version}}"], capture_output=True, text=True, env=tool_env()
    )
    require_tool(
        "Docker engine",
        proc.returncode == 0 and bool(proc.stdout.strip()),
        f"{proc.stderr.strip()[:200]}; {SETUP_HINT}",
    )
    return client


# --- PostgreSQL, the shared Feast SQL registry ---------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Postgres:
    port: int
    user: str
    bindir: Path
    env: dict[str, str]

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        run(
            [str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name],
            env=self.env,
        )
        return self.url(name)

    def query(self, database: str, sql: str) -> str:
        return run(
            [
                str(self.bindir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                self.user,
                "-d",
                database,
                "-At",
                "-c",
                sql,
            ],
            env=self.env,
        ).stdout


def _pg_bindir() -> Path | None:
    candidates = [os.environ.get("MLGOLDEN_CI_PG_BIN", "")]
    if shutil.which("initdb"):
        candidates.append(str(Path(shutil.which("initdb")).resolve().parent))
    candidates += sorted(map(str, Path("/usr/lib/postgresql").glob("*/bin")), reverse=True)
    for c in candidates:
        if c and (Path(c) / "pg_ctl").exists() and (Path(c) / "initdb").exists():
            return Path(c)
    return None


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL server on 127.0.0.1 for this session, run as `nobody` when we are root
    (postgres refuses root), in a temp dir it owns; trust auth, user `feast`."""
    bindir = Path(require_tool("PostgreSQL (initdb, pg_ctl)", _pg_bindir() or "", SETUP_HINT))
    as_user: list[str] = []
    data = Path(tempfile.mkdtemp(prefix="mlgolden-pg-"))
    if os.geteuid() == 0:
        as_user = [require_tool("runuser"), "-u", "nobody", "--"]
        shutil.chown(data, "nobody")
    port = _free_port()
    env = tool_env(PGCONNECT_TIMEOUT="10")
    pgdata = data / "data"
    run(
        [
            *as_user,
            str(bindir / "initdb"),
            "-D",
            str(pgdata),
            "-U",
            "feast",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        ],
        env=env,
        cwd=data,
    )
    opts = f"-h 127.0.0.1 -p {port} -k {data} -c fsync=off -c full_page_writes=off"
    run(
        [
            *as_user,
            str(bindir / "pg_ctl"),
            "-D",
            str(pgdata),
            "-l",
            str(data / "postgres.log"),
            "-o",
            opts,
            "-w",
            "-t",
            "60",
            "start",
        ],
        env=env,
        cwd=data,
    )
    try:
        yield Postgres(port, "feast", bindir, env)
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "stop"],
            env=env,
            cwd=data,
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


# --- HTTP (stdlib only) -------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    text: str

    def json(self):
        import json  # noqa: PLC0415

        return json.loads(self.text)


def http(method: str, url: str, body: object = None, timeout: float = 30) -> Reply:
    """One HTTP request; connection errors raise OSError, HTTP errors are returned."""
    import json  # noqa: PLC0415
    import urllib.error  # noqa: PLC0415
    import urllib.request  # noqa: PLC0415

    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.read().decode())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, exc.read().decode())


def wait_until_ready(url: str, timeout: float, alive=lambda: True, why=lambda: "") -> None:
    """Poll url until it answers 200, while alive() holds; fail with why() otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if http("GET", url, timeout=3).status == 200:
                return
        except OSError:
            pass
        if not alive():
            pytest.fail(f"stopped before {url} answered:\n{why()}", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(f"{url} did not answer 200 within {timeout:.0f} s:\n{why()}", pytrace=False)
        time.sleep(0.3)
