"""Render a pattern of a catalog into a directory, with cookiecutter, component by component.

Each component under ``templates/`` is a cookiecutter template (``templates/<component>/
{{cookiecutter.project_slug}}/…``); the pattern's components are rendered in order into the same
project directory with one shared context. The answers file ``.mlgolden.yml`` is written last, so
a rendered tree is a pure function of (catalog version, pattern, answers, platform settings).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import yaml

from mlgolden.answers import Resolved, coerce, derived
from mlgolden.catalog import Catalog
from mlgolden.components import derived_context
from mlgolden.errors import UsageError
from mlgolden.models import CatalogRef, Manifest, Pattern, PlatformSettings, Scalar

MANIFEST = ".mlgolden.yml"
RENDER_LOCK = threading.Lock()
BUILTIN_EXTENSION = "mlgolden.jinja_ext.GoldenExtension"
MANIFEST_HEADER = (
    "# mlgolden answers file: how this project was generated. Change answers with\n"
    "# `mlgolden upgrade --set KEY=VALUE`; the `validate:` section is yours to edit.\n"
)


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
) -> Path:
    """Render into ``parent/<slug>`` (which must not exist yet) and return that directory."""
    context = build_context(catalog, pattern, questions, answers, platform)
    slug = context["cookiecutter"]["project_slug"]
    project_dir = parent / slug
    with RENDER_LOCK:  # cookiecutter changes the process's working directory while rendering
        _render_components(catalog, pattern, context, parent)
    _drop_bytecode(project_dir)
    _refuse_escapes(project_dir)
    write_manifest(
        project_dir,
        Manifest(
            pattern=pattern.name,
            catalog=CatalogRef(source=catalog.source, version=catalog.version, commit=catalog.commit),
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
    from cookiecutter.environment import StrictEnvironment  # noqa: PLC0415 (lazy: ~165 ms)
    from cookiecutter.exceptions import CookiecutterException  # noqa: PLC0415
    from cookiecutter.generate import generate_files  # noqa: PLC0415
    from jinja2 import TemplateError  # noqa: PLC0415

    _refuse_untrusted_code(catalog, pattern)
    values = context["cookiecutter"]
    cache = _compiled_templates(values["_extensions"])
    context = {**context, "cookiecutter": {**values, "_jinja2_env_vars": {"bytecode_cache": cache}}}
    names = StrictEnvironment(context=context)  # one per render: it loads cookiecutter's extensions
    for component in pattern.components:
        template_dir = catalog.template_dir(component)
        _refuse_unsafe_names(template_dir, names, context, catalog.trusted)
        verbatim, links = _verbatim_files_and_links(template_dir)
        values = {**context["cookiecutter"], "_copy_without_render": [_fnmatch_literal(p) for p in verbatim]}
        try:
            generate_files(
                repo_dir=str(template_dir),
                context={**context, "cookiecutter": values},
                output_dir=str(parent),
                overwrite_if_exists=True,
                accept_hooks=catalog.trusted,
            )
        except (CookiecutterException, TemplateError) as exc:
            raise UsageError(f"template error in component {component!r}: {_describe(exc)}") from None
        _restore_links(template_dir, links, names, context, parent)


def _verbatim_files_and_links(template_dir: Path) -> tuple[list[str], list[str]]:
    """Template files cookiecutter must copy byte for byte (not UTF-8 text), as paths inside the
    ``{{cookiecutter.…}}`` folder (how cookiecutter matches them), and the symlinks (files or
    folders) as paths inside ``template_dir``, to be made links again after the render."""
    top = next(
        (d for d in template_dir.iterdir() if d.is_dir() and "cookiecutter" in d.name and "{{" in d.name),
        None,
    )
    verbatim, links = [], []
    for root, dirs, files in os.walk(top) if top else ():
        for name in [*dirs, *files]:
            path = Path(root) / name
            if path.is_symlink():
                links.append(path.relative_to(template_dir).as_posix())
            elif name in files and not _is_utf8(path):
                verbatim.append(path.relative_to(top).as_posix())
    return verbatim, links


def _is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _fnmatch_literal(path: str) -> str:
    """``path`` as an fnmatch pattern matching only itself (cookiecutter matches with fnmatch)."""
    import re  # noqa: PLC0415

    return re.sub(r"([*?\[])", r"[\1]", path)


def _restore_links(template_dir: Path, links: list[str], names, context: dict, parent: Path) -> None:
    """A trusted catalog's symlinks stay symlinks (_refuse_escapes keeps them inside the project)."""
    import shutil  # noqa: PLC0415

    for rel in links:
        rendered = names.from_string(rel).render(**context) if "{" in rel else rel
        out = parent / rendered
        if out.is_dir() and not out.is_symlink():
            shutil.rmtree(out)
        elif out.is_symlink() or out.exists():
            out.unlink()
        out.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.readlink(template_dir / rel), out)


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


def _describe(exc: Exception) -> str:
    inner = getattr(exc, "error", None) or exc
    where = ""
    if getattr(inner, "lineno", None) and getattr(inner, "filename", None):
        where = f" ({inner.filename}:{inner.lineno})"
    message = getattr(inner, "message", None) or str(inner)
    return " ".join(str(message).split()) + where


def _refuse_unsafe_names(template_dir: Path, env, context: dict, trusted: bool) -> None:
    """No rendered path may leave the project; untrusted templates may not hold symlinks."""
    from jinja2 import TemplateError  # noqa: PLC0415

    for root, dirs, files in os.walk(template_dir):
        for name in [*dirs, *files]:
            path = Path(root) / name
            try:
                rendered = env.from_string(name).render(**context) if "{" in name else name
            except TemplateError as exc:
                raise UsageError(f"template error in the path {name!r}: {_describe(exc)}") from None
            if rendered in {".", ".."} or "/" in rendered or "\\" in rendered or "\0" in rendered:
                raise UsageError(
                    f"template path {path.relative_to(template_dir)} renders to "
                    f"{rendered!r}, which points outside the project; refused"
                )
            if path.is_symlink() and not trusted:
                raise UsageError(
                    f"template {path.relative_to(template_dir)} is a symlink; an "
                    "untrusted catalog may not hold symlinks",
                    hint="pass --trust if you trust this catalog",
                )


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


def write_manifest(project_dir: Path, manifest: Manifest) -> None:
    data = manifest.model_dump(by_alias=True, exclude_none=False)
    if not data["validate"]["skip"] and not data["validate"]["ignore"]:
        data["validate"] = {"skip": {}, "ignore": []}
    text = MANIFEST_HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=False, width=100)
    (project_dir / MANIFEST).write_text(text, encoding="utf-8")


def read_manifest(project_dir: Path) -> Manifest:
    from mlgolden.loading import load_model

    path = project_dir / MANIFEST
    if not path.is_file():
        raise UsageError(f"{project_dir} is not an mlgolden project (no {MANIFEST})")
    return load_model(Manifest, path, what="answers file")
