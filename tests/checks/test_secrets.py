"""secrets: detect-secrets plus our own rules over every file git would commit."""

from __future__ import annotations

import json
import shutil

import pytest

from mlgolden.checks.base import Outcome
from mlgolden.checks.secrets import own_rules
from tests.helpers import findings, status_of, validate_only

# Built from pieces so that this test file does not itself hold a credential.
AWS_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
PEM = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----\n"
SERVICE_ACCOUNT = json.dumps(
    {
        "type": "service_account",
        "project_id": "acme-ml-dev",
        "private_key_id": "0" * 40,
        "private_key": "-----BEGIN " + "PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----\\n",
        "client_email": "deployer@acme-ml-dev.iam.gserviceaccount.com",
    },
    indent=2,
)


def test_a_fresh_project_has_no_secrets(project):
    validation = validate_only(project(), "secrets")
    assert status_of(validation, "secrets") == "passed", findings(validation, "secrets")


def test_an_aws_key_in_a_config_file_is_caught_with_its_line(project):
    repo = project()
    (repo / "config").mkdir()
    (repo / "config" / "settings.yaml").write_text(
        f"region: eu-west-1\naws_access_key_id: {AWS_KEY_ID}\naws_secret_access_key: {AWS_SECRET}\n"
    )
    validation = validate_only(repo, "secrets")
    assert status_of(validation, "secrets") == "failed"
    messages = findings(validation, "secrets")
    assert (
        "error config/settings.yaml:2 an AWS access key ID is committed: remove it and rotate it" in messages
    )
    assert (
        "error config/settings.yaml:3 an AWS secret access key is committed: remove it and rotate it"
        in messages
    )
    assert len(messages) == 2  # detect-secrets' findings on the same lines are not repeated


@pytest.mark.parametrize(
    ("name", "content", "rule"),
    [
        ("deploy/key.pem", PEM, "private-key"),
        ("sa.json", SERVICE_ACCOUNT, "gcp-service-account"),
        ("src/settings.py", f'AWS_KEY = "{AWS_KEY_ID}"\n', "aws-access-key"),
        ("src/db.py", 'DB_PASSWORD = "correct horse battery staple"\n', "assigned-secret"),
        ("config.yaml", "api_token: 'CHANGE_ME_NOW'\n", "assigned-secret"),
        (".env.example", "export FEAST_SECRET=HUNTER_TWO\n", "assigned-secret"),
    ],
    ids=["pem", "service-account", "aws-key-id", "passphrase", "upper-snake", "env-line"],
)
def test_our_rules(name, content, rule):
    out = Outcome()
    own_rules(out, name, content)
    assert [f.rule for f in out.findings] == [rule]
    assert out.findings[0].line == (2 if rule == "gcp-service-account" else 1)


@pytest.mark.parametrize(
    "content",
    [
        "AKIA_PLACEHOLDER_VALUE\n",  # not 16 upper-case alphanumerics
        "key = 'AKIA' + suffix\n",
        "-----BEGIN PUBLIC KEY-----\n",
        '{"type": "service_account", "client_email": "x@y"}\n',
        f"aws_secret_access_key: {AWS_SECRET}  # pragma: allowlist secret\n",
        'DB_PASSWORD = "${DB_PASSWORD}"\n',
        "password_env: DB_PASSWORD\n",
        "token = get_token()\n",
        'MLFLOW_TOKEN = os.environ["MLFLOW_TOKEN"]\n',
    ],
    ids=[
        "short",
        "concatenated",
        "public-key",
        "no-private-key",
        "allowlisted",
        "env-ref",
        "name",
        "call",
        "env",
    ],
)
def test_our_rules_leave_lookalikes_alone(content):
    out = Outcome()
    own_rules(out, "file.txt", content)
    assert out.findings == []


def test_detect_secrets_finds_passwords_and_the_pragma_silences_them(project):
    repo = project()
    (repo / "src" / "db.py").write_text(
        'DB_PASSWORD = "Zq8#kL2!vW9$mN4x"\n'
        'OTHER_PASSWORD = "Yx7$jK1!uV8#lM3w"  # pragma: allowlist secret\n'
        'SECRET_NAME = "model-registry-token"\n'
    )
    messages = findings(validate_only(repo, "secrets"), "secrets")
    assert [m.split(" ")[1] for m in messages] == ["src/db.py:1"]  # one finding, by either scanner


def test_git_ignored_files_and_ignored_paths_are_skipped(project):
    repo = project()
    (repo / ".env").write_text(f"AWS_ACCESS_KEY_ID={AWS_KEY_ID}\n")  # .gitignore lists .env
    (repo / "notes").mkdir()
    (repo / "notes" / "example.md").write_text(f"Example key: {AWS_KEY_ID}\n")
    manifest = repo / ".mlgolden.yml"
    manifest.write_text(
        manifest.read_text().replace(
            "  ignore: []", "  ignore:\n  - path: notes/*.md\n    reason: documentation of AWS examples"
        )
    )
    validation = validate_only(repo, "secrets")
    assert status_of(validation, "secrets") == "passed", findings(validation, "secrets")


