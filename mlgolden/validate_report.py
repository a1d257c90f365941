"""How `mlgolden validate` shows its results: a table for people, JSON, or JUnit XML for Jenkins."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from mlgolden import __version__
from mlgolden.checks.base import CheckResult
from mlgolden.errors import UsageError
from mlgolden.ui import Reporter
from mlgolden.validate import FORMATS, Validation

STYLES = {"passed": "green", "warning": "yellow", "failed": "bold red", "skipped": "cyan"}
SUITE = "mlgolden.validate"
# Characters XML 1.0 cannot hold (ElementTree writes them as they are): shown as \xNN instead.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def emit(validation: Validation, fmt: str, output: Path | None, report: Reporter) -> int:
    """Write the report (to ``output`` or stdout) and return the exit code.

    With ``--output`` the file gets the chosen format and people still get the table on stdout.
    """
    if fmt == "text" and output is None:
        report.rich(table(validation))
        report.info(summary_line(validation))
        return validation.exit_code
    text = render(validation, fmt)
    if output is None:
        report.lines.append(text)
        if not report.quiet:
            print(text)  # machine-readable: no rich markup, wrapping or emoji
        return validation.exit_code
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None
    report.rich(table(validation))
    report.info(f"{summary_line(validation)}; {fmt} report written to {output}")
    return validation.exit_code


def render(validation: Validation, fmt: str) -> str:
    if fmt == "json":
        return to_json(validation)
    if fmt == "junit":
        return to_junit(validation)
    if fmt == "text":
        return to_text(validation)
    raise UsageError(f"unknown format {fmt!r}", hint=f"choose one of: {', '.join(FORMATS)}")


def summary_line(validation: Validation) -> str:
    counts = validation.counts()
    parts = [f"{n} {status}" for status, n in counts.items() if n]
    verdict = "FAILED" if validation.failed else "OK"
    return f"{verdict}: {', '.join(parts) or 'no checks'} ({validation.duration:.1f} s)"


def table(validation: Validation):
    from rich.table import Table  # noqa: PLC0415 (lazy)
    from rich.text import Text  # noqa: PLC0415

    title = f"mlgolden validate {validation.root}"
    if validation.pattern:
        title += f" ({validation.pattern}, catalog {validation.catalog.get('version')})"
    grid = Table(title=Text(title), title_justify="left", expand=False)  # user text: never markup
    grid.add_column("check", no_wrap=True)
    grid.add_column("status", no_wrap=True)
    grid.add_column("details", overflow="fold")
    for result in validation.results:
        for index, line in enumerate(_rows(result)):
            first = index == 0
            grid.add_row(
                result.id if first else "",
                Text(result.status, style=STYLES[result.status]) if first else "",
                line,
            )
    return grid


def _rows(result: CheckResult):
    from rich.text import Text  # noqa: PLC0415

    if not result.findings:
        return [Text("; ".join(result.notes) or result.description, style="dim")]
    rows = []
    for finding in result.findings:
        line = Text()
        if finding.location:
            line.append(finding.location, style="bold")
            line.append(": ")
        if finding.severity == "warning":
            line.append("warning: ", style="yellow")
        line.append(finding.message)
        rows.append(line)
    return rows


def to_text(validation: Validation) -> str:
    lines = []
    for result in validation.results:
        lines.append(f"{result.id:<10} {result.status:<8} {result.description}")
        for finding in result.findings:
            where = f"{finding.location}: " if finding.location else ""
            lines.append(f"  {finding.severity:<8} {where}{finding.message}")
    lines.append(summary_line(validation))
    return "\n".join(lines)


def to_json(validation: Validation) -> str:
    data = {
        "mlgolden": __version__,
        "project": str(validation.root),
        "pattern": validation.pattern,
        "catalog": validation.catalog,
        "options": {
            "strict": validation.options.strict,
            "require_tools": validation.options.require_tools,
            "build": validation.options.build,
        },
        "ok": not validation.failed,
        "exit_code": validation.exit_code,
        "summary": validation.counts(),
        "duration_s": round(validation.duration, 3),
        "checks": [result.to_dict() for result in validation.results],
    }
    return json.dumps(data, indent=2)


def to_junit(validation: Validation) -> str:
    """JUnit XML as Jenkins' `junit` step reads it: one testcase per check."""
    counts = validation.counts()
    suites = ET.Element("testsuites", name=SUITE)
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=SUITE,
        tests=str(len(validation.results)),
        failures=str(counts["failed"]),
        errors="0",
        skipped=str(counts["skipped"]),
        time=f"{validation.duration:.3f}",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("project", str(validation.root)),
        ("pattern", validation.pattern or ""),
        ("catalog.version", str(validation.catalog.get("version") or "")),
        ("mlgolden", __version__),
    ):
        ET.SubElement(properties, "property", name=name, value=value)
    for result in validation.results:
        case = ET.SubElement(
            suite, "testcase", classname=SUITE, name=result.id, time=f"{result.duration:.3f}"
        )
        details = "\n".join(
            f"[{f.severity}] {f.location + ': ' if f.location else ''}{f.message}"
            + (f" ({f.rule})" if f.rule else "")
            for f in result.findings
        )
        if result.status == "failed":
            errors = [f for f in result.findings if f.severity == "error"]
            failure = ET.SubElement(
                case, "failure", type=errors[0].rule or result.id, message=_one_line(errors[0])
            )
            failure.text = details
        elif result.status == "skipped":
            skips = [f for f in result.findings if f.severity == "skipped"]
            ET.SubElement(case, "skipped", message=skips[0].message if skips else "skipped")
        out_text = "\n".join(
            [*result.notes, *(details.splitlines() if result.status not in ("failed",) else [])]
        )
        if out_text:
            ET.SubElement(case, "system-out").text = out_text
    ET.indent(suites)
    text = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + XML_INVALID.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def _one_line(finding) -> str:
    where = f"{finding.location}: " if finding.location else ""
    return f"{where}{finding.message}"
