"""What provisioning says, as named constants (screen-reader-first: outcome first, plain words, a
next step on every failure): the progress lines and the summary a facilitator reads, the plan of
a dry run, the credential check, the batch's stops, and what a room is given (its description,
the restoring commit). The pre-flight's failure lines live beside its checks
(``preflight``), where the template's layout they name is defined. Last, the epilog of
`glow provision --help`."""

RUNBOOK = "docs/runbooks/provisioning.md"

# The batch, learner by learner, and its summary.
LINE_PREFIX = "[{index}/{total}] {handle}: "
HEALTHY = "{name} is healthy, nothing to change"
ARCHIVED = "{name} is archived (the workshop is over), left as it is"
FAILED_LINE = "failed: {error}"
SUMMARY = (
    "Cohort {cohort}: {visited} learners visited, {ok} provisioned or healthy "
    "({created} created, {healed} healed), {failed} failed. Template {template} at {sha}."
)
NOTHING_TO_DO = (
    "Cohort {cohort}: nothing to provision ({enrolled} enrolled learners, none pending or failed)."
)
FAILED_SUMMARY = (
    "Cohort {cohort}: provisioning failed for {names}. Their roster records say failed and the "
    "log has the reason. Next step: run the same command again (it resumes safely and never "
    "makes a second room), or follow " + RUNBOOK + "."
)
UNRECORDED_NOTE = (
    "recorded by run {run}: the room was on GitHub but not in the roster (the run that created "
    "it stopped before it could save, or it was made by hand); the time is when GitHub created it"
)

# The command: what a dry run plans, what --check-auth says, a learner who is not enrolled.
DRY_RUN = "Dry run: nothing will be changed."
PLAN_HEADER = "Cohort {cohort}: {count} of {enrolled} enrolled learners to visit; rooms in {owner}."
PLAN_CREATE = "  {index}. {handle} ({state}): create {room}, invite {handle}, seed challenge 1"
PLAN_CHECK = (
    "  {index}. {handle} ({state}): {room} exists; check its required files, the learner's "
    "access and challenge 1, and restore what is missing"
)
NO_OPEN_COHORT = "No open cohort in cohorts.json: nothing to provision."
CHECK_MODE = {
    "github-app": "Credentials: the provisioning App (github-app mode), installed on {owner}; "
    "its installation token was minted for this check and is kept in memory only.",
    "actions-bot": "Credentials: PROVISIONING_TOKEN (actions-bot mode).",
}
CHECK_PASSED = "Check passed for cohort {cohort}: provisioning can run. Nothing was changed."
CHECK_HEAD = "No open cohort in cohorts.json; checking the template's latest commit."
NOT_ENROLLED = (
    "{handle} is not an enrolled learner of cohort {cohorts}: check the handle and the "
    "cohort (waitlisted and withdrawn learners get no room)."
)

# The engine: a cohort it cannot find, rate limits, saving progress.
NO_COHORT = "cohort {cohort} is not in {admin}/cohorts.json: add it there, or check --cohort"
STOPPED = (
    "GitHub's rate limit still held after backing off for {minutes:.0f} minutes on {handle} "
    "(learner {index} of {total} in cohort {cohort}); the learners before are saved. Run the "
    "same command again later: it resumes with {handle}."
)
RATE_LIMITED = "GitHub's rate limit held past the time budget; the batch stopped here"
BACKING_OFF = "[{index}/{total}] {handle}: GitHub rate limit; waiting {delay:.0f} s, then retrying"
COMMIT_MESSAGE = "Provisioning {cohort}: {count} learner record(s) ({results})"

