"""Questions and answers: one validation path for the interview, --set and --answers.

Answers are layered like copier's: command line (--set, --name) > answers file > recorded answers
(on upgrade) > defaults. Every value, from any layer, goes through :func:`coerce`.
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgolden.errors import UsageError
from mlgolden.loading import read_yaml
from mlgolden.models import Pattern, PlatformSettings, Question, Scalar
from mlgolden.platform import lookup


class AnswerError(ValueError):
    """A refused answer; the message says why and is shown inline by the interview."""


# --- rules -----------------------------------------------------------------------------------

# Import names a generated project's package may not take: the platform's tools and what the
# generated code imports (a package named `joblib` would shadow the real one in its own venv).
RESERVED_PACKAGES = {
    "mlgolden",
    "feast",
    "airflow",
    "streamlit",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "requests",
    "pydantic",
    "sklearn",
    "scipy",
    "joblib",
    "numpy",
    "pandas",
    "pyarrow",
    "yaml",
    "psycopg2",
    "sqlalchemy",
    "ruff",
    "pytest",
    "test",
    "tests",
    "src",
    "app",
    "setup",
    "site",
    "main",
}
CRON_PRESETS = {"@once", "@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@annually"}
CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
CRON_NAMES = ["minute", "hour", "day of month", "month", "day of week"]


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def check_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise AnswerError("the project name is empty")
    if not value.isascii():
        raise AnswerError("use ASCII letters, digits, spaces or dashes in the project name")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9 _-]*", value):
        raise AnswerError(
            "the project name must start with a letter and hold only letters, "
            "digits, spaces, dashes or underscores"
        )
    slug = slugify(value)
    if not 3 <= len(slug) <= 40:
        raise AnswerError("the project name must give a slug of 3 to 40 characters")
    package = slug.replace("-", "_")
    if keyword.iskeyword(package) or package in sys.stdlib_module_names or package in RESERVED_PACKAGES:
        raise AnswerError(f"{package!r} is a reserved Python or platform name; choose another name")
    return value


def check_team(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]{1,61}[a-z0-9]", value):
        raise AnswerError(
            "the team must be 3-63 lower-case letters, digits or dashes, "
            "starting with a letter (it becomes a cloud label)"
        )
    return value


def check_text(value: str) -> str:
    value = value.strip()
    if not value:
        raise AnswerError("the text is empty")
    if len(value) > 200:
        raise AnswerError("keep it to one line of at most 200 characters")
    # Cc: C0 and C1 controls (NEL, CSI ...); Zl/Zp: U+2028/U+2029, line breaks to YAML and editors
    if any(unicodedata.category(ch) in {"Cc", "Zl", "Zp"} for ch in value):
        raise AnswerError("the text must be one line without control characters")
    return value


def check_table(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,127}\.[A-Za-z_][A-Za-z0-9_]{0,127}", value):
        raise AnswerError("the table must look like dataset.table (letters, digits, underscores)")
    return value


def check_url(value: str) -> str:
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~/-]*)?", value):
        raise AnswerError("the URL must look like http(s)://host[:port][/path]")
    return value


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also takes '²' (int() refuses it) and '٣' (cron does)."""
    return bool(re.fullmatch(r"[0-9]+", text))


def _cron_field(text: str, low: int, high: int, name: str) -> None:
    for part in text.split(","):
        base, _, step = part.partition("/")
        if step and (not _digits(step) or int(step) == 0):
            raise AnswerError(f"cron {name}: step {step!r} must be a positive number")
        if base == "*":
            continue
        bounds = base.split("-")
        if len(bounds) > 2 or not all(_digits(b) for b in bounds):
            raise AnswerError(f"cron {name}: {part!r} is not a number, range or */step")
        numbers = [int(b) for b in bounds]
        if any(not low <= n <= high for n in numbers):
            raise AnswerError(f"cron {name}: {part!r} is outside {low}-{high}")
        if len(numbers) == 2 and numbers[0] > numbers[1]:
            raise AnswerError(f"cron {name}: range {part!r} goes backwards")


def check_cron(value: str) -> str:
    value = " ".join(value.split())
    if value in CRON_PRESETS:
        return value
    fields = value.split(" ")
    if len(fields) != 5:
        raise AnswerError(
            "a cron schedule has 5 fields (minute hour day month weekday) or is a preset like @daily"
        )
    for text, (low, high), name in zip(fields, CRON_RANGES, CRON_NAMES, strict=True):
        _cron_field(text, low, high, name)
    return value


RULES = {
    "name": check_name,
    "team": check_team,
    "cron": check_cron,
    "table": check_table,
    "text": check_text,
    "url": check_url,
}


# --- questions resolved against the platform -------------------------------------------------


@dataclass
class Resolved:
    """A question with its default and choices read from the platform settings."""

    question: Question
    default: Scalar | None
    choices: list[Scalar] | None
    when: dict[str, Scalar] | None = None  # the question's own condition and the pattern's

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def label(self) -> str:
        """The short name people read on the review screen."""
        return self.question.label or self.question.prompt.rstrip("?: ")


