"""What `glow group` writes and says, as named constants: the readable list of groups
(``groups/<cohort>.md``, a numbered list a screen reader reads in order) and the lines saying
what changed."""

MD_TITLE = "# Peer-review groups, cohort {cohort}"
MD_INTRO = (
    "{groups} for {learners}. Partners review each other's pull requests and "
    "issues. This list is written by `glow group`; to change a group, edit "
    "`groups/{cohort}.json` in the admin repository: the next run keeps your change."
)
ALONE = "{who} (no partner yet: a facilitator reviews with this learner)"
NO_LEARNERS = "No enrolled learners yet."
INVALID_GROUPS = (
    "{path} is not valid ({error}): fix it by hand, or delete it to pair everyone afresh"
)

NEW_GROUP = "new group: {members}"
LEFT = "left the groups: {member}"
WOULD_RECORD = "would record "
NO_CHANGE = "no change to the groups"
COMMIT_MESSAGE = "Peer-review groups, cohort {cohort}: {count} learners"
WRITTEN = "{path}: written (commit {sha})"
UNCHANGED = "{path}: unchanged"
