"""A new bundle's skeleton, whose every runtime script fails loudly until someone authors it.

``glow author new PATH`` writes it; ``glow author verify`` then lists what is left to write,
each as a finding (a default script is recognised by its exact text, never by guessing).
"""

from __future__ import annotations

from pathlib import Path

import yaml

SCRIPTS = ("install", "boot", "check")


def default_script(name: str) -> str:
    return (
        "#!/bin/sh\n"
        f"# The bundle's {name} step: replace this file (docs/authoring/bundle.md).\n"
        f'echo "coursegen: {name}.sh is not authored yet" >&2\n'
        "exit 1\n"
    )


def is_default(name: str, text: str) -> bool:
    return text == default_script(name)


DOCKERFILE = """# The bundle's runtime image. The harness may hand BASE_IMAGE a local image when no
# registry is reachable; keep the default your stack's official image.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}
WORKDIR /workspace
"""


def skeleton(project_id: str, title: str, deliverables: list[str]) -> dict[str, str]:
    """Every file of a new bundle, by path relative to its folder (a path ending in ``/`` is
    an empty folder to fill: a suite's tests, a variant's files)."""
    manifest = {
        "version": 1,
        "id": project_id,
        "title": title,
        "summary": "",
        "deliverables": deliverables,
        "runtime": {"network": False},
    }
    files = {
        "coursegen.yml": yaml.safe_dump(manifest, sort_keys=False),
        "workspace/Dockerfile": DOCKERFILE,
        "workspace/README.md": f"# {title}\n",
    }
    for name in SCRIPTS:
        files[f"workspace/.coursegen/runtime/{name}.sh"] = default_script(name)
    for d in deliverables:
        files[f"deliverables/{d}/deliverable.yml"] = yaml.safe_dump(
            {"id": d, "title": d, "asks": "What the learner builds, in plain words.", "owns": []},
            sort_keys=False,
        )
        for suite in ("visible", "hidden"):
            files[f"deliverables/{d}/{suite}/"] = ""
    for variant in ("partial", "naive", "strong"):
        files[f"variants/{variant}/"] = ""
    return files


def write_skeleton(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        if relative.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
