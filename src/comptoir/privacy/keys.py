"""Organisation and person keys: creation, wrapping, unwrapping, caching.

Every key is 256 random bits, stored only wrapped (AES-256-GCM) by the key
above it, with associated data naming exactly what it is, so a wrapped key
copied to another organisation, kind, version or person fails to unwrap.

Person keys live in the key store (``SubjectKey``), apart from the data.
Unwrapped keys are cached per process (unwrapping for every value would cost
two AES-GCM operations and a query per value). Organisation keys are cached
by (organisation, kind, version); person keys by the person's uuid, and a
person's row read with the value is checked first: once a person is
shredded, their ``shredded_at`` is what any process finds, cache or not.
Keys never appear in reprs, logs or exception messages: ``Key`` shows its
label only.
"""

import contextvars
import os
import threading
import uuid
from collections import OrderedDict
from contextlib import contextmanager

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.core.rawsql import insert_many
from comptoir.privacy import loaded
from comptoir.privacy.masterkey import derived_key
from comptoir.privacy.models import DataSubject, KeyKind, OrganisationKey, SubjectKey

KEY_BYTES = 32
NONCE_BYTES = 12
WRAP_PURPOSE = "organisation-keys"
CACHE_SIZE = 4096


class KeyUnavailable(Exception):
    """A key that should exist cannot be found or unwrapped."""


class SubjectShredded(KeyUnavailable):
    """The person's key was destroyed: their encrypted values are gone for good."""


class Key:
    """An unwrapped key. Its repr is a label: the bytes never print."""

    __slots__ = ("_aead", "_material", "label")

    def __init__(self, material: bytes, label: str):
        self._material = material
        self.label = label
        self._aead: AESGCM | None = None

    def __repr__(self) -> str:
        return f"<Key {self.label}>"

    __str__ = __repr__

    def aead(self) -> AESGCM:
        """The cipher for this key, built once (building it costs more than a seal)."""
        if self._aead is None:
            self._aead = AESGCM(self._material)
        return self._aead

    def hmac_key(self) -> bytes:
        return self._material

    def __reduce__(self):
        raise TypeError("keys are not picklable")


class _Lru:
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def pop(self, key) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_organisation_keys = _Lru(CACHE_SIZE)
_subject_keys = _Lru(CACHE_SIZE)
# Organisation keys created by a transaction that has not committed yet: never
# cached, since a rollback removes their row and a later key of the same
# (organisation, kind, version) gets new material. Django has no rollback
# hook; a commit takes the key out of this set, a rollback leaves it in (the
# key is then unwrapped from its row each time, which is correct, only slower).
_uncommitted: set[tuple[int, str, int]] = set()


def clear_caches() -> None:
    _organisation_keys.clear()
    _subject_keys.clear()


def _wrap(wrapping: AESGCM, material: bytes, associated: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + wrapping.encrypt(nonce, material, associated.encode())


def _unwrap(wrapping: AESGCM, wrapped: bytes, associated: str) -> bytes:
    wrapped = bytes(wrapped)
    try:
        return wrapping.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], associated.encode())
    except InvalidTag:
        raise KeyUnavailable(
            f"the key {associated} does not unwrap (wrong key or tampered)"
        ) from None


def _org_ad(organisation_id: int, kind: str, version: int) -> str:
    return f"org:{organisation_id}:{kind}:v{version}"


def _subject_ad(organisation_id: int, subject_uuid) -> str:
    return f"org:{organisation_id}:subject:{subject_uuid}"


def _master_wrapper() -> AESGCM:
    return AESGCM(derived_key(WRAP_PURPOSE))


def _unwrapped_org_key(row: OrganisationKey) -> Key:
    cache_key = (row.organisation_id, row.kind, row.version)
    key = _organisation_keys.get(cache_key)
    if key is None:
        material = _unwrap(_master_wrapper(), row.wrapped_key, _org_ad(*cache_key))
        key = Key(material, f"org {row.organisation_id} {row.kind} v{row.version}")
        if cache_key not in _uncommitted:
            _organisation_keys.put(cache_key, key)
    return key


def _create_org_key(organisation_id: int, kind: str, version: int) -> OrganisationKey:
    material = os.urandom(KEY_BYTES)
    wrapped = _wrap(_master_wrapper(), material, _org_ad(organisation_id, kind, version))
    triple = (organisation_id, str(kind), version)
    _uncommitted.add(triple)
    row = OrganisationKey.objects.create(
        organisation_id=organisation_id, kind=kind, version=version, wrapped_key=wrapped
    )
    transaction.on_commit(lambda: _uncommitted.discard(triple))
    return row


