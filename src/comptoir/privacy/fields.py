"""Encrypted model fields, with optional blind-index companions.

The problem: a value's associated data names its row (``crypto.Binding``),
and its key is the row's data subject's, but ``Field.from_db_value`` sees the
column value only, never the row. So the work is split:

* the column stores bytes (a ``BinaryField``); ``from_db_value`` wraps them in
  ``crypto.Sealed`` and decrypts nothing;
* the model attribute is a descriptor (``EncryptedAttribute``, Django's
  ``DeferredAttribute`` plus a ``__set__``). Reading it decrypts the sealed
  value with the instance's organisation, ``data_subject`` and ``row_uuid``
  (all on the instance by then), and caches the plaintext on the instance;
  assigning it stores the plaintext and drops the cached one;
* ``pre_save`` encrypts a plaintext (with a fresh nonce) just before it is
  written, and keeps it sealed in the instance; a value read but not changed
  is written back as it was read, never re-encrypted. ``bulk_create`` goes
  through ``pre_save`` too.

An empty value (``""``) is stored as zero bytes, not sealed: it holds
nothing to protect, and whether a searchable field is filled shows anyway in
its blind index (NULL when empty). Sealing it would cost an AES-GCM
operation per empty column of every row (an import writes a dozen per row).
Values sealed empty by earlier versions still decrypt.

Models with encrypted fields inherit ``privacy.models.EncryptedModel`` (row
uuid and data subject); the registry refuses any other at start-up.

A searchable field names its ``BlindIndexField`` companion
(``blind_index="email_index"``); the index is computed in ``pre_save`` from
the plaintext and is what exact search filters on (``blind_index.lookup``).
Filtering on an encrypted field itself is refused (only ``isnull`` works),
and a plaintext that reaches the database layer raises: it would otherwise be
written in clear. ``dumpdata`` refuses encrypted fields for the same reason.

A searchable field may also name a ``prefix_index`` companion, the keyed
hash of the first characters of its normal form
(``blind_index.prefix_of_normal``), computed with the blind index: a search
by the beginning of a name finds its few candidates through it.
"""

import contextvars
from datetime import date

from django import forms
from django.core import exceptions, validators
from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import lookups
from django.db.models.expressions import Col
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext_lazy as _

from comptoir.core.modelfields import INTEGER_RANGES
from comptoir.core.text import validate_text
from comptoir.privacy import blind_index, crypto, normalise, operator

PLAIN_CACHE = "_privacy_plaintexts"
# While set, reading an encrypted attribute gives the sealed value: used by
# ``refresh_from_db`` to copy values without decrypting them.
_copy_sealed = contextvars.ContextVar("copy_sealed", default=False)


class EncryptedAttribute(DeferredAttribute):
    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)  # loads a deferred column
        if not isinstance(value, crypto.Sealed) or _copy_sealed.get():
            return value
        plaintexts = instance.__dict__.setdefault(PLAIN_CACHE, {})
        name = self.field.attname
        if name not in plaintexts:
            plaintexts[name] = self.field.decrypt(instance, value)
        return plaintexts[name]

    def __set__(self, instance, value):
        instance.__dict__.get(PLAIN_CACHE, {}).pop(self.field.attname, None)
        instance.__dict__[self.field.attname] = value


def region_of(instance) -> str:
    """The country local phone numbers are read in: the row's organisation's."""
    if instance is not None and getattr(instance, "organisation_id", None):
        return instance.organisation.country or "FR"
    return "FR"


# What a person is told when a value is not one of its kind.
NOT_A_VALUE = {
    "email": _("Enter a valid email address."),
    "phone": _("Enter a valid phone number."),
    "iban": _("Enter a valid IBAN."),
    "name": _("Enter a name."),
    "other": _("Enter a valid value."),
}


