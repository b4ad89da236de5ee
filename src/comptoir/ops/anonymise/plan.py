"""What an anonymised copy holds: which tables, in which order, and what each
declared personal field becomes.

Everything comes from the privacy registry: a field declared ``Personal`` is
replaced by a fake of its *kind* (``kind_of``), found from its type and name
(an email field, a phone field, ``given_names``, ``billing_city``...), with
a few fields named here because their content has a structure of its own
(the issued invoice's snapshot, a mail's recipients). A personal field no rule
recognises becomes Faker text of its length: an unknown field is faked, never
copied.

Not copied at all (``SKIPPED``): what would give access to the copy or to
production (sessions, API tokens, second factors, email confirmation keys),
the task queue's results (arguments of past tasks), and the key hierarchy
(the copy makes its own).
"""

from django.apps import apps
from django.core import serializers
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

from comptoir.privacy.declarations import Category
from comptoir.privacy.fields import (
    BlindIndexField,
    EncryptedDateField,
    EncryptedEmailField,
    EncryptedField,
    EncryptedIbanField,
    EncryptedPhoneField,
)
from comptoir.privacy.registry import registry

# Tables never copied (labels, lower case).
SKIPPED = frozenset(
    {
        "sessions.session",
        "accounts.apitoken",
        "mfa.authenticator",
        "account.emailconfirmation",
        "django_tasks_database.dbtaskresult",
        "privacy.organisationkey",
        "privacy.subjectkey",
    }
)

# Fields whose content has a structure of its own.
SPECIAL = {
    "accounts.user.password": "password",
    "invoicing.issueddocument.snapshot": "document",
    "mail.message.sender": "mailbox",
    "mail.message.recipients": "recipients",
    "mail.message.parts": "mail_parts",
    "privacy_suppression.suppressionentry.digest": "random_bytes",
    "privacy_records.disclosure.recipient": "organisation_name",
    "privacy_breaches.breach.dpo_contact": "mailbox",
    "invoicing.payment.reference": "reference",
    "account.emailaddress.email": "email",
}

# Field names (or their endings) and the kind of fake they take.
BY_NAME = {
    "given_names": "given_name",
    "family_name": "family_name",
    "birth_name": "family_name",
    "usage_name": "family_name",
    "display_name": "full_name",
    "bic": "bic",
    "iban": "iban",
    "linkedin": "profile",
    "x_profile": "profile",
    "einvoice_address": "einvoice_address",
    "ip_address": "ip",
    "source_ip": "ip",
    "file_name": "file_name",
    "source_name": "file_name",
    "report_name": "file_name",
}
BY_ENDING = {
    "_email": "email",
    "email": "email",
    "_name": "full_name",
    "street": "street",
    "postal_code": "postal_code",
    "city": "city",
    "phone": "phone",
    "mobile": "phone",
    "fax": "phone",
}
# Categories whose dates are about the person (a date of birth), shifted;
# other personal dates (when a client relationship began) are kept, since
# Comptoir's rules read them.
PERSONAL_DATE_CATEGORIES = frozenset({Category.IDENTITY, Category.PERSONAL_LIFE})

KEEP = "keep"
# A blind index: left out of the rows (it is production's keyed digest of the
# original) and computed again by the loader from the fake, under the copy's key.
INDEX = "index"


def kind_of(model: type[models.Model], field: models.Field) -> str:
    """The kind of fake a declared personal field takes (``KEEP``: copied as is)."""
    if isinstance(field, BlindIndexField):
        return INDEX
    declaration = registry.for_model(model)
    personal = declaration.fields.get(field.name) if declaration else None
    if personal is None:
        return KEEP
    special = SPECIAL.get(f"{model._meta.label_lower}.{field.name}")
    if special:
        return special
    if field.choices or isinstance(
        field, models.BooleanField | models.IntegerField | models.DateTimeField
    ):
        return KEEP  # a category, a flag, an id or a moment: identifies nobody alone
    if isinstance(field, models.DateField | EncryptedDateField):
        return "date" if personal.category in PERSONAL_DATE_CATEGORIES else KEEP
    if isinstance(field, models.FileField):
        return "file_name"
    if isinstance(field, models.GenericIPAddressField):
        return "ip"
    if isinstance(field, EncryptedEmailField | models.EmailField):
        return "email"
    if isinstance(field, EncryptedPhoneField):
        return "phone"
    if isinstance(field, EncryptedIbanField):
        return "iban"
    if field.name in BY_NAME:
        return BY_NAME[field.name]
    for ending, kind in BY_ENDING.items():
        if field.name.endswith(ending):
            return kind
    if isinstance(field, models.BinaryField) and not isinstance(field, EncryptedField):
        return "random_bytes"
    if isinstance(field, models.JSONField):
        return "json"
    return "text"


def copied_models() -> list[type[models.Model]]:
    """The models copied, parents before children (the loader's order).

    Only models of migrated apps whose table exists: the copy is built by
    ``migrate``, so a table it would not have is not read."""
    migrated = MigrationLoader(None, ignore_no_migrations=True).migrated_apps
    tables = set(connection.introspection.table_names())
    candidates = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in migrated
        and model._meta.managed
        and not model._meta.proxy
        and model._meta.db_table in tables
        and model._meta.label_lower not in SKIPPED
    ]
    by_app: dict = {}
    for model in candidates:
        by_app.setdefault(model._meta.app_config, []).append(model)
    ordered = serializers.sort_dependencies(list(by_app.items()), allow_cycles=True)
    # Models left out by sort_dependencies (auto-created through tables).
    ordered += [m for m in candidates if m not in ordered]
    return ordered
