"""Persons read from the database whose keys have not been asked for yet.

A page listing twenty people reads their twenty ``DataSubject`` rows (with
the rows that name them, or right after), then decrypts their values one
person after another. Each person's key is in the key store, apart from
the data: fetched one by one, that is one query per person. So every
``DataSubject`` the ORM builds is noted here (``DataSubject.from_db``), and
the first key asked for fetches the keys of every noted person of the same
organisation in one query (``keys.subject_key``). Per thread, bounded, and
emptied as it is read.
"""

import threading
import uuid

LIMIT = 1000  # persons noted at most: the older ones are forgotten past it

_local = threading.local()


def note(organisation_id: int, subject_uuid: uuid.UUID) -> None:
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = {}
    if len(pending) >= LIMIT:
        # Noted long ago and never decrypted (another request's, say): a
        # batch starts afresh rather than stop noting.
        pending.clear()
    pending[subject_uuid] = organisation_id


def take(organisation_id: int) -> list[uuid.UUID]:
    """The noted persons of the organisation, forgotten as they are given."""
    pending = getattr(_local, "pending", None)
    if not pending:
        return []
    taken = [key for key, owner in pending.items() if owner == organisation_id]
    for key in taken:
        del pending[key]
    return taken
