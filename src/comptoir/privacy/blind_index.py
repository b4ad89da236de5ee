"""Blind indexes: exact search on encrypted values without decrypting.

The index of a value is HMAC-SHA256, under the organisation's index key, of
the kind and the value's normal form (``comptoir.privacy.normalise``). The
index key is wrapped by the master key like the data keys but never rotated
with them, so indexes stay valid across data-key rotations. Two organisations
holding the same email get unrelated indexes.

Phone numbers written in a local form are read in the organisation's country
(FR or BE) before they become E.164.
"""

import hashlib
import hmac

from comptoir.privacy import keys, normalise

INDEX_BYTES = 32


def compute(*, organisation_id: int, kind: str, value: str, region: str = "FR") -> bytes:
    normaliser = normalise.NORMALISERS[kind]
    normal = normaliser(value, region) if kind == "phone" else normaliser(value)
    message = kind.encode() + b"\x00" + normal.encode()
    return hmac.new(keys.index_key(organisation_id).hmac_key(), message, hashlib.sha256).digest()


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
