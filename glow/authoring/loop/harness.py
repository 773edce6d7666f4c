"""The harness steps the nodes run on a bundle held as text (``RunState.files``): lay it out in
a scratch folder, read it with the harness, prove it boots, run the baseline matrix and the
mutation analysis. Each returns findings, one sentence each; an empty list is a pass."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from glow.harness.bundle import Bundle, Finding, load_bundle
from glow.harness.sandbox import Sandbox
from glow.harness.verify import Run, run_one, verify

PLACEHOLDER = "placeholder.txt"  # stands in for a suite not written yet, to prove the boot
EARLY_STAGES = ("prepare", "install", "boot")


def lay_out(files: dict[str, str], root: Path) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if relative.endswith(".sh"):
            path.chmod(0o755)


def _suite_missing(f: Finding) -> bool:
    parts = f.file.rstrip("/").split("/")
    return len(parts) == 3 and parts[0] == "deliverables" and parts[2] in ("visible", "hidden")


def _load(root: Path, *, tests_written: bool) -> tuple[Bundle | None, list[str]]:
    loaded = load_bundle(root)
    kept = [f for f in loaded.findings if tests_written or not _suite_missing(f)]
    if loaded.bundle is None and not kept and not tests_written:
        # Only the suites are missing: lay a placeholder in each to read the rest.
        for f in loaded.findings:
            folder = root / f.file
            folder.mkdir(parents=True, exist_ok=True)
            (folder / PLACEHOLDER).write_text("written by the tests step\n", encoding="utf-8")
        loaded = load_bundle(root)
        kept = list(loaded.findings)
    return loaded.bundle, [f.line() for f in kept]


def structure(files: dict[str, str], *, tests_written: bool) -> list[str]:
    """The harness's findings on the bundle's shape (suites not required before the tests
    step)."""
    with _laid(files, None, tests_written=tests_written) as (_folder, _bundle, findings):
        return findings


@contextmanager
def _laid(
    files: dict[str, str], scratch: Path | None, *, tests_written: bool
) -> Iterator[tuple[Path, Bundle | None, list[str]]]:
    """The bundle laid out in a scratch folder (under ``scratch``, else the system's) and
    read: (folder, bundle, findings); the folder is removed on leaving."""
    with tempfile.TemporaryDirectory(prefix="glow-loop-", dir=scratch) as folder:
        root = Path(folder) / "bundle"
        lay_out(files, root)
        bundle, findings = _load(root, tests_written=tests_written)
        if bundle is None and not findings:
            findings = ["The bundle could not be read."]
        yield Path(folder), bundle, findings


def boots(files: dict[str, str], sandbox: Sandbox, scratch: Path) -> list[str]:
    """The shape's findings, else whether the untouched starter installs (and boots, for a
    service) in the sandbox: a failing check is fine here, an install or boot failure is not."""
    with _laid(files, scratch, tests_written=False) as (folder, bundle, findings):
        if bundle is None or findings:
            return findings
        failed = sandbox.prepare(bundle.workspace)
        if failed is not None:
            return [f"The runtime did not build: {failed.headline}"]
        first = bundle.deliverables[0].id
        result = run_one(bundle, sandbox, Run(first, "visible", "starter"), folder)
        outcome = result.outcome
        if outcome.stage in EARLY_STAGES and outcome.status != "passed":
            return [f"The starter did not {outcome.stage}: {outcome.headline}"]
        return []


def matrix(
    files: dict[str, str], sandbox: Sandbox, scratch: Path, *, mutants: int, workers: int
) -> list[str]:
    """The baseline matrix (and, with ``mutants``, the mutation analysis): its findings."""
    with _laid(files, scratch, tests_written=True) as (_folder, bundle, findings):
        if bundle is None or findings:
            return findings
        report = verify(bundle, sandbox, mutants=mutants, workers=workers)
        return [
            f"{f.deliverable}: {f.message}" if f.deliverable else f.message for f in report.findings
        ]
