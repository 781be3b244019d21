"""Secrets kept in the database, encrypted, so that a dump of it alone hands none out.

Fernet (AES-128-CBC with an HMAC, from `cryptography`) under keys derived from
PATHBOT_SECRET_KEY: any long random string works, not only a Fernet key. Several keys,
comma-separated, rotate it: the first encrypts, every one decrypts.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

#: Shortest key accepted: shorter ones are guessable, and a typo should not pass.
MIN_KEY_CHARS = 16


class SecretKeyError(ValueError):
    """PATHBOT_SECRET_KEY is missing, too short, or not the key a secret was sealed with."""


def derived_key(key: str, purpose: str) -> bytes:
    """32 bytes for one purpose: the same setting can seal tokens, sign links and sign
    install states without one use weakening another."""
    return hashlib.sha256(f"pathbot:{purpose}:{key}".encode()).digest()


def _fernet(key: str, purpose: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derived_key(key, purpose)))


class SecretBox:
    def __init__(self, keys: Sequence[str], purpose: str) -> None:
        cleaned = [key.strip() for key in keys if key.strip()]
        if not cleaned:
            raise SecretKeyError(
                "set PATHBOT_SECRET_KEY (e.g. the output of openssl rand -base64 32)"
            )
        if any(len(key) < MIN_KEY_CHARS for key in cleaned):
            raise SecretKeyError(
                f"PATHBOT_SECRET_KEY is too short: use at least {MIN_KEY_CHARS} random characters"
            )
        self._box = MultiFernet([_fernet(key, purpose) for key in cleaned])

    @classmethod
    def from_setting(cls, setting: str | None, purpose: str) -> SecretBox:
        return cls((setting or "").split(","), purpose)

    def seal(self, plain: str) -> str:
        return self._box.encrypt(plain.encode()).decode("ascii")

    def seal_at(self, plain: str, now: int) -> str:
        """Sealed with `now` (Unix seconds) as its time, for `open_at`'s expiry."""
        return self._box.encrypt_at_time(plain.encode(), now).decode("ascii")

    def open_at(self, sealed: str, ttl_s: int, now: int) -> str:
        """Opened if sealed by us at most `ttl_s` seconds before `now`; raises
        cryptography's InvalidToken otherwise (forged, tampered, expired, or from the future)."""
        return self._box.decrypt_at_time(sealed.encode("ascii"), ttl_s, now).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._box.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, ValueError):
            raise SecretKeyError(
                "a stored secret does not open with PATHBOT_SECRET_KEY: was the key changed? "
                "Put the old key after the new one (comma-separated) to rotate"
            ) from None
