"""Blind indexes: exact search on encrypted values without decrypting.

The index of a value is HMAC-SHA256, under the organisation's index key, of
the kind and the value's normal form (``comptoir.privacy.normalise``). The
index key is wrapped by the master key like the data keys but never rotated
with them, so indexes stay valid across data-key rotations. Two organisations
holding the same email get unrelated indexes.

A field may also keep a prefix index (``prefix_index=`` on the field): the
keyed hash of the first ``PREFIX_LENGTH`` characters of the normal form,
under a kind of its own (``name-prefix``), so it never equals a whole value's
index. A search by a prefix of that length or more finds the few rows
sharing those characters through it, then checks the longer prefix on those
rows only (``prefix_candidates``).

Phone numbers written in a local form are read in the organisation's country
(FR or BE) before they become E.164.
"""

import hashlib
import hmac

from comptoir.privacy import keys, normalise

INDEX_BYTES = 32


def normal_form(kind: str, value: str, region: str = "FR") -> str:
    """The normal form of ``value`` of ``kind`` (``NormalisationError`` if it is not one)."""
    normaliser = normalise.NORMALISERS[kind]
    return normaliser(value, region) if kind == "phone" else normaliser(value)


def of_normal(*, organisation_id: int, kind: str, normal: str) -> bytes:
    """The index of a value already in its normal form (``normal_form``)."""
    message = kind.encode() + b"\x00" + normal.encode()
    return hmac.digest(keys.index_key(organisation_id).hmac_key(), message, hashlib.sha256)


PREFIX_LENGTH = 3


def prefix_of_normal(*, organisation_id: int, kind: str, normal: str) -> bytes:
    """The prefix index of a value in its normal form: its first ``PREFIX_LENGTH`` characters."""
    return of_normal(
        organisation_id=organisation_id, kind=f"{kind}-prefix", normal=normal[:PREFIX_LENGTH]
    )


def compute(*, organisation_id: int, kind: str, value: str, region: str = "FR") -> bytes:
    return of_normal(
        organisation_id=organisation_id, kind=kind, normal=normal_form(kind, value, region)
    )


def lookup(model, field_name: str, value: str, *, organisation) -> dict:
    """Filter arguments finding ``value`` in an encrypted, searchable field::

        Person.objects.of(org).filter(**blind_index.lookup(Person, "email", raw, organisation=org))

    A value that cannot be normalised matches nothing (it was never stored).
    """
    field = model._meta.get_field(field_name)
    if not getattr(field, "blind_index", None):
        raise ValueError(f"{model._meta.label}.{field_name} has no blind index")
    try:
        digest = compute(
            organisation_id=organisation.pk,
            kind=field.normaliser,
            value=value,
            region=getattr(organisation, "country", "") or "FR",
        )
    except normalise.NormalisationError:
        return {f"{field.blind_index}__isnull": True, "pk__in": []}
    return {field.blind_index: digest}
