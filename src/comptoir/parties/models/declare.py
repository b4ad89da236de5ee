"""Shorthands for the privacy declarations of the parties app."""

from django.utils.translation import gettext_lazy as _

from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose

RELATIONSHIP = (
    Purpose.CONTRACT_MANAGEMENT,
    Purpose.CUSTOMER_RELATIONSHIP,
    Purpose.PROSPECTION_LEGITIMATE_INTEREST,
    Purpose.PROSPECTION_CONSENT,
)
CONTRACT = (Purpose.CONTRACT_MANAGEMENT, Purpose.CUSTOMER_RELATIONSHIP)
# Bank details serve invoices and payments only (contract management), never prospection.
BILLING = (Purpose.CONTRACT_MANAGEMENT,)

# The warning of DOMAIN.md §2, shown under every free-text field about people.
SENSITIVE_DATA_WARNING = _(
    "Never write sensitive data here: health, religion, political opinions, union "
    "membership, ethnic origin, sexual life, offences or convictions, or a social "
    "security number (GDPR art. 9 and 10)."
)


def encrypted(
    category: Category,
    *,
    searchable: bool = False,
    placeholder: object = "",
    on_erasure: OnErasure = OnErasure.ANONYMISE,
    purposes=RELATIONSHIP,
) -> Personal:
    return Personal(
        category,
        purposes,
        on_erasure,
        encrypted=True,
        searchable=searchable,
        placeholder=placeholder,
    )


def clear(
    category: Category,
    *,
    placeholder: object = "",
    on_erasure: OnErasure = OnErasure.ANONYMISE,
    purposes=RELATIONSHIP,
) -> Personal:
    return Personal(category, purposes, on_erasure, placeholder=placeholder)
