"""The outbox: every message Comptoir sends is a row, sent by a task.

A row keeps the message as Django's email API was given it (sender,
recipients, subject, body, and the rest: alternatives, attachments,
headers), encrypted; its state (queued, sending, sent, failed, or kept
locally when no mail server is configured); how many attempts were made and
the kind of the last error (a fixed code, never the server's answer, which
can quote an address). ``services`` changes it, ``tasks`` sends it.
"""

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.mail.fields import OutboxTextField
from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.models import EncryptedModel

MAIL_PURPOSES = (Purpose.CONTRACT_MANAGEMENT, Purpose.SECURITY)


def _personal(category: Category) -> Personal:
    return Personal(category, MAIL_PURPOSES, OnErasure.DELETE, encrypted=True)


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    LOCAL = "local", _("Kept in the outbox (no mail server)")


class ErrorKind(models.TextChoices):
    CONNECTION = "connection", _("The mail server could not be reached")
    AUTHENTICATION = "authentication", _("The mail server refused Comptoir's credentials")
    RECIPIENTS_REFUSED = "recipients_refused", _("The mail server refused the recipients")
    SENDER_REFUSED = "sender_refused", _("The mail server refused the sender")
    SMTP = "smtp", _("The mail server answered with an error")
    INTERRUPTED = "interrupted", _("Sending was interrupted; not retried, to never send twice")
    OTHER = "other", _("Unexpected error")


class Message(EncryptedModel):
    # Overrides TenantModel's: a system message (password reset, email
    # confirmation) belongs to no organisation.
    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The account the message is addressed to, when the sender said so
    # (``core.mailabout``): that user may read it.
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confidential = models.BooleanField(
        default=True, help_text="holds an account link: body readable by its recipient only"
    )
    state = models.CharField(max_length=10, choices=MessageState.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=20, choices=ErrorKind.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="sent, failed for good, or kept: retention runs from here"
    )

    sender = OutboxTextField(blank=True)
    recipients = OutboxTextField()  # JSON: {"to": [...], "cc": [...], "bcc": [...], ...}
    subject = OutboxTextField(blank=True)
    body = OutboxTextField(blank=True)
    parts = OutboxTextField(blank=True)  # JSON: alternatives, attachments, extra headers

    class Meta(EncryptedModel.Meta):
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="mail_state_next"),
            models.Index(fields=["organisation", "-created_at"], name="mail_org_created"),
        ]

    class Privacy:
        subject = "recipient_user"
        # Sent messages go after OUTBOX_SENT; failed ones and those kept
        # locally after OUTBOX_UNSENT (``services.messages_purge``).
        retention = retention.OUTBOX_SENT
        fields = {
            "sender": _personal(Category.IDENTITY),
            "recipients": _personal(Category.IDENTITY),
            "subject": _personal(Category.COMMERCIAL),
            "body": _personal(Category.COMMERCIAL),
            "parts": _personal(Category.COMMERCIAL),
        }
        not_personal = ["state", "last_error"]

    def __str__(self) -> str:
        return f"message {self.pk} ({self.state})"

    @property
    def recipient_lists(self) -> dict[str, list[str]]:
        return json.loads(self.recipients or "{}")

    @property
    def to_display(self) -> str:
        lists = self.recipient_lists
        return ", ".join(lists.get("to", []) + lists.get("cc", []) + lists.get("bcc", []))
