"""What a node may use: the author, the sandbox, a scratch folder, a clock, and how the run is
recorded. Built once per run by the command (or a test) and handed to ``graph.run_graph``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from glow.harness.sandbox import Sandbox
from glow.harness.verify import DEFAULT_MUTANTS

from .authors import Author
from .state import RunState

Record = Callable[[RunState], None]


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class NodeContext:
    author: Author
    sandbox: Sandbox
    scratch: Path
    # Called with the state after every node, before the graph routes on it: the command
    # writes it to the admin repository (``store.save_run``) and refreshes the timeline.
    record: Record
    # mutants per deliverable in reviewer_tests, as `glow author verify` (0 skips the analysis)
    mutants: int = DEFAULT_MUTANTS
    workers: int = 2
    now: Callable[[], str] = utc_now
    monotonic: Callable[[], float] = time.monotonic
    progress: Callable[[str], None] = field(default=lambda _line: None)
