"""The second half of an anonymised copy, run in the copy's own process
(``comptoir anonymised-copy-load``): its database is the new file, its master
key the new one.

Rows go in with their ids, as they were read (fakes already in place), in
batches of plain INSERTs, as ``loaddata`` writes them (no signals, no
``auto_now``), except for what must be computed under the copy's keys:

* every encrypted value is sealed by its field (``pre_save``), which also
  computes its blind indexes under the copy's organisation keys (created on
  first use, in the copy's own key store);
* every person (``DataSubject``) keeps its id and uuid and gets a new key;
  a person shredded in production stays shredded, their values noise;
* allauth's address rows get the pseudonym of their (fake) address;
* the audit journal is chained again: each event's hash, each chain head's
  and checkpoint's MAC, under the copy's key, so ``comptoir audit verify``
  holds on the copy.
"""

import os
from collections.abc import Callable
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db import models as dj

from comptoir.accounts.emails import pseudonym
from comptoir.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent, AuditEventSubject
from comptoir.audit.services import GENESIS, checkpoint_mac, event_hash, head_mac
from comptoir.core.rawsql import quote
from comptoir.ops.anonymise import rowfile
from comptoir.ops.anonymise.plan import copied_models
from comptoir.ops.anonymise.substitute import Unreadable
from comptoir.privacy import crypto, keys
from comptoir.privacy.fields import EncryptedField
from comptoir.privacy.models import DataSubject
from comptoir.tenancy.models import Organisation

BATCH = 500
Progress = Callable[[str, int], None]


class NotEmpty(Exception):
    """The target database already holds data."""


class Loader:
    def __init__(self):
        self.organisations: dict[int, Organisation] = {}
        self.subjects: dict[int, DataSubject] = {}
        self.chain_tips: dict[str, str] = {}
        self.event_subjects: dict[int, list[int]] = {}
        self.last_seq: dict[str, int] = {}

    def instance(self, model, row: dict) -> dj.Model:
        noise = {}
        values = {}
        for name, value in row.items():
            if isinstance(value, Unreadable):
                noise[name] = crypto.Sealed(os.urandom(value.size))
            else:
                values[name] = value
        obj = model(**values)
        obj.__dict__.update(noise)
        obj._state.adding = False
        return obj

    def prepare(self, model, obj) -> None:
        if model is DataSubject and obj.shredded_at is None:
            keys.subject_key_renew(organisation_id=obj.organisation_id, subject_uuid=obj.uuid)
        elif model is EmailAddress and obj.email:
            obj.email = pseudonym(obj.email)
        elif model is AuditCheckpoint:
            self.chain_tips[obj.chain] = obj.hash
            obj.mac = checkpoint_mac(obj)
        elif model is AuditEventSubject:
            self.event_subjects.setdefault(obj.event_id, []).append(obj.subject_id)
        elif model is AuditEvent:
            obj.prev_hash = self.chain_tips.get(obj.chain, GENESIS)
            obj.hash = event_hash(obj, self.event_subjects.pop(obj.pk, []))
            self.chain_tips[obj.chain] = obj.hash
            self.last_seq[obj.chain] = obj.seq
        elif model is AuditChainHead:
            obj.hash = self.chain_tips.get(obj.chain, GENESIS)
            obj.mac = head_mac(obj.chain, obj.seq, obj.hash)
        encrypted = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if not encrypted:
            return
        if getattr(obj, "organisation_id", None) is not None:
            obj.organisation = self.organisations[obj.organisation_id]
        if getattr(obj, "data_subject_id", None) is not None:
            obj.data_subject = self.subjects[obj.data_subject_id]
        for field in encrypted:
            field.pre_save(obj, True)  # seals, and computes the blind indexes

    def insert(self, model, objs: list) -> None:
        """One INSERT of the batch, ids included, the values as they are in the
        instances (an encrypted value sealed, never its plaintext)."""
        fields = list(model._meta.concrete_fields)
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        rows = [
            [f.get_db_prep_save(obj.__dict__.get(f.attname), connection) for f in fields]
            for obj in objs
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (model metadata)
                rows,
            )
        if model is Organisation:
            self.organisations.update((o.pk, o) for o in objs)
        elif model is DataSubject:
            self.subjects.update((s.pk, s) for s in objs)


def _refuse_unless_new() -> None:
    """Only a new SQLite database, holding nothing but what ``migrate`` seeds:
    the loader empties every table it loads."""
    if connection.vendor != "sqlite":
        raise NotEmpty("an anonymised copy is loaded into a new SQLite database only")
    for model in (Organisation, DataSubject, AuditEvent, get_user_model()):
        if model._base_manager.exists():
            raise NotEmpty(f"the target database already holds {model._meta.verbose_name_plural}")


def _clear_seeded() -> None:
    """Empty the tables ``migrate`` filled (content types, permissions, seeded
    rows): the source's rows, ids included, take their place."""
    with connection.cursor() as cursor:
        for model in copied_models():
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608


def copy_load(*, rows_path: Path, progress: Progress | None = None) -> int:
    """Load the rows of ``rows_path`` into this (new, migrated) database."""
    _refuse_unless_new()
    loader = Loader()
    loaded = 0
    with (
        transaction.atomic(),
        keys.current_keys_pinned(),
        open(rows_path, encoding="utf-8") as rows,
    ):
        _clear_seeded()
        batch: list = []
        current = None
        for model, row in rowfile.read(rows):
            if model is not current or len(batch) >= BATCH:
                if batch:
                    loader.insert(current, batch)
                    loaded += len(batch)
                    if progress:
                        progress(current._meta.label, len(batch))
                batch, current = [], model
            obj = loader.instance(model, row)
            loader.prepare(model, obj)
            batch.append(obj)
        if batch:
            loader.insert(current, batch)
            loaded += len(batch)
            if progress:
                progress(current._meta.label, len(batch))
    return loaded
