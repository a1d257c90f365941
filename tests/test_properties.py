"""Property-based tests over answers (issue 6, "Hardening"): any input either renders a project that
passes `mlgolden validate`, or is refused with a clear error.

For each pattern, hypothesis generates answers to every question the pattern asks (catalog.yml's
shared questions and patterns/<name>.yml's own), each value one of:

- ``ok``: built to be valid — including hostile-but-legal free text (quotes, ``$()``, backticks,
  ``${}``, ``{{ }}``, unicode, emoji) and odd spellings (``" TRUE "``, padded choices, ``*/5``);
- ``bad``: built to be refused (hostile structured values, control characters, undecodable bytes,
  out-of-range numbers, reserved names, path separators, very long text ...);
- ``any``: arbitrary text, mostly hostile fragments glued together; either outcome is allowed.

Each case runs through the real CLI in-process (``mlgolden new --no-input --pattern P --set k=v
... --output-dir DIR``) and must end one of two ways:

- exit 0, one project folder (a lower-case slug) holding a clean one-commit git repo, every answer
  given round-trips (normalised as the interview would) in ``.mlgolden.yml``, and ``mlgolden
  validate --format json`` on it exits 0 with no check *failed* (skipped for a missing tool is
  fine; no --require-tools);
- exit 2, exactly one stderr line, starting ``error:``, naming the offending question, no
  traceback, and nothing written to the output directory (a directory the run had to create is
  gone again).

A case whose values are all ``ok`` must render; a case with a ``bad`` value that applies must be
refused. Airflow's DagBag and Feast's plan are hidden from validate here: each takes seconds per
project and they are covered on every pattern by the matrix tests (tests/matrix/).

Runtime (measured on 2 cores with a CI run loading them, load average 3-5): a rendered example
costs ~1 s to render and ~2.5-4 s to validate (Groovy's compile of the Jenkinsfile and
detect-secrets dominate), a refusal ~0.05 s. So two thirds of the cases are hostile, and each
pattern runs 25 examples (plus its explicit ones), of which 20-40 % render; every rendered example
is validated. The file took 2 min 0 s (batch 32 s, live 54 s, streamlit 35 s, the filter
property 1 s). ``MLGOLDEN_PROPERTY_EXAMPLES=100`` runs a deeper search (8 min; it passed).
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomllib
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from mlgolden.catalog import builtin_root
from mlgolden.jinja_ext import FILTERS
from tests.helpers import hide_validate_tools, listing

settings.register_profile(
    "mlgolden-properties",
    max_examples=int(os.environ.get("MLGOLDEN_PROPERTY_EXAMPLES", "25")),
    deadline=None,  # one example renders a project and validates it: seconds, not milliseconds
    derandomize=True,  # the same examples on every run and on CI
    database=None,
    print_blob=True,
    # `cli` (capsys) and `monkeypatch` are set up once per test and are safe to share across
    # examples: invoke() drains the capture before each command, and every example gets its own
    # temporary directory from tempfile.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROPERTY_SETTINGS = settings.get_profile("mlgolden-properties")

PLATFORM = yaml.safe_load((builtin_root() / "platform.yml").read_text())
PYTHON_VERSIONS = [str(v) for v in PLATFORM["python"]["supported"]]
CLASSIFICATIONS = ["public", "internal", "confidential", "pii"]
PATTERN_KEYS = {
    "batch-prediction": ["schedule", "output_table"],
    "live-service": ["min_instances", "max_instances"],
    "streamlit-demo": ["inference_mode", "service_url"],
}
SHARED_KEYS = ["project_name", "description", "owner_team", "python_version", "gpu", "data_classification"]
FALLBACK_DEFAULTS = {"min_instances": 1, "max_instances": 3}  # patterns/live-service.yml


@dataclass(frozen=True)
class Item:
    key: str
    value: str
    kind: str  # "ok" | "bad" | "any"
    flag: str = "--set"  # project_name may come as --name=VALUE instead

    def args(self) -> list[str]:
        if self.flag == "--name":
            return [f"--name={self.value}"]  # '=' so a value starting with '-' is not an option
        return ["--set", f"{self.key}={self.value}"]


@dataclass(frozen=True)
class Case:
    pattern: str
    items: tuple[Item, ...]
    make_output_dir: bool = True  # False: --output-dir does not exist yet; a refusal must not leave it

    def given(self) -> dict[str, Item]:
        return {item.key: item for item in self.items}


# --- value strategies --------------------------------------------------------------------------

FRAGMENTS = [
    "'",
    '"',
    "$(id)",
    "`id`",
    "${HOME}",
    "$${x}",
    "%{ if true }",
    "{{ 7*7 }}",
    "{% raw %}",
    "{#",
    "\\",
    "/",
    "..",
    "../",
    " ",
    "  ",
    "-",
    "_",
    ".",
    ",",
    ";",
    "|",
    "&",
    "#",
    "*",
    "?",
    "@daily",
    "é",
    "ß",
    "Ω",
    "中文",
    "🚀",
    "\u200b",
    "\u202e",
    "\xa0",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\x1b[2J",
    "\x7f",
    "\x85",
    "\x9b",
    "\u2028",
    "\u2029",
    "\udcff",
    "class",
    "json",
    "airflow",
    "test",
    "3.11",
    "0",
    "42",
    "-1",
    "1e3",
    "0x10",
    "true",
    "no",
    "http://",
    "https://x",
    "dataset.table",
    "null",
    "~",
]
UNICODE_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
ANY_TEXT = st.one_of(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), UNICODE_TEXT), max_size=8).map("".join),
    UNICODE_TEXT,
    st.sampled_from(FRAGMENTS),
    st.builds(lambda s, n: s * n, st.sampled_from(["a", "x y ", "é", "$(id)"]), st.integers(41, 3000)),
)
# Legal free text: no control characters (Cc), no line/paragraph separators, no surrogates.
LEGAL_CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))
PRINTABLE_FRAGMENTS = [f for f in FRAGMENTS if f.isprintable() or f in ("\u200b", "\u202e", "\xa0")]


def _pad(value: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Leading/trailing blanks, which every answer loses (as at the interview)."""
    return st.builds(
        lambda a, v, b: a + v + b, st.sampled_from(["", " ", "  "]), value, st.sampled_from(["", " ", "\t"])
    )


