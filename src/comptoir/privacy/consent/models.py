"""The consent ledger (DOMAIN.md §6): proof of each consent given or withdrawn.

``ConsentEvent`` rows are appended, never changed (but for the one moment a
double opt-in is confirmed, which completes the proof of the row it
confirms) and never deleted but by the retention sweep. The current state of
a person's consent to a purpose is the latest event for that person and
purpose (``selectors.consent_state``): it is never stored beside the ledger.

``ConsentWording`` is the exact text shown when consent was asked, versioned
per organisation and purpose: a wording an event refers to is never edited,
a change makes a new version.

``ConsentSolicitation`` records the one message an occasional contact may
receive, asking for consent (DOMAIN.md §6), so that a second one is refused.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal
from comptoir.privacy.declarations import Purpose as ProcessingPurpose
from comptoir.privacy.fields import EncryptedCharField
from comptoir.privacy.models import DataSubject, EncryptedModel
from comptoir.tenancy.scope import TenantModel


class ConsentPurpose(models.TextChoices):
    """What a person consents to (issue #13): prospection by channel, reviews, partners."""

    PROSPECTION_EMAIL = "prospection_email", _("Prospection by email")
    PROSPECTION_SMS = "prospection_sms", _("Prospection by SMS")
    PROSPECTION_PHONE = "prospection_phone", _("Prospection by phone")
    PROSPECTION_POST = "prospection_post", _("Prospection by post")
    REVIEWS = "reviews", _("Reviews of products and services")
    PARTNERS = "partners", _("Offers from partners")


# The processing purpose (DOMAIN.md §3, ``privacy.declarations``) each consent serves:
# what the register and the access export name.
PROCESSING_PURPOSE = {
    ConsentPurpose.PROSPECTION_EMAIL: ProcessingPurpose.PROSPECTION_CONSENT,
    ConsentPurpose.PROSPECTION_SMS: ProcessingPurpose.PROSPECTION_CONSENT,
    ConsentPurpose.PROSPECTION_PHONE: ProcessingPurpose.PROSPECTION_LEGITIMATE_INTEREST,
    ConsentPurpose.PROSPECTION_POST: ProcessingPurpose.PROSPECTION_LEGITIMATE_INTEREST,
    ConsentPurpose.REVIEWS: ProcessingPurpose.REVIEWS,
    ConsentPurpose.PARTNERS: ProcessingPurpose.PROSPECTION_CONSENT,
}

# Purposes whose consent counts only once confirmed by a double opt-in (a link
# in a mail to the address itself): an address typed by someone else, or by
# mistake, never receives prospection.
DOUBLE_OPT_IN = frozenset({ConsentPurpose.PROSPECTION_EMAIL})


class ConsentAction(models.TextChoices):
    GIVEN = "given", _("Given")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentChannel(models.TextChoices):
    """How the consent (or its withdrawal) reached the organisation."""

    WEB_FORM = "web_form", _("Web form")
    PAPER = "paper", _("Paper form")
    PHONE = "phone", _("Phone call")
    EMAIL_REPLY = "email_reply", _("Reply by email")
    IN_PERSON = "in_person", _("In person")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    ONE_CLICK = "one_click", _("One-click link")
    OBJECTION = "objection", _("Objection (GDPR art. 21)")


class ConfirmedVia(models.TextChoices):
    NONE = "", _("(not confirmed)")
    EMAIL_LINK = "email_link", _("Link in a confirmation email (double opt-in)")


class Language(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")
    DUTCH = "nl", _("Dutch")
    GERMAN = "de", _("German")


class ConsentWording(TenantModel):
    """The exact text shown to a person when their consent was asked."""

    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    text = models.TextField(_("text shown"), max_length=4000)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    created_by = models.BigIntegerField(null=True, blank=True, help_text="user id")

    class Meta(TenantModel.Meta):
        ordering = ["purpose", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "purpose", "version"], name="consent_wording_version"
            )
        ]
        verbose_name = _("consent wording")

    class Privacy:
        # The organisation's own text, about no one.
        subject = None
        retention = retention.CONSENT_PROOF
        fields: dict = {}
        not_personal = ["purpose", "version", "language", "text", "created_at", "created_by"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} v{self.version} ({self.language})"

    def save(self, *args, **kwargs):
        if self.pk is not None and self.is_used():
            raise ValidationError(
                _("This wording was shown to people: it cannot change; make a new version."),
                code="used",
            )
        super().save(*args, **kwargs)

    def is_used(self) -> bool:
        return ConsentEvent.objects.of(self.organisation_id).filter(wording_id=self.pk).exists()


