"""What `glow teardown` says, as named constants: the confirmation it needs, one line per room,
and the summary (a dry run says how to go ahead; a failure says how to retry and the manual
fallback)."""

NEEDS_CONFIRM = (
    "--apply archives every Learning Room of cohort {cohort}: repeat the cohort id to go ahead "
    "(--apply --confirm {cohort}). Nothing was changed."
)
NO_LEARNERS = (
    "roster/{cohort}.json in {admin} has no learners: check the cohort id; nothing was changed"
)

WHO = "{repo} (@{handle})"
MISSING = "missing: {who}: no such repository, or the credential cannot see it"
MISSING_DETAIL = "no such repository, or not visible"
ALREADY_ARCHIVED = "already archived: {who}"
WOULD_ARCHIVE = "would archive: {who}"
FAILED = "error: {who}: {error}"
ARCHIVED = "archived: {who}"

COMMIT_MESSAGE = "Teardown, cohort {cohort}: {count} rooms"
NOTHING_TO_REPORT = "nothing to report"
DRY_RUN_SUMMARY = (
    "Dry run, cohort {cohort}: nothing was changed ({parts}). "
    "To archive: glow teardown --cohort {cohort} --apply --confirm {cohort}"
)
FAILED_SUMMARY = (
    "Teardown, cohort {cohort}: {parts}. Run the same command again to retry the "
    "rooms that failed, or archive them by hand (docs/runbooks/contracts.md, Teardown)."
)
SUMMARY = "Teardown, cohort {cohort}: {parts}."
