"""What ``glow author`` says: a report a person reads first, findings that say where to fix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glow.harness.verify import Report

if TYPE_CHECKING:
    from glow.authoring.certify import Certification

EPILOG = """examples:
  glow author new my-bundle --id shop-api --title "A shop API" --deliverable cart --deliverable pay
  glow author verify examples/bundles/python-ledger
  glow author base-image glow-base:local --program python3 --program node
  glow author verify examples/bundles/node-notes --sandbox docker --base-image glow-base:local
  glow author verify my-bundle --json > report.json
  glow author verify my-bundle --no-certify     the matrix and mutants only
  glow author replay my-bundle        rerun the deliverables that failed last time
  glow author demo --json         a brief to a certified, merged assignment, locally, no key
  export GLOW_PAT=ghp_your_token
  glow author plan --admin my-org/admin --issue=12    plan that course brief, post it there
  glow author plan --admin my-org/admin --issue=12 --recording plan.json   no model, no key
"""


def report_text(
    report: Report, certification: Certification | None = None, *, replay: bool = False
) -> str:
    what = "Replay" if replay else "Verification"
    lines = []
    if report.ok and certification is not None:
        lines.append(f"{what} passed: {report.title} is certified for learners.")
    elif report.ok:
        lines.append(f"{what} passed: {report.title} is ready for certification.")
    elif not report.findings and certification is not None:
        failed = next((step.name for step in certification.steps if not step.ok), "a step")
        lines.append(
            f"{what} failed: {report.title} failed learner-path certification at: {failed}."
        )
    else:
        count = len(report.findings)
        lines.append(
            f"{what} failed: {report.title} has {count} finding{'s' if count != 1 else ''} to fix."
        )
    lines.append(
        f"Sandbox: {report.sandbox}. Deliverables: {', '.join(report.deliverables)}. "
        f"Took {report.seconds.get('total', 0.0):.1f} s."
    )
    if report.findings:
        lines.append("")
        lines.append("Findings, each with the file to fix:")
        lines += [f"- {f.message}" for f in report.findings]
    if report.cells:
        lines.append("")
        lines.append("The baseline matrix (checks passed of checks run):")
        for d in report.deliverables:
            for suite in ("visible", "hidden"):
                row = [c for c in report.cells if c.deliverable == d and c.suite == suite]
                shown = ", ".join(
                    f"{c.variant} {c.checks_passed}/{c.checks}"
                    + ("" if c.status in ("passed", "failed") else f" ({c.status})")
                    for c in row
                )
                lines.append(f"- {d}, {suite}: {shown}")
    if report.mutation:
        lines.append("")
        lines.append("Mutation analysis of the strong variant (mutants killed):")
        for m in report.mutation:
            lines.append(
                f"- {m.deliverable}: visible {m.visible_killed} of {m.mutants}, "
                f"hidden {m.hidden_killed} of {m.mutants}"
            )
    if certification is not None:
        lines.append("")
        verdict = "passed" if certification.ok else "failed"
        lines.append(
            f"Learner-path certification {verdict} in {certification.seconds:.0f} s "
            "on a throwaway local GitHub:"
        )
        for step in certification.steps:
            lines.append(f"- {'PASS' if step.ok else 'FAIL'} {step.name}: {step.detail}")
    if not report.ok:
        lines.append("")
        lines.append(
            "Next: fix the findings, then run glow author replay on this bundle to rerun only "
            "the deliverables that failed."
        )
    return "\n".join(lines)
