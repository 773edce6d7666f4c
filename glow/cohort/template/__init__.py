"""Template sync: the Learning Room template repository kept in step with this project's
`learning-room-template/` folder, validated first (the smoke validation provisioning runs).

Files: ``events`` (what it handles), ``decide`` (pure: validation and what a sync writes),
``copy`` (what the facilitator reads), ``files`` (the folder and the template repository, read),
``handlers`` (the router), ``command`` (`glow template sync`).
"""
