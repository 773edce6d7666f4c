"""`glow local serve`: its options, and the runner it starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest


def serve(tmp_path: Path, *args: str) -> str:
    """Start `glow local serve`, return its ready line, stop it with SIGTERM."""
    command = [sys.executable, "-m", "glow", "local", "serve", "--port", "0"]
    proc = subprocess.Popen(
        [*command, "--data", str(tmp_path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return line


def test_serve_runs_four_workflow_runs_at_once_unless_told(tmp_path: Path) -> None:
    assert "4 runs at once" in serve(tmp_path / "default")
    assert "2 runs at once" in serve(tmp_path / "two", "--workers", "2")
    assert "no runner" in serve(tmp_path / "none", "--no-runner")


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_serve_refuses_a_bad_worker_count(value: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "glow", "local", "serve", "--workers", value],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert "--workers" in proc.stderr


def test_serve_help_explains_workers() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "glow", "local", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 0
    assert "--workers N" in proc.stdout and "side by side" in proc.stdout
