"""Who a client writes as: the login GitHub shows as the author of our comments.

Any token with ``issues: write`` can edit or delete any comment, and anyone can type our hidden
markers into a comment of their own (github-behaviour.md): only a comment's author tells
whose it is. So every marker lookup matches comments by the identity that writes them, never by
their text alone. An App's installation client is known when it is made (``<slug>[bot]``); any
other client asks GitHub once (``GET /user``), which answers 403 to an integration token: a bare
integration token handed to glow is the job's GITHUB_TOKEN, whose author is
``github-actions[bot]``. Such a token says so itself (``ghs_``, GitHub's prefix for integration
tokens), so ``token_client`` records that author without asking.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from glow.errors import GitHubError

JOB_TOKEN_LOGIN = "github-actions[bot]"
# https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
INTEGRATION_TOKEN_PREFIX = "ghs_"

_logins: weakref.WeakKeyDictionary[Any, str | Callable[[], str]] = weakref.WeakKeyDictionary()


def remember_login(gh: Any, login: str | Callable[[], str]) -> None:
    """Record the author of what ``gh`` writes (an App installation: ``<slug>[bot]``), or how
    to find it out when first asked (an installation known by its id alone: most runs never
    ask, so they never pay the request)."""
    _logins[gh] = login


def app_login(slug: str) -> str:
    return f"{slug}[bot]"


def login_of(gh: Any, get_user: Callable[[], Any]) -> str:
    """The author of what ``gh`` writes; ``get_user`` is ``GET /user`` through the caller's
    adapter (asked at most once per client)."""
    known = _logins.get(gh)
    if callable(known):
        known = _logins[gh] = known()
    if known is not None:
        return known
    try:
        login = str(get_user().json()["login"])
    except GitHubError as exc:
        if exc.status != 403:
            raise
        login = JOB_TOKEN_LOGIN
    _logins[gh] = login
    return login
