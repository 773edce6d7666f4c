"""The bundle's manifests are published as JSON Schema (for editors and other tools), kept
equal to the models the harness validates with."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from glow.harness.bundle import BundleManifest, DeliverableManifest

DOCS = Path(__file__).resolve().parents[1] / "docs" / "authoring"


@pytest.mark.parametrize(
    ("name", "model"), [("coursegen", BundleManifest), ("deliverable", DeliverableManifest)]
)
def test_the_published_schema_is_the_models(name: str, model: type[BaseModel]) -> None:
    published = json.loads((DOCS / f"{name}.schema.json").read_text())
    assert published == model.model_json_schema(), (
        f"regenerate docs/authoring/{name}.schema.json from {model.__name__}.model_json_schema()"
    )
