"""Parties ("tiers"): the companies and individuals an organisation deals with.

A company's name and identifiers (SIREN, SIRET, VAT, Belgian enterprise
number) are public business data: stored in clear, searchable by prefix and
by exact value through indexed columns. An individual party is a person: it
gets its own data subject (person key) when created, and its names, email,
phone and addresses are encrypted under that key.

Bank details (IBAN, BIC) are financial data on any party: encrypted (under
the person's key for an individual, the organisation's for a company), the
IBAN found by exact value through its blind index. Both are kept compact and
upper-case (``rules.party_tidy``); ``iban_grouped`` prints the IBAN.

Addresses are encrypted on every party. A column is declared once, for every
row, and these columns hold individuals' home addresses; a company's address
is encrypted under the organisation's key (it has no data subject), which
costs nothing but a search by street that nobody asked for.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core import identifiers
from comptoir.parties import rules
from comptoir.parties.models import declare
from comptoir.parties.models.choices import Civility, Country, Origin, PartyKind
from comptoir.privacy import normalise, retention
from comptoir.privacy.declarations import Category, OnErasure
from comptoir.privacy.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedIbanField,
    EncryptedPhoneField,
    EncryptedTextField,
)
from comptoir.privacy.models import EncryptedModel
from comptoir.tenancy.scope import tenant_index

ANONYMISED_NAME = "Anonymised"
ANONYMISED_EMAIL = "anonymised@anonymised.invalid"


def company_name_key(name: str) -> str:
    """The form company names are prefix-searched in (case-folded, no accents)."""
    try:
        return normalise.name(name)
    except normalise.NormalisationError:
        return ""


class Party(EncryptedModel):
    kind = models.CharField(_("kind"), max_length=12, choices=PartyKind.choices)
    country = models.CharField(
        _("country"), max_length=2, choices=Country.choices, default=Country.FRANCE
    )

    # Roles, each with its dates.
    is_prospect = models.BooleanField(_("prospect"), default=True)
    is_client = models.BooleanField(_("client"), default=False)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    first_contact_on = models.DateField(_("first contact"), null=True, blank=True)
    client_since = models.DateField(_("became a client on"), null=True, blank=True)
    client_ended_on = models.DateField(_("client relationship ended on"), null=True, blank=True)
    supplier_since = models.DateField(_("became a supplier on"), null=True, blank=True)
    supplier_ended_on = models.DateField(_("supplier relationship ended on"), null=True, blank=True)

    # A company: public business data, in clear.
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    company_name_key = models.CharField(max_length=200, blank=True, editable=False)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    enterprise_number = models.CharField(_("enterprise number"), max_length=10, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=14, blank=True)
    # Where e-invoices go (Peppol participant id, French directory address):
    # ``rules.einvoice_address``. Empty: derived from the SIREN or enterprise number.
    # Encrypted: an individual's may be their email (scheme EM).
    einvoice_address = EncryptedCharField(
        _("e-invoicing address"),
        max_length=100,
        blank=True,
        help_text=_(
            "Scheme:identifier, e.g. 0208:0403170701 (Peppol, Belgian enterprise number) "
            "or 0225:SIREN (French directory). Leave empty to use the SIREN or the "
            "enterprise number."
        ),
    )

    # An individual: a person, encrypted under their own key.
    civility = models.CharField(_("civility"), max_length=3, choices=Civility.choices, blank=True)
    given_names = EncryptedCharField(_("given names"), max_length=150, blank=True)
    family_name = EncryptedCharField(
        _("family name"),
        max_length=150,
        blank=True,
        blind_index="family_name_index",
        prefix_index="family_name_prefix",
    )
    family_name_index = BlindIndexField(db_index=False)
    family_name_prefix = BlindIndexField(db_index=False)
    email = EncryptedEmailField(_("email"), max_length=254, blank=True, blind_index="email_index")
    email_index = BlindIndexField(db_index=False)
    phone = EncryptedPhoneField(_("phone"), max_length=40, blank=True, blind_index="phone_index")
    phone_index = BlindIndexField(db_index=False)

    billing_street = EncryptedTextField(_("billing address"), max_length=500, blank=True)
    billing_postal_code = EncryptedCharField(_("billing postal code"), max_length=20, blank=True)
    billing_city = EncryptedCharField(_("billing city"), max_length=100, blank=True)
    billing_country = models.CharField(_("billing country"), max_length=2, blank=True)
    delivery_street = EncryptedTextField(_("delivery address"), max_length=500, blank=True)
    delivery_postal_code = EncryptedCharField(_("delivery postal code"), max_length=20, blank=True)
    delivery_city = EncryptedCharField(_("delivery city"), max_length=100, blank=True)
    delivery_country = models.CharField(_("delivery country"), max_length=2, blank=True)

    # Bank details: financial data, read and written by the finance roles (``parties.access``).
    iban = EncryptedIbanField(_("IBAN"), blank=True, blind_index="iban_index")
    iban_index = BlindIndexField(db_index=False)
    bic = EncryptedCharField(
        _("BIC"), max_length=11, blank=True, validators=[identifiers.validate_bic]
    )

    sales_rep = models.ForeignKey(
        "tenancy.Membership",
        verbose_name=_("sales rep"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, blank=True)
    # GDPR art. 21 (DOMAIN.md §5): set when the party, or a contact person of
    # the company, objected or was erased; no prospection of it from then on.
    processing_opposed_at = models.DateTimeField(
        _("opposed to further processing on"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(EncryptedModel.Meta):
        ordering = ["company_name_key", "pk"]
        # Exact and prefix searches, always within one organisation.
        indexes = [
            tenant_index("party", column)
            for column in (
                "company_name_key",
                "siren",
                "enterprise_number",
                "family_name_index",
                "family_name_prefix",
                "email_index",
                "phone_index",
                "iban_index",
            )
        ]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    class Privacy:
        # Rows of individuals are about their data subject; companies have none.
        subject = "data_subject"
        # Whom the rows are about, for the register of processing.
        people = _("Individual clients, prospects and suppliers")
        # The sweep (#5) applies CLIENT_* to clients: ``party_retention``.
        retention = retention.PROSPECT
        # Where the person's data came from (art. 14(2)(f)), told in the access export.
        source = "origin"
        fields = {
            "first_contact_on": declare.clear(Category.COMMERCIAL, on_erasure=OnErasure.DELETE),
            "client_since": declare.clear(Category.COMMERCIAL, on_erasure=OnErasure.DELETE),
            "client_ended_on": declare.clear(Category.COMMERCIAL, on_erasure=OnErasure.DELETE),
            "supplier_since": declare.clear(Category.COMMERCIAL, on_erasure=OnErasure.DELETE),
            "supplier_ended_on": declare.clear(Category.COMMERCIAL, on_erasure=OnErasure.DELETE),
            "civility": declare.clear(Category.IDENTITY),
            "given_names": declare.encrypted(Category.IDENTITY, placeholder=ANONYMISED_NAME),
            "family_name": declare.encrypted(
                Category.IDENTITY, searchable=True, placeholder=ANONYMISED_NAME
            ),
            "email": declare.encrypted(
                Category.IDENTITY, searchable=True, placeholder=ANONYMISED_EMAIL
            ),
            "phone": declare.encrypted(
                Category.IDENTITY, searchable=True, on_erasure=OnErasure.DELETE
            ),
            "billing_street": declare.encrypted(Category.LOCATION, purposes=declare.CONTRACT),
            "billing_postal_code": declare.encrypted(Category.LOCATION, purposes=declare.CONTRACT),
            "billing_city": declare.encrypted(Category.LOCATION, purposes=declare.CONTRACT),
            # Where a person lives or receives goods: location data, as billing addresses.
            "delivery_street": declare.encrypted(Category.LOCATION, purposes=declare.CONTRACT),
            "delivery_postal_code": declare.encrypted(Category.LOCATION, purposes=declare.CONTRACT),
            "delivery_city": declare.encrypted(Category.LOCATION, purposes=declare.CONTRACT),
            "iban": declare.encrypted(
                Category.ECONOMIC,
                searchable=True,
                on_erasure=OnErasure.DELETE,
                purposes=declare.BILLING,
            ),
            "bic": declare.encrypted(
                Category.ECONOMIC, on_erasure=OnErasure.DELETE, purposes=declare.BILLING
            ),
            # Where invoices are sent: billing only; an individual's may be an email.
            "einvoice_address": declare.encrypted(
                Category.IDENTITY, on_erasure=OnErasure.DELETE, purposes=declare.BILLING
            ),
        }
        not_personal = [
            "kind",
            "country",
            "company_name",  # a company's name: public business data
            "company_name_key",
            "siren",
            "siret",
            "enterprise_number",
            "vat_number",
            "billing_country",  # a country alone identifies nobody
            "delivery_country",
            "origin",
        ]

    def __str__(self) -> str:
        if self.kind == PartyKind.COMPANY:
            return self.company_name
        return f"{PartyKind.INDIVIDUAL.label} #{self.pk}"  # names stay encrypted, even in logs

    @property
    def is_individual(self) -> bool:
        return self.kind == PartyKind.INDIVIDUAL

    @property
    def display_name(self) -> str:
        """The company name, or the individual's names (decrypts them)."""
        if self.kind == PartyKind.COMPANY:
            return self.company_name
        return " ".join(part for part in (self.given_names, self.family_name) if part)

    @property
    def iban_grouped(self) -> str:
        """The IBAN in groups of four characters, as printed (decrypts it)."""
        iban = self.iban
        return " ".join(iban[start : start + 4] for start in range(0, len(iban), 4))

    def save(self, *args, **kwargs):
        self.company_name_key = company_name_key(self.company_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "company_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "company_name_key"}
        super().save(*args, **kwargs)

    def rule_values(self, names) -> dict:
        return {name: getattr(self, name) for name in names}

    def clean_fields(self, exclude=None) -> None:
        values = self.rule_values(rules.TIDIED_FIELDS)
        rules.party_tidy(values)
        for name, value in values.items():
            setattr(self, name, value)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        values = self.rule_values(rules.PARTY_RULE_FIELDS)
        errors = rules.party_errors(values)
        for name in rules.CHECKED_FIELDS:  # in their checked form
            setattr(self, name, values[name])
        if self.sales_rep_id is not None and self.sales_rep.organisation_id != self.organisation_id:
            errors["sales_rep"] = ValidationError(
                _("The sales rep must be a member of the organisation."), code="organisation"
            )
        if errors:
            raise ValidationError(errors)
