"""The operator's keys: for personal values that belong to no organisation.

A user account (``accounts.User``) is not an organisation's data: a person may
be a member of several organisations, or of none yet, and signs in before any
organisation is known. Their email address and display name are personal data
of which the operator (who runs Comptoir) is the controller (DOMAIN.md §1), so
they are sealed with the operator's keys, one level below the master key::

    master key (never in the database)
      ├ HKDF "operator-data"   AES-256-GCM key of operator-held values
      ├ HKDF "operator-index"  HMAC key of their blind indexes
      └ wraps the organisation keys (``comptoir.privacy.keys``)

Why not one key per user (a data subject of their own)? An account is
erased by deleting its row, so crypto-shredding adds nothing; and sign-in must
find an account by its email before knowing anything else about it, which a
single index key across all accounts allows (one blind index, unique). The
index key being global, an exact lookup on such a field needs no
organisation: ``User.objects.filter(email=...)`` works (see
``fields.OperatorEncryptedEmailField``).

These keys are derived, never stored, and not rotated with organisation keys:
rotating them means re-deriving under a new purpose name and re-sealing the
user table (``KEY_VERSION`` is in each value's header for that day).
"""

import hashlib
import hmac

from cryptography.exceptions import InvalidTag

from comptoir.privacy import crypto
from comptoir.privacy.keys import Key
from comptoir.privacy.masterkey import derived_key

KEY_VERSION = 1
DATA_PURPOSE = "operator-data"
INDEX_PURPOSE = "operator-index"
OPERATOR_ORGANISATION = 0  # what the associated data names instead of an organisation
_keys: dict[str, Key] = {}


def _key(purpose: str) -> Key:
    key = _keys.get(purpose)
    if key is None:
        key = _keys[purpose] = Key(derived_key(purpose), purpose)
    return key


def header() -> bytes:
    return crypto.HEADER.pack(crypto.FORMAT, crypto.OPERATOR, KEY_VERSION)


def binding(model_label: str, field_name: str, row_uuid) -> crypto.Binding:
    return crypto.Binding(model_label, field_name, row_uuid, OPERATOR_ORGANISATION)


def seal(plaintext: bytes, *, binding: crypto.Binding) -> crypto.Sealed:
    head = header()
    return crypto.seal_with(_key(DATA_PURPOSE), head, plaintext, binding.associated(head))


def open_sealed(sealed: bytes, *, binding: crypto.Binding) -> bytes:
    sealed = bytes(sealed)
    kind, version = crypto.key_id(sealed)
    if kind != crypto.OPERATOR or version != KEY_VERSION:
        raise crypto.DecryptionError(f"{binding}: not sealed with the operator key")
    head = sealed[: crypto.HEADER.size]
    nonce = sealed[crypto.HEADER.size : crypto.HEADER.size + crypto.NONCE_BYTES]
    body = sealed[crypto.HEADER.size + crypto.NONCE_BYTES :]
    try:
        return crypto.unpad(
            _key(DATA_PURPOSE).aead().decrypt(nonce, body, binding.associated(head))
        )
    except InvalidTag:
        raise crypto.DecryptionError(
            f"{binding} does not decrypt: the value was moved from another row or column, "
            "or altered"
        ) from None


def index_of_normal(*, kind: str, normal: str) -> bytes:
    """The blind index of a normal form (``blind_index.normal_form``), operator-wide."""
    message = kind.encode() + b"\x00" + normal.encode()
    return hmac.digest(_key(INDEX_PURPOSE).hmac_key(), message, hashlib.sha256)