class EncryptedField(models.BinaryField):
    """Base of encrypted fields: the plaintext type is set by the subclass."""

    descriptor_class = EncryptedAttribute
    form_class = forms.CharField
    default_normaliser: str | None = None
    empty_values = [None, ""]
    empty_plaintext: str | None = ""  # what an empty column reads as

    def __init__(
        self,
        *args,
        blind_index: str | None = None,
        prefix_index: str | None = None,
        normaliser=None,
        **kwargs,
    ):
        if prefix_index and not blind_index:
            raise ValueError("a prefix index comes with a blind index")
        self.blind_index = blind_index
        self.prefix_index = prefix_index
        self.normaliser = normaliser or (self.default_normaliser if blind_index else None)
        kwargs.setdefault("editable", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        if not self.editable:
            kwargs["editable"] = False
        if self.blind_index:
            kwargs["blind_index"] = self.blind_index
            if self.prefix_index:
                kwargs["prefix_index"] = self.prefix_index
            if self.normaliser != self.default_normaliser:
                kwargs["normaliser"] = self.normaliser
        return name, path, args, kwargs

    # Plaintext <-> bytes -----------------------------------------------------
    def to_plaintext_bytes(self, value) -> bytes:
        return str(value).encode()

    def from_plaintext_bytes(self, data: bytes):
        return data.decode()

    def to_python(self, value):
        if value is None or isinstance(value, str):
            return value
        return str(value)

    # Database side ----------------------------------------------------------
    def get_default(self):
        return models.Field.get_default(self)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return crypto.Sealed(bytes(value)) if len(value) else self.empty_plaintext

    def get_prep_value(self, value):
        if value is None or isinstance(value, bytes | memoryview):
            return value
        if value == "":
            return b""
        raise TypeError(
            f"{self.model._meta.label}.{self.name}: a plaintext reached the database layer; "
            "encrypted fields are written through save() and searched through their blind index"
        )

    def get_lookup(self, lookup_name):
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def value_to_string(self, obj):
        raise exceptions.FieldError(
            f"{self.model._meta.label}.{self.name} is encrypted and is not serialised; "
            "use the access export"
        )

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, crypto.Sealed):
            return value
        self.update_index(model_instance)
        if value == "":
            return b""
        sealed = self.seal_value(model_instance, self.to_plaintext_bytes(value))
        model_instance.__dict__[self.attname] = sealed
        model_instance.__dict__.setdefault(PLAIN_CACHE, {})[self.attname] = value
        return sealed

    # Crypto -------------------------------------------------------------------
    def binding(self, instance) -> crypto.Binding:
        if instance.organisation_id is None:
            raise ValueError(f"{self.model._meta.label}: an encrypted row needs its organisation")
        return crypto.Binding(
            self.model._meta.label_lower, self.name, instance.row_uuid, instance.organisation_id
        )

    def subject(self, instance):
        return instance.data_subject if instance.data_subject_id is not None else None

    def seal_value(self, instance, plaintext: bytes) -> crypto.Sealed:
        return crypto.seal(
            plaintext, binding=self.binding(instance), subject=self.subject(instance)
        )

    def decrypt(self, instance, sealed: bytes):
        plain = crypto.open_sealed(
            sealed, binding=self.binding(instance), subject=self.subject(instance)
        )
        return self.from_plaintext_bytes(plain)

    def normal_form(self, value, region: str) -> str | None:
        """The value's normal form (None: empty, or a field without normaliser);
        ``ValidationError`` when the value is not one of its kind (a message
        for people, which never quotes the value)."""
        if not self.normaliser or value in self.empty_values:
            return None
        try:
            return blind_index.normal_form(self.normaliser, str(value), region)
        except normalise.NormalisationError as exc:
            message = NOT_A_VALUE.get(self.normaliser, NOT_A_VALUE["other"])
            raise exceptions.ValidationError(message, code="invalid") from exc

    @property
    def index_names(self) -> tuple[str, ...]:
        """The companion index fields: the blind index, then the prefix index if any."""
        return tuple(name for name in (self.blind_index, self.prefix_index) if name)

    def index_of_normal(self, instance, normal: str) -> bytes:
        """The blind index of a normal form: under the row's organisation's index key."""
        return blind_index.of_normal(
            organisation_id=instance.organisation_id, kind=self.normaliser, normal=normal
        )

    def update_index(self, instance) -> None:
        """Compute the companion indexes from the plaintext (NULL when it is empty)."""
        if not self.blind_index:
            return
        value = instance.__dict__.get(self.attname)
        normal = self.normal_form(value, region_of(instance))
        meta = self.model._meta
        whole = prefix = None
        if normal is not None:
            whole = self.index_of_normal(instance, normal)
            if self.prefix_index:
                prefix = blind_index.prefix_of_normal(
                    organisation_id=instance.organisation_id, kind=self.normaliser, normal=normal
                )
        instance.__dict__[meta.get_field(self.blind_index).attname] = whole
        if self.prefix_index:
            instance.__dict__[meta.get_field(self.prefix_index).attname] = prefix

    # Forms and validation ---------------------------------------------------
    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        self.normal_form(value, region_of(model_instance))

    def clean_plain(self, value, region: str) -> tuple[object, str | None]:
        """``clean`` without a model instance (``privacy.bulk``): the cleaned
        value and its normal form, or ``ValidationError``."""
        value = self.to_python(value)
        super().validate(value, None)  # then ``validate``'s own check, in ``clean``'s order
        normal = self.normal_form(value, region)
        self.run_validators(value)
        return value, normal

    def formfield(self, **kwargs):
        defaults = {"form_class": self.form_class}
        if self.max_length and self.form_class is not forms.DateField:
            defaults["max_length"] = self.max_length
        return models.Field.formfield(self, **{**defaults, **kwargs})


