from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import CliResult, invoke


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """No test sees the developer's HOME, git config, caches or platform override."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test User\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
    )
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("MLGOLDEN_PLATFORM", raising=False)
    return home


@pytest.fixture
def cli(capsys):
    def run(*args: str) -> CliResult:
        return invoke(capsys, *args)

    return run


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """Generated projects, rendered once per session and matrix entry with the real CLI:
    ``generated(pattern, sets=None) -> Path``. Tests copy one (helpers.copy_project) to break it."""
    from tests.helpers import generate_project  # noqa: PLC0415

    cache: dict[tuple, Path] = {}
    home = tmp_path_factory.mktemp("generated-home")
    (home / ".gitconfig").write_text("[user]\n\tname = Test User\n\temail = test@example.com\n")

    def get(pattern: str, sets: dict[str, str] | None = None) -> Path:
        key = (pattern, tuple(sorted((sets or {}).items())))
        if key not in cache:
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("HOME", str(home))
                patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
                patch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
                patch.delenv("MLGOLDEN_PLATFORM", raising=False)
                cache[key] = generate_project(tmp_path_factory.mktemp("generated"), pattern, sets)
        return cache[key]

    return get
