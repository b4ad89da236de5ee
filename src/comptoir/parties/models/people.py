"""Contact persons: the people of a company party, each their own data subject."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.parties import rules
from comptoir.parties.models import declare
from comptoir.parties.models.choices import Channel, Civility, ContactStatus, PartyKind
from comptoir.parties.models.parties import ANONYMISED_EMAIL, ANONYMISED_NAME
from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Purpose
from comptoir.privacy.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedPhoneField,
    EncryptedTextField,
)
from comptoir.privacy.models import EncryptedModel
from comptoir.tenancy.scope import tenant_index

# Searchable columns by kind of value: a search or a duplicate check by email
# looks in both email columns, one by phone in the three phone columns (the
# blind index of a value does not depend on its column).
EMAIL_FIELDS = ("email", "email_other")
PHONE_FIELDS = ("phone", "mobile", "fax")


class ContactPerson(EncryptedModel):
    party = models.ForeignKey(
        "parties.Party",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="contact_persons",
    )
    civility = models.CharField(_("civility"), max_length=3, choices=Civility.choices, blank=True)
    given_names = EncryptedCharField(_("given names"), max_length=150, blank=True)
    # Found by the whole name (its blind index) or by its beginning: the prefix
    # index holds its first three letters, the few rows sharing them are then
    # decrypted to check a longer beginning (``selectors.contact_person_search_name``).
    family_name = EncryptedCharField(
        _("family name"),
        max_length=150,
        blind_index="family_name_index",
        prefix_index="family_name_prefix",
    )
    family_name_index = BlindIndexField(db_index=False)
    family_name_prefix = BlindIndexField(db_index=False)
    birth_name = EncryptedCharField(_("birth name"), max_length=150, blank=True)
    usage_name = EncryptedCharField(_("usage name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)

    email = EncryptedEmailField(_("email"), max_length=254, blank=True, blind_index="email_index")
    email_index = BlindIndexField(db_index=False)
    email_other = EncryptedEmailField(
        _("other email"), max_length=254, blank=True, blind_index="email_other_index"
    )
    email_other_index = BlindIndexField(db_index=False)
    phone = EncryptedPhoneField(
        _("fixed phone"), max_length=40, blank=True, blind_index="phone_index"
    )
    phone_index = BlindIndexField(db_index=False)
    mobile = EncryptedPhoneField(_("mobile"), max_length=40, blank=True, blind_index="mobile_index")
    mobile_index = BlindIndexField(db_index=False)
    fax = EncryptedPhoneField(_("fax"), max_length=40, blank=True, blind_index="fax_index")
    fax_index = BlindIndexField(db_index=False)
    linkedin = EncryptedCharField(_("LinkedIn profile"), max_length=200, blank=True)
    x_profile = EncryptedCharField(_("X profile"), max_length=100, blank=True)
    notes = EncryptedTextField(
        _("notes"), max_length=5000, blank=True, help_text=declare.SENSITIVE_DATA_WARNING
    )

    contact_status = models.CharField(
        _("contact status"),
        max_length=12,
        choices=ContactStatus.choices,
        default=ContactStatus.OCCASIONAL,
        # What staff state of the relationship: the status that counts is
        # computed from the consent ledger and the interactions
        # (``parties.consent``); "regular" here adds a relationship they do
        # not show, it never makes a consenting person occasional.
        help_text=_(
            "Regular: a relationship you know of that the consents and interactions do "
            "not show. The status that counts is computed from them (see the consent "
            "panel); an occasional contact may receive one message only, asking for consent."
        ),
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=12, choices=Channel.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(EncryptedModel.Meta):
        ordering = ["party", "pk"]
        # Exact searches (and duplicate checks), always within one organisation.
        indexes = [
            tenant_index("contact", f"{name}_index")
            for name in ("family_name", *EMAIL_FIELDS, *PHONE_FIELDS)
        ] + [tenant_index("contact", "family_name_prefix")]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    class Privacy:
        subject = "self"
        retention = retention.PROSPECT
        fields = {
            "civility": declare.clear(Category.IDENTITY),
            "given_names": declare.encrypted(Category.IDENTITY, placeholder=ANONYMISED_NAME),
            "family_name": declare.encrypted(
                Category.IDENTITY, searchable=True, placeholder=ANONYMISED_NAME
            ),
            "birth_name": declare.encrypted(Category.IDENTITY, on_erasure=OnErasure.DELETE),
            "usage_name": declare.encrypted(Category.IDENTITY, on_erasure=OnErasure.DELETE),
            "job_title": declare.clear(Category.PROFESSIONAL_LIFE),
            "email": declare.encrypted(
                Category.IDENTITY, searchable=True, placeholder=ANONYMISED_EMAIL
            ),
            "email_other": declare.encrypted(
                Category.IDENTITY, searchable=True, on_erasure=OnErasure.DELETE
            ),
            "phone": declare.encrypted(
                Category.IDENTITY, searchable=True, on_erasure=OnErasure.DELETE
            ),
            "mobile": declare.encrypted(
                Category.IDENTITY, searchable=True, on_erasure=OnErasure.DELETE
            ),
            "fax": declare.encrypted(
                Category.IDENTITY, searchable=True, on_erasure=OnErasure.DELETE
            ),
            "linkedin": declare.encrypted(Category.INTERNET, on_erasure=OnErasure.DELETE),
            "x_profile": declare.encrypted(Category.INTERNET, on_erasure=OnErasure.DELETE),
            "notes": declare.encrypted(
                Category.COMMERCIAL,
                on_erasure=OnErasure.DELETE,
                purposes=(Purpose.CUSTOMER_RELATIONSHIP, Purpose.CONTRACT_MANAGEMENT),
            ),
            "contact_status": declare.clear(
                Category.COMMERCIAL, placeholder=ContactStatus.OCCASIONAL
            ),
            "preferred_channel": declare.clear(Category.COMMERCIAL),
        }
        not_personal: list[str] = []

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"  # names stay encrypted, even in logs

    @property
    def display_name(self) -> str:
        """The person's names (decrypts them)."""
        return " ".join(part for part in (self.given_names, self.family_name) if part)

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.party_id is not None:
            if self.party.organisation_id != self.organisation_id:
                errors["party"] = ValidationError(
                    _("The company belongs to another organisation."), code="organisation"
                )
            elif self.party.kind != PartyKind.COMPANY:
                errors["party"] = ValidationError(
                    _("Only a company has contact persons; an individual is its own person."),
                    code="individual",
                )
        errors.update(
            rules.contact_person_errors(
                {name: getattr(self, name) for name in rules.CONTACT_PERSON_RULE_FIELDS}
            )
        )
        if errors:
            raise ValidationError(errors)
