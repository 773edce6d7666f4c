"""A course bundle read from disk, or the findings that say what is wrong with it.

The format is docs/authoring/bundle.md. Every finding names the file and the field (or the
folder) to fix, so a person or the authoring loop can act on it without reading this code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    WithJsonSchema,
)

from glow.harness.sandbox import BootPoll, Limits

MANIFEST = "coursegen.yml"
DELIVERABLE_MANIFEST = "deliverable.yml"
RUNTIME = ".coursegen/runtime"
REQUIRED_VARIANTS = ("partial", "naive", "strong")
BUGGY_PREFIX = "buggy-"
SUITES = ("visible", "hidden")

M = TypeVar("M", bound=BaseModel)
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def check_slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise ValueError(
            f"{value!r} must be lower-case letters, digits and dashes (at most 40), "
            "for example shop-api"
        )
    return value


Slug = Annotated[
    str,
    AfterValidator(check_slug),
    WithJsonSchema({"type": "string", "pattern": f"^{_SLUG.pattern}$", "maxLength": 40}),
]


class BootSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, Field(pattern=r"^http://(127\.0\.0\.1|localhost)(:[0-9]+)?(/.*)?$")]
    timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 30.0


class LimitsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    wall_seconds: Annotated[float, Field(gt=0, le=3600)] = 120.0
    cpu_seconds: Annotated[int, Field(gt=0, le=3600)] = 60
    memory_mb: Annotated[int, Field(ge=64, le=16384)] = 1024
    processes: Annotated[int, Field(ge=8, le=4096)] = 128
    file_size_mb: Annotated[int, Field(ge=1, le=4096)] = 64


class RuntimeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Strict: only YAML's true or false; "yes" or 1 is a finding, never a network.
    network: StrictBool = False
    boot: BootSpec | None = None
    limits: LimitsSpec = Field(default_factory=LimitsSpec)


class BundleManifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    id: Slug
    """The project's name among the workshop's projects: the admin repository keeps its
    hidden tests under ``courses/<id>/``."""
    title: Annotated[str, Field(min_length=1, max_length=120)]
    summary: str = ""
    deliverables: Annotated[list[Slug], Field(min_length=1, max_length=20)]
    runtime: RuntimeSpec = Field(default_factory=RuntimeSpec)


class DeliverableManifest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Slug
    title: Annotated[str, Field(min_length=1, max_length=120)]
    asks: Annotated[str, Field(min_length=1)]
    owns: Annotated[list[str], Field(min_length=1)]


@dataclass(frozen=True)
class Finding:
    """One thing wrong, where to fix it: ``file`` relative to the bundle, ``field`` a dotted
    path inside it (or "" for the file or folder itself)."""

    file: str
    field: str
    message: str
    deliverable: str = ""

    def line(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Deliverable:
    id: str
    manifest: DeliverableManifest
    suites: dict[str, Path]
    """Each suite's folder: ``visible`` and ``hidden`` in a bundle, ``visible`` alone in a
    Learning Room (glow.harness.package)."""

    def suite(self, name: str) -> Path:
        return self.suites[name]


@dataclass(frozen=True)
class Bundle:
    root: Path
    manifest: BundleManifest
    deliverables: tuple[Deliverable, ...]
    variants: dict[str, Path]
    workspace: Path

    @property
    def limits(self) -> Limits:
        spec = self.manifest.runtime.limits
        return Limits(
            wall_seconds=spec.wall_seconds,
            cpu_seconds=spec.cpu_seconds,
            memory_mb=spec.memory_mb,
            processes=spec.processes,
            file_size_mb=spec.file_size_mb,
        )

    @property
    def boot(self) -> BootPoll | None:
        spec = self.manifest.runtime.boot
        return BootPoll(spec.url, spec.timeout_seconds) if spec else None

    def deliverable(self, deliverable_id: str) -> Deliverable:
        return next(d for d in self.deliverables if d.id == deliverable_id)

    def owner_of(self, relative: str) -> str | None:
        for d in self.deliverables:
            if relative in d.manifest.owns:
                return d.id
        return None


@dataclass(frozen=True)
class Loaded:
    bundle: Bundle | None
    findings: tuple[Finding, ...]


def message_of(text: str) -> str:
    """A validation message as a person reads it (pydantic prefixes our own with its kind)."""
    return text.removeprefix("Value error, ")


def files_under(folder: Path) -> list[str]:
    """Every file below ``folder``, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def load_bundle(root: Path) -> Loaded:
    """Read and check a bundle; ``bundle`` is None when a finding makes it unusable."""
    findings: list[Finding] = []
    if not (root / MANIFEST).is_file():
        what = "is not a folder" if not root.is_dir() else f"has no {MANIFEST}"
        return Loaded(None, (Finding(str(root), "", f"{what}: a bundle starts with one"),))
    manifest = _model(root, MANIFEST, BundleManifest, findings)
    workspace = root / "workspace"
    if not workspace.is_dir():
        findings.append(Finding("workspace/", "", "missing: the starter the learner receives"))
    else:
        findings += _runtime_findings(workspace, manifest)
    if manifest is None:
        return Loaded(None, tuple(findings))
    deliverables = _deliverables(root, manifest, workspace, findings)
    variants = _variants(root, deliverables, findings)
    if findings:
        return Loaded(None, tuple(findings))
    return Loaded(Bundle(root, manifest, tuple(deliverables), variants, workspace), ())


