"""How a message leaves: the transport it is sent through, the Django message a
row holds, what a sending error is called and when a failed message is tried
again. Pure helpers of ``services`` (they change nothing)."""

import base64
import json
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives

from comptoir.mail.models import ErrorKind, Message

FIRST_RETRY = timedelta(minutes=1)  # then doubling: 1, 2, 4 ... 64 minutes
LONGEST_WAIT = timedelta(hours=6)


def transport_path() -> str:
    """The Django mail backend messages are sent through; "" keeps them in the outbox."""
    path = settings.MAIL_TRANSPORT
    if path and path == settings.EMAIL_BACKEND:
        raise ImproperlyConfigured("COMPTOIR_EMAIL_BACKEND must not be the outbox itself")
    return path


def retry_delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failed attempt a message is tried again."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def email_of(message: Message) -> EmailMultiAlternatives:
    """The Django message a row holds, as it was given to the outbox."""
    lists = message.recipient_lists
    parts = json.loads(message.parts) if message.parts else {}
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=message.sender,
        to=lists.get("to", []),
        cc=lists.get("cc", []),
        bcc=lists.get("bcc", []),
        reply_to=lists.get("reply_to", []),
        headers=parts.get("headers", {}),
    )
    for content, mimetype in parts.get("alternatives", []):
        email.attach_alternative(content, mimetype)
    for filename, content, mimetype in parts.get("attachments", []):
        email.attach(filename or None, base64.b64decode(content), mimetype)
    return email


def error_kind(exc: BaseException) -> tuple[str, bool]:
    """(kind, permanent) of a sending error: a fixed code, never the server's words."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return ErrorKind.RECIPIENTS_REFUSED, True
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return ErrorKind.SENDER_REFUSED, exc.smtp_code >= 500
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return ErrorKind.AUTHENTICATION, False
    if isinstance(exc, smtplib.SMTPResponseException):
        return ErrorKind.SMTP, exc.smtp_code >= 500
    if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
        return ErrorKind.CONNECTION, False
    if isinstance(exc, smtplib.SMTPException):
        return ErrorKind.SMTP, False
    return ErrorKind.OTHER, False