class EncryptedCharField(EncryptedField):
    default_normaliser = "name"


class EncryptedTextField(EncryptedField):
    form_class = forms.CharField

    def formfield(self, **kwargs):
        return super().formfield(**{"widget": forms.Textarea, **kwargs})


class EncryptedEmailField(EncryptedField):
    form_class = forms.EmailField
    default_normaliser = "email"
    default_validators = [validators.validate_email]


class EncryptedPhoneField(EncryptedField):
    default_normaliser = "phone"


class EncryptedIbanField(EncryptedField):
    default_normaliser = "iban"


class EncryptedDateField(EncryptedField):
    form_class = forms.DateField
    empty_strings_allowed = False
    empty_plaintext = None

    def to_python(self, value):
        return models.DateField().to_python(value)

    def to_plaintext_bytes(self, value) -> bytes:
        return self.to_python(value).isoformat().encode()

    def from_plaintext_bytes(self, data: bytes) -> date:
        return date.fromisoformat(data.decode())


class OperatorSealed:
    """Mixin: a value of a row that belongs to no organisation (a user's),
    sealed with the operator key (``comptoir.privacy.operator``), bound to
    the row's ``row_uuid``, and indexed with the operator's index key.

    The index key being one for the whole installation, a searchable field
    answers exact lookups by itself: ``filter(email=raw)``, ``email__iexact``
    and ``email__in`` become a comparison of its blind index with the index of
    the raw value's normal form (a value that cannot be normalised matches
    nothing). This is what lets Django's and allauth's own code find a user by
    email (``get_by_natural_key``, ``filter_users_by_email``) without knowing
    the column is encrypted.
    """

    def binding(self, instance) -> crypto.Binding:
        return operator.binding(self.model._meta.label_lower, self.name, instance.row_uuid)

    def subject(self, instance):
        return None

    def seal_value(self, instance, plaintext: bytes) -> crypto.Sealed:
        return operator.seal(plaintext, binding=self.binding(instance))

    def decrypt(self, instance, sealed: bytes):
        return self.from_plaintext_bytes(
            operator.open_sealed(sealed, binding=self.binding(instance))
        )

    def index_of_normal(self, instance, normal: str) -> bytes:
        return operator.index_of_normal(kind=self.normaliser, normal=normal)

    def index_of_raw(self, value) -> bytes | None:
        """The index a raw value would have, or None when it is not one of its kind."""
        if not isinstance(value, str) or not self.normaliser:
            return None
        try:
            normal = blind_index.normal_form(self.normaliser, value)
        except normalise.NormalisationError:
            return None
        return operator.index_of_normal(kind=self.normaliser, normal=normal)

    def get_lookup(self, lookup_name):
        if self.blind_index and lookup_name in _BLIND_LOOKUPS:
            return _BLIND_LOOKUPS[lookup_name]
        return super().get_lookup(lookup_name)