NAME_WORDS = ["churn", "Fraud", "demand", "Risk", "uplift", "ltv", "Scores", "x"]
NAME_SUFFIXES = ["model", "API", "demo", "v2", "svc", "2024"]
OK_NAME = _pad(
    st.builds(
        lambda w, sep, s: f"{w}{sep}{s}",
        st.sampled_from(NAME_WORDS),
        st.sampled_from([" ", "-", "_", "--", " - ", "__"]),
        st.sampled_from(NAME_SUFFIXES),
    )
)
BAD_NAME = st.sampled_from(
    [
        "",
        "   ",
        "9 lives",
        "2fast",
        "café",
        "model🚀",
        "class",
        "json",
        "airflow",
        "test",
        "Site",
        "a" * 41,
        "ab",
        "a-",
        "team/model",
        "../evil",
        "a\\b",
        "x$(id)",
        "`id`",
        "{{ x }}",
        "${HOME}",
        "a'b",
        'a"b',
        "a\nb",
        "x;rm -rf /",
        "-model",
        "_model",
        "mod\x00el",
        "mod\udcffel",
        "a" * 5000,
    ]
)
OK_TEXT = _pad(
    st.one_of(
        st.text(alphabet=LEGAL_CHARS, min_size=1, max_size=120),
        st.lists(st.sampled_from(PRINTABLE_FRAGMENTS), min_size=1, max_size=12).map("".join),
        st.sampled_from(
            [
                'it\'s "quoted" and \\ back\\slashed',
                "$(touch /tmp/pwned) and `id` and ; rm -rf / #",
                "${env.SECRET} %{ if true }x%{ endif } $${x}",
                "{{ cookiecutter.project_slug }} {% raw %} {# c #}",
                "''' \"\"\" triple quotes \\x00 \\u2028",
                "é" * 200,
                "null",
                "yes",
                "~",
                "- a",
                "key: value",
                "# not a comment",
                "@daily",
            ]
        ),
    )
).filter(lambda s: s.strip() != "" and len(s.strip()) <= 200)
BAD_TEXT = st.sampled_from(
    [
        "",
        "   ",
        "line one\nline two",
        "tab\there",
        "cr\rhere",
        "nul\x00",
        "del\x7f",
        "nel\x85next",
        "csi\x9b2J",
        "esc\x1b[31mred",
        "ls\u2028next",
        "ps\u2029next",
        "bytes \udcff\udcfe",
        "x" * 201,
        "é" * 201,
    ]
)
OK_TEAM = _pad(
    st.one_of(
        st.sampled_from(["data-science", "ml-platform", "team-42", "abc"]),
        st.from_regex(r"[a-z][a-z0-9-]{1,40}[a-z0-9]", fullmatch=True),
    )
)
BAD_TEAM = st.sampled_from(
    [
        "",
        "Data Science",
        "ab",
        "-team",
        "team-",
        "9team",
        "a" * 64,
        "team_x",
        "tëam",
        "x$(id)",
        "team\nx",
        "team/x",
        "TEAM",
    ]
)
OK_PYTHON = _pad(st.sampled_from(PYTHON_VERSIONS))
BAD_PYTHON = st.sampled_from(
    ["", "2.7", "3.99", "3.1", "3", "python3.11", f"{PYTHON_VERSIONS[-1]}.0", "3,11", "3.11\udcff"]
)
OK_BOOL = _pad(
    st.sampled_from(["true", "false", "yes", "no", "y", "n", "1", "0", "on", "off", "TRUE", "No", "Y", "Off"])
)
BAD_BOOL = st.sampled_from(["", "maybe", "2", "-1", "tru", "yes please", "ja", "✓"])
OK_CLASSIFICATION = _pad(st.sampled_from(CLASSIFICATIONS))
BAD_CLASSIFICATION = st.sampled_from(["", "secret", "PII", "Public", "internal,pii", "top-secret"])