def _current_row(organisation_id: int, kind: str) -> OrganisationKey | None:
    return (
        OrganisationKey.objects.of(organisation_id)
        .filter(kind=kind, retired_at__isnull=True)
        .first()
    )


# Set by ``current_keys_pinned``: (organisation, kind) -> (version, key) for one block.
_pinned: contextvars.ContextVar[dict | None] = contextvars.ContextVar("pinned_keys", default=None)


@contextmanager
def current_keys_pinned():
    """Within the block, ``current_key`` queries each (organisation, kind) once.

    For one transaction writing many values (an import's batch): without it,
    every value encrypted under the organisation key costs a query. A rotation
    committed during the block is seen by the next block, as a rotation
    committed during a single save is seen by the next save; values sealed
    under the previous version stay readable (retired keys are kept) and
    ``keys rotate --resume`` re-encrypts them.
    """
    if _pinned.get() is not None:  # an outer block holds them already
        yield
        return
    token = _pinned.set({})
    try:
        yield
    finally:
        _pinned.reset(token)


def current_key(organisation_id: int, kind: str = KeyKind.DATA) -> tuple[int, Key]:
    """The organisation's current key of a kind, created on first use: (version, key)."""
    pinned = _pinned.get()
    if pinned is not None and (organisation_id, str(kind)) in pinned:
        return pinned[(organisation_id, str(kind))]
    found = _current_key(organisation_id, kind)
    if pinned is not None:
        pinned[(organisation_id, str(kind))] = found
    return found


def _current_key(organisation_id: int, kind: str) -> tuple[int, Key]:
    row = _current_row(organisation_id, kind)
    if row is None:
        try:
            with transaction.atomic():
                row = _create_org_key(organisation_id, kind, 1)
        except IntegrityError:
            # Another process created it first (committed): use theirs.
            _uncommitted.discard((organisation_id, str(kind), 1))
            row = _current_row(organisation_id, kind)
            if row is None:
                raise
    return row.version, _unwrapped_org_key(row)


def key_version(organisation_id: int, version: int, kind: str = KeyKind.DATA) -> Key:
    """A given version of an organisation key, current or retired."""
    cached = _organisation_keys.get((organisation_id, kind, version))
    if cached is not None:
        return cached
    row = OrganisationKey.objects.of(organisation_id).filter(kind=kind, version=version).first()
    if row is None:
        raise KeyUnavailable(f"organisation {organisation_id} has no {kind} key v{version}")
    return _unwrapped_org_key(row)


INDEX_KEY_VERSION = 1  # index keys are never rotated


def index_key(organisation_id: int) -> Key:
    """The blind-index key: never rotated with the data keys, so indexes stay valid.

    Answered from the process's cache once known: every search and every save
    of a searchable field needs it, and a query each time would cost more than
    the search itself (bench/lookup.py)."""
    cached = _organisation_keys.get((organisation_id, KeyKind.INDEX, INDEX_KEY_VERSION))
    if cached is not None:
        return cached
    return current_key(organisation_id, KeyKind.INDEX)[1]


@transaction.atomic
def rotate_organisation_key(organisation_id: int) -> int:
    """Start a new data key version; the old one stays to decrypt until re-encryption ends."""
    current = (
        OrganisationKey.objects.of(organisation_id)
        .select_for_update()
        .filter(kind=KeyKind.DATA, retired_at__isnull=True)
        .first()
    )
    if current is None:
        return current_key(organisation_id)[0]
    current.retired_at = timezone.now()
    current.save(update_fields=["retired_at"])
    created = _create_org_key(organisation_id, KeyKind.DATA, current.version + 1)
    audit_record(
        actor=Actor.system(),
        action=Action.CREATE,
        organisation_id=organisation_id,
        object_type=OrganisationKey._meta.label_lower,
        object_id=f"{KeyKind.DATA}:v{created.version}",
        fields=["wrapped_key"],
    )
    return created.version


def subject_create(*, organisation) -> DataSubject:
    """A new data subject with a fresh key, wrapped by the organisation's current key."""
    version, org_key = current_key(organisation.pk)
    subject = DataSubject(organisation=organisation)
    material = os.urandom(KEY_BYTES)
    SubjectKey.objects.create(
        organisation=organisation,
        subject_uuid=subject.uuid,
        wrapped_key=_wrap(org_key.aead(), material, _subject_ad(organisation.pk, subject.uuid)),
        wrapped_by=version,
    )
    subject.save()
    return subject


