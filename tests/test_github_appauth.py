"""App credentials: the key in every form operators paste it, and the JWT GitHub accepts."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest

from glow.errors import ConfigError
from glow.github import load_private_key, make_app_jwt

NOW = 1_800_000_000


def test_jwt_verifies_with_the_public_key_and_has_githubs_claims(rsa_pem: tuple[str, str]) -> None:
    private, public = rsa_pem
    token = make_app_jwt(12345, private, now=NOW)
    claims = jwt.decode(
        token, public, algorithms=["RS256"], options={"verify_exp": False, "verify_iat": False}
    )
    assert claims == {"iat": NOW - 60, "exp": NOW + 540, "iss": "12345"}
    assert claims["exp"] - claims["iat"] <= 600  # GitHub's ceiling is 10 minutes
    assert jwt.get_unverified_header(token)["alg"] == "RS256"


def test_jwt_with_the_wrong_key_does_not_verify(rsa_pem: tuple[str, str]) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    other_pem = other.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(make_app_jwt("1", rsa_pem[0]), other_pem, algorithms=["RS256"])


def test_private_key_as_pem_text(rsa_pem: tuple[str, str]) -> None:
    assert load_private_key(rsa_pem[0]) == rsa_pem[0]


def test_private_key_as_a_path(rsa_pem: tuple[str, str], tmp_path: Path) -> None:
    pem_file = tmp_path / "app.private-key.pem"
    pem_file.write_text(rsa_pem[0])
    assert load_private_key(str(pem_file)) == rsa_pem[0]


def test_private_key_with_literal_backslash_n(rsa_pem: tuple[str, str]) -> None:
    one_line = rsa_pem[0].strip().replace("\n", "\\n")
    assert "\n" not in one_line
    assert load_private_key(f'"{one_line}"') == rsa_pem[0]


@pytest.mark.parametrize(
    "value",
    [
        "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LWJ1dC1icm9rZW4=\n"
        "-----END RSA PRIVATE KEY-----\n",
        "s3cr3t-looking-garbage-value",
        "/no/such/file.pem",
    ],
)
def test_garbage_key_names_the_variable_and_never_echoes_the_value(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_private_key(value)
    message = str(caught.value)
    assert "PROVISIONING_APP_PRIVATE_KEY" in message
    assert value.strip() not in message
    assert "c2VjcmV0" not in message


def test_missing_key_says_what_to_set() -> None:
    with pytest.raises(ConfigError, match="PROVISIONING_APP_PRIVATE_KEY is not set"):
        load_private_key("  ")


def test_a_file_without_a_key_is_refused(tmp_path: Path) -> None:
    not_a_key = tmp_path / "notes.txt"
    not_a_key.write_text("hello")
    with pytest.raises(ConfigError, match="holds no PEM private key"):
        load_private_key(str(not_a_key))


def test_an_ec_key_is_refused_because_github_signs_with_rs256() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    with pytest.raises(ConfigError, match="RSA"):
        load_private_key(ec_pem)
