"""`mlgolden new`: interview → render into a temporary directory → git commit → move into place.

Nothing is half-written: the project is rendered and committed in a hidden staging directory on
the same file system as the target, then renamed into place in one step. Any error or interrupt
removes the staging directory (and the output directory, if this run created it).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mlgolden import gitops
from mlgolden.answers import (
    AnswerError,
    check_unknown,
    collect,
    derived,
    inapplicable,
    load_answers_file,
    parse_set_options,
    questions_for,
)
from mlgolden.catalog import Catalog, open_catalog
from mlgolden.errors import Interrupted, UsageError
from mlgolden.interview import Interview
from mlgolden.locking import pid_alive
from mlgolden.platform import load_platform
from mlgolden.render import render_project
from mlgolden.ui import Reporter

STAGING_PREFIX = ".mlgolden-new-"


@dataclass
class NewOptions:
    pattern: str | None = None
    name: str | None = None
    sets: list[str] = field(default_factory=list)
    answers_file: Path | None = None
    no_input: bool = False
    output_dir: Path = Path(".")
    catalog: str | None = None
    ref: str | None = None
    platform_file: Path | None = None
    trust: bool = False


@dataclass
class NewResult:
    project_dir: Path
    pattern: str
    version: str
    commit: str
    files: list[str]


def create_project(opts: NewOptions, report: Reporter, interview: Interview | None = None) -> NewResult:
    """Create a project; ``interview`` is None for --no-input."""
    gitops.require_git()
    cli_answers = parse_set_options(opts.sets)
    name_answer = {} if opts.name is None else {"project_name": opts.name}
    file_answers = load_answers_file(opts.answers_file) if opts.answers_file else {}
    wanted_pattern = opts.pattern or cli_answers.pop("pattern", None) or file_answers.pop("pattern", None)
    output_dir = opts.output_dir.expanduser().absolute()
    if output_dir.exists() and not output_dir.is_dir():
        raise UsageError(f"output directory {output_dir} is a file")

    with open_catalog(opts.catalog, opts.ref, trust=opts.trust) as catalog:
        platform = load_platform(catalog.platform_defaults(), opts.platform_file)
        if wanted_pattern is None:
            default = _default_pattern(catalog)
            wanted_pattern = interview.choose_pattern(catalog.patterns, default) if interview else default
        pattern = catalog.pattern(str(wanted_pattern))
        questions = questions_for(catalog.spec.questions, pattern, platform)
        check_unknown(questions, cli_answers, "--set")
        check_unknown(questions, file_answers, f"answers file {opts.answers_file}")

        if interview is not None:
            interview.extra_checks["project_name"] = lambda name: _check_target_free(
                output_dir / derived({"project_name": name})["project_slug"], AnswerError
            )
        layers = [
            ("--name", name_answer),
            ("--set", cli_answers),
            (f"answers file {opts.answers_file}", file_answers),
        ]
        answers = collect(questions, layers, ask=interview.ask if interview else None)
        for message in inapplicable(questions, answers, layers):
            report.warn(message)
        if interview is not None:
            answers = interview.review(
                questions,
                answers,
                lambda values: [
                    ("Pattern", pattern.name),
                    ("Catalog", f"{catalog.source} {catalog.version}"),
                    ("Directory", str(output_dir / derived(values)["project_slug"])),
                ],
            )
        target = output_dir / derived(answers)["project_slug"]
        _check_target_free(target, UsageError)

        project_dir, commit, files = _render_in_place(
            catalog, pattern, questions, answers, platform, target, output_dir
        )
    report.info(
        f"Created {project_dir} ({pattern.name}, catalog {catalog.source} "
        f"{catalog.version}, {len(files)} files, commit {commit[:8]})"
    )
    return NewResult(project_dir, pattern.name, catalog.version, commit, files)


def next_steps(result: NewResult) -> list[str]:
    return [
        f"cd {result.project_dir}",
        "make install",
        "make test",
        "git remote add origin <your repository URL> && git push -u origin main",
    ]


def _default_pattern(catalog: Catalog) -> str:
    """The first golden pattern (patterns/ in name order), else the first pattern."""
    golden = [name for name, p in catalog.patterns.items() if p.tier == "golden"]
    return (golden or list(catalog.patterns))[0]


def _check_target_free(target: Path, error: type[Exception]) -> None:
    if target.is_symlink() or (target.exists() and (not target.is_dir() or any(target.iterdir()))):
        raise error(f"{target} already exists and is not empty; choose another name or --output-dir")


def _render_in_place(catalog, pattern, questions, answers, platform, target: Path, output_dir: Path):
    created = _make_dirs(output_dir)
    _remove_stale_staging(output_dir)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=output_dir))
    except OSError as exc:
        _remove_created(created)
        raise UsageError(f"cannot write to {output_dir}: {exc.strerror}") from None
    try:
        project = render_project(catalog, pattern, questions, answers, platform, staging)
        files = sorted(str(p.relative_to(project)) for p in project.rglob("*") if p.is_file())
        commit = gitops.init_and_commit(
            project, f"Generate {pattern.name} project from mlgolden catalog {catalog.version}"
        )
        _check_target_free(target, UsageError)  # still free after the (slow) render?
        if target.is_dir():
            target.rmdir()  # an empty directory the user made for it
        os.rename(project, target)
        return target, commit, files
    except BaseException as exc:
        _remove_created(created)
        if isinstance(exc, (KeyboardInterrupt, Interrupted)):
            raise Interrupted("interrupted; nothing was written") from None
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_stale_staging(output_dir: Path) -> None:
    """Staging folders of runs that were killed (SIGKILL leaves no chance to clean up)."""
    for folder in output_dir.glob(f"{STAGING_PREFIX}*"):
        pid = folder.name.removeprefix(STAGING_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _make_dirs(path: Path) -> list[Path]:
    """Create ``path`` and missing parents; return what was created, deepest first."""
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except OSError as exc:
            _remove_created(missing[missing.index(folder) + 1 :])
            raise UsageError(f"cannot create {folder}: {exc.strerror}") from None
    return missing


def _remove_created(created: list[Path]) -> None:
    for folder in created:
        shutil.rmtree(folder, ignore_errors=True)