def subjects_create(*, organisation, count: int) -> list[tuple[int, Key]]:
    """``count`` new data subjects in one statement (an import's batch), as
    ``subject_create`` makes one: (primary key, unwrapped key) of each."""
    version, org_key = current_key(organisation.pk)
    aead = org_key.aead()
    subjects, stored, fresh = [], [], []
    for _ in range(count):
        subject_uuid = uuid.uuid4()
        material = os.urandom(KEY_BYTES)
        wrapped = _wrap(aead, material, _subject_ad(organisation.pk, subject_uuid))
        subjects.append({"organisation_id": organisation.pk, "uuid": subject_uuid})
        stored.append(
            {
                "subject_uuid": subject_uuid,
                "organisation_id": organisation.pk,
                "wrapped_key": wrapped,
                "wrapped_by": version,
            }
        )
        fresh.append(Key(material, f"subject {subject_uuid}"))
    insert_many(SubjectKey, stored, key="subject_uuid")
    pks = insert_many(DataSubject, subjects, key="uuid")
    # The keys go straight to the caller, which seals the batch with them; not
    # cached (a thousand keys a batch would only push the live ones out).
    return [(pk, key) for pk, key in zip(pks, fresh, strict=True)]


_STORED_KEYS_SQL = (
    "SELECT subject_uuid, wrapped_key, wrapped_by FROM privacy_subjectkey"
    " WHERE organisation_id = %s AND subject_uuid IN ({})"
)


def _fetch_keys(subject: DataSubject) -> Key:
    """The person's key from the key store, with the keys of the other
    persons of the organisation read alongside (``privacy.loaded``), all in
    one plain statement: the ORM's query building would cost more than the
    lookup, and one query per person on a list would cost more still."""
    wanted = [subject.uuid, *(u for u in loaded.take(subject.organisation_id) if u != subject.uuid)]
    uuid_field = SubjectKey._meta.pk
    found: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(
            _STORED_KEYS_SQL.format(", ".join(["%s"] * len(wanted))),
            [
                subject.organisation_id,
                *(uuid_field.get_db_prep_value(u, connection) for u in wanted),
            ],
        )
        for stored_uuid, wrapped, wrapped_by in cursor.fetchall():
            found[uuid_field.to_python(stored_uuid)] = (bytes(wrapped), wrapped_by)
    for other, (wrapped, wrapped_by) in found.items():
        org_key = key_version(subject.organisation_id, wrapped_by)
        material = _unwrap(org_key.aead(), wrapped, _subject_ad(subject.organisation_id, other))
        _subject_keys.put(other, Key(material, f"subject {other}"))
    key = _subject_keys.get(subject.uuid)
    if key is None:
        # Shredded since the data was backed up (a restored backup), or a key
        # store that is not this database's.
        raise SubjectShredded(f"the key of data subject {subject.uuid} is not in the key store")
    return key


def subject_key(subject: DataSubject) -> Key:
    if subject.shredded_at is not None:
        raise SubjectShredded(f"the key of data subject {subject.uuid} was shredded")
    key = _subject_keys.get(subject.uuid)
    if key is None:
        key = _fetch_keys(subject)
    return key


def subject_keys_forget(subject_uuids) -> None:
    """Drop shredded persons' keys from this process's cache (the rows'
    ``shredded_at`` already refuses them; this frees the memory at once)."""
    for subject_uuid in subject_uuids:
        _subject_keys.pop(subject_uuid)


def subject_rewrap(stored: SubjectKey) -> bool:
    """Wrap a person's key with the current organisation key; True if it moved."""
    version, org_key = current_key(stored.organisation_id)
    if stored.wrapped_by == version:
        return False
    ad = _subject_ad(stored.organisation_id, stored.subject_uuid)
    material = _unwrap(
        key_version(stored.organisation_id, stored.wrapped_by).aead(), stored.wrapped_key, ad
    )
    stored.wrapped_key = _wrap(org_key.aead(), material, ad)
    stored.wrapped_by = version
    stored.save(update_fields=["wrapped_key", "wrapped_by"])
    return True


def subject_key_renew(*, organisation_id: int, subject_uuid) -> None:
    """A fresh key in the key store for the person ``subject_uuid``, wrapped by
    the organisation's current data key: for a ``DataSubject`` row that keeps
    its id and uuid but gets a new key (``ops.anonymise``'s copies)."""
    version, org_key = current_key(organisation_id)
    SubjectKey.objects.of(organisation_id).update_or_create(
        subject_uuid=subject_uuid,
        defaults={
            "organisation_id": organisation_id,
            "wrapped_key": _wrap(
                org_key.aead(), os.urandom(KEY_BYTES), _subject_ad(organisation_id, subject_uuid)
            ),
            "wrapped_by": version,
        },
    )
    _subject_keys.pop(subject_uuid)