def _cron_field(low: int, high: int) -> st.SearchStrategy[str]:
    number = st.integers(low, high).map(str)
    bounds = st.tuples(st.integers(low, high), st.integers(low, high)).map(sorted)
    span = bounds.map(lambda b: f"{b[0]}-{b[1]}")
    step = st.integers(1, high).map(str)
    part = st.one_of(
        st.just("*"),
        number,
        span,
        st.builds(lambda s: f"*/{s}", step),
        st.builds(lambda r, s: f"{r}/{s}", span, step),
    )
    return st.lists(part, min_size=1, max_size=3).map(",".join)


OK_CRON = st.one_of(
    st.sampled_from(["@once", "@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually"]),
    st.builds(
        lambda fields, seps: "".join(f + s for f, s in zip(fields, seps, strict=True)).strip(),
        st.tuples(*(_cron_field(lo, hi) for lo, hi in [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)])),
        st.lists(st.sampled_from([" ", "  ", "\t"]), min_size=5, max_size=5),
    ),
).flatmap(lambda v: _pad(st.just(v)))
BAD_CRON = st.sampled_from(
    [
        "",
        "61 * * * *",
        "* * *",
        "@sometimes",
        "*/0 * * * *",
        "5-1 * * * *",
        "0 0 32 * *",
        "0 3 * * * *",
        "0 3 * * MON",
        "? * * * *",
        "0 24 * * *",
        "0 0 0 * *",
        "* * * 13 *",
        "* * * * 8",
        "² * * * *",
        "٣ * * * *",
        "1-2-3 * * * *",
        "*/x * * * *",
        "$(id) * * * *",
        "0 3 * * *\n@daily",
    ]
)
OK_TABLE = _pad(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,30}\.[A-Za-z_][A-Za-z0-9_]{0,30}", fullmatch=True))
BAD_TABLE = st.sampled_from(
    [
        "",
        "scores",
        "a.b.c",
        "1x.y",
        "x.",
        ".y",
        "a-b.c",
        "x.y;drop table z",
        "ds.t\nx",
        "ds.tä",
        "ds.`t`",
        "${x}.y",
        "ds." + "t" * 129,
    ]
)
OK_URL = _pad(
    st.one_of(
        st.sampled_from(
            [
                "http://localhost:8080",
                "https://fraud-api.ml.example.com/v1/",
                "http://10.0.0.7:65535/a/b~c_d.e",
            ]
        ),
        st.from_regex(
            r"https?://[a-z0-9][a-z0-9.-]{0,30}(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]{0,20})?", fullmatch=True
        ),
    )
)
BAD_URL = st.sampled_from(
    [
        "",
        "ftp://x",
        "localhost:8080",
        "http://a b",
        "http://x?q=1",
        "http://x/$(id)",
        "http://x/`id`",
        "http://x/${HOME}",
        "http://x/{{7*7}}",
        "http://x/\nfoo",
        "http://ünï.example",
        "javascript:alert(1)",
        "http://x/'",
        "//x",
    ]
)
OK_MODE = _pad(st.sampled_from(["local", "service"]))
BAD_MODE = st.sampled_from(["", "remote", "Service", "LOCAL", "local,service"])

