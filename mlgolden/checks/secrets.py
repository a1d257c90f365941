"""No private key, token or password is committed anywhere in the project.

Every file of the project is scanned: with git, the files `git ls-files --cached --others
--exclude-standard` lists (so git-ignored files such as `.env` or `.venv/` are skipped); without
git, every file outside `.git`, virtualenvs and caches. Binary files and files over 2 MiB are not
read. Two scanners run:

- **detect-secrets** (Yelp's scanner, all its plugins and default filters): keywords such as
  `password = "..."`, high-entropy strings, and the tokens of many services.
- **our rules**, tested against the cases the platform has met: AWS access key IDs
  (`AKIA...`), AWS secret access keys next to an `aws_secret_access_key`-like name, GCP
  service-account key files (`"type": "service_account"` with a `"private_key"`), and private key
  blocks (`-----BEGIN ... PRIVATE KEY-----`).

detect-secrets reads a file line by line only when a whole-file test built from its plugins' own
patterns says it could find something there (tested never to hide one of its findings); that
keeps 5,000 extra files at about 3 s.

A `password`/`secret`/`token` keyword whose value has the shape of a name (lower-case words joined
by dashes such as a Kubernetes secret name, an `UPPER_SNAKE` environment variable, or a Secret
Manager path `projects/P/secrets/S`) is taken as a reference to a secret, not a secret. A false
positive is silenced on its line with the comment `pragma: allowlist secret`, or for a whole path
with `validate.ignore` in `.mlgolden.yml` (with the reason).
"""

from __future__ import annotations

import re
import threading

from mlgolden.checks.base import MAX_READ_BYTES, Context, Outcome, read_small_text

ID = "secrets"
ALLOW = "pragma: allowlist secret"
RULES = [  # (rule, what, regex): the first rule matching a line wins
    (
        "gcp-service-account",
        "a GCP service-account key",
        re.compile(
            r'"type"\s*:\s*"service_account"[\s\S]*?"private_key"\s*:\s*"-----BEGIN'
            r'|"private_key"\s*:\s*"-----BEGIN[\s\S]*?"type"\s*:\s*"service_account"'
        ),
    ),
    (
        "private-key",
        "a private key block",
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    ),
    (
        "aws-access-key",
        "an AWS access key ID",
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}(?![A-Z0-9])"),
    ),
    (
        "aws-secret-key",
        "an AWS secret access key",
        re.compile(
            r"(?i)aws.{0,24}?(?:secret|private).{0,24}?[=:]\s*['\"]?"
            r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
        ),
    ),
    (
        "assigned-secret",
        "a literal value assigned to a password, token or secret",
        # a name ending in PASSWORD/PASSWD/TOKEN/SECRET (any case) given a quoted literal, or an
        # unquoted one on a `NAME=value` line: passphrases ("correct horse battery") and UPPER_SNAKE
        # values have too little entropy for detect-secrets. ${VAR}, $VAR, {{ }} and <...> are
        # references or placeholders.
        re.compile(
            r"(?im)(?<![A-Za-z0-9])[A-Za-z0-9_]*(?:PASSWORD|PASSWD|TOKEN|SECRET)['\"]?\s*[:=]\s*"
            r"(?:(['\"])(?![$<{]|\1)[^'\"\n]{4,}\1|(?<==)(?![$<{\s'\"])[^\s#'\"]{4,}\s*$)"
        ),
    ),
]
# A keyword finding whose value has the shape of a *name* is a reference to a secret (a Kubernetes
# secret, a Secret Manager path, a credential ID, an environment variable), not a secret.
REFERENCE = re.compile(
    r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+|projects/[\w.-]+/secrets/[\w.-]+(?:/versions/\w+)?"
    r"|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+"
)
# A literal that names a secret (a Kubernetes secret, a Secret Manager path) rather than holds it.
NAMED_SECRET = re.compile(
    r"""[:=]\s*['"]?(?:[a-z][a-z0-9]*(?:-[a-z0-9]+)+|projects/[\w.-]+/secrets/[\w./-]+)['"]?\s*$"""
)
# Every keyword of detect-secrets' keyword plugin contains one of these (checked at run time).
KEYWORD_ANCHORS = ("key", "pass", "pwd", "secret", "contrase")
DETECT_SECRETS_LOCK = threading.Lock()  # detect-secrets keeps its settings in module globals


def run(ctx: Context, out: Outcome) -> None:
    from detect_secrets.settings import default_settings, get_plugins  # noqa: PLC0415 (lazy)

    scanned = big = 0
    candidates: list[str] = []
    with DETECT_SECRETS_LOCK, default_settings():
        prefilter = Prefilter(get_plugins())
        for rel in ctx.files:
            path = ctx.path(rel)
            try:
                if path.is_symlink() or not path.is_file():
                    continue
                if path.stat().st_size > MAX_READ_BYTES:
                    big += 1
                    continue
            except OSError:
                continue
            text = read_small_text(path)  # not cached: only this check reads every file
            if text is None:
                continue  # binary or not UTF-8
            scanned += 1
            own_rules(out, rel, text)
            if prefilter.may_match(rel, text):
                candidates.append(rel)
        flagged = {(f.path, f.line) for f in out.findings}
        _detect_secrets(ctx, out, candidates, flagged)
    out.note(
        f"{scanned} files scanned ({len(candidates)} by detect-secrets line by line)"
        + (f", {big} over 2 MiB not read" if big else "")
    )


