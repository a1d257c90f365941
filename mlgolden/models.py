"""Typed models for everything mlgolden reads from YAML.

Patterns, the catalog manifest, platform settings and the answers file are loaded into these
models with ``extra="forbid"`` so that a typo fails at load time, with its location.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

Scalar = str | bool | int

IDENTIFIER = r"^[a-z][a-z0-9_]*$"
COMPONENT_NAMES = r"^[a-z][a-z0-9-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Question(Strict):
    """One question of the interview; also the schema of one answer."""

    id: str = Field(pattern=IDENTIFIER)
    prompt: str
    label: str = ""  # short name on the review screen; default: the prompt
    help: str = ""
    type: Literal["str", "bool", "int", "choice"] = "str"
    choices: list[Scalar] | None = None
    choices_from: str | None = None  # dotted path into the platform settings
    default: Scalar | None = None
    default_from: str | None = None  # dotted path into the platform settings
    required: bool = True
    rule: Literal["name", "team", "cron", "table", "text", "url"] | None = None
    regex: str | None = None
    min: int | None = None
    max: int | None = None
    min_from: str | None = None  # the answer must be >= this other answer
    when: dict[str, Scalar] | None = None  # asked only when the other answers equal these
    secret: bool = False  # never written to the answers file

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if self.type == "choice" and not (self.choices or self.choices_from):
            raise ValueError("a choice question needs 'choices' or 'choices_from'")
        if self.type != "choice" and (self.choices or self.choices_from):
            raise ValueError("'choices' only fit questions of type 'choice'")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"invalid regex: {exc}") from exc
        return self


class Pattern(Strict):
    """A deployment pattern: the components it includes and the questions it asks."""

    name: str = Field(pattern=COMPONENT_NAMES)
    title: str
    tier: Literal["golden", "silver"]
    description: str = Field(max_length=120)
    components: list[str] = Field(min_length=1)
    questions: list[Question] = []
    defaults: dict[str, Scalar] = {}
    # conditions this pattern adds to shared questions: {question id: {other id: value}}
    when: dict[str, dict[str, Scalar]] = {}

    @field_validator("description")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value.strip():
            raise ValueError("the description must be one line")
        return value.strip()


# Capabilities a pattern has without a component naming them: an ``entrypoint`` when one of its
# provisions declares the image's command, a ``server`` when one declares a port.
VIRTUAL_CAPABILITIES = {
    "entrypoint": "a component whose provisions declare an entrypoint",
    "server": "a component whose provisions declare a port",
}


PLACEHOLDER = re.compile(r"\{(\w+)\}")
ENTRYPOINT_PLACEHOLDERS = {"package_name", "project_slug", "port"}


class Provision(Strict):
    """One thing a component provides to the other components (``provides:`` in catalog.yml).

    The facts here (command, port, health paths) are declared once: templates read them from the
    derived render context, ``validate`` and the ``--build`` smoke test from the catalog.
    """

    description: str = ""
    # The image's command when this component is what the image runs; "{package_name}",
    # "{project_slug}" and "{port}" are replaced.
    entrypoint: list[str] | None = Field(default=None, min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)  # a server: it listens here
    health: str | None = None  # liveness path on the port
    ready: str | None = None  # readiness path on the port (default: the health path)
    files: list[str] = []  # project files outside the package that the image needs (copied in)
    # a job: the command that prints, as CSV, what its entrypoint wrote (the smoke test runs it
    # after the entrypoint); same placeholders as the entrypoint
    output: list[str] | None = Field(default=None, min_length=1)
    output_columns: list[str] = []  # a job: columns the output's header must hold

    @model_validator(mode="after")
    def _consistent(self) -> Provision:
        for arg in [*(self.entrypoint or []), *(self.output or [])]:
            unknown = set(PLACEHOLDER.findall(arg)) - ENTRYPOINT_PLACEHOLDERS
            if unknown:
                raise ValueError(
                    f"entrypoint placeholder {{{sorted(unknown)[0]}}} is unknown "
                    f"(known: {', '.join(sorted(ENTRYPOINT_PLACEHOLDERS))})"
                )
        if (self.health or self.ready) and self.port is None:
            raise ValueError("health and ready paths need a port")
        for path in (self.health, self.ready):
            if path is not None and not path.startswith("/"):
                raise ValueError(f"the path {path!r} must start with '/'")
        if self.port is not None and self.entrypoint is None:
            raise ValueError("a server (port) needs an entrypoint")
        if (self.output or self.output_columns) and self.entrypoint is None:
            raise ValueError("an output needs an entrypoint that writes it")
        return self

    @property
    def is_server(self) -> bool:
        return self.port is not None


class Component(Strict):
    """A template component: one folder under templates/, shared by the patterns that use it.

    ``provides`` names what it offers (a capability per key), ``needs`` the capabilities other
    components of the same pattern must provide; ``questions`` are asked by every pattern that
    uses it (after the shared ones, before the pattern's own).
    """

    description: str
    checks: list[str] = []
    provides: dict[str, Provision] = {}
    needs: list[str] = []
    questions: list[Question] = []

    @field_validator("provides")
    @classmethod
    def _capability_names(cls, value: dict[str, Provision]) -> dict[str, Provision]:
        for name in value:
            if not re.fullmatch(IDENTIFIER, name):
                raise ValueError(f"capability {name!r} must be a lower-case identifier")
            if name in VIRTUAL_CAPABILITIES:
                raise ValueError(f"capability {name!r} is reserved (derived from the provisions)")
        return value


class CatalogSpec(Strict):
    """catalog.yml: the catalog's name, version, shared questions and components."""

    name: str
    version: str
    questions: list[Question]
    components: dict[str, Component]
    # Values the templates read, computed from the answers: name -> Jinja expression over the
    # answers, ``platform`` and the derived context (evaluated sandboxed; see components.py).
    derived: dict[str, str] = {}
    extensions: list[str] = []  # Jinja extensions (import paths); loaded only for trusted catalogs

    @field_validator("derived")
    @classmethod
    def _derived_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if not re.fullmatch(IDENTIFIER, name):
                raise ValueError(f"derived value {name!r} must be a lower-case identifier")
        return value


# --- platform settings --------------------------------------------------------------------

# Platform settings land in Dockerfiles, Makefiles, HCL, YAML, Groovy and shell. Every string is
# one line without control characters (a newline in base_images.cpu would add a RUN line), and
# the values templates write bare (images, registries, buckets, namespaces) keep to their alphabet.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _refuse_control_characters(value: Any, where: str = "") -> None:
    if isinstance(value, str):
        if CONTROL_CHARACTERS.search(value):
            raise ValueError(f"{where}{value!r} holds a control character (platform settings are one line)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_control_characters(key, where)
            _refuse_control_characters(item, f"{where}{key}: ")
    elif isinstance(value, list):
        for item in value:
            _refuse_control_characters(item, where)


def _setting(pattern: str, shape: str) -> Any:
    """A platform string that templates write bare: one line, and matching ``pattern``."""

    def check(value: str) -> str:
        _refuse_control_characters(value)
        if not re.fullmatch(pattern, value):
            raise ValueError(f"{value!r} is not {shape}")
        return value

    return Annotated[str, AfterValidator(check)]


Image = _setting(
    r"[A-Za-z0-9](?:[A-Za-z0-9._:/@+-]|\{python_version\})*", "an image reference (host/name:tag)"
)
Registry = _setting(r"[A-Za-z0-9][A-Za-z0-9._:/-]*", "an image registry (host[:port]/path)")
Bucket = _setting(r"[a-z0-9][a-z0-9._-]*[a-z0-9]", "a bucket name (a-z, 0-9, '.', '_', '-')")
Prefix = _setting(r"[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*", "a path prefix (a-z, 0-9, '.', '_', '-', '/')")
Namespace = _setting(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?", "a Kubernetes namespace (a-z, 0-9, '-')")


class PlatformModel(Strict):
    """A part of the platform settings: no string in it holds a control character."""

    @field_validator("*", mode="after")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        _refuse_control_characters(value)
        return value


class FeastStores(PlatformModel):
    """Feast's own configuration mappings of one environment, each replaced whole by an override.

    Checked against the pinned Feast version's fields when settings are loaded
    (mlgolden/platform.py, mlgolden/stores.py)."""

    registry: str | dict[str, Any]
    online_store: dict[str, Any]
    offline_store: dict[str, Any]


class Environment(PlatformModel):
    """One environment a generated project runs in, chosen at run time by ``environment_variable``.

    ``project``/``region`` are the cloud's (required for ``dev`` and ``prod``); the stores are
    Feast's mappings; ``warehouse`` is where batch predictions are written; ``image_registry`` is
    where that environment's deploys pull the promoted image from."""

    project: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
    region: str | None = Field(default=None, pattern=r"^[a-z]+-[a-z]+[0-9]$")
    feature_store: FeastStores | None = None
    warehouse: dict[str, Any] | None = None
    image_registry: Registry | None = None


CloudEnvironment = Environment  # the name before environments held stores


class PythonSettings(PlatformModel):
    supported: list[str] = Field(min_length=1)
    default: str | None = None

    @field_validator("supported")
    @classmethod
    def _versions(cls, value: list[str]) -> list[str]:
        for item in value:
            if not re.fullmatch(r"3\.\d{1,2}", item):
                raise ValueError(f"{item!r} is not a Python version like '3.11'")
        return sorted(value, key=lambda v: tuple(int(p) for p in v.split(".")))

    @model_validator(mode="after")
    def _default(self) -> PythonSettings:
        if self.default is None:
            self.default = self.supported[-1]  # the newest stable one
        elif self.default not in self.supported:
            raise ValueError(f"default {self.default!r} is not one of {self.supported}")
        return self


class BaseImages(PlatformModel):
    """Base images; ``{python_version}`` is replaced with the project's Python version."""

    cpu: Image
    gpu: Image


class JenkinsSettings(PlatformModel):
    agent_label: str
    credentials: dict[str, str]  # purpose -> Jenkins credential ID (never a secret value)


class AirflowSettings(PlatformModel):
    connections: dict[str, str]  # purpose -> Airflow connection ID
    namespace: Namespace
    retries: int = Field(ge=0, le=10)
    retry_delay_minutes: int = Field(ge=1)


class TerraformSettings(PlatformModel):
    state_bucket: Bucket
    state_prefix: Prefix


class FeatureStoreSettings(PlatformModel):
    """The shared Feast project. ``registry``, ``online_store`` and ``offline_store`` here are the
    ``local`` environment's stores (kept for templates and answers files from before per-environment
    stores); ``environments.<env>.feature_store`` is where they are set."""

    project: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    registry: str | None = None  # the local registry path; overridden at run time by registry_env
    registry_env: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    online_store: dict[str, Any] | None = None
    offline_store: dict[str, Any] | None = None


class PlatformSettings(PlatformModel):
    organisation: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    cloud: Literal["gcp"] = "gcp"
    # The variable a generated project reads at run time to pick its environment (default: local).
    environment_variable: str = Field(default="MLGOLDEN_ENV", pattern=r"^[A-Z][A-Z0-9_]*$")
    environments: dict[str, Environment]
    registry: Registry
    base_images: BaseImages
    python: PythonSettings
    jenkins: JenkinsSettings
    airflow: AirflowSettings
    terraform: TerraformSettings
    feature_store: FeatureStoreSettings
    secrets: dict[str, str] = {}  # purpose -> secret *name* in the secret manager

    @field_validator("environments")
    @classmethod
    def _environment_names(cls, value: dict[str, Environment]) -> dict[str, Environment]:
        for name in value:
            if not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
                raise ValueError(f"{name!r} is not an environment name (lower-case letters, digits, - and _)")
        return value

    @model_validator(mode="after")
    def _environments(self) -> PlatformSettings:
        for needed in ("dev", "prod"):
            env = self.environments.get(needed)
            if env is None:
                raise ValueError(f"environments needs a {needed!r} entry")
            if not (env.project and env.region):
                raise ValueError(f"environments.{needed} needs a 'project' and a 'region'")
        self._local_stores()
        return self

    def _local_stores(self) -> None:
        """The ``local`` environment and the legacy ``feature_store`` keys describe the same stores:
        fill whichever is missing from the other (answers files recorded before 1.2.0 have only
        the legacy keys)."""
        fs = self.feature_store
        local = self.environments.setdefault("local", Environment())
        if local.feature_store is None and fs.registry and fs.online_store and fs.offline_store:
            local.feature_store = FeastStores(
                registry=fs.registry, online_store=fs.online_store, offline_store=fs.offline_store
            )
        if local.feature_store is not None:
            registry = local.feature_store.registry
            fs.registry = registry if isinstance(registry, str) else str(registry.get("path", ""))
            fs.online_store = dict(local.feature_store.online_store)
            fs.offline_store = dict(local.feature_store.offline_store)


# --- the answers file (.mlgolden.yml) ------------------------------------------------------


class CatalogRef(Strict):
    source: str
    version: str
    commit: str | None = None
    # the source exactly as the answers file spells it (``source`` may be resolved or relocated)
    _as_written: str | None = PrivateAttr(default=None)


class IgnoreRule(Strict):
    path: str
    reason: str = Field(min_length=1)


class ValidateConfig(Strict):
    skip: dict[str, str] = {}  # check id -> reason
    ignore: list[IgnoreRule] = []


class Manifest(Strict):
    """The answers file every generated project carries."""

    mlgolden: int = 1  # schema version of this file
    pattern: str
    catalog: CatalogRef
    answers: dict[str, Scalar]
    platform: dict[str, Any]
    validate_: ValidateConfig = Field(default_factory=ValidateConfig, alias="validate")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
