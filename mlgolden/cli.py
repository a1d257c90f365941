"""The command line: typer only. Each command parses options, calls one service, maps the result
to an exit code. Heavy modules are imported inside the commands so that start-up stays fast.

Exit codes: 0 success, 1 an operation or check failed, 2 usage error or refused input,
130 interrupted (nothing written).
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Optional

import typer

from mlgolden import __version__
from mlgolden.errors import Interrupted, MlgoldenError, UsageError

app = typer.Typer(
    name="mlgolden",
    help="Golden-path project generator for ML platform teams.\n\n"
    "Examples:\n\n"
    "  mlgolden new                       # interview at the terminal\n\n"
    "  mlgolden new --no-input --pattern live-service --name fraud-api\n\n"
    "  mlgolden patterns show batch-prediction\n\n"
    "  mlgolden validate .   /   mlgolden upgrade --check",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
patterns_app = typer.Typer(
    help="List the catalog's patterns, or show one.\n\nExamples:\n\n"
    "  mlgolden patterns\n\n  mlgolden patterns show live-service",
    invoke_without_command=True,
)
app.add_typer(patterns_app, name="patterns")

CatalogOpt = typer.Option(None, "--catalog", help="Catalog: a directory or git repository (path or URL). Default: built-in.")
RefOpt = typer.Option(None, "--ref", help="Catalog version (git tag, branch or commit). Default: newest tag.")


def _reporter():
    from mlgolden.ui import Reporter  # noqa: PLC0415

    return Reporter()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlgolden {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Golden-path project generator for ML platform teams."""


@app.command()
def new(
    pattern: Optional[str] = typer.Option(None, "--pattern", "-p", help="Pattern name (see `mlgolden patterns`)."),
    name: Optional[str] = typer.Option(None, "--name", "-n", help="Project name; the folder is its slug."),
    set_: list[str] = typer.Option([], "--set", "-s", metavar="KEY=VALUE", help="Answer a question (repeatable)."),
    answers: Optional[Path] = typer.Option(None, "--answers", help="YAML mapping of answers (or another project's .mlgolden.yml)."),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt: unanswered questions take their defaults."),
    output_dir: Path = typer.Option(Path("."), "--output-dir", "-o", help="Where to create the project folder."),
    catalog: Optional[str] = CatalogOpt,
    ref: Optional[str] = RefOpt,
    platform: Optional[Path] = typer.Option(None, "--platform", help="Platform settings file merged over the catalog's (or $MLGOLDEN_PLATFORM)."),
    trust: bool = typer.Option(False, "--trust", help="Trust the catalog: allow its cookiecutter hooks and symlinks."),
) -> None:
    """Create a project on the golden path, as a git repository.

    Examples:

      mlgolden new

      mlgolden new --no-input

      mlgolden new --no-input -p batch-prediction -n churn-scores --set schedule='0 6 * * 1'

      mlgolden new --answers answers.yml --no-input -o ~/src
    """
    from mlgolden.new import NewOptions, create_project, next_steps  # noqa: PLC0415

    report = _reporter()
    interview = None
    if not no_input:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError("no terminal to ask questions on", hint="pass --no-input")
        from mlgolden.interview import Interview  # noqa: PLC0415

        interview = Interview()
    opts = NewOptions(pattern=pattern, name=name, sets=set_, answers_file=answers,
                      no_input=no_input, output_dir=output_dir, catalog=catalog, ref=ref,
                      platform_file=platform, trust=trust)
    result = create_project(opts, report, interview)
    report.info("Next:")
    for step in next_steps(result):
        report.info(f"  {step}")


@patterns_app.callback()
def patterns(ctx: typer.Context, catalog: Optional[str] = CatalogOpt, ref: Optional[str] = RefOpt) -> None:
    """List the patterns: name, tier and one-line description."""
    ctx.obj = (catalog, ref)
    if ctx.invoked_subcommand is not None:
        return
    from mlgolden.catalog import open_catalog  # noqa: PLC0415

    report = _reporter()
    with open_catalog(catalog, ref) as cat:
        width = max(len(n) for n in cat.patterns)
        for name, p in cat.patterns.items():
            report.info(f"{name.ljust(width)}  {p.tier:<6}  {p.description}")


@patterns_app.command("show")
def patterns_show(ctx: typer.Context, name: str = typer.Argument(..., help="Pattern name.")) -> None:
    """Show a pattern's components, questions and defaults.

    Example:

      mlgolden patterns show streamlit-demo
    """
    from mlgolden.answers import questions_for  # noqa: PLC0415
    from mlgolden.catalog import open_catalog  # noqa: PLC0415
    from mlgolden.platform import load_platform  # noqa: PLC0415

    catalog, ref = ctx.obj or (None, None)
    report = _reporter()
    with open_catalog(catalog, ref) as cat:
        p = cat.pattern(name)
        platform = load_platform(cat.platform_defaults())
        report.info(f"{p.name} — {p.title} ({p.tier}), catalog {cat.source} {cat.version}")
        report.info(f"  {p.description}")
        report.info("components:")
        for c in p.components:
            report.info(f"  {c:<10} {cat.spec.components[c].description}")
        report.info("questions (id, type, default, choices / rule):")
        for item in questions_for(cat.spec.questions, p, platform):
            q = item.question
            extra = ", ".join(map(str, item.choices)) if item.choices else (q.rule or "")
            when = f" [when {q.when}]" if q.when else ""
            report.info(f"  {q.id:<20} {q.type:<6} {str(item.default):<24} {extra}{when}")


def _on_signal(signum, frame):
    """Ctrl-C and SIGTERM roll back: the services clean up on this exception."""
    raise Interrupted("interrupted; nothing was written")


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; MlgoldenError becomes one line on stderr."""
    try:
        app(args=argv, prog_name="mlgolden", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except MlgoldenError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    return 0


def main() -> None:
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    sys.exit(run())


if __name__ == "__main__":
    main()