def test_untracked_files_are_scanned_and_a_tree_without_git_is_walked(project):
    repo = project()
    (repo / "new_module.py").write_text(f'KEY = "{AWS_KEY_ID}"\n')  # untracked, not ignored
    assert any("new_module.py:1" in m for m in findings(validate_only(repo, "secrets"), "secrets"))
    shutil.rmtree(repo / ".git")
    (repo / ".venv" / "lib").mkdir(parents=True)
    (repo / ".venv" / "lib" / "vendored.py").write_text(f'KEY = "{AWS_KEY_ID}"\n')
    messages = findings(validate_only(repo, "secrets"), "secrets")
    assert any("new_module.py:1" in m for m in messages)
    assert not any(".venv" in m for m in messages)


def test_binary_files_are_not_read(project):
    repo = project()
    (repo / "blob.bin").write_bytes(b"\0\x01" + AWS_KEY_ID.encode() + b"\0")
    assert status_of(validate_only(repo, "secrets"), "secrets") == "passed"


# One line per detect-secrets plugin (built from pieces, as above), in several file types.
PLUGIN_SAMPLES = [
    f"key = {AWS_KEY_ID}",
    'artifactory = "AKC' + "p8kqBhdgb1cZ3hXrdSnwQqtcZ2aLhKT3S1sQZ" + '"',
    "conn = DefaultEndpointsProtocol=https;AccountKey=" + "a" * 40 + "B/" * 24 + "==",
    "url = https://admin:" + "Sup3rS3cret" + "@db.example.com/x",
    "token = ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
    "token = glpat-" + "x1Y2z3A4b5C6d7E8f9G0",
    "jwt = eyJhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "hook = xoxb-" + "123456789012-abcdefABCDEF",
    "stripe = sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "sendgrid = SG." + "ngeVfQFYQlKU0ufo8x5d1A.TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr",
    'db_password = "' + "Zq8#kL2!vW9$mN4x" + '"',
    'blob = "' + "c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZy1lbm91Z2gtdG8tYmUtaGlnaC1lbnRyb3B5" + '"',
    'digest = "' + "0123456789abcdef0fedcba987654321" + '"',
    PEM.splitlines()[0],
]


def test_the_prefilter_never_hides_a_detect_secrets_finding(tmp_path):
    """Every file detect-secrets finds something in passes the whole-file prefilter."""
    from detect_secrets.core.scan import scan_file
    from detect_secrets.settings import default_settings, get_plugins

    from mlgolden.checks.secrets import Prefilter

    found = 0
    with default_settings():
        prefilter = Prefilter(get_plugins())
        assert prefilter.exact, "a detect-secrets plugin the prefilter does not know: scan all"
        for index, line in enumerate(PLUGIN_SAMPLES):
            for suffix in (".py", ".md", ".txt", ".json", ".csv", ".sh", ""):
                path = tmp_path / f"sample{index}{suffix}"
                path.write_text(f"first line\n{line}\nlast line\n")
                if list(scan_file(str(path))):
                    found += 1
                    assert prefilter.may_match(path.name, path.read_text()), (line, suffix)
    assert found >= len(PLUGIN_SAMPLES) * 5  # the corpus does exercise the plugins


def test_the_prefilter_skips_plain_data_and_code(tmp_path):
    from detect_secrets.settings import default_settings, get_plugins

    from mlgolden.checks.secrets import Prefilter

    with default_settings():
        prefilter = Prefilter(get_plugins())
        assert not prefilter.may_match("data.csv", "id,value\n1,0.125\n2,0.5\n")
        assert not prefilter.may_match("mod.py", "def f(x):\n    return x * 2  # double\n")
        assert prefilter.may_match("settings.yaml", "anything: at all\n")  # rewritten: full scan


def test_a_project_inside_a_monorepo_uses_the_monorepos_git(project, tmp_path):
    from tests.helpers import git

    mono = tmp_path / "mono"
    mono.mkdir()
    repo = project()
    import shutil

    shutil.rmtree(repo / ".git")
    target = mono / "services" / "churn"
    shutil.copytree(repo, target)
    (mono / ".gitignore").write_text("services/churn/local-notes.txt\n")
    (target / "local-notes.txt").write_text(f"key {AWS_KEY_ID}\n")  # ignored by the monorepo
    git(mono, "init", "-q")
    assert status_of(validate_only(target, "secrets"), "secrets") == "passed"