def questions_for(shared: list[Question], pattern: Pattern, platform: PlatformSettings) -> list[Resolved]:
    """The pattern's questions in asking order, with defaults and choices from the platform.

    A question whose condition (``when``, its own or the pattern's) names a later question is
    moved after it, so that the answer it depends on is known when it comes up.
    """
    resolved = []
    for question in [*shared, *pattern.questions]:
        default = question.default
        if question.default_from:
            default = lookup(platform, question.default_from)
        if question.id in pattern.defaults:
            default = pattern.defaults[question.id]
        choices = question.choices
        if question.choices_from:
            choices = _choices_from(platform, question)
        when = {**(question.when or {}), **pattern.when.get(question.id, {})} or None
        resolved.append(Resolved(question, default, choices, when))
    return _dependencies_first(resolved)


def _choices_from(platform: PlatformSettings | dict, question: Question) -> list:
    """The platform list a question's ``choices_from`` names; anything but a non-empty list of
    scalars is a catalog error."""
    value = lookup(platform, question.choices_from or "")
    if not (isinstance(value, list) and value and all(isinstance(v, Scalar) for v in value)):
        raise UsageError(
            f"question {question.id!r}: choices_from {question.choices_from!r} must name a non-empty list "
            f"of values in the platform settings, not a {type(value).__name__}"
        )
    return list(value)


def _dependencies_first(items: list[Resolved]) -> list[Resolved]:
    ids = {item.id for item in items}
    ordered: list[Resolved] = []
    waiting = list(items)
    while waiting:
        placed = {item.id for item in ordered}
        ready = next(
            (i for i in waiting if all(k in placed or k not in ids for k in i.when or {})), waiting[0]
        )  # waiting[0] breaks a cycle (the catalog check reports those)
        waiting.remove(ready)
        ordered.append(ready)
    return ordered


def applies(item: Resolved, answers: dict[str, Any]) -> bool:
    when = item.when or {}
    return all(answers.get(key) == value for key, value in when.items())


def why_not(item: Resolved, answers: dict[str, Any]) -> str:
    """Why ``item`` does not apply, in words: 'it is asked only when inference_mode is service'."""
    wanted = " and ".join(f"{k} is {display_value(v)}" for k, v in (item.when or {}).items())
    actual = ", ".join(
        f"{k} is {display_value(answers[k]) if k in answers else 'not asked'}"
        for k, v in (item.when or {}).items()
        if answers.get(k) != v
    )
    return f"it is asked only when {wanted} (here {actual})"


def limits(item: Resolved) -> str:
    """The limits and format a question accepts, for its prompt: '(0-100)', '(yes/no)'."""
    q = item.question
    if q.type == "int":
        low = f"{q.min}" if q.min is not None else ""
        parts = [f"{low}-{q.max}" if q.max is not None else f"at least {low}" if low else "a whole number"]
        if q.min_from:
            parts.append(f"at least {q.min_from.replace('_', ' ')}")
        return f"({', '.join(parts)})"
    if q.type == "bool":
        return "(yes/no)"
    return ""


