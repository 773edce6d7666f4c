"""The one client factory: every bot gets its githubkit client from here, never builds its own.

It reads the Actions contract (GITHUB_API_URL, which githubkit does not read, GITHUB_TOKEN,
GITHUB_REPOSITORY) plus GLOW's App (PROVISIONING_APP_ID, PROVISIONING_APP_PRIVATE_KEY: the
names the workflows set) and PAT settings, so the same command runs on github.com,
GitHub Enterprise Server and the local GitHub, chosen only by GITHUB_API_URL. githubkit's own
retries are off (``backoff.call_with_backoff`` is the one policy) and each client gets its own
in-memory cache, so a JWT or installation token never leaks between clients, or onto disk.
Every request has a total deadline that fires (``transport.DeadlineTransport``,
GLOW_REQUEST_TIMEOUT).
githubkit is imported inside the functions: ``import glow.github`` stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr

from glow import __version__
from glow.errors import ConfigError, GitHubError
from glow.github.appauth import load_private_key
from glow.github.backoff import call_with_backoff
from glow.github.pages import paginate_path

if TYPE_CHECKING:
    import httpx
    from githubkit import (
        AppAuthStrategy,
        AppInstallationAuthStrategy,
        GitHub,
        Response,
        TokenAuthStrategy,
    )

DEFAULT_API_URL = "https://api.github.com"
USER_AGENT = f"glow/{__version__}"
AuthKind = Literal["auto", "app", "pat", "token"]
APP_ID_VARIABLE = "PROVISIONING_APP_ID"
APP_KEY_VARIABLE = "PROVISIONING_APP_PRIVATE_KEY"
_SECRET_NAMES = ("GITHUB_TOKEN", APP_KEY_VARIABLE, "GLOW_PAT")

_NO_CREDENTIALS = (
    "No GitHub credentials: set GITHUB_TOKEN (in a workflow step: "
    "`env: GITHUB_TOKEN: ${{ github.token }}`), or GLOW_PAT, or PROVISIONING_APP_ID with "
    "PROVISIONING_APP_PRIVATE_KEY."
)


class GitHubSettings(BaseModel):
    """Where GitHub is and how to authenticate, read once from the environment.

    Secrets are ``SecretStr`` so a logged or printed settings object shows ``**********``.
    An empty variable counts as unset: Actions expands a missing secret to "".
    """

    model_config = ConfigDict(frozen=True)

    api_url: str = DEFAULT_API_URL
    token: SecretStr | None = None
    repository: str | None = None
    app_id: str | None = None
    app_private_key: SecretStr | None = None
    pat: SecretStr | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GitHubSettings:
        """Read GITHUB_API_URL, GITHUB_TOKEN, GITHUB_REPOSITORY, PROVISIONING_APP_ID,
        PROVISIONING_APP_PRIVATE_KEY and GLOW_PAT."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        api_url = checked_api_url(get("GITHUB_API_URL") or DEFAULT_API_URL)
        repository = get("GITHUB_REPOSITORY")
        if repository is not None and repository.count("/") != 1:
            raise ConfigError(f"GITHUB_REPOSITORY must be OWNER/NAME, got {repository!r}.")
        secret = {name: SecretStr(v) if (v := get(name)) else None for name in _SECRET_NAMES}
        return cls(
            api_url=api_url,
            token=secret["GITHUB_TOKEN"],
            repository=repository,
            app_id=get(APP_ID_VARIABLE),
            app_private_key=secret[APP_KEY_VARIABLE],
            pat=secret["GLOW_PAT"],
        )

    def owner_and_name(self) -> tuple[str, str]:
        """GITHUB_REPOSITORY split in two, or a ConfigError saying to set it."""
        if not self.repository:
            raise ConfigError("GITHUB_REPOSITORY is not set: set it to OWNER/NAME.")
        from glow.github.repo import split_full_name

        return split_full_name(self.repository)


def checked_api_url(raw: str) -> str:
    """GITHUB_API_URL as an http(s) URL with a host (and a port that exists), else a
    ConfigError naming the setting: a typo must not look like GitHub being down."""
    from urllib.parse import urlsplit

    api_url = raw.strip().rstrip("/")
    problem = None
    try:
        parts = urlsplit(api_url)
        port = parts.port  # raises ValueError for a port that is not 0..65535
    except ValueError as exc:
        problem, parts, port = str(exc), None, None
    if parts is not None and problem is None:
        if parts.scheme not in ("http", "https"):
            problem = "it does not start with http:// or https://"
        elif not parts.hostname:
            problem = "it has no host name"
        elif port == 0 or any(ch.isspace() for ch in api_url):
            problem = "it has a port of 0 or white space in it"
    if problem:
        raise ConfigError(
            f"GITHUB_API_URL must be an http(s) URL such as {DEFAULT_API_URL} or "
            f"https://HOST/api/v3, got {raw!r} ({problem})."
        )
    return api_url


