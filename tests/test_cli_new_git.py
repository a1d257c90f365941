"""The first commit of `new`: the user's git identity when configured, else mlgolden's."""

from __future__ import annotations

from tests.helpers import git


def test_the_first_commit_is_the_users(cli, tmp_path):
    result = cli("new", "--no-input", "-o", str(tmp_path))
    assert result.code == 0, result.err
    project = tmp_path / "churn-model"
    assert git(project, "log", "-1", "--format=%an <%ae>").strip() == "Test User <test@example.com>"
    head = git(project, "rev-parse", "HEAD").strip()
    assert f"commit {head[:8]})" in result.out


def test_without_an_identity_the_first_commit_is_mlgoldens(cli, tmp_path, monkeypatch):
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    for var in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(var, raising=False)
    result = cli("new", "--no-input", "-o", str(tmp_path / "out"))
    assert result.code == 0, result.err
    project = tmp_path / "out" / "churn-model"
    assert git(project, "log", "-1", "--format=%an <%ae>").strip() == "mlgolden <mlgolden@localhost>"
    assert git(project, "status", "--porcelain") == ""