# The write budget: the pre-flight's line, a wait for GitHub's limit, a pause for the next run.
# {rooms} reads "1 new room" or "300 new rooms"; {limits} is what the budget keeps to.
PACE_NONE = "Write budget of {name} ({limits}): no new rooms in this batch."
PACE_UNLIMITED = "Write budget of {name} ({limits}): {rooms} can be made at once."
PACE_FITS = (
    "Write budget of {name} ({limits}): {rooms} can be made now ({per_room} content-creating "
    "requests each); done by about {finish}."
)
PACE_HOURS = (
    "Write budget of {name} ({limits}): {fit} of {rooms} can be made now ({per_room} "
    "content-creating requests each); this run waits for the hourly limit between them and "
    "finishes about {finish}."
)
PACE_NEXT_RUN = (
    "Write budget of {name} ({limits}): {fit} of {rooms} can be made now ({per_room} "
    "content-creating requests each); this run makes about {in_run} within its {hours:g}-hour "
    "limit and the next run continues; the batch finishes about {finish} at the earliest."
)
WAITING = (
    "Waiting until {until} for GitHub's limit on content-creating requests ({done} of {total} "
    "learners done); nothing is wrong, and stopping now is safe."
)
PAUSED = (
    "Cohort {cohort}: paused for GitHub's hourly limit, {left} learners left pending: the next "
    "run (the hourly schedule, or run it again) continues with them; this run's limit is "
    "{hours:g} hours."
)
SAVE_FAILED = "could not save provisioning progress: {error}"

# One room: its description, the commit that restores required files, a learner's failures.
ROOM_DESCRIPTION = "GLOW Learning Room of @{handle}, cohort {cohort}"
RESTORE_MESSAGE = (
    "Restore {count} required file(s) from the Learning Room template at {sha}\n\n"
    "GLOW provisioning found them missing or changed:\n{paths}"
)
NO_USER = "GitHub has no user named {handle}; correct the handle in the roster, then run again"
FILES_LATE = (
    "{room} still had no files {seconds:.0f} s after it was created from the template; run "
    "again later, and if it stays empty, delete that empty repository and run again"
)
STILL_MISSING = "required files still missing after restoring them: {paths}"

# `glow provision --help`: what follows the options (the module's docstring comes first).
EPILOG = """examples:
  glow provision --check-auth                     can these credentials provision? (no changes)
  glow provision --dry-run                        what would happen for every open cohort
  glow provision --cohort 2026-12                 provision pending and failed learners
  glow provision --cohort 2026-12 --verify        also re-check provisioned rooms and heal them
  glow provision --cohort 2026-12 --learner ada   check and heal one learner's room

progress goes to stderr, one line per learner:
  [3/10] ada: created learning-room-2026-12-ada, invited, challenge 1 seeded

settings (environment):
  ADMIN_ROSTER_REPO            owner/name of the private admin repository (roster and log)
  LEARNING_ROOM_TEMPLATE_REPO  owner/name of the Learning Room template
  PROVISIONING_MODE            github-app (default) or actions-bot
  PROVISIONING_APP_ID, PROVISIONING_APP_PRIVATE_KEY   the provisioning App (github-app mode)
  PROVISIONING_TOKEN           a fine-grained token (actions-bot mode)
  GLOW_ROOMS_OWNER             where rooms are created (default: the template's owner)
  GLOW_PROVISION_DELAY         extra seconds between learners (default 0: the write budget paces)
  GLOW_INSTALL, GLOW_FACILITATORS   the rooms' glow pin and whom help mentions, written into
                               each room's .glow/learner.yml (on GitHub Free no organisation
                               variable reaches a private room)
  GLOW_CONTENT_PER_MINUTE, GLOW_CONTENT_PER_HOUR   GitHub's content-creating limits (80, 500)
  GLOW_WRITE_INTERVAL          seconds between writes (default 1; 0 on the local GitHub)
  GITHUB_API_URL               the GitHub API (default https://api.github.com)

exit status: 0 when every visited learner is provisioned (or left pending for the next run by
GitHub's hourly limit, as the output says); 1 when a learner failed, the batch stopped or the
pre-flight failed (the message says what to do); 2 when a setting is missing.
Manual fallback and recovery: docs/runbooks/provisioning.md in the workshop repository.
"""

# The body of the default branch's one provisioning commit in a new room (its first line is the
# conflict practice's, which ``practice`` looks for).
LEARNER_FACTS_NOTE = (
    "Also records the learner's handle, cohort and path (.glow/learner.yml) for the room's bots."
)

# After the batch's limits in the pre-flight's write-budget line, when it leaves part of them.
LEFT_TO_OTHERS = "; of its whole limits ({whole}), the rest is left to the App's other jobs"
