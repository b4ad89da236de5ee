"""Rights requests (GDPR art. 12-22, DOMAIN.md §5): who asked what, when, and
how the organisation answered within the deadline.

A request is received either by staff (``channel=staff``: open at once) or on
the organisation's public page (``channel=public``: open only once the person
followed the link mailed to the address they gave). Its deadline
(``due_on``) is derived by ``deadlines.due_on`` from the receipt, the
extension and the pauses, and stored so the dashboard and the daily reminder
filter on it; the services recompute it on every change of those.

Values about the person (their address, what they wrote, the reasons and the
answer given to them) are encrypted under the organisation's key: the
requester may be nobody the organisation knows, so there is no person key to
use. The request is linked to the data subjects and members it was matched
to at verification time (``subjects``, ``users``).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.fields import EncryptedEmailField, EncryptedTextField
from comptoir.privacy.models import DataSubject, EncryptedModel
from comptoir.tenancy.scope import TenantModel


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access (art. 15)")
    RECTIFICATION = "rectification", _("Rectification (art. 16)")
    ERASURE = "erasure", _("Erasure (art. 17)")
    RESTRICTION = "restriction", _("Restriction (art. 18)")
    PORTABILITY = "portability", _("Portability (art. 20)")
    OBJECTION = "objection", _("Objection (art. 21)")


class RequestChannel(models.TextChoices):
    STAFF = "staff", _("Recorded by staff")
    PUBLIC = "public", _("Public request page")


class RequestState(models.TextChoices):
    AWAITING_VERIFICATION = "awaiting_verification", _("Awaiting address verification")
    AWAITING_IDENTITY = "awaiting_identity", _("Awaiting identity proof (clock paused)")
    OPEN = "open", _("Open")
    EXTENDED = "extended", _("Open, deadline extended")
    DONE = "done", _("Answered")
    REFUSED = "refused", _("Refused")


# States in which the deadline runs (or is paused) and the request awaits its answer.
PENDING_STATES = (RequestState.OPEN, RequestState.EXTENDED, RequestState.AWAITING_IDENTITY)
RUNNING_STATES = (RequestState.OPEN, RequestState.EXTENDED)
CLOSED_STATES = (RequestState.DONE, RequestState.REFUSED)


def _personal(category: Category, notes: str) -> Personal:
    return Personal(
        category,
        [Purpose.RIGHTS_REQUESTS],
        OnErasure.LEGAL_HOLD,
        encrypted=True,
        notes=notes,
    )


class RightsRequest(EncryptedModel):
    kind = models.CharField(_("type"), max_length=16, choices=RequestKind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=RequestChannel.choices)
    requester_email = EncryptedEmailField(_("requester's email"))
    message = EncryptedTextField(_("what the person wrote"), blank=True)
    filed_at = models.DateTimeField(_("filed at"))
    # When the deadline starts: at filing for staff intake, once the address
    # is verified for the public page.
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=24, choices=RequestState.choices)
    due_on = models.DateField(_("due on"), null=True, blank=True)

    # Address verification (public page): only the token's SHA-256 is stored.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    subjects = models.ManyToManyField(DataSubject, related_name="+", blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)

    extension_months = models.PositiveSmallIntegerField(_("extension (months)"), default=0)
    extension_reason = EncryptedTextField(_("reason for the extension"), blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)

    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilment = models.CharField(max_length=200, blank=True)  # what was done, no value
    answer = EncryptedTextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.BigIntegerField(null=True, blank=True, help_text="user id")

    class Meta(EncryptedModel.Meta):
        ordering = ["-filed_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "state", "due_on"], name="privacy_req_due"),
        ]

    class Privacy:
        subject = "subjects"
        retention = retention.RIGHTS_REQUESTS
        retention_start = "filed_at"
        fields = {
            "requester_email": _personal(
                Category.IDENTITY, "The address the request came from, to answer it."
            ),
            "message": _personal(Category.OTHER, "What the person wrote with the request."),
            "extension_reason": _personal(
                Category.OTHER, "Why the deadline was extended (told to the person)."
            ),
            "answer": _personal(Category.OTHER, "The answer or refusal given to the person."),
        }
        not_personal = [
            "kind",
            "channel",
            "filed_at",
            "received_at",
            "state",
            "due_on",
            "token_hash",  # a hash of a random token, not of any value about the person
            "token_expires_at",
            "verified_at",
            "matched_at",
            "extension_months",
            "extended_at",
            "fulfilled_at",
            "fulfilment",
            "answered_at",
            "recorded_by",
        ]

    def __str__(self) -> str:
        return f"rights request #{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES

    @property
    def is_paused(self) -> bool:
        return self.state == RequestState.AWAITING_IDENTITY


class RequestPause(TenantModel):
    """A period the deadline stood still while identity proof was awaited."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["started_at", "pk"]

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        not_personal: list = []

    def __str__(self) -> str:
        return f"pause of request #{self.request_id}"


def _document_path(instance, filename: str) -> str:
    # Never the person's file name: it may carry their name.
    return f"rights-requests/{instance.organisation_id}/{secrets.token_hex(16)}"


class IdentityDocumentBase(TenantModel):
    """A copy of an identity document sent with a request, in ``default_storage``.

    Kept one year from its receipt (three for an objection, the suppression
    list's length): two models, one per retention rule, so the sweep deletes
    them from their declaration alone."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to=_document_path, max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField()

    class Meta(TenantModel.Meta):
        abstract = True
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"identity document of request #{self.request_id}"


_DOCUMENT = Personal(
    Category.IDENTITY,
    [Purpose.RIGHTS_REQUESTS],
    OnErasure.DELETE,
    notes="A copy of an identity document, asked only on reasonable doubt.",
)


# The documents are reached through their request, not listed among the
# person's holdings: the access export gives the data, not the copy of the
# identity card the person sent; the sweep deletes them at the end of their
# retention whoever they were about.
class IdentityDocument(IdentityDocumentBase):
    class Privacy:
        subject = None
        retention = retention.RIGHTS_REQUEST_IDENTITY_DOCUMENT
        retention_start = "received_at"
        fields = {"file": _DOCUMENT}
        not_personal = ["content_type", "received_at"]


class ObjectionIdentityDocument(IdentityDocumentBase):
    class Privacy:
        subject = None
        retention = retention.OBJECTION_IDENTITY_DOCUMENT
        retention_start = "received_at"
        fields = {"file": _DOCUMENT}
        not_personal = ["content_type", "received_at"]


class RequestDesk(TenantModel):
    """The organisation's rights-request desk: the unguessable slug of its public
    page, and the day its privacy contact was last reminded of deadlines."""

    slug = models.CharField(max_length=32, unique=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="one_request_desk_per_org")
        ]

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        not_personal = ["slug", "reminded_on"]

    def __str__(self) -> str:
        return f"request desk of org {self.organisation_id}"

    @staticmethod
    def new_slug() -> str:
        return secrets.token_urlsafe(18)  # 144 bits, 24 characters
