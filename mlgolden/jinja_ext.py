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
    """A double-quoted string valid in JSON, YAML, TOML and Python."""
    return json.dumps(str(value), ensure_ascii=True)


def hcl_str(value: object) -> str:
    """A double-quoted HCL string; ``${`` and ``%{`` are escaped so nothing is interpolated."""
    return json_str(value).replace("${", "$${").replace("%{", "%%{")


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
    "yaml_str": json_str,
    "toml_str": json_str,
    "py_str": json_str,
    "hcl_str": hcl_str,
    "groovy_str": groovy_str,
    "sh_quote": sh_quote,
    "label_value": label_value,
}


class GoldenExtension(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.update(FILTERS)
