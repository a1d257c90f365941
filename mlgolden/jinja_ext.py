"""Jinja filters that escape a rendered value for the language it lands in.

Every answer that reaches a template goes through one of these where it lands: a Jenkinsfile
(Groovy and shell), YAML, HCL, TOML, Python or a Dockerfile. The built-in extension is loaded for
every catalog, trusted or not.
"""

from __future__ import annotations

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