VALUES = {
    "project_name": (OK_NAME, BAD_NAME),
    "description": (OK_TEXT, BAD_TEXT),
    "owner_team": (OK_TEAM, BAD_TEAM),
    "python_version": (OK_PYTHON, BAD_PYTHON),
    "gpu": (OK_BOOL, BAD_BOOL),
    "data_classification": (OK_CLASSIFICATION, BAD_CLASSIFICATION),
    "schedule": (OK_CRON, BAD_CRON),
    "output_table": (OK_TABLE, BAD_TABLE),
    "inference_mode": (OK_MODE, BAD_MODE),
    "service_url": (OK_URL, BAD_URL),
}
INT_BAD = ["", "abc", "1.5", "1e3", "0x10", "+1", "one", "٣x", "1 000", "$(echo 1)"]


@st.composite
def _value(draw, key: str, kind: str) -> Item:
    ok, bad = VALUES[key]
    value = draw({"ok": ok, "bad": bad, "any": ANY_TEXT}[kind])
    flag = draw(st.sampled_from(["--set", "--name"])) if key == "project_name" else "--set"
    return Item(key, value, kind, flag)


@st.composite
def _instances(draw, kinds: dict[str, str | None]) -> list[Item]:
    """min_instances and max_instances, drawn together: an ok pair must satisfy max >= min."""
    kmin, kmax = kinds.get("min_instances"), kinds.get("max_instances")
    items = []
    pad = st.sampled_from(["", " ", "  "])
    if kmin == "ok":
        top = 100 if kmax == "ok" else FALLBACK_DEFAULTS["max_instances"] if kmax is None else 100
        low = draw(st.integers(0, top))
        items.append(Item("min_instances", draw(pad) + str(low) + draw(pad), "ok"))
    elif kmin == "bad":
        value = draw(
            st.one_of(
                st.sampled_from(INT_BAD), st.integers(101, 10**6).map(str), st.integers(-(10**6), -1).map(str)
            )
        )
        items.append(Item("min_instances", value, "bad"))
    elif kmin == "any":
        items.append(Item("min_instances", draw(st.one_of(ANY_TEXT, st.integers(-5, 2000).map(str))), "any"))
    effective_min = int(items[0].value) if kmin == "ok" else FALLBACK_DEFAULTS["min_instances"]
    if kmax == "ok":
        high = draw(st.integers(max(effective_min, 1), 1000))
        items.append(Item("max_instances", draw(pad) + str(high) + draw(pad), "ok"))
    elif kmax == "bad":
        value = draw(st.one_of(st.sampled_from([*INT_BAD, "0"]), st.integers(1001, 10**6).map(str)))
        items.append(Item("max_instances", value, "bad"))
    elif kmax == "any":
        items.append(Item("max_instances", draw(st.one_of(ANY_TEXT, st.integers(-5, 2000).map(str))), "any"))
    return items


@st.composite
def cases(draw, pattern: str) -> Case:
    """A third of the cases are all-valid (they must render); the rest give one or two questions a
    bad or arbitrary value (or ask another pattern's question), the other answers valid or left out."""
    keys = SHARED_KEYS + PATTERN_KEYS[pattern]
    kinds: dict[str, str | None] = {key: draw(st.sampled_from(["ok", "ok", None])) for key in keys}
    hostile = draw(st.sampled_from([True, True, False]))  # refusals are cheap, renders are not
    foreign = None
    if hostile:
        targets = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=2, unique=True))
        for key in targets:
            kinds[key] = draw(st.sampled_from(["bad", "any"]))
        if pattern == "streamlit-demo" and "service_url" in targets:
            kinds["inference_mode"] = "ok"  # and service, below: else service_url is not asked
        if draw(st.integers(0, 9)) == 0:
            foreign = draw(
                st.sampled_from(
                    [k for p, ks in PATTERN_KEYS.items() if p != pattern for k in ks]
                    + ["colour", "project_slug", "package_name"]
                )
            )
    items: list[Item] = []
    for key in keys:
        if kinds[key] is None or key in ("min_instances", "max_instances"):
            continue
        item = draw(_value(key, kinds[key]))
        if key == "inference_mode" and kinds.get("service_url") in ("bad", "any"):
            item = Item(key, draw(_pad(st.just("service"))), "ok")
        items.append(item)
    if pattern == "live-service":
        items += draw(_instances(kinds))
    if foreign:
        items.append(Item(foreign, "x", "bad"))
    items = draw(st.permutations(items))  # flag order must not matter
    return Case(pattern, tuple(items), draw(st.booleans()))