class _BlindLookup(lookups.Lookup):
    """``field = raw`` on an operator-sealed, searchable field, compiled as
    ``field's blind index = index of raw``. The raw value never reaches SQL."""

    prepare_rhs = False
    can_use_none_as_rhs = False

    def get_prep_lookup(self):
        return self.rhs

    def _index_column(self):
        if not isinstance(self.lhs, Col):
            raise ValueError("a blind-index lookup applies to the field itself")
        field = self.lhs.target
        return field, Col(self.lhs.alias, field.model._meta.get_field(field.blind_index))

    def as_sql(self, compiler, connection):
        field, column = self._index_column()
        values = self.rhs if self.lookup_name == "in" else [self.rhs]
        digests = [d for d in (field.index_of_raw(v) for v in values) if d is not None]
        if not digests:
            raise EmptyResultSet
        if len(digests) == 1:
            return compiler.compile(lookups.Exact(column, digests[0]))
        return compiler.compile(lookups.In(column, digests))


class _BlindExact(_BlindLookup):
    lookup_name = "exact"


class _BlindIExact(_BlindLookup):
    lookup_name = "iexact"  # the normal form is case-folded already


class _BlindIn(_BlindLookup):
    lookup_name = "in"


_BLIND_LOOKUPS = {cls.lookup_name: cls for cls in (_BlindExact, _BlindIExact, _BlindIn)}


class OperatorEncryptedEmailField(OperatorSealed, EncryptedEmailField):
    """A user's email address: sealed with the operator key, found by its blind index."""


class OperatorEncryptedCharField(OperatorSealed, EncryptedCharField):
    """A user's name: sealed with the operator key."""


class BlindIndexField(models.BinaryField):
    """The keyed hash of an encrypted field's normal form, for exact search."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", blind_index.INDEX_BYTES)
        kwargs.setdefault("null", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_length", blind_index.INDEX_BYTES), ("null", True)):
            if kwargs.get(key) == default:
                del kwargs[key]
        if kwargs.get("db_index") is True:
            del kwargs["db_index"]
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value is None else bytes(value)

    @property
    def source(self) -> EncryptedField | None:
        for field in self.model._meta.concrete_fields:
            if isinstance(field, EncryptedField) and self.name in field.index_names:
                return field
        return None

    def pre_save(self, model_instance, add):
        source = self.source
        if source is not None and not isinstance(
            model_instance.__dict__.get(source.attname), crypto.Sealed
        ):
            source.update_index(model_instance)
        return model_instance.__dict__.get(self.attname)


# One check per kind of value, attached once to every field of Comptoir's models.
def _is_text(field: models.Field) -> bool:
    if isinstance(field, EncryptedField):
        return not isinstance(field, EncryptedDateField)
    return isinstance(field, models.CharField | models.TextField)


def _add_validators(field: models.Field, added: list) -> None:
    """``added`` after the field's own validators, in the list that validation
    reads (``Field.validators``, cached) and not in ``_validators``, which is
    what the field's ``deconstruct`` writes into migrations: these checks
    follow from the kind of field, they are no part of the schema."""
    field.validators.extend(added)


def attach_value_checks(model_classes) -> None:
    """Give every field of Comptoir's own models the checks its kind of value
    needs, once, at start-up (``PrivacyConfig.ready``), so that ``full_clean``
    (the services), model forms and ``privacy.bulk.clean_values`` (the importer)
    all apply them:

    * a text field (``CharField``, ``TextField``, ``EmailField`` and the
      encrypted text fields) refuses control characters and lone surrogates
      (``core.text.validate_text``);
    * an integer field refuses what its column type cannot hold, on every
      database (SQLite enforces no range, PostgreSQL does)."""
    for model in model_classes:
        if not model.__module__.startswith("comptoir."):
            continue
        for field in model._meta.local_fields:
            if _is_text(field) and validate_text not in field.validators:
                _add_validators(field, [validate_text])
            elif isinstance(field, models.IntegerField) and not field.primary_key:
                low, high = INTEGER_RANGES.get(field.get_internal_type(), (None, None))
                if low is not None and not getattr(field, "_range_checked", False):
                    field._range_checked = True
                    _add_validators(
                        field,
                        [validators.MinValueValidator(low), validators.MaxValueValidator(high)],
                    )