class ConsentEvent(EncryptedModel):
    """One consent given or withdrawn: an append-only row of the ledger.

    ``data_subject`` is the person. ``recorded_by`` is the member who recorded
    it (user id), or None with ``by_subject`` when the person did it themself
    (a web form, a confirmation link, a one-click unsubscribe), whose address
    is then kept as ``source_ip``.
    """

    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    action = models.CharField(_("action"), max_length=10, choices=ConsentAction.choices)
    occurred_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=12, choices=ConsentChannel.choices)
    form = models.CharField(
        _("form"),
        max_length=120,
        blank=True,
        help_text=_("Which form or document, e.g. 'newsletter box, home page' (no personal data)."),
    )
    wording = models.ForeignKey(
        ConsentWording,
        verbose_name=_("wording shown"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    # Double opt-in: the SHA-256 of the token mailed to the person, then when
    # and how they confirmed. Empty for an event that needs no confirmation.
    confirmation_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    confirmed_via = models.CharField(
        max_length=12, choices=ConfirmedVia.choices, blank=True, default=ConfirmedVia.NONE
    )
    recorded_by = models.BigIntegerField(null=True, blank=True, help_text="user id")
    by_subject = models.BooleanField(_("by the person themself"), default=False)
    source_ip = EncryptedCharField(_("source address"), max_length=45, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # What the confirmation of a double opt-in may fill in, once.
    CONFIRMATION_FIELDS = ("confirmed_at", "confirmed_via", "source_ip")

    class Meta(EncryptedModel.Meta):
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(
                fields=["organisation", "data_subject", "purpose", "-occurred_at"],
                name="consent_event_latest",
            )
        ]
        verbose_name = _("consent event")

    class Privacy:
        subject = "data_subject"
        # Proof of the consent: kept while the consent is in force, then three
        # years after its withdrawal or the end of the relationship.
        retention = retention.CONSENT_PROOF
        fields = {
            name: Personal(
                Category.COMMERCIAL,
                [ProcessingPurpose.PROSPECTION_CONSENT, ProcessingPurpose.REVIEWS],
                # The proof outlives an erasure (a claim may need it): the
                # person's name and address go with their other data, the
                # ledger keeps only the pseudonymous subject and what happened.
                OnErasure.LEGAL_HOLD,
                notes="Proof of consent (GDPR art. 7(1)).",
            )
            for name in (
                "purpose",
                "action",
                "occurred_at",
                "channel",
                "form",
                "confirmed_at",
                "confirmed_via",
                "by_subject",
            )
        } | {
            "source_ip": Personal(
                Category.CONNECTION,
                [ProcessingPurpose.PROSPECTION_CONSENT, ProcessingPurpose.REVIEWS],
                OnErasure.DELETE,
                encrypted=True,
                notes="Address a person gave or withdrew consent from, themself.",
            ),
        }
        not_personal = [
            "wording",
            "confirmation_token_hash",
            "confirmation_sent_at",
            "recorded_by",
            "created_at",
        ]

    def __str__(self) -> str:
        return f"consent event #{self.pk}"

    @property
    def processing_purpose(self) -> ProcessingPurpose:
        return PROCESSING_PURPOSE[ConsentPurpose(self.purpose)]

    @property
    def needs_confirmation(self) -> bool:
        return self.action == ConsentAction.GIVEN and self.purpose in DOUBLE_OPT_IN

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def save(self, *args, update_fields=None, **kwargs):
        # Append-only: an event is written once; its confirmation may be
        # filled in once afterwards, nothing else.
        if self.pk is not None and not (
            update_fields is not None and set(update_fields) <= set(self.CONFIRMATION_FIELDS)
        ):
            raise ValidationError(_("The consent ledger is append-only."), code="append_only")
        super().save(*args, update_fields=update_fields, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The consent ledger is append-only."), code="append_only")


class ConsentSolicitation(TenantModel):
    """That the one message asking an occasional contact for consent went out."""

    data_subject = models.ForeignKey(DataSubject, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    sent_at = models.DateTimeField(_("sent on"))
    recorded_by = models.BigIntegerField(null=True, blank=True, help_text="user id")

    class Meta(TenantModel.Meta):
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "data_subject"], name="consent_solicited")]

    class Privacy:
        subject = "data_subject"
        retention = retention.CONSENT_PROOF
        fields = {
            "purpose": Personal(
                Category.COMMERCIAL,
                [ProcessingPurpose.PROSPECTION_CONSENT],
                OnErasure.LEGAL_HOLD,
                notes="The one message an occasional contact may receive (DOMAIN.md §6).",
            ),
            "sent_at": Personal(
                Category.COMMERCIAL, [ProcessingPurpose.PROSPECTION_CONSENT], OnErasure.LEGAL_HOLD
            ),
        }
        not_personal = ["recorded_by"]

    def __str__(self) -> str:
        return f"consent solicitation #{self.pk}"