# --- the property ------------------------------------------------------------------------------


def normalise(key: str, value: str):
    """The answer the interview records for a raw value: trimmed, cron blanks collapsed, typed."""
    text = value.strip()
    if key == "gpu":
        return text.lower() in {"y", "yes", "true", "1", "on"}
    if key in ("min_instances", "max_instances"):
        return int(text)
    if key == "schedule":
        return " ".join(text.split())
    return text


# streamlit-demo asks these only for one inference_mode (the pattern's `when`)
MODE_OF = {"service_url": "service", "gpu": "local"}


def _applies(case: Case, key: str) -> bool | None:
    """Whether the question is asked at all (service_url only for inference_mode=service, and
    for streamlit-demo gpu only for local)."""
    if key not in MODE_OF or (key == "gpu" and case.pattern != "streamlit-demo"):
        return True
    mode = case.given().get("inference_mode")
    if mode is None:
        return MODE_OF[key] == "local"  # the default is local
    if mode.kind != "ok":
        return None
    return normalise("inference_mode", mode.value) == MODE_OF[key]


def expected(case: Case) -> str | None:
    """ "render", "refuse", or None when either may happen."""
    asked = {*SHARED_KEYS, *PATTERN_KEYS[case.pattern]}
    kinds = []
    for item in case.items:
        if item.key not in asked:
            return "refuse"  # another pattern's question (or none at all): unknown question
        applies = _applies(case, item.key)
        kinds.append(item.kind if applies else "ok" if applies is False else "any")
    if "bad" in kinds:
        return "refuse"
    return "render" if all(kind == "ok" for kind in kinds) else None


def check_case(cli, case: Case) -> str:
    """Run one case through the CLI and check the property; returns "rendered" or "refused"."""
    with tempfile.TemporaryDirectory(prefix="mlgolden-prop-") as tmp:
        out = Path(tmp) / "out"
        if case.make_output_dir:
            out.mkdir()
        args = ["new", "--no-input", "--pattern", case.pattern, "--output-dir", str(out)]
        for item in case.items:
            args += item.args()
        result = cli(*args)
        want = expected(case)
        assert "Traceback" not in result.err, result.err
        assert result.code in (0, 2), (result.code, result.err)
        if result.code == 2:
            assert want != "render", f"valid answers refused: {result.err}"
            _check_refusal(case, result, out)
            return "refused"
        assert want != "refuse", f"bad answer accepted: {case.items}"
        _check_rendered(cli, case, out)
        return "rendered"


def _check_refusal(case: Case, result, out: Path) -> None:
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    suspects = {item.key for item in case.items if item.kind != "ok"}
    if "min_instances" in case.given():  # min_instances > max_instances: the refusal names both
        suspects |= {"min_instances", "max_instances"}
    assert any(key in lines[0] for key in suspects), f"{lines[0]!r} names none of {sorted(suspects)}"
    assert "catalog's default is invalid" not in lines[0], lines[0]  # the built-in defaults are fine
    if case.make_output_dir:
        assert listing(out) == []
    else:
        assert not out.exists()


def _check_rendered(cli, case: Case, out: Path) -> None:
    entries = list(out.iterdir())
    assert len(entries) == 1, entries  # the project, no staging leftovers
    project = entries[0]
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", project.name), project.name
    manifest = yaml.safe_load((project / ".mlgolden.yml").read_text(encoding="utf-8"))
    assert manifest["pattern"] == case.pattern
    answers = manifest["answers"]
    for item in case.items:
        asked = _applies(case, item.key)
        if asked is None:  # service_url after an arbitrary inference_mode that was accepted
            asked = answers.get("inference_mode") == MODE_OF[item.key]
        if asked:
            assert answers[item.key] == normalise(item.key, item.value), item
        else:
            assert item.key not in answers, item  # a question that is not asked is not recorded

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout

    assert git("status", "--porcelain") == "" and git("rev-list", "--count", "HEAD").strip() == "1"
    result = cli("validate", str(project), "--format", "json")
    report = json.loads(result.out)
    failed = {c["id"]: c.get("findings") for c in report["checks"] if c["status"] == "failed"}
    assert result.code == 0 and not failed, (result.err, failed)