def user_agent(environ: Mapping[str, str] | None = None) -> str:
    """``glow/<version>``, and in an Actions job the run it belongs to (``run 123``): GitHub
    logs the user agent of each request, so an organisation's audit (and the local GitHub's
    request log) can tell which run asked what."""
    env = os.environ if environ is None else environ
    run = env.get("GITHUB_RUN_ID", "").strip()
    return f"{USER_AGENT} (run {run})" if run.isdigit() else USER_AGENT


def _new_github(auth: Any, api_url: str, transport: httpx.BaseTransport | None) -> GitHub[Any]:
    from githubkit import GitHub
    from githubkit.cache import MemCacheStrategy

    from glow.github.transport import DeadlineTransport, request_timeout

    seconds = request_timeout()
    # The deadline lives in the transport: githubkit's cache layer drops httpx's timeout.
    wire = DeadlineTransport(seconds, transport, api_url=api_url)
    return GitHub(
        auth,
        base_url=checked_api_url(api_url) + "/",
        user_agent=user_agent(),
        timeout=seconds,
        transport=wire,
        auto_retry=False,
        # githubkit's default cache object is module-global: JWTs and installation tokens would
        # be shared by every client in the process, keyed only by App ID.
        cache_strategy=MemCacheStrategy(),
    )


def token_client(
    token: str,
    api_url: str = DEFAULT_API_URL,
    *,
    transport: httpx.BaseTransport | None = None,
) -> GitHub[TokenAuthStrategy]:
    """A client authenticated by a token: the job's GITHUB_TOKEN, a PAT or an installation token.

    ``transport`` is for tests and the demo (an httpx transport standing in for the network).
    """
    from githubkit import TokenAuthStrategy

    from glow.github.identity import INTEGRATION_TOKEN_PREFIX, JOB_TOKEN_LOGIN, remember_login

    if not token.strip():
        raise ConfigError("The GitHub token is empty: set GITHUB_TOKEN or GLOW_PAT.")
    client = _new_github(TokenAuthStrategy(token.strip()), api_url, transport)
    if token.strip().startswith(INTEGRATION_TOKEN_PREFIX):
        # An integration's token, which ``GET /user`` refuses (identity.py): the job's token.
        remember_login(client, JOB_TOKEN_LOGIN)
    return client


def app_client(
    app_id: int | str,
    private_key: str,
    api_url: str = DEFAULT_API_URL,
    *,
    transport: httpx.BaseTransport | None = None,
) -> GitHub[AppAuthStrategy]:
    """A client authenticated as the App itself (a JWT): lists installations, little else.

    ``private_key`` may be PEM text, a path to a PEM file or PEM with ``\\n`` escapes.
    githubkit signs the JWT with the same claims as ``make_app_jwt`` (iat now-60 s, lifetime
    10 minutes from iat, iss the App ID as a string) and keeps it in this client's memory only.
    """
    from githubkit import AppAuthStrategy

    if not str(app_id).strip():
        raise ConfigError(f"{APP_ID_VARIABLE} is not set: set it to the GitHub App's ID.")
    pem = load_private_key(private_key, variable=APP_KEY_VARIABLE)
    return _new_github(AppAuthStrategy(str(app_id).strip(), pem), api_url, transport)


def find_installation_id(app: GitHub[AppAuthStrategy], owner: str) -> int:
    """The App's installation on ``owner`` (user or organisation, matched case-insensitively)."""
    return int(find_installation(app, owner)["id"])


