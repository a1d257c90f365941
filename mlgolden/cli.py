"""The command line: typer only. Each command parses options, calls one service, maps the result
to an exit code. Heavy modules are imported inside the commands so that start-up stays fast.

Exit codes: 0 success, 1 an operation or check failed (for upgrade: conflicts), 2 usage error or
refused input, 3 an upgrade could not be applied (the repo is as before, or the message says the
command to run), 130 interrupted (nothing written).
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import typer

from mlgolden import __version__
from mlgolden.completion import pattern_names, set_values
from mlgolden.errors import Interrupted, MlgoldenError, UsageError

app = typer.Typer(
    name="mlgolden",
    help="Golden-path project generator for ML platform teams.\n\n"
    "Examples:\n\n"
    "\b\n"
    "  mlgolden new\n"
    "  mlgolden new --no-input --pattern live-service --name fraud-api\n"
    "  mlgolden patterns show batch-prediction\n"
    "  mlgolden validate .\n"
    "  mlgolden upgrade --check",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (see mlgolden/completion.py)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: formatting it with rich doubled the start-up time
    context_settings={"help_option_names": ["-h", "--help"]},
)
patterns_app = typer.Typer(
    help="List the catalog's patterns, or show one.\n\nExamples:\n\n"
    "\b\n  mlgolden patterns\n  mlgolden patterns show live-service",
    invoke_without_command=True,
    rich_markup_mode=None,
)
app.add_typer(patterns_app, name="patterns")

CatalogOpt = typer.Option(
    None,
    "--catalog",
    metavar="SOURCE",
    help="Catalog: a directory or git repository (path or URL). Default: built-in.",
)
RefOpt = typer.Option(
    None,
    "--ref",
    metavar="REF",
    help="Catalog version (git tag, branch or commit; WORKTREE: a local git catalog's working tree "
    "with its uncommitted changes). Default: newest tag.",
)
RelocatedCatalogOpt = typer.Option(
    None,
    "--catalog",
    metavar="SOURCE",
    help="The project's catalog moved or mirrored elsewhere (path or URL); recorded on the next upgrade.",
)


def _reporter():
    from mlgolden.ui import Reporter

    return Reporter()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mlgolden {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Golden-path project generator for ML platform teams."""


@app.command()
def new(
    pattern: str | None = typer.Option(
        None,
        "--pattern",
        "-p",
        metavar="NAME",
        autocompletion=pattern_names,
        help="Pattern name (see `mlgolden patterns`).",
    ),
    name: str | None = typer.Option(
        None, "--name", "-n", metavar="NAME", help="Project name; the folder is its slug."
    ),
    set_: list[str] = typer.Option(
        [],
        "--set",
        "-s",
        metavar="KEY=VALUE",
        autocompletion=set_values,
        help="Answer a question (repeatable).",
    ),
    answers: Path | None = typer.Option(
        None,
        "--answers",
        metavar="FILE",
        help="YAML mapping of answers (or another project's .mlgolden.yml).",
    ),
    no_input: bool = typer.Option(
        False, "--no-input", help="Never prompt: unanswered questions take their defaults."
    ),
    output_dir: Path = typer.Option(
        Path("."), "--output-dir", "-o", metavar="DIR", help="Where to create the project folder."
    ),
    catalog: str | None = CatalogOpt,
    ref: str | None = RefOpt,
    platform: Path | None = typer.Option(
        None,
        "--platform",
        metavar="FILE",
        help="Platform settings file merged over the catalog's (or $MLGOLDEN_PLATFORM).",
    ),
    trust: bool = typer.Option(
        False, "--trust", help="Trust the catalog: allow its cookiecutter hooks and symlinks."
    ),
) -> None:
    """Create a project on the golden path, as a git repository.

    Examples:

      \b
      mlgolden new
      mlgolden new --no-input
      mlgolden new --no-input -p batch-prediction --set schedule='0 6 * * 1'
      mlgolden new --no-input -p live-service -n fraud-api --set gpu=true
      mlgolden new --answers answers.yml --no-input -o ~/src
    """
    from mlgolden.new import NewOptions, create_project, next_steps

    report = _reporter()
    interview = None
    if not no_input:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError("no terminal to ask questions on", hint="pass --no-input")
        from mlgolden.interview import Interview

        interview = Interview()
    opts = NewOptions(
        pattern=pattern,
        name=name,
        sets=set_,
        answers_file=answers,
        no_input=no_input,
        output_dir=output_dir,
        catalog=catalog,
        ref=ref,
        platform_file=platform,
        trust=trust,
    )
    result = create_project(opts, report, interview)
    report.info("Next:")
    for step in next_steps(result):
        report.info(f"  {step}")