def _model(
    root: Path, relative: str, model: type[M], findings: list[Finding], deliverable: str = ""
) -> M | None:
    try:
        data: Any = yaml.safe_load((root / relative).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        findings.append(Finding(relative, "", f"cannot be read as YAML ({error})", deliverable))
        return None
    if not isinstance(data, dict):
        findings.append(Finding(relative, "", "must be a YAML mapping of fields", deliverable))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for problem in error.errors():
            field = ".".join(str(part) for part in problem["loc"])
            findings.append(Finding(relative, field, message_of(problem["msg"]), deliverable))
        return None


def _runtime_findings(workspace: Path, manifest: BundleManifest | None) -> list[Finding]:
    found = []
    if not (workspace / "Dockerfile").is_file():
        found.append(Finding("workspace/Dockerfile", "", "missing: the bundle's runtime image"))
    wanted = ["install.sh", "check.sh"]
    if manifest is not None and manifest.runtime.boot is not None:
        wanted.insert(1, "boot.sh")
    from glow.harness.scaffold import is_default

    for script in wanted:
        path = workspace / RUNTIME / script
        if not path.is_file():
            found.append(Finding(f"workspace/{RUNTIME}/{script}", "", "missing"))
        elif is_default(
            script.removesuffix(".sh"), path.read_text(encoding="utf-8", errors="replace")
        ):
            found.append(
                Finding(f"workspace/{RUNTIME}/{script}", "", "not authored yet (still the default)")
            )
    return found


def _safe_relative(text: str) -> bool:
    path = PurePosixPath(text)
    return bool(text) and not path.is_absolute() and ".." not in path.parts and "\\" not in text


def _deliverables(
    root: Path, manifest: BundleManifest, workspace: Path, findings: list[Finding]
) -> list[Deliverable]:
    listed = manifest.deliverables
    for index, name in enumerate(listed):
        if listed.index(name) != index:
            findings.append(Finding(MANIFEST, f"deliverables.{index}", f"{name} is listed twice"))
    folder = root / "deliverables"
    present = {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
    for extra in sorted(present - set(listed)):
        findings.append(
            Finding(f"deliverables/{extra}/", "", f"is not listed in {MANIFEST} deliverables")
        )
    result = []
    for name in dict.fromkeys(listed):
        relative = f"deliverables/{name}/{DELIVERABLE_MANIFEST}"
        if not (root / relative).is_file():
            findings.append(Finding(relative, "", "missing", name))
            continue
        spec = _model(root, relative, DeliverableManifest, findings, name)
        if spec is None:
            continue
        if spec.id != name:
            findings.append(Finding(relative, "id", f"is {spec.id}, not its folder's {name}", name))
        for index, owned in enumerate(spec.owns):
            where = f"owns.{index}"
            if not _safe_relative(owned):
                findings.append(Finding(relative, where, f"{owned} is not inside workspace/", name))
            elif not (workspace / owned).is_file():
                findings.append(
                    Finding(relative, where, f"workspace/{owned} is not in the starter", name)
                )
            elif owned.startswith(".coursegen/"):
                findings.append(Finding(relative, where, "the runtime is not the learner's", name))
        for suite in SUITES:
            suite_dir = folder / name / suite
            if not suite_dir.is_dir() or not files_under(suite_dir):
                findings.append(
                    Finding(f"deliverables/{name}/{suite}/", "", "missing or empty", name)
                )
        suites = {suite: folder / name / suite for suite in SUITES}
        result.append(Deliverable(name, spec, suites))
    owners: dict[str, str] = {}
    for d in result:
        for owned in d.manifest.owns:
            if owned in owners:
                findings.append(
                    Finding(
                        f"deliverables/{d.id}/{DELIVERABLE_MANIFEST}",
                        "owns",
                        f"{owned} is already owned by {owners[owned]}",
                        d.id,
                    )
                )
            owners.setdefault(owned, d.id)
    return result


def _variants(
    root: Path, deliverables: list[Deliverable], findings: list[Finding]
) -> dict[str, Path]:
    folder = root / "variants"
    present = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    for required in REQUIRED_VARIANTS:
        if required not in present:
            findings.append(Finding(f"variants/{required}/", "", "missing: the matrix needs it"))
    owned = {o for d in deliverables for o in d.manifest.owns}
    variants = {}
    for name in present:
        if name not in REQUIRED_VARIANTS and not name.startswith(BUGGY_PREFIX):
            findings.append(
                Finding(
                    f"variants/{name}/",
                    "",
                    "is not a known variant: partial, naive, strong or buggy-<name>",
                )
            )
            continue
        files = files_under(folder / name)
        if not files:
            findings.append(Finding(f"variants/{name}/", "", "is empty"))
        for relative in files:
            if relative not in owned:
                findings.append(
                    Finding(
                        f"variants/{name}/{relative}",
                        "",
                        "is not a learner-owned file: a variant changes only what a learner may",
                    )
                )
        variants[name] = folder / name
    return variants