def find_installation(app: GitHub[AppAuthStrategy], owner: str) -> dict[str, Any]:
    """The App's installation object on ``owner`` (``id``, ``app_slug``, ``account``...)."""
    wanted = owner.lower()

    def get(url: str, params: dict[str, Any] | None) -> Response[Any]:
        return call_with_backoff(lambda: app.request("GET", url, params=params))

    try:
        for installation in paginate_path(get, "app/installations"):
            login = (installation.get("account") or {}).get("login", "")
            if login.lower() == wanted:
                return dict(installation)
    except GitHubError as exc:
        if exc.status == 401:
            raise ConfigError(
                f"GitHub rejected the App's JWT (401): check that {APP_ID_VARIABLE} is the ID "
                f"of the App whose private key is in {APP_KEY_VARIABLE}."
            ) from exc
        raise
    raise ConfigError(
        f"The GitHub App ({APP_ID_VARIABLE}) is not installed on {owner!r}: install it on that "
        f"account "
        f"(App settings, Install App), or set GITHUB_REPOSITORY to a repository it can reach."
    )


def installation_client(
    app_id: int | str,
    private_key: str,
    owner: str,
    api_url: str = DEFAULT_API_URL,
    *,
    transport: httpx.BaseTransport | None = None,
    installation_id: int | None = None,
) -> GitHub[AppInstallationAuthStrategy]:
    """A client acting as the App's installation on ``owner``.

    The installation is ``installation_id`` when the caller knows it (no request), else found by
    listing the App's installations (one or two requests now); the installation token is
    minted by githubkit on the first real request, renewed a minute before it expires, and held
    only in this client's memory: never written or logged.
    """
    from glow.github.identity import app_login, remember_login

    app = app_client(app_id, private_key, api_url, transport=transport)

    def slug_of_app() -> str:
        return str(call_with_backoff(lambda: app.request("GET", "app")).json()["slug"])

    if installation_id is not None:
        client = app.with_auth(app.auth.as_installation(installation_id))
        remember_login(client, lambda: app_login(slug_of_app()))  # asked only if needed
        return client
    installation = find_installation(app, owner)
    client = app.with_auth(app.auth.as_installation(int(installation["id"])))
    remember_login(client, app_login(str(installation.get("app_slug") or slug_of_app())))
    return client


def terminal_client(
    missing: str, environ: Mapping[str, str] | None = None
) -> tuple[GitHub[TokenAuthStrategy], str, str]:
    """A person's client at a terminal: (client, token, api_url) from their token (GLOW_PAT,
    else GITHUB_TOKEN) and GITHUB_API_URL. ``missing`` is the one line a ConfigError says when
    neither is set: which token, with which rights, for this command."""
    settings = GitHubSettings.from_env(environ)
    secret = settings.pat or settings.token
    if secret is None:
        raise ConfigError(missing)
    token = secret.get_secret_value()
    return token_client(token, settings.api_url), token, settings.api_url


def client_from_env(
    environ: Mapping[str, str] | None = None,
    *,
    auth: AuthKind = "auto",
    owner: str | None = None,
    transport: httpx.BaseTransport | None = None,
) -> GitHub[Any]:
    """The client a bot should use, from the environment.

    ``auth="auto"`` prefers the App (its events trigger workflows; the job token's do not), then
    GLOW_PAT, then GITHUB_TOKEN. A command that needs one kind names it and gets a ConfigError
    saying what to set when it is missing. The App's installation is looked up on ``owner``,
    by default the owner of GITHUB_REPOSITORY.
    """
    settings = GitHubSettings.from_env(environ)
    api_url = settings.api_url
    if auth == "app" or (auth == "auto" and settings.app_id):
        if not settings.app_id:
            raise ConfigError(f"{APP_ID_VARIABLE} is not set: set it to the GitHub App's ID.")
        if settings.app_private_key is None:
            raise ConfigError(
                f"{APP_KEY_VARIABLE} is not set: set it to the App's private key (PEM text, a "
                "path to the .pem file, or PEM with \\n escapes)."
            )
        installation_owner = owner or settings.owner_and_name()[0]
        key = settings.app_private_key.get_secret_value()
        return installation_client(
            settings.app_id, key, installation_owner, api_url, transport=transport
        )
    if auth == "pat" or (auth == "auto" and settings.pat):
        if settings.pat is None:
            raise ConfigError("GLOW_PAT is not set: set it to a fine-grained personal token.")
        return token_client(settings.pat.get_secret_value(), api_url, transport=transport)
    if settings.token is None:
        if auth == "token":
            raise ConfigError(
                "GITHUB_TOKEN is not set: in the workflow step add "
                "`env: GITHUB_TOKEN: ${{ github.token }}`."
            )
        raise ConfigError(_NO_CREDENTIALS)
    return token_client(settings.token.get_secret_value(), api_url, transport=transport)
