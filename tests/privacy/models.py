"""A model with every kind of encrypted field, for the privacy tests only.

Its app label (``privacy_tests``) is not an installed app: the model is
registered when this module is imported, never seen by ``makemigrations`` or
by the project's registry, and its table is created by ``conftest.py`` once
the test database exists (on SQLite and PostgreSQL alike).
"""

from django.db import models

from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedDateField,
    EncryptedEmailField,
    EncryptedIbanField,
    EncryptedPhoneField,
    EncryptedTextField,
)
from comptoir.privacy.models import EncryptedModel
from comptoir.tenancy.scope import tenant_index

APP_LABEL = "privacy_tests"
CONTRACT = [Purpose.CONTRACT_MANAGEMENT]


def _encrypted(category, searchable=False, **extra) -> Personal:
    return Personal(
        category, CONTRACT, OnErasure.ANONYMISE, encrypted=True, searchable=searchable, **extra
    )


class Person(EncryptedModel):
    # No database constraints on the foreign keys: the table is outside the
    # project's apps, so a flush (TRUNCATE of the organisations) of a
    # transactional test elsewhere in the suite must not be blocked by it.
    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    data_subject = models.ForeignKey(
        "privacy.DataSubject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    family_name = EncryptedCharField(max_length=150, blind_index="family_name_index")
    family_name_index = BlindIndexField(db_index=False)
    email = EncryptedEmailField(max_length=254, blank=True, blind_index="email_index")
    email_index = BlindIndexField(db_index=False)
    phone = EncryptedPhoneField(max_length=40, blank=True, blind_index="phone_index")
    phone_index = BlindIndexField(db_index=False)
    iban = EncryptedIbanField(max_length=40, blank=True, blind_index="iban_index")
    iban_index = BlindIndexField(db_index=False)
    birth_date = EncryptedDateField(null=True, blank=True)
    note = EncryptedTextField(blank=True)
    company_name = models.CharField(max_length=200, blank=True)

    class Meta:
        app_label = APP_LABEL
        indexes = [
            tenant_index("person", f"{name}_index")
            for name in ("family_name", "email", "phone", "iban")
        ]

    class Privacy:
        subject = "self"
        retention = retention.PROSPECT
        fields = {
            "family_name": _encrypted(Category.IDENTITY, True, placeholder="Anonymised"),
            "email": _encrypted(
                Category.IDENTITY, True, placeholder="anonymised@anonymised.invalid"
            ),
            "phone": _encrypted(Category.IDENTITY, True),
            "iban": Personal(
                Category.ECONOMIC, CONTRACT, OnErasure.DELETE, encrypted=True, searchable=True
            ),
            "birth_date": Personal(
                Category.PERSONAL_LIFE, CONTRACT, OnErasure.DELETE, encrypted=True
            ),
            "note": _encrypted(Category.COMMERCIAL),
        }
        not_personal = ["company_name"]  # a company's name: public business data


from comptoir.privacy.registry import registry  # noqa: E402

registry.register(Person)
