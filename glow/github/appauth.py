"""GitHub App credentials: load the private key in any form operators paste it, sign the JWT.

Operators hand us the key three ways (glow-facts.md, provisioning): the PEM text itself (an
Actions secret), a path to the downloaded ``.pem`` file, or PEM squeezed onto one line with
literal ``\\n`` escapes (a ``.env`` file). Whatever goes wrong, the message never contains the
value: it may be the key.
"""

from __future__ import annotations

import time
from pathlib import Path

from glow.errors import ConfigError

KEY_VARIABLE = "PROVISIONING_APP_PRIVATE_KEY"

# GitHub rejects a JWT whose lifetime exceeds 10 minutes, and one issued "in the future" by a
# runner whose clock runs ahead; backdating by 60 s and expiring 9 minutes from now leaves margin
# both ways. https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
JWT_BACKDATE_S = 60
JWT_LIFETIME_S = 9 * 60

_PEM_BEGIN = "-----BEGIN"


def _pem_text(value: str, variable: str) -> str:
    text = value.strip().strip('"').strip("'").strip()
    if _PEM_BEGIN in text:
        # One-line form: the newlines arrive as the two characters backslash and n.
        if "\\n" in text:
            text = text.replace("\\r\\n", "\n").replace("\\n", "\n")
        return text.replace("\r\n", "\n").strip() + "\n"
    path = Path(text).expanduser()
    try:
        is_file = bool(text) and "\n" not in text and len(text) < 4096 and path.is_file()
    except OSError:  # a name too long or otherwise unusable as a path
        is_file = False
    if not is_file:
        raise ConfigError(
            f"{variable} is neither PEM text (-----BEGIN ... PRIVATE KEY-----) nor the path of a "
            f"readable .pem file; set it to the App's private key (the value is not shown)."
        )
    try:
        contents = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{variable} names a file that cannot be read as text ({exc.__class__.__name__}); "
            f"point it at the App's downloaded .pem file."
        ) from None
    if _PEM_BEGIN not in contents:
        raise ConfigError(
            f"{variable} names a file that holds no PEM private key; point it at the App's "
            f"downloaded .pem file."
        )
    return _pem_text(contents, variable)


def load_private_key(value: str | None, *, variable: str = KEY_VARIABLE) -> str:
    """Return the App's private key as PEM text, checked to be a usable RSA private key.

    Accepts PEM text, a path to a PEM file, or PEM with literal ``\\n`` escapes. Raises
    ``ConfigError`` naming ``variable`` (never echoing the value) when none of them works.
    """
    if value is None or not value.strip():
        raise ConfigError(f"{variable} is not set: set it to the GitHub App's private key (PEM).")
    pem = _pem_text(value, variable)
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError):
        # ValueError: malformed; TypeError: encrypted with a passphrase. Say neither about content.
        raise ConfigError(
            f"{variable} does not hold a readable unencrypted PEM private key (the value is not "
            f"shown); download a new key from the App's settings page and set it again."
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigError(f"{variable} must be an RSA key: GitHub Apps sign their JWTs with RS256.")
    return pem


def make_app_jwt(app_id: int | str, private_key_pem: str, now: float | None = None) -> str:
    """Sign the short-lived JWT that authenticates as the App itself (RS256).

    ``iss`` is the App ID (or client ID) as a string; ``iat`` is backdated 60 s and ``exp`` is
    9 minutes ahead, inside GitHub's 10-minute ceiling. ``now`` (epoch seconds) is for tests.
    """
    import jwt

    issued = int(time.time() if now is None else now)
    claims = {
        "iat": issued - JWT_BACKDATE_S,
        "exp": issued + JWT_LIFETIME_S,
        "iss": str(app_id),
    }
    try:
        return jwt.encode(claims, private_key_pem, algorithm="RS256")
    except (ValueError, TypeError, jwt.exceptions.PyJWTError):
        raise ConfigError(
            f"{KEY_VARIABLE} could not sign a JWT (the key is not shown); check it is the App's "
            f"RSA private key."
        ) from None
