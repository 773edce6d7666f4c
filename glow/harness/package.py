"""The learner-facing package of a bundle, and the project read back from a Learning Room.

What a room receives (and so what publishing writes into the Learning Room template): every
file of ``workspace/``, each deliverable's visible tests at ``.coursegen/tests/<id>/``, its
learner-facing manifest at ``.coursegen/deliverables/<id>.yml`` (what it asks and which files
the learner owns), the bundle's manifest at ``.coursegen/project.yml``, and the room's project
workflow (``ROOM_FILES``: ``glow project`` runs the visible checks on every push; rooms without
a project never get it). Never a hidden test
and never a reference variant: ``leaks`` says which of those a set of files would give away.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from glow.harness.bundle import (
    Bundle,
    BundleManifest,
    Deliverable,
    DeliverableManifest,
    Finding,
    Loaded,
    check_slug,
    files_under,
)
from glow.harness.sandbox import TESTS_DIR

PROJECT_FILE = ".coursegen/project.yml"
DELIVERABLES_DIR = ".coursegen/deliverables"
# In the admin repository: each project's learner package as published (what grading lays the
# learner's own files over) and its hidden tests, one folder per deliverable.
COURSES_DIR = "courses"
# The room's project workflow and its action (kept in this package as ``room/``: where each goes).
ROOM_FILES = {
    ".github/workflows/project.yml": "room/workflows/project.yml",
    ".github/actions/project/action.yml": "room/actions/project/action.yml",
}


def room_files() -> dict[str, bytes]:
    """The project workflow files every room with a project receives, by path in the room."""
    here = Path(__file__).resolve().parent
    return {target: (here / source).read_bytes() for target, source in ROOM_FILES.items()}


def learner_files(bundle: Bundle) -> dict[str, bytes]:
    """Every file a learner's room receives, by path relative to the room's root."""
    files = {
        relative: (bundle.workspace / relative).read_bytes()
        for relative in files_under(bundle.workspace)
    }
    files[PROJECT_FILE] = _yaml(bundle.manifest.model_dump(mode="json", exclude_none=True))
    for d in bundle.deliverables:
        files[f"{DELIVERABLES_DIR}/{d.id}.yml"] = _yaml(d.manifest.model_dump(mode="json"))
        visible = d.suite("visible")
        for relative in files_under(visible):
            files[f"{TESTS_DIR}/{d.id}/{relative}"] = (visible / relative).read_bytes()
    files.update(room_files())
    return files


def admin_files(bundle: Bundle) -> dict[str, bytes]:
    """What the admin repository keeps of a published project, by path from its root:
    ``courses/<id>/project/`` (the learner package) and ``courses/<id>/hidden/<deliverable>/``."""
    base = f"{COURSES_DIR}/{bundle.manifest.id}"
    files = {f"{base}/project/{path}": content for path, content in learner_files(bundle).items()}
    for d in bundle.deliverables:
        hidden = d.suite("hidden")
        for relative in files_under(hidden):
            files[f"{base}/hidden/{d.id}/{relative}"] = (hidden / relative).read_bytes()
    return files


def project_id(checkout: Path) -> str | None:
    """The project id a room's ``.coursegen/project.yml`` names, when it names a valid one."""
    try:
        data = yaml.safe_load((checkout / PROJECT_FILE).read_text(encoding="utf-8"))
        return check_slug(str(data["id"])) if isinstance(data, dict) else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, ValueError):
        return None


def _yaml(data: object) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


@dataclass(frozen=True)
class Secret:
    """A file that must never reach a room: a hidden test or a reference answer."""

    source: str
    content: bytes


def secrets(bundle: Bundle) -> list[Secret]:
    """Every hidden test (but one identical to a visible test of its deliverable, which the
    learner sees anyway) and every variant file whose content differs from the starter's."""
    found = []
    for d in bundle.deliverables:
        visible = d.suite("visible")
        public = {(visible / relative).read_bytes() for relative in files_under(visible)}
        hidden = d.suite("hidden")
        for relative in files_under(hidden):
            content = (hidden / relative).read_bytes()
            if content not in public:
                found.append(Secret(f"deliverables/{d.id}/hidden/{relative}", content))
    for name, folder in sorted(bundle.variants.items()):
        for relative in files_under(folder):
            content = (folder / relative).read_bytes()
            starter = bundle.workspace / relative
            if starter.is_file() and starter.read_bytes() == content:
                continue
            found.append(Secret(f"variants/{name}/{relative}", content))
    return found


# A line this long, found word for word elsewhere, did not get there by chance.
DISTINCTIVE = 24


def lines_of(files: Mapping[str, bytes]) -> frozenset[bytes]:
    """Every stripped line of some files: what a learner may see anyway (the learner package),
    so a secret's line that is also one of these gives nothing away."""
    return frozenset(line.strip() for content in files.values() for line in content.splitlines())


def leaks(
    secret_files: list[Secret],
    visible: Mapping[str, bytes],
    public: frozenset[bytes] = frozenset(),
) -> list[str]:
    """The secrets that appear in any visible file: the whole file (a copy, or pasted inside
    one), or any of its distinctive lines (at least 24 characters once stripped, and not a
    line of ``public``), so one copied test or answer line is found too."""
    texts = list(visible.values())
    found = []
    for secret in secret_files:
        whole = secret.content.strip()
        needles = [whole] if len(whole) >= DISTINCTIVE else []
        needles += [
            line.strip()
            for line in secret.content.splitlines()
            if len(line.strip()) >= DISTINCTIVE and line.strip() not in public
        ]
        if any(needle in text for needle in needles for text in texts):
            found.append(secret.source)
    return found


def published_bundle(checkout: Path) -> Loaded:
    """The project of a Learning Room's checkout, as a bundle with visible suites only."""
    project = checkout / PROJECT_FILE
    if not project.is_file():
        return Loaded(None, (Finding(PROJECT_FILE, "", "missing: this room holds no project"),))
    try:
        manifest = BundleManifest.model_validate(yaml.safe_load(project.read_text("utf-8")))
        deliverables = []
        for name in manifest.deliverables:
            path = checkout / DELIVERABLES_DIR / f"{name}.yml"
            spec = DeliverableManifest.model_validate(yaml.safe_load(path.read_text("utf-8")))
            suites = {"visible": checkout / TESTS_DIR / name}
            deliverables.append(Deliverable(name, spec, suites))
    except (OSError, ValueError, yaml.YAMLError) as error:
        problem = " ".join(str(error).split())[:300]
        return Loaded(None, (Finding(DELIVERABLES_DIR, "", f"cannot be read: {problem}"),))
    bundle = Bundle(checkout, manifest, tuple(deliverables), {}, checkout)
    return Loaded(bundle, ())