@app.command()
def upgrade(
    paths: list[Path] = typer.Argument(
        None, metavar="PATH", help="Project repositories (default: the current directory)."
    ),
    ref: str | None = typer.Option(
        None, "--ref", metavar="REF", help="Target catalog version (default: the newest)."
    ),
    set_: list[str] = typer.Option(
        [],
        "--set",
        "-s",
        metavar="KEY=VALUE",
        autocompletion=set_values,
        help="Change an answer (repeatable).",
    ),
    pattern: str | None = typer.Option(
        None,
        "--pattern",
        "-p",
        metavar="NAME",
        autocompletion=pattern_names,
        help="Switch the project to another pattern.",
    ),
    check: bool = typer.Option(False, "--check", help="Only report: exit 0 when current, 1 when behind."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="List what would change or conflict; change nothing."
    ),
    repos: Path | None = typer.Option(
        None, "--repos", metavar="FILE", help="File listing repositories, one per line."
    ),
    jobs: int = typer.Option(
        4, "--jobs", "-j", min=1, max=32, metavar="N", help="Repositories upgraded at once, 1-32 (fleets)."
    ),
    platform: Path | None = typer.Option(
        None, "--platform", metavar="FILE", help="Platform settings file (or $MLGOLDEN_PLATFORM)."
    ),
    trust: bool = typer.Option(
        False, "--trust", help="Trust the catalog: allow its hooks, extensions and symlinks."
    ),
    no_input: bool = typer.Option(
        False, "--no-input", help="Never prompt: questions the new version adds take their defaults."
    ),
    catalog: str | None = RelocatedCatalogOpt,
) -> None:
    """Take a newer template version (or changed answers) with a three-way merge.

    PATH is a project folder: a repository, or a folder of a monorepo holding .mlgolden.yml.

    One repository is upgraded on its current branch; several (or --repos) each on a new
    branch mlgolden/upgrade-<version>. Conflicts are left as an ordinary git cherry-pick.

    Examples:

      \b
      mlgolden upgrade
      mlgolden upgrade --check
      mlgolden upgrade --dry-run --ref v1.2.0
      mlgolden upgrade --set python_version=3.11 --set gpu=true
      mlgolden upgrade --pattern live-service
      mlgolden upgrade --repos fleet.txt --jobs 8
    """
    from mlgolden import upgrade_report  # noqa: PLC0415
    from mlgolden.upgrade import UpgradeOptions  # noqa: PLC0415

    opts = UpgradeOptions(
        ref=ref,
        sets=set_,
        pattern=pattern,
        check=check,
        dry_run=dry_run,
        platform_file=platform,
        trust=trust,
        catalog=catalog,
    )
    single = len(paths or []) <= 1 and repos is None
    if single and not (no_input or check or dry_run) and sys.stdin.isatty() and sys.stdout.isatty():
        from mlgolden.interview import Interview  # noqa: PLC0415

        opts.ask = Interview().ask
    code = upgrade_report.run(list(paths or []), repos, opts, jobs, _reporter())
    raise typer.Exit(code)


@app.command()
def validate(
    path: Path = typer.Argument(
        Path("."), metavar="PATH", help="The project to check (default: current directory)."
    ),
    format_: str = typer.Option("text", "--format", "-f", metavar="text|json|junit", help="Report format."),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write the report to FILE (people still get the table)."
    ),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail too (e.g. any template drift)."),
    require_tools: bool = typer.Option(
        False, "--require-tools", help="A check skipped for a missing tool fails (use in CI)."
    ),
    build: bool = typer.Option(
        False, "--build", help="Also build the image and smoke-test it (needs a Docker engine)."
    ),
    catalog: str | None = RelocatedCatalogOpt,
) -> None:
    """Check that a generated project still follows the golden path.

    Exit 0 when no check failed, 1 when one did, 2 for usage errors. Checks are listed in
    docs/checks.md; turn one off with `validate: {skip: {ID: reason}}` in .mlgolden.yml.

    Examples:

      \b
      mlgolden validate
      mlgolden validate path/to/project --strict
      mlgolden validate --format json > validate.json
      mlgolden validate --require-tools --format junit -o reports/mlgolden.xml
      mlgolden validate --build
    """
    from mlgolden import validate_report  # noqa: PLC0415
    from mlgolden.validate import FORMATS, Options, validate_project  # noqa: PLC0415

    if format_ not in FORMATS:
        raise UsageError(f"unknown format {format_!r}", hint=f"choose one of: {', '.join(FORMATS)}")
    options = Options(strict=strict, require_tools=require_tools, build=build, catalog=catalog)
    result = validate_project(path, options)
    raise typer.Exit(validate_report.emit(result, format_, output, _reporter()))