def own_rules(out: Outcome, rel: str, text: str) -> None:
    seen: set[int] = set()
    for rule, what, regex in RULES:
        for match in regex.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            if line in seen or ALLOW in _line_text(text, match.start()):
                continue
            if rule == "assigned-secret" and NAMED_SECRET.search(match.group(0)):
                continue  # the name of a Kubernetes or Secret Manager secret
            seen.update(range(line, line + match.group(0).count("\n") + 1))  # one finding a span
            out.error(f"{what} is committed: remove it and rotate it", rel, line, rule=rule)


def _line_text(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end != -1 else len(text)]


def _detect_secrets(ctx: Context, out: Outcome, files: list[str], flagged: set) -> None:
    """detect-secrets' own line-by-line scan (inside its settings) of the candidate files."""
    from detect_secrets.core.scan import scan_file  # noqa: PLC0415 (lazy: plugins load slowly)

    known = {ctx.manifest.catalog.commit} if ctx.manifest and ctx.manifest.catalog.commit else set()
    for rel in files:
        if _alias_bomb(ctx, rel):
            out.error("the file expands through YAML aliases beyond any real file; refused", rel)
            continue  # detect-secrets would load it with PyYAML and expand it
        reported: set[tuple[int, str]] = set()
        for secret in scan_file(str(ctx.path(rel))):
            key = (secret.line_number, secret.type)
            if (rel, secret.line_number) in flagged or key in reported or _reference(secret):
                continue
            if secret.secret_value in known:  # the catalog commit recorded in .mlgolden.yml
                continue
            reported.add(key)
            out.error(
                f"{secret.type} found by detect-secrets: remove it and rotate it (a false "
                f"positive? add `# {ALLOW}` to the line)",
                rel,
                secret.line_number,
                rule="detect-secrets",
            )


def _alias_bomb(ctx: Context, rel: str) -> bool:
    from mlgolden.loading import AliasBomb, parse_yaml  # noqa: PLC0415

    if not rel.endswith((".yml", ".yaml")):
        return False
    text = ctx.read_text(rel)
    try:
        parse_yaml(text or "")
    except AliasBomb:
        return True
    except Exception:  # noqa: BLE001 - any other problem is detect-secrets' (or another check's)
        return False
    return False


class Prefilter:
    """Whole-file tests that every detect-secrets finding implies, to skip its slow per-line scan.

    detect-secrets calls each of its ~27 plugins on each line through Python-level dependency
    injection (about 20 µs a line); most files of a repository give it nothing to find. A plugin
    can only report a line when: its own regular expressions match (regex plugins; searched here
    over the whole text, ``^``/``$`` at line ends); a keyword of its deny list appears (keyword
    plugin; case-insensitive); or a string of its charset has a Shannon entropy above its limit,
    which needs more than 2**limit distinct characters in the run of charset characters holding
    it (entropy plugins). Config-like files that detect-secrets rewrites before scanning (YAML,
    INI, properties, TOML) and unknown plugins always get the full scan.
    """

    FULL_SCAN_TYPES = {"YAML", "CONFIG", "INI", "PROPERTIES", "TOML"}

    def __init__(self, plugins) -> None:
        from detect_secrets.plugins.base import RegexBasedDetector  # noqa: PLC0415
        from detect_secrets.plugins.high_entropy_strings import HighEntropyStringsPlugin  # noqa: PLC0415
        from detect_secrets.plugins.keyword import DENYLIST, KeywordDetector  # noqa: PLC0415

        self.exact = True
        self.keywords: tuple[str, ...] = ()
        self.regexes: list[re.Pattern[str]] = []
        self.runs: list[tuple[re.Pattern[str], int]] = []  # (charset run, distinct chars needed)
        for plugin in plugins:
            if isinstance(plugin, KeywordDetector):
                if all(any(w in entry.replace("_?", "") for w in KEYWORD_ANCHORS) for entry in DENYLIST):
                    self.keywords = KEYWORD_ANCHORS  # substring tests: much faster than the regex
                else:
                    self.regexes.append(re.compile("|".join(DENYLIST), re.I))
            elif isinstance(plugin, HighEntropyStringsPlugin):
                needed = int(2**plugin.entropy_limit) + 1  # entropy <= log2(distinct chars)
                run = re.compile(f"[{re.escape(plugin.charset)}]{{{needed},}}")
                self.runs.append((run, needed))
            elif isinstance(plugin, RegexBasedDetector):
                self.regexes += [re.compile(r.pattern, r.flags | re.M) for r in plugin.denylist]
            else:
                self.exact = False

    def may_match(self, rel: str, text: str) -> bool:
        from detect_secrets.util.filetype import determine_file_type  # noqa: PLC0415

        if not self.exact or determine_file_type(rel).name in self.FULL_SCAN_TYPES:
            return True
        if self.keywords:
            lower = text.lower()
            if any(word in lower for word in self.keywords):
                return True
        if any(regex.search(text) for regex in self.regexes):
            return True
        return any(len(set(m.group(0))) >= needed for run, needed in self.runs for m in run.finditer(text))


def _reference(secret) -> bool:
    value = secret.secret_value or ""
    return secret.type == "Secret Keyword" and REFERENCE.fullmatch(value) is not None
