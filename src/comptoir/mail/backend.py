"""Django's ``EMAIL_BACKEND`` for Comptoir: every message goes to the outbox.

Whatever uses ``django.core.mail`` (allauth's password reset and email
confirmation, the member invitation) writes outbox rows within its own
transaction and returns at once; a task sends them once it commits. So no page
waits on, or fails with, the mail server.
"""

from django.core.mail.backends.base import BaseEmailBackend

from comptoir.core.mailabout import current_mail_about
from comptoir.mail import services, tasks
from comptoir.mail.models import MessageState


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        stored = services.messages_queue(messages=list(email_messages), about=current_mail_about())
        tasks.messages_enqueue([m.pk for m in stored if m.state == MessageState.QUEUED])
        return len(stored)
