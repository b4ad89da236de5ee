"""The installation's master key and the keys derived from it.

The master key comes from ``COMPTOIR_MASTER_KEY`` (64 hex characters, or
``COMPTOIR_MASTER_KEY_FILE``) or from ``var/master.key``, created with mode 0600
on first use. It is never stored in the database. Other keys are derived from it
with HKDF-SHA256, one per named purpose, so no two uses share a key.
"""

import functools
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured

from comptoir.config import env_str, secret_file, var_dir

MASTER_KEY_BYTES = 32


@functools.cache
def master_key() -> bytes:
    value = env_str("COMPTOIR_MASTER_KEY", "")
    if value:
        try:
            key = bytes.fromhex(value)
        except ValueError as exc:
            raise ImproperlyConfigured("COMPTOIR_MASTER_KEY must be 64 hex characters") from exc
    else:
        key = secret_file(var_dir() / "master.key", MASTER_KEY_BYTES)
    if len(key) != MASTER_KEY_BYTES:
        raise ImproperlyConfigured("the master key must be 32 bytes (64 hex characters)")
    return key


@functools.cache
def derived_key(purpose: str) -> bytes:
    """A 256-bit key for one purpose, derived from the master key."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"comptoir:{purpose}".encode()
    ).derive(master_key())


class SealedText:
    """AES-256-GCM for short secrets under a derived key (``nonce || ciphertext``).

    The associated data binds a value to where it belongs, so a value copied
    elsewhere fails to open.
    """

    NONCE_BYTES = 12

    def __init__(self, purpose: str):
        self.purpose = purpose

    def seal(self, plaintext: str, associated: str) -> bytes:

        nonce = os.urandom(self.NONCE_BYTES)
        aead = AESGCM(derived_key(self.purpose))
        return nonce + aead.encrypt(nonce, plaintext.encode(), associated.encode())

    def open(self, sealed: bytes, associated: str) -> str:
        aead = AESGCM(derived_key(self.purpose))
        nonce, body = sealed[: self.NONCE_BYTES], sealed[self.NONCE_BYTES :]
        return aead.decrypt(nonce, body, associated.encode()).decode()