@patterns_app.callback()
def patterns(ctx: typer.Context, catalog: str | None = CatalogOpt, ref: str | None = RefOpt) -> None:
    """List the patterns: name, tier and one-line description."""
    ctx.obj = (catalog, ref)
    if ctx.invoked_subcommand is not None:
        return
    from mlgolden.catalog import open_catalog

    report = _reporter()
    with open_catalog(catalog, ref) as cat:
        report.columns([(name, p.tier, p.description) for name, p in cat.patterns.items()])


@patterns_app.command("show")
def patterns_show(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", autocompletion=pattern_names, help="Pattern name."),
    catalog: str | None = CatalogOpt,
    ref: str | None = RefOpt,
) -> None:
    """Show a pattern's components, questions and defaults.

    Examples:

      \b
      mlgolden patterns show streamlit-demo
      mlgolden patterns show training-pipeline --catalog ../acme --ref WORKTREE
    """
    from mlgolden.answers import display_value, questions_for
    from mlgolden.catalog import open_catalog
    from mlgolden.platform import load_platform

    given_catalog, given_ref = ctx.obj or (None, None)
    catalog, ref = catalog or given_catalog, ref or given_ref
    report = _reporter()
    with open_catalog(catalog, ref) as cat:
        p = cat.pattern(name)
        platform = load_platform(cat.platform_defaults())
        report.info(f"{p.name} — {p.title} ({p.tier}), catalog {cat.source} {cat.version}")
        report.info(f"  {p.description}")
        report.info("components:")
        report.columns([(c, cat.spec.components[c].description) for c in p.components], indent=2)
        report.info("questions (id, type, default, choices / rule):")
        rows = []
        for item in questions_for(cat.spec.questions, p, platform):
            q = item.question
            extra = ", ".join(map(str, item.choices)) if item.choices else (q.rule or "")
            when = " and ".join(f"{k}={display_value(v)}" for k, v in (item.when or {}).items())
            default = "" if item.default is None else display_value(item.default)
            rows.append((q.id, q.type, default, f"{extra} [when {when}]" if when else extra))
        report.columns(rows, indent=2)


# --- mlgolden catalog: for the platform teams who own a catalog -----------------------------

