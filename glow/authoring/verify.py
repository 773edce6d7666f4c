"""``glow author verify`` and ``replay``: load a bundle, pick a sandbox, run, report.

The last verify's report of each bundle is kept in ``$GLOW_STATE_DIR/author/`` (by default
``~/.cache/glow/author/``), named by the bundle's absolute path; replay reads it and writes
nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

from glow.authoring.copy import report_text
from glow.errors import ConfigError, GlowError
from glow.harness.bundle import load_bundle
from glow.harness.sandbox import Sandbox
from glow.harness.verify import Report, verify


def state_dir() -> Path:
    base = os.environ.get("GLOW_STATE_DIR") or str(Path.home() / ".cache" / "glow")
    return Path(base) / "author"


def report_path(bundle: Path) -> Path:
    key = hashlib.sha256(str(bundle.resolve()).encode()).hexdigest()[:16]
    return state_dir() / f"{bundle.resolve().name}-{key}.json"


def make_sandbox(args: argparse.Namespace) -> Sandbox:
    sandbox: Sandbox
    if args.sandbox == "docker":
        from glow.authoring.dockerbox import DockerSandbox

        sandbox = DockerSandbox(base_image=args.base_image)
    else:
        if args.base_image:
            raise ConfigError("--base-image is for --sandbox docker only")
        from glow.harness.process import ProcessSandbox

        sandbox = ProcessSandbox()
    why_not = sandbox.available()
    if why_not:
        raise ConfigError(f"the {sandbox.name} sandbox cannot run here: {why_not}")
    return sandbox


def run_verify(args: argparse.Namespace) -> int:
    root = Path(args.bundle)
    if args.mutants < 0 or args.workers < 1:
        raise ConfigError("--mutants must be 0 or more and --workers 1 or more")
    loaded = load_bundle(root)
    if loaded.bundle is None:
        count = len(loaded.findings)
        print(f"The bundle at {root} cannot be verified: {count} finding(s) to fix.")
        for finding in loaded.findings:
            print(f"- {finding.line()}")
        return 1
    bundle = loaded.bundle
    deliverables = args.deliverable
    replay = args.action == "replay"
    certify_too = not args.no_certify and not deliverables
    if replay:
        deliverables, certify_too = _replay_targets(root)
        if not deliverables and not certify_too:
            print(f"Nothing to replay: the last verify of {root} found nothing to fix.")
            return 0
    unknown = sorted(set(deliverables or ()) - {d.id for d in bundle.deliverables})
    if unknown:
        raise ConfigError(
            f"--deliverable names no deliverable of this bundle: {', '.join(unknown)}"
        )

    if certify_too:
        from glow.authoring.certify import source_tree

        source_tree()  # before the matrix's minutes, not after

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if replay and not deliverables:
        report = Report(
            bundle=str(root), title=bundle.manifest.title, sandbox="none", ok=True,
            deliverables=[], findings=[], cells=[], mutation=[], seconds={"total": 0.0},
        )  # fmt: skip
    else:
        report = verify(
            bundle,
            make_sandbox(args),
            deliverables=deliverables,
            mutants=args.mutants,
            workers=args.workers,
            progress=progress,
        )
    certification = None
    if report.ok and certify_too:
        from glow.authoring.certify import certify

        certification = certify(bundle, progress)
        report = report.model_copy(update={"ok": certification.ok})
    combined = report.model_dump(mode="json") | {
        "certification": certification.model_dump(mode="json") if certification else None
    }
    # The last full verify is what replay reads: a run of some deliverables or a replay
    # leaves it as it was.
    if not replay and not args.deliverable:
        path = report_path(root)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(combined, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(combined, indent=2))
    else:
        print(report_text(report, certification, replay=replay))
    return 0 if report.ok else 1


def _replay_targets(root: Path) -> tuple[list[str], bool]:
    """The deliverables the last verify failed, and whether its certification failed."""
    path = report_path(root)
    try:
        text = path.read_text(encoding="utf-8")
        last = Report.model_validate_json(text)
        certification = json.loads(text).get("certification")
    except FileNotFoundError:
        raise ConfigError(
            f"no earlier verify of {root} to replay: run glow author verify {root} first"
        ) from None
    except ValueError as error:
        raise GlowError(f"the last report ({path}) cannot be read: {error}") from None
    failed_certification = bool(certification) and not certification.get("ok", False)
    return last.failed_deliverables(), failed_certification


def run_new(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from glow.harness.bundle import BundleManifest, message_of
    from glow.harness.scaffold import skeleton, write_skeleton

    root = Path(args.bundle)
    if root.exists():
        raise ConfigError(f"{root} already exists: name a new folder for the bundle")
    deliverables = list(dict.fromkeys(args.deliverable))
    try:
        BundleManifest.model_validate(
            {"version": 1, "id": args.id, "title": args.title, "deliverables": deliverables}
        )
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise ConfigError(f"--{where.split('.')[0]}: {message_of(problem['msg'])}") from None
    write_skeleton(root, skeleton(args.id, args.title, deliverables))
    print(f"A new bundle is at {root}: its runtime scripts fail until you write them.")
    print(
        f"Next: write the starter, the tests and the variants, then run glow author verify {root}"
    )
    return 0


def run_base_image(args: argparse.Namespace) -> int:
    from glow.authoring.baseimage import BaseImageError, build_base_image
    from glow.authoring.engine import unavailable

    why_not = unavailable()
    if why_not:
        raise ConfigError(f"the Docker engine cannot be reached: {why_not}")
    programs = list(dict.fromkeys(["sh", *args.program]))
    try:
        image = build_base_image(args.tag, programs)
    except BaseImageError as error:
        raise ConfigError(f"--program: {error}") from None
    print(f"Built {args.tag} ({image[:19]}) with {', '.join(programs)}.")
    print(f"Next: glow author verify PATH --sandbox docker --base-image {args.tag}")
    return 0
