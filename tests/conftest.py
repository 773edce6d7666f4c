"""Shared fixtures: a GitHub fake that fails loudly on any request it was not told about."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from glow.github import Repo, WritePacer, token_client
from tests import runner_fakes
from tests.fakegithub import FakeGitHub
from tests.schemas import openapi_validator, webhook_validator  # noqa: F401

ROOM = "octo-org/room"


@pytest.fixture(scope="session")
def rsa_pem() -> tuple[str, str]:
    """A throwaway App key pair: (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """GitHub (Enterprise-style base URL) with one repository, octo-org/room, on branch main."""
    fake = FakeGitHub()
    fake.add_repo(ROOM, {"README.md": "# Room\n"})
    yield fake
    assert fake.unexpected == [], f"requests the fake was not told about: {fake.unexpected}"


@pytest.fixture
def sleeps() -> list[float]:
    """Every sleep the code under test asked for, in seconds (nothing actually sleeps)."""
    return []


@pytest.fixture
def room(fake_github: FakeGitHub, sleeps: list[float]) -> Repo:
    """The ``Repo`` adapter on octo-org/room, through githubkit, against the fake."""
    gh = token_client("test-token", fake_github.base_url, transport=fake_github.transport)
    owner, name = ROOM.split("/")

    def sleep(seconds: float) -> None:  # a fake clock: sleeping moves GitHub's time on
        sleeps.append(seconds)
        fake_github.now += seconds

    return Repo(
        gh,
        owner,
        name,
        pacer=WritePacer(0.0, sleep=sleeps.append),
        sleep=sleep,
        clock=lambda: fake_github.now,
    )


# The local runner's unit tests (tests/test_runner_*.py): a fake hub and a runner on it. A test
# module that needs another (an HTTP hub, more workers) defines its own fixture of that name.


@pytest.fixture
def host(tmp_path: Path) -> Iterator[runner_fakes.FakeHost]:
    """A fake hub for the runner (no HTTP server); closed after the test."""
    fake = runner_fakes.FakeHost(tmp_path / "hub")
    yield fake
    fake.close()


@pytest.fixture
def runner(host: runner_fakes.FakeHost, tmp_path: Path) -> Iterator[runner_fakes.Runner]:
    """A runner on ``host`` with the default number of workers; shut down after the test."""
    started = runner_fakes.make_runner(host, tmp_path / "work")
    yield started
    started.shutdown()
