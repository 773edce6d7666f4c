"""Registration: the public registration issue, the private roster, the seat, the answer.

Files: ``events`` (what it handles), ``form`` (the public form, read robustly), ``decide`` (pure
decisions), ``copy`` (what learners read), ``store`` and ``public`` (the admin and the public
adapters), ``handlers`` (the router), ``command`` (`glow register`).
"""