@pytest.fixture
def check(cli, monkeypatch):
    hide_validate_tools(monkeypatch, "airflow", "feast")
    return lambda case: event(check_case(cli, case))  # counts: --hypothesis-show-statistics


# Explicit examples: the bugs these tests found (each failed before its fix in mlgolden/answers.py)
# and the boundaries worth pinning.
BUG_NEL_IN_DESCRIPTION = Case("batch-prediction", (Item("description", "a\x85b", "bad"),))
BUG_CSI_IN_DESCRIPTION = Case("live-service", (Item("description", "csi\x9b2J", "bad"),))
BUG_LINE_SEPARATOR = Case("streamlit-demo", (Item("description", "a\u2028b", "bad"),))
BUG_UNDECODABLE_BYTES = Case("batch-prediction", (Item("description", "caf\udcc3\udca9", "bad"),))
BUG_SUPERSCRIPT_CRON = Case("batch-prediction", (Item("schedule", "² * * * *", "bad"),))
BUG_ARABIC_DIGIT_CRON = Case("batch-prediction", (Item("schedule", "٣ * * * *", "bad"),))
BUG_EMOJI_IN_DESCRIPTION = Case("live-service", (Item("description", "ship it \U0001f680", "ok"),))
BUG_ASTRAL_IN_DESCRIPTION = Case("batch-prediction", (Item("description", "\u00fe7\u0124z\U000dfbf0", "ok"),))
MIN_ABOVE_DEFAULT_MAX = Case("live-service", (Item("min_instances", "4", "bad"),))


@example(case=BUG_ASTRAL_IN_DESCRIPTION)
@example(case=BUG_NEL_IN_DESCRIPTION)
@example(case=BUG_UNDECODABLE_BYTES)
@example(case=BUG_SUPERSCRIPT_CRON)
@example(case=BUG_ARABIC_DIGIT_CRON)
@example(
    case=Case(
        "batch-prediction",
        (
            Item("project_name", " A--b_c ", "ok", "--name"),
            Item("schedule", " 0-59/59,1\t23 31 1-12 7 ", "ok"),
        ),
    )
)
@given(case=cases("batch-prediction"))
@PROPERTY_SETTINGS
def test_batch_prediction_answers_render_valid_or_are_refused(check, case):
    check(case)


@example(case=BUG_EMOJI_IN_DESCRIPTION)
@example(case=BUG_CSI_IN_DESCRIPTION)
@example(case=MIN_ABOVE_DEFAULT_MAX)
@example(case=Case("live-service", (Item("min_instances", "100", "ok"), Item("max_instances", "100", "ok"))))
@example(case=Case("live-service", (Item("min_instances", "0", "ok"), Item("max_instances", "1000", "ok"))))
@given(case=cases("live-service"))
@PROPERTY_SETTINGS
def test_live_service_answers_render_valid_or_are_refused(check, case):
    check(case)


@example(case=BUG_LINE_SEPARATOR)
@example(
    case=Case(
        "streamlit-demo",
        (Item("inference_mode", "service", "ok"), Item("service_url", "http://x/$(id)", "bad")),
    )
)
@example(case=Case("streamlit-demo", (Item("service_url", "not a url", "ok"),)))  # not asked: local
@given(case=cases("streamlit-demo"))
@PROPERTY_SETTINGS
def test_streamlit_demo_answers_render_valid_or_are_refused(check, case):
    check(case)


@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
@settings(PROPERTY_SETTINGS, max_examples=300)
def test_quoted_filters_round_trip_any_text(text):
    """py_str/toml_str/yaml_str give an ASCII literal that each language reads back as the text
    (any code point, emoji and other characters beyond U+FFFF included); milliseconds per example."""
    literal = FILTERS["py_str"](text)
    assert literal.isascii() and literal == FILTERS["toml_str"](text) == FILTERS["yaml_str"](text)
    assert ast.literal_eval(literal) == text
    assert tomllib.loads(f"value = {literal}")["value"] == text
    assert yaml.safe_load(f"value: {literal}")["value"] == text
    assert json.loads(FILTERS["json_str"](text)) == text
