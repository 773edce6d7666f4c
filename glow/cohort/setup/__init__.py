"""`glow setup`: create or check, idempotently, everything GLOW needs in an organisation."""
