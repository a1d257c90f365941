"""The Jinja side of rendering: filters that escape a value for the language it lands in, and
the environments templates render in (a sandbox for untrusted catalogs).

Every answer that reaches a template goes through one of these where it lands: a Jenkinsfile
(Groovy and shell), YAML, HCL, TOML, Python or a Dockerfile. The built-in extension is loaded for
every catalog, trusted or not.
"""

from __future__ import annotations

import functools
import json
import re
import shlex

from jinja2.ext import Extension


def json_str(value: object) -> str:
    """A double-quoted JSON string (ASCII; a character beyond U+FFFF as a surrogate pair)."""
    return json.dumps(str(value), ensure_ascii=True)


def quoted_str(value: object) -> str:
    """A double-quoted ASCII string valid in YAML, TOML, Python and HCL: JSON's escapes, except
    that a character beyond U+FFFF (an emoji) is ``\\UXXXXXXXX``: these languages read a JSON
    surrogate pair as two lone surrogates (TOML and Terraform refuse them, Python cannot print them).
    """
    text = json.dumps(str(value), ensure_ascii=False)
    return "".join(
        ch if " " <= ch < "\x7f" else f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"
        for ch in text
    )


def hcl_str(value: object) -> str:
    """A double-quoted HCL string; ``${`` and ``%{`` are escaped so nothing is interpolated."""
    return quoted_str(value).replace("${", "$${").replace("%{", "%%{")


def groovy_str(value: object) -> str:
    """A single-quoted Groovy string (no interpolation)."""
    text = str(value).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return f"'{text}'"


def sh_quote(value: object) -> str:
    return shlex.quote(str(value))


def label_value(value: object) -> str:
    """A cloud label value: lower case, digits, dashes and underscores, at most 63 characters."""
    return re.sub(r"[^a-z0-9_-]+", "-", str(value).lower()).strip("-")[:63]


FILTERS = {
    "json_str": json_str,
    "yaml_str": quoted_str,
    "toml_str": quoted_str,
    "py_str": quoted_str,
    "hcl_str": hcl_str,
    "groovy_str": groovy_str,
    "sh_quote": sh_quote,
    "label_value": label_value,
}


class GoldenExtension(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.update(FILTERS)


# --- the environments templates render in ----------------------------------------------------------

MAX_SIZE = 1_000_000  # the longest string or list a sandboxed `*` or `**` may build


def template_environment(trusted: bool):
    """The Jinja environment class for a catalog: cookiecutter's own for a trusted one (the
    built-in catalog, --trust, trusted_catalogs), the immutable sandbox for any other."""
    from cookiecutter.environment import StrictEnvironment  # noqa: PLC0415 (lazy: ~165 ms)

    if trusted:
        return StrictEnvironment
    return _sandboxed_environment()


@functools.cache
def _sandboxed_environment():
    from cookiecutter.environment import ExtensionLoaderMixin  # noqa: PLC0415
    from jinja2 import StrictUndefined  # noqa: PLC0415
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError  # noqa: PLC0415

    class SandboxedEnvironment(ExtensionLoaderMixin, ImmutableSandboxedEnvironment):
        """No attribute walks to ``__globals__``/``__class__``, no calls of unsafe callables, no
        mutation of the context, and no `*`/`**` that builds a huge value (memory exhaustion)."""

        intercepted_binops = frozenset(["*", "**"])

        def __init__(self, **kwargs) -> None:
            super().__init__(undefined=StrictUndefined, **kwargs)

        def call_binop(self, context, operator, left, right):
            if operator == "**":
                if isinstance(right, (int, float)) and abs(right) > 64 and not _is_unit(left):
                    raise SecurityError("the exponent is too large for a template")
                return left**right
            if isinstance(left, (str, bytes, list, tuple)) or isinstance(right, (str, bytes, list, tuple)):
                seq, count = (left, right) if isinstance(left, (str, bytes, list, tuple)) else (right, left)
                if isinstance(count, int) and len(seq) * count > MAX_SIZE:
                    raise SecurityError("the repeated value is too large for a template")
            return left * right

    return SandboxedEnvironment


def _is_unit(value: object) -> bool:
    return isinstance(value, (int, float)) and abs(value) <= 1


def describe_template_error(exc: BaseException) -> str:
    """One line for an error raised while rendering a template, with its file and line."""
    inner = getattr(exc, "error", None) or exc
    where = ""
    if getattr(inner, "lineno", None) and getattr(inner, "filename", None):
        where = f" ({inner.filename}:{inner.lineno})"
    message = getattr(inner, "message", None) or str(inner) or type(inner).__name__
    return " ".join(str(message).split())[:300] + where
