"""Registration: the public registration issue, the private roster, the seat, the answer.

Files: ``events`` (what it handles), ``form`` (the public form, read robustly), ``issue`` (which
issue is a registration, and which events need work), ``decide`` and ``placement`` (pure
decisions), ``copy`` (what learners read), ``store`` and ``public`` (the admin and the public
adapters), ``handlers`` (the router), ``command`` (`glow register`).
"""
