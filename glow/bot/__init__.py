"""How every GLOW bot is shaped: a router of handlers by (event, action), one context handed to
them, and the one adapter that knows the GitHub Actions runner's files.

- ``router``: ``Router`` (register by event and action; ``table()`` is where events go).
- ``context``: ``Context`` (the event, the arguments, a logger, one client per process for
  every repository, the admin repository).
- ``actions``: the Actions contract (event payload, outputs, step summary, structured log).
- ``payload``: the payload's first facts (sender, issue, comment) read into typed records.
- ``gate``: an entry point decides to ignore an event before importing anything heavy.

Importing this package imports nothing but the standard library.
"""
