"""Run the harness on a bundle: the baseline matrix, then mutation analysis, in a sandbox.

Each run gets its own scratch copy of the workspace with one variant (and perhaps one mutant)
laid over it and one suite of one deliverable at ``.coursegen/tests/<id>/``; runs go side by
side (``workers``). The verdicts are ``glow.harness.matrix``'s; this module only runs and
reports.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from glow.harness import matrix, mutate
from glow.harness.bundle import Bundle, Finding
from glow.harness.results import SuiteResult, suite_result
from glow.harness.sandbox import TESTS_DIR, Job, Sandbox

Progress = Callable[[str], None]
DEFAULT_MUTANTS = 12


@dataclass(frozen=True)
class Run:
    deliverable: str
    suite: str
    variant: str
    overlay: tuple[tuple[str, str], ...] = ()
    """Files (relative to the workspace) replaced after the variant, e.g. one mutant."""
    note: str = ""
    """What the progress line adds (a mutant: where and what changed)."""


def variant_files(bundle: Bundle, variant: str) -> dict[str, str]:
    if variant == matrix.STARTER:
        return {}
    folder = bundle.variants[variant]
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def lay_out(bundle: Bundle, run: Run, target: Path) -> None:
    """The scratch workspace of one run, in ``target`` (which must not exist)."""
    shutil.copytree(bundle.workspace, target, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    files = variant_files(bundle, run.variant) | dict(run.overlay)
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    tests = target / TESTS_DIR
    if tests.exists():
        shutil.rmtree(tests)
    shutil.copytree(bundle.deliverable(run.deliverable).suite(run.suite), tests / run.deliverable)


def run_one(bundle: Bundle, sandbox: Sandbox, run: Run, scratch: Path) -> SuiteResult:
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        workspace = Path(folder) / "workspace"
        lay_out(bundle, run, workspace)
        job = Job(
            workspace=workspace,
            env={
                "COURSEGEN_DELIVERABLE": run.deliverable,
                "COURSEGEN_SUITE": run.suite,
                "COURSEGEN_TESTS": f"/workspace/{TESTS_DIR}/{run.deliverable}",
            },
            network=bundle.manifest.runtime.network,
            limits=bundle.limits,
            boot=bundle.boot,
        )
        outcome = sandbox.run(job)
    return suite_result(run.deliverable, run.suite, run.variant, outcome)


class Cell(BaseModel):
    deliverable: str
    suite: str
    variant: str
    passed: bool
    status: str
    checks_passed: int
    checks: int
    failing: list[str]
    headline: str
    seconds: float


class Mutation(BaseModel):
    deliverable: str
    mutants: int
    visible_killed: int
    hidden_killed: int
    visible_score: float
    hidden_score: float
    seconds: float


class FindingOut(BaseModel):
    file: str
    field: str
    deliverable: str
    message: str


class Report(BaseModel):
    bundle: str
    title: str
    sandbox: str
    ok: bool
    deliverables: list[str]
    findings: list[FindingOut]
    cells: list[Cell]
    mutation: list[Mutation]
    seconds: dict[str, float]
    """``total``, ``prepare``, ``matrix``, ``mutation``, and ``variant:<name>`` and
    ``deliverable:<id>`` (the sum of their runs' wall times)."""

    def failed_deliverables(self) -> list[str]:
        named = [f.deliverable for f in self.findings if f.deliverable]
        if any(not f.deliverable for f in self.findings):
            return list(self.deliverables)
        return [d for d in self.deliverables if d in named]


def finding_out(f: Finding) -> FindingOut:
    return FindingOut(file=f.file, field=f.field, deliverable=f.deliverable, message=f.line())


def _cell(r: SuiteResult) -> Cell:
    return Cell(
        deliverable=r.deliverable,
        suite=r.suite,
        variant=r.variant,
        passed=r.passed,
        status=r.outcome.status,
        checks_passed=r.passed_count,
        checks=len(r.checks),
        failing=r.failing[:10],
        headline=r.outcome.headline,
        seconds=round(r.outcome.wall_seconds, 3),
    )


def _describe(r: SuiteResult, note: str = "") -> str:
    verdict = "passed" if r.passed else "failed"
    detail = f"{r.passed_count} of {len(r.checks)} checks" if r.checks else r.outcome.headline
    variant = f"{r.variant} ({note})" if note else r.variant
    return f"{r.deliverable}, {r.suite} suite, {variant}: {verdict} ({detail})"


def run_all(
    bundle: Bundle,
    sandbox: Sandbox,
    runs: list[Run],
    workers: int,
    progress: Progress,
    label: str,
) -> list[SuiteResult]:
    results: list[SuiteResult] = []
    with (
        tempfile.TemporaryDirectory(prefix="glow-harness-") as scratch,
        ThreadPoolExecutor(max_workers=max(1, workers)) as pool,
    ):
        futures = [pool.submit(run_one, bundle, sandbox, run, Path(scratch)) for run in runs]
        for done, (run, future) in enumerate(zip(runs, futures, strict=True), start=1):
            result = future.result()
            results.append(result)
            progress(f"{label} {done}/{len(runs)}: {_describe(result, run.note)}")
    return results


def mutation_runs(
    bundle: Bundle, deliverable: str, limit: int
) -> list[tuple[mutate.Mutant, list[Run]]]:
    strong = variant_files(bundle, "strong")
    owned = bundle.deliverable(deliverable).manifest.owns
    found: list[mutate.Mutant] = []
    for relative in owned:
        starter = (bundle.workspace / relative).read_text(encoding="utf-8")
        text = strong.get(relative)
        if text is not None:
            found += mutate.candidates(relative, text, starter)
    chosen = mutate.choose(found, limit)
    suites = ("visible", "hidden")
    return [
        (m, [Run(deliverable, s, "strong", ((m.path, m.text),), _note(m)) for s in suites])
        for m in chosen
    ]


def _note(m: mutate.Mutant) -> str:
    return f"mutant: {m.path} line {m.line}, {m.description}"


def verify(
    bundle: Bundle,
    sandbox: Sandbox,
    *,
    deliverables: Iterable[str] | None = None,
    mutants: int = DEFAULT_MUTANTS,
    workers: int = 2,
    progress: Progress = lambda _line: None,
) -> Report:
    started = time.monotonic()
    chosen = [d.id for d in bundle.deliverables]
    if deliverables is not None:
        wanted = set(deliverables)
        chosen = [d for d in chosen if d in wanted]
    variants = sorted(bundle.variants, key=_variant_order)
    seconds: dict[str, float] = {}
    findings: list[Finding] = []
    progress(f"Preparing the {sandbox.name} sandbox for {bundle.manifest.title}")
    failed = sandbox.prepare(bundle.workspace)
    seconds["prepare"] = round(time.monotonic() - started, 3)
    results: list[SuiteResult] = []
    scores: list[matrix.MutationScore] = []
    if failed is not None:
        findings.append(
            Finding("workspace/Dockerfile", "", f"the runtime did not build: {failed.headline}")
        )
    else:
        runs = [
            Run(d, suite, v)
            for d in chosen
            for v in [matrix.STARTER, *variants]
            for suite in ("visible", "hidden")
        ]
        progress(
            f"Running the baseline matrix: {len(runs)} runs ({len(chosen)} deliverables, "
            f"{len(variants) + 1} variants, 2 suites)"
        )
        step = time.monotonic()
        results = run_all(bundle, sandbox, runs, workers, progress, "matrix")
        seconds["matrix"] = round(time.monotonic() - step, 3)
        cells = matrix.index(results)
        findings += matrix.matrix_findings(chosen, variants, cells)
        step = time.monotonic()
        for d in chosen if mutants > 0 else []:
            if not (
                cells[(d, "visible", "strong")].passed and cells[(d, "hidden", "strong")].passed
            ):
                progress(f"Mutation analysis of {d} skipped: the strong variant must pass first")
                continue
            scores.append(_mutation(bundle, sandbox, d, mutants, workers, progress))
        seconds["mutation"] = round(time.monotonic() - step, 3)
        findings += matrix.mutation_findings(scores)
    for r in results:
        for key in (f"variant:{r.variant}", f"deliverable:{r.deliverable}"):
            seconds[key] = round(seconds.get(key, 0.0) + r.outcome.wall_seconds, 3)
    seconds["total"] = round(time.monotonic() - started, 3)
    return Report(
        bundle=str(bundle.root),
        title=bundle.manifest.title,
        sandbox=sandbox.name,
        ok=not findings,
        deliverables=chosen,
        findings=[finding_out(f) for f in findings],
        cells=[_cell(r) for r in results],
        mutation=[
            Mutation(
                deliverable=s.deliverable,
                mutants=s.mutants,
                visible_killed=s.visible_killed,
                hidden_killed=s.hidden_killed,
                visible_score=round(s.visible_score, 3),
                hidden_score=round(s.hidden_score, 3),
                seconds=round(s.seconds, 3),
            )
            for s in scores
        ],
        seconds=seconds,
    )


def _mutation(
    bundle: Bundle, sandbox: Sandbox, deliverable: str, limit: int, workers: int, progress: Progress
) -> matrix.MutationScore:
    started = time.monotonic()
    planned = mutation_runs(bundle, deliverable, limit)
    progress(f"Mutation analysis of {deliverable}: {len(planned)} mutants of the strong variant")
    runs = [run for _mutant, pair in planned for run in pair]
    results = run_all(bundle, sandbox, runs, workers, progress, "mutants")
    # A mutant counts only when the sandbox ran both suites: its own failure says nothing of
    # what a suite would catch (a mutant that hangs until the time limit is caught, as usual).
    pairs = [
        (v, h)
        for v, h in zip(results[0::2], results[1::2], strict=True)
        if "error" not in (v.outcome.status, h.outcome.status)
    ]
    visible = sum(1 for v, _ in pairs if not v.passed)
    hidden = sum(1 for _, h in pairs if not h.passed)
    return matrix.MutationScore(
        deliverable, len(pairs), visible, hidden, time.monotonic() - started
    )


def _variant_order(name: str) -> tuple[int, str]:
    order = {"partial": 0, "naive": 1, "strong": 2}
    return (order.get(name, 3), name)
