"""The key hierarchy's stored half, and the base of models with encrypted fields.

    master key (var/master.key or the environment; never in the database)
      └ wraps OrganisationKey(kind=data, version=n)  one current, older ones retired
      │   └ wraps SubjectKey                         one key per person (DataSubject)
      │       └ encrypts that person's field values
      │   └ encrypts field values of rows about no registered person
      └ wraps OrganisationKey(kind=index, version=1) the blind-index HMAC key

The keys live in the key store (``KeyStoreModel``), not beside the data, so a
backup of the data holds ciphertext only. Crypto-shredding a person deletes
their ``SubjectKey``: every value encrypted under it becomes noise, in the
database and, once the key store's own short-lived backups have aged out, in
every backup. Deleting an organisation deletes its keys, which shreds
everything it held, backups included.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.privacy import loaded
from comptoir.tenancy.scope import TenantModel


class KeyKind(models.TextChoices):
    DATA = "data", _("Data key (wraps person keys, encrypts values)")
    INDEX = "index", _("Blind-index key")


class KeyStoreModel(TenantModel):
    """A table of the key store (``comptoir.core.keystore``): created there by
    its migration (``keystore.create_model``), reached by its bare name like
    any table, and left out of the data's backups. Its organisation is no
    database foreign key: SQLite cannot reference another file, and the
    erasure journal must outlive what it erased."""

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )

    class Meta(TenantModel.Meta):
        abstract = True


class OrganisationKey(KeyStoreModel):
    kind = models.CharField(max_length=8, choices=KeyKind.choices)
    version = models.PositiveIntegerField()
    wrapped_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta(KeyStoreModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "version"], name="one_key_per_version"
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=models.Q(retired_at__isnull=True),
                name="one_current_key_per_kind",
            ),
        ]
        ordering = ["organisation", "kind", "version"]

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        not_personal = ["kind", "wrapped_key"]

    def __str__(self) -> str:
        return f"org {self.organisation_id} {self.kind} key v{self.version}"

    def __repr__(self) -> str:
        return f"<OrganisationKey {self}>"


class SubjectKey(KeyStoreModel):
    """A person's key, wrapped by their organisation's data key: in the key
    store, so a backup of the data never holds it. Deleting the row is the
    crypto-shredding of the person (``privacy.services.subject_shred``)."""

    subject_uuid = models.UUIDField(primary_key=True)
    wrapped_key = models.BinaryField()
    wrapped_by = models.PositiveIntegerField(help_text="version of the organisation data key")

    class Meta(KeyStoreModel.Meta):
        ordering = ["subject_uuid"]

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        not_personal = ["subject_uuid", "wrapped_key"]

    def __str__(self) -> str:
        return f"key of data subject {self.subject_uuid}"

    def __repr__(self) -> str:
        return f"<SubjectKey {self.subject_uuid}>"


class DataSubject(TenantModel):
    """A person whose data an organisation holds; their key is the
    ``SubjectKey`` of the same uuid, in the key store."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    shredded_at = models.DateTimeField(null=True, blank=True)
    # GDPR art. 18: while set, the person's data is frozen (no edit, no
    # prospection, no export but for legal claims): ``privacy.restriction``.
    restricted_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["pk"]

    class Privacy:
        subject = "self"
        retention = None
        fields: dict = {}
        not_personal: list = []

    def __str__(self) -> str:
        return f"data subject {self.uuid}"

    @classmethod
    def from_db(cls, db, field_names, values):
        subject = super().from_db(db, field_names, values)
        # Its key will be fetched with the others read alongside (privacy.loaded).
        if subject.shredded_at is None and "uuid" in subject.__dict__:
            loaded.note(subject.organisation_id, subject.uuid)
        return subject

    @property
    def is_restricted(self) -> bool:
        return self.restricted_at is not None

    def __repr__(self) -> str:
        return f"<DataSubject {self.uuid}{' shredded' if self.shredded_at else ''}>"

    @property
    def is_shredded(self) -> bool:
        return self.shredded_at is not None


class SealedValues:
    """What every model with sealed fields does, whichever key seals them:
    saving a sealed field saves its indexes with it, so an ``update_fields``
    naming only the field never leaves a stale index; and a refresh copies the
    fresh sealed values as they are (they decrypt when read)."""

    def with_indexes(self, update_fields):
        from comptoir.privacy.fields import EncryptedField

        update_fields = set(update_fields)
        for field in self._meta.concrete_fields:
            named = field.name in update_fields or field.attname in update_fields
            if isinstance(field, EncryptedField) and named:
                update_fields.update(field.index_names)
        return update_fields

    def refresh_from_db(self, *args, **kwargs):
        from comptoir.privacy.fields import _copy_sealed

        token = _copy_sealed.set(True)
        try:
            super().refresh_from_db(*args, **kwargs)
        finally:
            _copy_sealed.reset(token)


class EncryptedModel(SealedValues, TenantModel):
    """Base of models with encrypted fields (``comptoir.privacy.fields``).

    ``row_uuid`` is the row's identity in the associated data of its
    ciphertexts: set when the object is built, so known before the insert
    (unlike the primary key), and never changed. ``data_subject`` is the
    person whose key encrypts the row's values; rows about no registered
    person leave it empty and use the organisation's data key.
    """

    row_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    data_subject = models.ForeignKey(
        DataSubject, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        # Saving an encrypted field saves its blind index with it, so an
        # ``update_fields`` naming only the field never leaves a stale index.
        if update_fields is not None:
            update_fields = self.with_indexes(update_fields)
        # One read of the organisation's current key for all the row's values
        # sealed under it (a company's), not one per value.
        from comptoir.privacy.keys import current_keys_pinned

        with current_keys_pinned():
            super().save(*args, update_fields=update_fields, **kwargs)


class OperatorEncryptedModel(SealedValues, models.Model):
    """Base of models outside every organisation whose fields are sealed with
    the operator key (``fields.OperatorSealed``; users' accounts).

    ``row_uuid`` plays the part it plays in ``EncryptedModel``: the row's
    identity in the associated data, so a value copied to another row fails
    to decrypt.
    """

    row_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = self.with_indexes(update_fields)
        super().save(*args, update_fields=update_fields, **kwargs)