catalog_app = typer.Typer(
    help="Check, test and release a catalog you own.\n\nExamples:\n\n"
    "  mlgolden catalog check\n\n  mlgolden catalog test --jobs 4 --format junit -o catalog-test.xml\n\n"
    "  mlgolden catalog release 1.1.0",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(catalog_app, name="catalog")
CatalogDirArg = typer.Argument(Path("."), help="The catalog's folder (default: the current directory).")


@catalog_app.command("init")
def catalog_init(
    folder: Path = typer.Argument(..., help="The new catalog's folder (new or empty)."),
    name: str = typer.Option(..., "--name", help="The catalog's name, e.g. acme-ml."),
) -> None:
    """Start a catalog of your own: a copy of the built-in one, renamed, at version 1.0.0.

    Example:

      mlgolden catalog init acme-catalog --name acme-ml
    """
    from mlgolden.catalog_tools.scaffold import init_catalog  # noqa: PLC0415

    dest = init_catalog(folder, name)
    report = _reporter()
    report.info(f"created catalog {name} 1.0.0 in {dest}")
    report.info("next: git init, commit, `mlgolden catalog check`, `mlgolden catalog release 1.0.0`")


@catalog_app.command("check")
def catalog_check(folder: Path = CatalogDirArg) -> None:
    """Report every problem of a catalog, each with its file and line; exit 1 when one is an error.

    Checks the schema of catalog.yml, platform.yml and the patterns (unknown fields by name), the
    components and how they fit together, the questions' references (when, choices_from,
    default_from, min_from, defaults), the Jinja syntax of every template, template files a
    .gitignore would keep out of git, and a changelog section for the catalog's version.

    Examples:

      mlgolden catalog check

      mlgolden catalog check ../acme-catalog
    """
    from mlgolden.catalog_tools.check import check_catalog, summary  # noqa: PLC0415

    report = _reporter()
    result = check_catalog(folder)
    for line in summary(result):
        report.info(line)
    raise typer.Exit(0 if result.ok else 1)


@catalog_app.command("test")
def catalog_test(
    folder: str = typer.Argument(
        ".", help="The catalog's folder (default: the current directory; `builtin`: the built-in one)."
    ),
    pattern: str | None = typer.Option(None, "--pattern", "-p", help="Test only this pattern."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, max=32, help="Cases run at once."),
    matrix: str = typer.Option(
        "pairwise",
        "--matrix",
        metavar="pairwise|flips|defaults",
        help="Answers per pattern: every pair of yes/no and choice values (default), each value once, "
        "or the defaults only.",
    ),
    project_tests: bool = typer.Option(
        False, "--project-tests", help="Also run each project's own `make install test lint`."
    ),
    upgrade: bool = typer.Option(
        True, "--upgrade/--no-upgrade", help="Also upgrade each pattern from the previous version."
    ),
    format_: str = typer.Option("text", "--format", "-f", metavar="text|junit", help="Report format."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report to FILE (people still get the text)."
    ),
) -> None:
    """Render every pattern over a matrix of answers from the working tree (uncommitted changes
    included), validate each render with --require-tools, upgrade each pattern from the previous
    version; exit 1 when a case fails. Put this one command in your catalog's CI.

    Examples:

      \b
      mlgolden catalog test
      mlgolden catalog test ../acme-catalog -j 4 --format junit -o report.xml
      mlgolden catalog test -p live-service --matrix flips --project-tests
    """
    from mlgolden.catalog_tools.matrix import TestOptions, test_catalog, text_lines, to_junit  # noqa: PLC0415

    if format_ not in ("text", "junit"):
        raise UsageError(f"unknown format {format_!r}", hint="choose one of: text, junit")
    report = _reporter()
    opts = TestOptions(
        pattern=pattern, jobs=jobs, matrix=matrix, project_tests=project_tests, upgrade=upgrade
    )
    done = lambda r: typer.echo(f"{'pass' if r.passed else 'FAIL'}  {r.case.name}", err=True)  # noqa: E731
    result = test_catalog(folder, opts, progress=done)
    if format_ == "junit" and output is None:
        typer.echo(to_junit(result), nl=False)
    else:
        for line in text_lines(result):
            report.info(line)
        if output is not None:
            output.write_text(
                to_junit(result) if format_ == "junit" else "\n".join(text_lines(result)) + "\n"
            )
    raise typer.Exit(0 if result.ok else 1)


@catalog_app.command("release")
def catalog_release(
    version: str = typer.Argument(..., help="The new version, e.g. 1.2.0."),
    folder: Path = typer.Option(Path("."), "--dir", "-C", help="The catalog's folder (default: here)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, max=32, help="Test cases run at once."),
    matrix: str = typer.Option("pairwise", "--matrix", metavar="pairwise|flips|defaults", help="See `test`."),
    project_tests: bool = typer.Option(False, "--project-tests", help="See `test`."),
) -> None:
    """Release a catalog version: refuse without a changelog section for VERSION or with
    uncommitted changes; bump `version` in catalog.yml, run `check` and `test`, commit, tag vVERSION.
    For the built-in catalog the outgoing version is archived into mlgolden/releases/ first.

    Examples:

      mlgolden catalog release 1.1.0

      mlgolden catalog release 2.0.0 -C ../acme-catalog --jobs 4
    """
    from mlgolden.catalog_tools.matrix import TestOptions  # noqa: PLC0415
    from mlgolden.catalog_tools.release import release_catalog  # noqa: PLC0415

    report = _reporter()
    opts = TestOptions(jobs=jobs, matrix=matrix, project_tests=project_tests)
    done = lambda r: typer.echo(f"{'pass' if r.passed else 'FAIL'}  {r.case.name}", err=True)  # noqa: E731
    result = release_catalog(folder, version, opts, progress=done)
    report.info(f"released catalog {result.version} (was {result.previous}): tag {result.tag}")
    if result.archive is not None:
        report.info(f"archived {result.previous} to {result.archive}")
    report.info(f"publish it: git -C {result.folder} push --follow-tags")


# --- features: discovery over the shared feature registry (mlgolden/features/) -------------------

features_app = typer.Typer(
    help="Find, inspect and trace the features of the platform's shared Feast registry.\n\n"
    "Examples:\n\n"
    "  mlgolden features list --team data-science\n\n"
    "  mlgolden features search tenure --entity customer\n\n"
    "  mlgolden features show churn_scores_customer_features\n\n"
    "  mlgolden features lineage churn_scores_customer_features:tenure_months\n\n"
    "  mlgolden features list --format html --output catalog.html",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(features_app, name="features")
RegistryOpt = typer.Option(
    None,
    "--registry",
    help="Registry file or SQLAlchemy URL. Default: $MLGOLDEN_FEAST_REGISTRY, else the current project's.",
)
RefreshOpt = typer.Option(False, "--refresh", help="Re-read the registry instead of the cached snapshot.")
FormatOpt = typer.Option("table", "--format", "-f", metavar="table|json|markdown|html", help="Output format.")
OutputOpt = typer.Option(None, "--output", "-o", help="Write to FILE instead of standard output.")
OwnerOpt = typer.Option(None, "--owner", help="Owning repository (id or name).")
TeamOpt = typer.Option(None, "--team", help="Owning team.")
EntityOpt = typer.Option(None, "--entity", help="Only feature views keyed by this entity.")
ClassOpt = typer.Option(None, "--classification", help="public, internal, confidential or pii.")
TagOpt = typer.Option([], "--tag", help="KEY=VALUE a tag must have (repeatable).")
KindOpt = typer.Option(
    None, "--kind", help="Object kinds, comma-separated, or `all`. Default: feature views."
)


def _features_filters(owner, team, entity, classification, tags, kind):
    from mlgolden.features.catalog import Filters, parse_kinds, parse_tags

    return Filters(owner, team, entity, classification, parse_tags(tags), parse_kinds(kind))


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text)
        return
    from mlgolden.features.snapshot import write_atomic

    write_atomic(output, text + "\n")
    typer.echo(f"wrote {output}", err=True)


@features_app.command("list")
def features_list(
    registry: str | None = RegistryOpt,
    owner: str | None = OwnerOpt,
    team: str | None = TeamOpt,
    entity: str | None = EntityOpt,
    classification: str | None = ClassOpt,
    tag: list[str] = TagOpt,
    kind: str | None = KindOpt,
    format_: str = FormatOpt,
    output: Path | None = OutputOpt,
    refresh: bool = RefreshOpt,
) -> None:
    """List feature views (or other kinds) with owner, team, classification, version, freshness
    and the feature services that use them."""
    from mlgolden.features import service

    filters = _features_filters(owner, team, entity, classification, tag, kind)
    _emit(service.list_objects(service.Source(registry, refresh), filters, format_), output)


@features_app.command("search")
def features_search(
    text: str = typer.Argument(..., help="Words to find in names, descriptions, fields and tags."),
    limit: int = typer.Option(50, "--limit", "-n", help="Show the best N matches (0: all)."),
    registry: str | None = RegistryOpt,
    owner: str | None = OwnerOpt,
    team: str | None = TeamOpt,
    entity: str | None = EntityOpt,
    classification: str | None = ClassOpt,
    tag: list[str] = TagOpt,
    kind: str | None = KindOpt,
    format_: str = FormatOpt,
    output: Path | None = OutputOpt,
    refresh: bool = RefreshOpt,
) -> None:
    """Search the registry: every word must match; name matches first, then exact feature names."""
    from mlgolden.features import service

    if limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    filters = _features_filters(owner, team, entity, classification, tag, kind)
    _emit(service.search(service.Source(registry, refresh), text, filters, format_, limit), output)


@features_app.command("show")
def features_show(
    name: str = typer.Argument(..., help="Name of a feature view, entity or feature service (PROJECT/NAME)."),
    registry: str | None = RegistryOpt,
    format_: str = FormatOpt,
    output: Path | None = OutputOpt,
    refresh: bool = RefreshOpt,
) -> None:
    """Show one object: description, owner, schema, version, freshness, who uses it."""
    from mlgolden.features import service

    _emit(service.show(service.Source(registry, refresh), name, format_), output)


@features_app.command("lineage")
def features_lineage(
    name: str = typer.Argument(..., help="A feature view, VIEW:FEATURE, or an entity."),
    registry: str | None = RegistryOpt,
    format_: str = FormatOpt,
    output: Path | None = OutputOpt,
    refresh: bool = RefreshOpt,
) -> None:
    """Which repositories, models (feature services) and DAGs use a feature."""
    from mlgolden.features import service

    _emit(service.lineage(service.Source(registry, refresh), name, format_), output)


_SIGNALLED: list[int] = []  # the signals received: an error after one is the interrupt's doing


def _on_signal(signum, frame):
    """Ctrl-C and SIGTERM roll back: the services clean up on this exception."""
    _SIGNALLED.append(signum)
    raise Interrupted("interrupted")


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    Every error, ours (:class:`MlgoldenError`) and click's own (an unknown option, a bad value),
    becomes one ``error:`` line on stderr; usage errors exit 2.
    """
    from typer.main import get_command

    args = sys.argv[1:] if argv is None else list(argv)
    try:  # building the command is inside: a Ctrl-C while typer inspects the commands is no crash
        command = get_command(app)
        _word_placeholders(command)
        code = command.main(args=args, prog_name="mlgolden", standalone_mode=False)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except MlgoldenError as exc:
        _error(exc.one_line())
        return exc.exit_code
    except typer.Abort:
        _error("aborted")
        return 1
    except typer.TyperException as exc:  # click's own usage errors
        return _click_error(exc, args)
    except Exception:
        # An interrupt that lands inside a C extension's import (e.g. ``_ssl`` while typer loads
        # pydantic) can surface as another exception; nothing was written before any service ran.
        if not _SIGNALLED:
            raise
        _error("interrupted")
        return Interrupted.exit_code
    return code if isinstance(code, int) else 0


def _click_error(exc: typer.TyperException, args: list[str]) -> int:
    from typer._click.exceptions import BadParameter, NoArgsIsHelpError  # the click typer ships

    if isinstance(exc, NoArgsIsHelpError):  # bare `mlgolden`: the help, as click prints it
        exc.show()
        return exc.exit_code
    message = exc.format_message()
    if isinstance(exc, BadParameter) and exc.param is not None and exc.param.param_type_name == "option":
        typed = _typed_option(exc.param, args)
        message = f"{typed}: {exc.message}"
    message = message[:1].lower() + message[1:] if message[1:2].islower() else message
    ctx = getattr(exc, "ctx", None)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    _error(f"{message}{hint}")
    return exc.exit_code


def _typed_option(param, args: list[str]) -> str:
    """The spelling of an option the user typed (-j or --jobs), for the error message."""
    spellings = [*param.opts, *param.secondary_opts]
    for arg in args:
        for spelling in spellings:
            if (
                arg == spelling
                or arg.startswith(f"{spelling}=")
                or (not spelling.startswith("--") and arg.startswith(spelling))
            ):
                return spelling
    return max(spellings, key=len)


def _error(text: str) -> None:
    """One ``error:`` line; at a terminal it wraps at the terminal's width, with an indent."""
    line = f"error: {text}"
    if sys.stderr.isatty():
        import shutil
        import textwrap

        width = shutil.get_terminal_size().columns
        line = "\n".join(textwrap.wrap(line, width=width, subsequent_indent="  ", break_on_hyphens=False))
    print(line, file=sys.stderr)


def _word_placeholders(command) -> None:
    """Placeholders are words (PATH, N), never typer's Python types (`<list[Path]>`, `<int range>`):
    an option without a metavar gets one, an argument shows only its name."""
    from typer.core import TyperArgument

    for param in getattr(command, "params", []):
        if isinstance(param, TyperArgument):
            param.display_type_rich = lambda ctx: None
        elif param.metavar is None and not getattr(param, "is_flag", False):
            desc = param.type_descriptor
            param.metavar = "PATH" if desc.is_path else "N" if desc.is_ranged else param.name.upper()
    for sub in getattr(command, "commands", {}).values():
        _word_placeholders(sub)


def main() -> None:
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    sys.exit(run())


if __name__ == "__main__":
    main()