def display_value(value: Any) -> str:
    """An answer as people read it: yes/no rather than Python's True/False."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def coerce(item: Resolved, value: Any, answers: dict[str, Any]) -> Scalar:
    """Turn a raw value (text from --set or the terminal, or YAML) into a valid answer."""
    q = item.question
    if q.type == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"y", "yes", "true", "1", "on"}:
            return True
        if text in {"n", "no", "false", "0", "off"}:
            return False
        raise AnswerError(f"{q.id}: expected yes or no, got {value!r}")
    if q.type == "int":
        if isinstance(value, bool) or not re.fullmatch(r"-?\d+", str(value).strip()):
            raise AnswerError(f"{q.id}: expected a whole number, got {value!r}")
        number = int(str(value).strip())
        if q.min is not None and number < q.min:
            raise AnswerError(f"{q.id}: must be at least {q.min}")
        if q.max is not None and number > q.max:
            raise AnswerError(f"{q.id}: must be at most {q.max}")
        if q.min_from and isinstance(answers.get(q.min_from), int) and number < answers[q.min_from]:
            raise AnswerError(f"{q.id}: must be at least {q.min_from} ({answers[q.min_from]})")
        return number
    if isinstance(value, (bool, dict, list)) or value is None:
        raise AnswerError(f"{q.id}: expected text, got {type(value).__name__}")
    text = str(value).strip()
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):  # bytes that were not UTF-8 (surrogateescape)
        raise AnswerError(f"{q.id}: {text!r} is not valid UTF-8 text")
    if q.type == "choice":
        allowed = [str(c) for c in item.choices or []]
        if text not in allowed:
            raise AnswerError(f"{q.id}: {text!r} is not one of {', '.join(allowed)}")
        return text
    if q.rule:
        try:
            text = RULES[q.rule](text)
        except AnswerError as exc:
            raise AnswerError(f"{q.id}: {exc}") from None
    if q.regex and not _matches(q.regex, text):
        raise AnswerError(f"{q.id}: {text!r} does not match {q.regex}")
    return text


# --- layering --------------------------------------------------------------------------------


def parse_set_options(items: list[str]) -> dict[str, str]:
    result = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set {item!r} is not KEY=VALUE")
        result[key.strip()] = value
    return result


def load_answers_file(path: Path) -> dict[str, Any]:
    data = read_yaml(path, what="answers file")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UsageError(f"answers file {path} must be a YAML mapping of question: answer")
    if "answers" in data and isinstance(data["answers"], dict) and "pattern" in data:
        data = {"pattern": data["pattern"], **data["answers"]}  # an .mlgolden.yml works too
    return data


def check_unknown(known: list[Resolved], given: dict[str, Any], origin: str) -> None:
    ids = {item.id for item in known}
    for key in given:
        if key not in ids:
            raise UsageError(
                f"{origin}: unknown question {key!r}", hint=f"this pattern asks: {', '.join(sorted(ids))}"
            )


def collect(
    questions: list[Resolved],
    layers: list[tuple[str, dict[str, Any]]],
    *,
    ask=None,
) -> dict[str, Scalar]:
    """Answer every applicable question: the first layer holding it wins, else ``ask``, else the default.

    ``layers`` are (origin, mapping) pairs, highest precedence first. ``ask(item, default,
    answers)`` is the interview; without it a question takes its default, and a required
    question without one is an error naming the flag to pass.
    """
    answers: dict[str, Scalar] = {}
    for item in questions:
        if not applies(item, answers):
            continue
        origin, raw = next(((o, layer[item.id]) for o, layer in layers if item.id in layer), (None, None))
        if origin is not None:
            try:
                answers[item.id] = coerce(item, raw, answers)
            except AnswerError as exc:
                raise UsageError(f"{origin}: {exc}") from None
            continue
        default = item.default
        if ask is not None:
            answers[item.id] = ask(item, default, answers)
        elif default is not None:
            try:
                answers[item.id] = coerce(item, default, answers)
            except AnswerError as exc:
                try:  # valid on its own: it conflicts with another answer (e.g. min_from)
                    coerce(item, default, {})
                    hint = f"pass --set {item.id}=VALUE"
                except AnswerError:
                    hint = "the catalog's default is invalid"
                raise UsageError(f"default of {exc}", hint=hint) from None
        elif item.question.required:
            raise UsageError(
                f"question {item.id!r} has no default", hint=f"pass --set {item.id}=VALUE or drop --no-input"
            )
    return answers


# The only question ids the engine relies on; every catalog's shared questions must include them
# (checked when the catalog is opened). Everything else a catalog asks is data for its templates.
REQUIRED_QUESTIONS = {
    "project_name": "the project's name: its slug names the folder, the package and the resources",
}


def inapplicable(
    questions: list[Resolved], answers: dict[str, Scalar], layers: list[tuple[str, dict[str, Any]]]
) -> list[str]:
    """Answers the user gave (--set, --name, an answers file) for questions that do not apply to
    the other answers, each with the reason: they are not used, and the user should hear so."""
    return [
        f"{origin} {item.id} is ignored: {why_not(item, answers)}"
        for origin, layer in layers
        for item in questions
        if item.id in layer and item.id not in answers
    ]


def revise(questions: list[Resolved], answers: dict[str, Scalar], ask) -> dict[str, Scalar]:
    """Evaluate the questions again after an answer was edited.

    Answers that still apply and are still valid are kept; questions that no longer apply are
    dropped; those that now apply, or whose answer the edit made invalid (a maximum below a new
    minimum), go to ``ask(item, previous, reason, answers)``.
    """
    result: dict[str, Scalar] = {}
    for item in questions:
        if not applies(item, result):
            continue
        previous = answers.get(item.id)
        reason = None
        if item.id in answers:
            try:
                result[item.id] = coerce(item, previous, result)
                continue
            except AnswerError as exc:
                reason = str(exc)
        result[item.id] = ask(item, previous, reason, result)
    return result


def derived(answers: dict[str, Scalar]) -> dict[str, str]:
    """Values computed from the answers, never asked: the names the engine derives from the
    required ``project_name``."""
    slug = slugify(str(answers["project_name"]))
    return {"project_slug": slug, "package_name": slug.replace("-", "_")}


REGEX_TIMEOUT = 0.5  # seconds a catalog's `regex` may take on one answer


def _matches(pattern: str, text: str) -> bool:
    """A catalog's regex, with a time limit: a catalog is data, and a catastrophic pattern such as
    ``(a+)+$`` must not hang the interview (the `regex` module supports a timeout; `re` does not)."""
    import regex  # noqa: PLC0415

    try:
        return bool(regex.fullmatch(pattern, text, timeout=REGEX_TIMEOUT))
    except TimeoutError:
        raise AnswerError(f"the catalog's regex {pattern} took too long on {text[:40]!r}") from None
