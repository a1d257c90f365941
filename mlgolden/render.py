"""Render a pattern of a catalog into a directory, with cookiecutter, component by component.

Each component under ``templates/`` is a cookiecutter template (``templates/<component>/
{{cookiecutter.project_slug}}/…``); the pattern's components are rendered in order into the same
project directory with one shared context. The answers file ``.mlgolden.yml`` is written last, so
a rendered tree is a pure function of (catalog version, pattern, answers, platform settings).
"""

from __future__ import annotations

import os
import posixpath
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgolden.answers import Resolved, coerce, derived
from mlgolden.catalog import Catalog, recorded_source
from mlgolden.components import derived_context
from mlgolden.errors import MlgoldenError, UsageError
from mlgolden.models import CatalogRef, Manifest, Pattern, PlatformSettings, Scalar
from mlgolden.project import write_manifest

RENDER_LOCK = threading.Lock()
BUILTIN_EXTENSION = "mlgolden.jinja_ext.GoldenExtension"


def build_context(
    catalog: Catalog,
    pattern: Pattern,
    questions: list[Resolved],
    answers: dict[str, Scalar],
    platform: PlatformSettings,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in questions:  # questions that did not apply still get their default for templates
        if item.id in answers:
            values[item.id] = answers[item.id]
        elif item.default is not None:
            values[item.id] = coerce(item, item.default, values)
        else:
            values[item.id] = ""
    values.update(derived(answers))
    values.update(
        pattern=pattern.name,
        pattern_title=pattern.title,
        components=list(pattern.components),
        template_version=catalog.version,
        platform=platform.model_dump(),
        _extensions=[BUILTIN_EXTENSION, *catalog.spec.extensions],
    )
    values.update(derived_context(catalog.spec, pattern, values))
    return {"cookiecutter": values}


def render_project(
    catalog: Catalog,
    pattern: Pattern,
    questions: list[Resolved],
    answers: dict[str, Scalar],
    platform: PlatformSettings,
    parent: Path,
    *,
    validate_config: dict | None = None,
    home: Path | None = None,
) -> Path:
    """Render into ``parent/<slug>`` (which must not exist yet) and return that directory.

    ``home`` is where the project will live (default: where it is rendered); a local catalog is
    recorded relative to it."""
    context = build_context(catalog, pattern, questions, answers, platform)
    slug = context["cookiecutter"]["project_slug"]
    project_dir = parent / slug
    _render_components(catalog, pattern, context, parent)
    _drop_bytecode(project_dir)
    _refuse_escapes(project_dir)
    write_manifest(
        project_dir,
        Manifest(
            pattern=pattern.name,
            catalog=CatalogRef(
                source=recorded_source(catalog, home or project_dir),
                version=catalog.version,
                commit=catalog.commit,
            ),
            answers={k: v for k, v in answers.items() if not _is_secret(questions, k)},
            platform=platform.model_dump(),
            validate=validate_config or {},
        ),
    )
    return project_dir


_COMPILED: dict[str, Any] = {}  # cache folder (per Jinja version and extensions) -> its cache


def _compiled_templates(extensions: list[str]):
    """A cache of compiled templates, keyed by template name and source checksum: in memory for
    the process, and on disk (``~/.cache/mlgolden/jinja/``) for the next command.

    Jinja compiles every file of every render; an upgrade renders the base and the target (mostly
    the same files), a fleet does that for every repo, and the next `new` renders the same files
    again. Compiling was the largest share of their CPU time. One cache per set of Jinja
    extensions (and Jinja version), which may change how a source compiles; Jinja itself refuses
    byte code of another Python version.
    """
    import hashlib  # noqa: PLC0415

    import jinja2  # noqa: PLC0415
    from jinja2.bccache import BytecodeCache  # noqa: PLC0415

    from mlgolden.catalog import cache_dir  # noqa: PLC0415

    flavour = hashlib.sha256("\0".join([jinja2.__version__, *extensions]).encode()).hexdigest()[:16]
    folder = cache_dir().parent / "jinja" / flavour

    class CompiledTemplates(BytecodeCache):
        def __init__(self) -> None:
            self.store: dict[tuple[str, str], bytes] = {}

        def get_cache_key(self, name: str, filename: str | None = None) -> str:
            return name  # not the file name: renders read the catalog from temp dirs

        def _file(self, bucket) -> Path:
            digest = hashlib.sha256(f"{bucket.key}\0{bucket.checksum}".encode()).hexdigest()
            return folder / f"{digest[:40]}.jbc"

        def load_bytecode(self, bucket) -> None:
            data = self.store.get((bucket.key, bucket.checksum))
            if data is None:
                try:
                    data = self._file(bucket).read_bytes()
                except OSError:
                    return
            try:  # Jinja ignores another version's byte code; a damaged file is ignored here
                bucket.bytecode_from_string(data)
            except Exception:  # noqa: BLE001 - unpickling garbage raises anything
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            data = bucket.bytecode_to_string()
            self.store[(bucket.key, bucket.checksum)] = data
            path = self._file(bucket)
            try:  # best effort, atomic: a cache that cannot be written only costs time
                folder.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                tmp.write_bytes(data)
                os.replace(tmp, path)
            except OSError:
                pass

    return _COMPILED.setdefault(str(folder), CompiledTemplates())


def _render_components(catalog: Catalog, pattern: Pattern, context: dict, parent: Path) -> None:
    """Render every component in memory, check the whole set of rendered paths, then write.

    Paths are rendered as cookiecutter renders them (the whole relative path is one template, so
    a ``{% set %}`` in a folder name reaches the names below it) and containment is decided on
    each full result. An untrusted catalog renders in Jinja's immutable sandbox.
    """
    from mlgolden.jinja_ext import template_environment  # noqa: PLC0415

    _refuse_untrusted_code(catalog, pattern)
    values = context["cookiecutter"]
    env_class = template_environment(catalog.trusted)
    env, local_sources = _load_environment(catalog, pattern, env_class, context)
    env.bytecode_cache = _compiled_templates([env_class.__name__, *values["_extensions"], *local_sources])
    plan: dict[str, _Entry] = {}
    for component in pattern.components:
        for entry in _plan_component(catalog, component, env, context):
            previous = plan.get(entry.path)
            if previous is not None and previous.is_dir != entry.is_dir:
                raise UsageError(
                    f"template error in component {component!r}: {entry.path} is a folder in one "
                    "component and a file in another"
                )
            plan[entry.path] = entry
    _check_paths(plan)
    project_dir = parent / values["project_slug"]
    hooks = [catalog.template_dir(c) for c in pattern.components] if catalog.trusted else []
    for template_dir in hooks:
        _run_hook(template_dir, "pre_gen_project", project_dir, context)
    _write_plan(project_dir, plan)
    for template_dir in hooks:
        _run_hook(template_dir, "post_gen_project", project_dir, context)


def _load_environment(catalog: Catalog, pattern: Pattern, env_class, context: dict) -> tuple[Any, list[str]]:
    """The Jinja environment with the catalog's extensions loaded, and a digest of each
    catalog-local extension module's source (its compiled templates are cached apart).

    A trusted catalog may ship its extension modules, as a cookiecutter template does
    (``local_extensions.py``): next to ``catalog.yml`` or in a component's folder. They are
    imported from this catalog version and forgotten afterwards, so the base and the target of an
    upgrade each load their own; imports change the process's ``sys.path`` and ``sys.modules``,
    hence the lock (a fleet renders in threads)."""
    import hashlib  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from cookiecutter.exceptions import UnknownExtension  # noqa: PLC0415

    tops = {name.split(".")[0] for name in catalog.spec.extensions} if catalog.trusted else set()
    folders = [str(catalog.root), *(str(catalog.template_dir(c)) for c in pattern.components)] if tops else []
    with RENDER_LOCK:
        known = set(sys.modules)
        sys.path[:0] = folders
        try:
            env = env_class(context=context, keep_trailing_newline=True)
        except UnknownExtension as exc:
            raise UsageError(f"catalog {catalog.source}: {exc}") from None
        except MlgoldenError:  # an interrupt (Interrupted) while importing: not the catalog's fault
            raise
        except Exception as exc:  # noqa: BLE001 - an extension module may raise anything
            raise UsageError(
                f"catalog {catalog.source}: loading its Jinja extensions failed: {type(exc).__name__}: {exc}"
            ) from None
        finally:
            del sys.path[: len(folders)]
            local = []
            for name in sorted(set(sys.modules) - known):
                if name.split(".")[0] not in tops:
                    continue
                source = getattr(sys.modules[name], "__file__", None) or ""
                if source and Path(source).resolve().is_relative_to(catalog.root.resolve()):
                    local.append(hashlib.sha256(Path(source).read_bytes()).hexdigest())
                    del sys.modules[name]
    return env, sorted(local)


@dataclass
class _Entry:
    path: str  # relative to the project directory, "/"-separated, checked by _check_paths
    source: Path
    text: str | None = None  # rendered content; None for a folder or a binary file (copied)
    newline: str | None = None
    is_dir: bool = False
    link: str | None = None  # a trusted catalog's symlink stays a symlink (to this target)


def _plan_component(catalog: Catalog, component: str, env, context: dict) -> list[_Entry]:
    from binaryornot.check import is_binary  # noqa: PLC0415 (a cookiecutter dependency)
    from jinja2 import FileSystemLoader  # noqa: PLC0415

    component_dir = catalog.template_dir(component)
    template_dir = _project_template(component_dir, component)
    env.loader = FileSystemLoader([str(template_dir), str(template_dir.parent / "templates")])
    entries: list[_Entry] = []
    for root, dirs, files in os.walk(template_dir):
        dirs.sort()
        for name in [*dirs, *sorted(files)]:
            source = Path(root) / name
            relative = source.relative_to(template_dir).as_posix()
            if source.is_symlink() and not catalog.trusted:
                raise UsageError(
                    f"template {source.relative_to(component_dir)} is a symlink; an "
                    "untrusted catalog may not hold symlinks",
                    hint="pass --trust if you trust this catalog",
                )
            rendered = _render(env, context, component, relative, f"the path {relative!r}", from_string=True)
            path = _normalise(rendered, source.relative_to(component_dir))
            if path is None:
                continue  # cookiecutter's idiom: a name rendered empty is not generated
            if source.is_symlink():
                entries.append(_Entry(path, source, link=_contained_link(source, path)))
            elif name in dirs:
                entries.append(_Entry(path, source, is_dir=True))
            elif is_binary(str(source)) or not _is_utf8(source):  # copied byte for byte
                entries.append(_Entry(path, source))
            else:
                text = _render(env, context, component, relative, relative, from_string=False)
                entries.append(_Entry(path, source, text, _newline_of(source)))
    return entries


def _is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _contained_link(source: Path, path: str) -> str:
    """The target of a trusted catalog's symlink, refused unless it stays inside the project."""
    target = os.readlink(source)
    inside = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if posixpath.isabs(target) or inside == ".." or inside.startswith("../"):
        raise UsageError(f"template {source.name} is a symlink to {target}, outside the project; refused")
    return target


def _project_template(component_dir: Path, component: str) -> Path:
    """The component's ``{{cookiecutter.…}}`` folder, as cookiecutter's find_template finds it."""
    for child in sorted(component_dir.iterdir()):
        if child.is_dir() and "cookiecutter" in child.name and "{{" in child.name and "}}" in child.name:
            return child
    raise UsageError(f"template error in component {component!r}: no {{{{cookiecutter.…}}}} folder")


def _render(env, context: dict, component: str, relative: str, what: str, *, from_string: bool) -> str:
    from mlgolden.jinja_ext import describe_template_error  # noqa: PLC0415

    try:
        if from_string:
            return env.from_string(relative).render(**context)
        return env.get_template(relative).render(**context)
    except UsageError:
        raise
    except Exception as exc:  # noqa: BLE001 - a template may raise anything; the user gets one line
        raise UsageError(
            f"template error in component {component!r} ({what}): {describe_template_error(exc)}"
        ) from None


def _normalise(rendered: str, source: Path) -> str | None:
    """The rendered path relative to the project, or None when its name renders empty; a path
    that could leave the project or touch git's metadata is refused."""
    parts = rendered.split("/")
    refused = rendered.startswith("/") or any(
        part in {".", ".."} or "\\" in part or "\0" in part or part.strip().rstrip(".").lower() == ".git"
        for part in parts
    )
    if refused:
        raise UsageError(
            f"template path {source} renders to {rendered!r}, which points outside the project "
            "or into its git metadata; refused"
        )
    if not parts[-1]:
        return None
    return "/".join(part for part in parts if part)


def _check_paths(plan: dict[str, _Entry]) -> None:
    """The whole set of rendered paths, before anything is written: a file's parent folders must
    not be files themselves."""
    for path, entry in plan.items():
        parts = path.split("/")
        for depth in range(1, len(parts)):
            parent = plan.get("/".join(parts[:depth]))
            if parent is not None and not parent.is_dir:
                raise UsageError(
                    f"template path {entry.source.name} renders to {path!r}, below the file "
                    f"{parent.path!r}; refused"
                )


def _write_plan(project_dir: Path, plan: dict[str, _Entry]) -> None:
    import shutil  # noqa: PLC0415

    try:
        project_dir.mkdir(parents=True, exist_ok=True)
        for path, entry in sorted(plan.items()):
            target = project_dir / path
            if entry.is_dir:
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink() or target.is_dir():
                raise UsageError(f"template path {entry.source.name} renders onto {path}, a folder; refused")
            if entry.link is not None:
                os.symlink(entry.link, target)
                continue
            if entry.text is None:
                shutil.copyfile(entry.source, target)
            else:
                with open(target, "w", encoding="utf-8", newline=entry.newline) as out:
                    out.write(entry.text)
            shutil.copymode(entry.source, target)
    except OSError as exc:
        raise UsageError(f"cannot write the project in {project_dir}: {exc.strerror or exc}") from None


def _newline_of(source: Path) -> str | None:
    """The first line ending of the template file, which the rendered file keeps (cookiecutter)."""
    try:
        with open(source, encoding="utf-8") as handle:
            handle.readline()
            found = handle.newlines
    except (OSError, UnicodeDecodeError):
        return None
    return found[0] if isinstance(found, tuple) else found


def _run_hook(template_dir: Path, hook: str, project_dir: Path, context: dict) -> None:
    """A trusted catalog's cookiecutter hook, as cookiecutter runs it."""
    from cookiecutter.exceptions import FailedHookException  # noqa: PLC0415
    from cookiecutter.hooks import run_hook_from_repo_dir  # noqa: PLC0415

    project_dir.mkdir(parents=True, exist_ok=True)
    try:
        with RENDER_LOCK:  # cookiecutter changes the process's working directory to run a hook
            run_hook_from_repo_dir(str(template_dir), hook, str(project_dir), context, False)
    except FailedHookException as exc:
        raise UsageError(f"hook {hook} of {template_dir.name} failed: {exc}") from None


def _refuse_untrusted_code(catalog: Catalog, pattern: Pattern) -> None:
    """Hooks and Jinja extensions are code: they run only for a trusted catalog."""
    if catalog.trusted:
        return
    hint = "pass --trust, or list the catalog under trusted_catalogs in ~/.config/mlgolden/settings.yml"
    if catalog.spec.extensions:
        raise UsageError(
            f"catalog {catalog.source} loads Jinja extensions ({', '.join(catalog.spec.extensions)}) "
            "and is not trusted; refused",
            hint=hint,
        )
    for component in pattern.components:
        if (catalog.template_dir(component) / "hooks").is_dir():
            raise UsageError(
                f"catalog {catalog.source} has cookiecutter hooks in templates/{component}/hooks "
                "and is not trusted; refused",
                hint=hint,
            )


def _is_secret(questions: list[Resolved], key: str) -> bool:
    return any(item.id == key and item.question.secret for item in questions)


def _drop_bytecode(project_dir: Path) -> None:
    """Python byte code is never template content: pip byte-compiles the .py files of an installed
    catalog next to them (and imports do in a checkout); none of it may reach a project."""
    import shutil  # noqa: PLC0415

    for cache in sorted(project_dir.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache, ignore_errors=True)
    for stray in project_dir.rglob("*.py[co]"):
        stray.unlink()


def _refuse_escapes(project_dir: Path) -> None:
    root = project_dir.resolve()
    for path in project_dir.rglob("*"):
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            raise UsageError(f"rendered file {path.name} links outside the project; refused")
