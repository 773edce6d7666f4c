"""What `glow setup` prints: a facilitator reads it with a screen reader, so the outcome comes
first, then one line per change, then the numbered steps only a person can take."""

from __future__ import annotations

from glow.cohort.setup.decide import Step

EPILOG = """examples:
  export GLOW_PAT=ghp_your_token
  glow setup --org my-workshop-org --dry-run
  glow setup --org my-workshop-org --cohort 2027-01 --facilitator octocat --facilitator hubot
"""

DONE = {
    "create-repo": "Created the {detail} repository {target}.",
    "push": "Pushed the {detail} to {target}.",
    "make-template": "Marked {target} as a template repository.",
    "sync-template": "Synced the Learning Room template {target}: {detail}.",
    "write-cohorts": "Wrote {detail} in {target}.",
    "contact-link": "Pointed the registration form's contact link at {detail}.",
    "create-label": "Created the label {detail} in {target}, for its issue form.",
    "create-variable": "Set the variable {target} of {scope} to {detail}.",
    "update-variable": "Changed the variable {target} of {scope} to {detail}.",
    "create-team": "Created the team {target}, {detail}.",
    "add-member": "Added {detail} to the team {target}.",
    "grant-team": "Gave the team {detail} access to {target}.",
}
WOULD = "Would: "

HEADLINE_COMPLETE = "GLOW setup of {org} is complete: {changes}."
HEADLINE_LEFT = "GLOW setup of {org} needs you: {changes}; {left}, below."
HEADLINE_DRY = "GLOW setup of {org}, dry run: {changes} would be made; nothing was written."
NO_CHANGE = "no change was needed"
CHANGES = "{count} change{s} made"

LEFT_TITLE = "Steps left for you, in order:"
LEFT_ITEM = "{n}. {what}: {where}"
PROBLEM = "Problem: {what}. To fix: {fix}."
NEXT_RUN = "When they are done, run glow setup again: it checks everything and changes only what is missing."
NEXT_GOLIVE = (
    "Next: run glow golive --org {org} to check the whole workshop before learners register."
)


def done_line(step: Step, *, dry_run: bool) -> str:
    line = DONE.get(step.kind, "{kind}: {target} ({detail}).").format(
        kind=step.kind, target=step.target, detail=step.detail, scope=step.scope
    )
    return WOULD + line[0].lower() + line[1:] if dry_run else line
