"""AES-256-GCM for field values, each bound to where it belongs.

A stored value is ``header || nonce (12) || ciphertext+tag``. The header
(6 bytes) is the format (1), the kind of key (``S``: the data subject's key,
``O``: the organisation's data key) and the organisation key version (for
``S`` values it is 0: a person's key is wrapped, not versioned; rotating the
organisation key re-wraps person keys without touching their values). The
header is the key id that lets keys rotate: a value says which key opens it.
``P`` values are sealed with the operator key (``comptoir.privacy.operator``):
rows that belong to no organisation, such as users' accounts.

The associated data is the header plus (model label, field name, row uuid,
organisation id): a ciphertext copied to another row, another column or
another organisation fails to decrypt, and so does one whose header was
edited. Plaintexts are padded to a multiple of 16 bytes (ISO/IEC 7816-4) so
the stored length says little about the value's.
"""

import os
import struct
from dataclasses import dataclass
from uuid import UUID

from cryptography.exceptions import InvalidTag

from comptoir.privacy import keys

FORMAT = 1
SUBJECT = b"S"
ORGANISATION = b"O"
OPERATOR = b"P"  # the operator's key: values of rows outside every organisation (users)
HEADER = struct.Struct(">BcI")
NONCE_BYTES = 12
BLOCK = 16


class Sealed(bytes):
    """A value as stored: ciphertext with its header. Never decrypted implicitly."""

    def __repr__(self) -> str:
        return f"<Sealed {len(self)} bytes>"


class DecryptionError(Exception):
    """A stored value does not decrypt where it is: moved, tampered, or its key is gone."""


class ValueShredded(DecryptionError):
    """The value belongs to a person whose key was shredded: it is gone for good."""


@dataclass(frozen=True)
class Binding:
    """Where a value lives: what its associated data names."""

    model_label: str
    field_name: str
    row_uuid: UUID
    organisation_id: int

    def associated(self, header: bytes) -> bytes:
        return associated(
            header, self.model_label, self.field_name, str(self.row_uuid), self.organisation_id
        )

    def __str__(self) -> str:
        return f"{self.model_label}.{self.field_name} of row {self.row_uuid}"


def associated(
    header: bytes, model_label: str, field_name: str, row_uuid: str, organisation_id: int
) -> bytes:
    """The associated data of a value: its header and its place (``Binding``)."""
    return header + f"{model_label}|{field_name}|{row_uuid}|org:{organisation_id}".encode()


SUBJECT_HEADER = HEADER.pack(FORMAT, SUBJECT, 0)


def organisation_header(version: int) -> bytes:
    return HEADER.pack(FORMAT, ORGANISATION, version)


def seal_with(key: keys.Key, header: bytes, plaintext: bytes, associated: bytes) -> Sealed:
    """``header || nonce || AES-GCM(padded plaintext)``: ``seal`` once the key is known."""
    nonce = os.urandom(NONCE_BYTES)
    return Sealed(header + nonce + key.aead().encrypt(nonce, pad(plaintext), associated))


def pad(data: bytes) -> bytes:
    padded = data + b"\x80"
    return padded + b"\x00" * (-len(padded) % BLOCK)


def unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise DecryptionError("bad padding")
    return stripped[:-1]


def key_id(sealed: bytes) -> tuple[bytes, int]:
    """(kind, organisation key version) of a stored value."""
    if len(sealed) < HEADER.size + NONCE_BYTES:
        raise DecryptionError("not an encrypted value (too short)")
    form, kind, version = HEADER.unpack_from(sealed)
    if form != FORMAT or kind not in (SUBJECT, ORGANISATION, OPERATOR):
        raise DecryptionError("not an encrypted value (unknown format)")
    return kind, version


def seal(plaintext: bytes, *, binding: Binding, subject=None) -> Sealed:
    """Encrypt with the subject's key, or the organisation's current key if no subject."""
    if subject is not None:
        if subject.organisation_id != binding.organisation_id:
            raise ValueError(f"{binding}: its data subject belongs to another organisation")
        header = SUBJECT_HEADER
        key = keys.subject_key(subject)
    else:
        version, key = keys.current_key(binding.organisation_id)
        header = organisation_header(version)
    return seal_with(key, header, plaintext, binding.associated(header))


def open_sealed(sealed: bytes, *, binding: Binding, subject=None) -> bytes:
    """Decrypt a stored value, or raise ``DecryptionError`` saying where it failed."""
    sealed = bytes(sealed)
    kind, version = key_id(sealed)
    if kind == OPERATOR:
        raise DecryptionError(f"{binding}: sealed with the operator key, not an organisation's")
    if kind == SUBJECT:
        if subject is None:
            raise DecryptionError(f"{binding}: encrypted for a data subject, but the row has none")
        if subject.organisation_id != binding.organisation_id:
            raise DecryptionError(f"{binding}: its data subject belongs to another organisation")
        try:
            key = keys.subject_key(subject)
        except keys.SubjectShredded as exc:
            raise ValueShredded(f"{binding}: {exc}") from None
        except keys.KeyUnavailable as exc:
            raise DecryptionError(f"{binding}: {exc}") from None
    else:
        try:
            key = keys.key_version(binding.organisation_id, version)
        except keys.KeyUnavailable as exc:
            raise DecryptionError(f"{binding}: {exc}") from None
    header = sealed[: HEADER.size]
    nonce = sealed[HEADER.size : HEADER.size + NONCE_BYTES]
    body = sealed[HEADER.size + NONCE_BYTES :]
    try:
        return unpad(key.aead().decrypt(nonce, body, binding.associated(header)))
    except InvalidTag:
        raise DecryptionError(
            f"{binding} does not decrypt: the value was moved from another row, column or "
            "organisation, or altered"
        ) from None


def needs_reencryption(sealed: bytes, current_version: int) -> bool:
    kind, version = key_id(bytes(sealed))
    return kind == ORGANISATION and version != current_version
