"""`glow project`: a Learning Room's project. On every push the visible checks of each deliverable
run in the process sandbox and one scorecard per deliverable is upserted on its issue; a
learner's `/submit` on a deliverable's issue records the commit the hidden checks will grade."""
