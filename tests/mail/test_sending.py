"""Every message goes through the outbox and reaches a real SMTP server (aiosmtpd),
whatever the server does meanwhile; a message is never sent twice."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from comptoir.core.mailabout import mail_about
from comptoir.mail import services, tasks, transport
from comptoir.mail.models import ErrorKind, Message, MessageState


def rows():
    return list(Message.across_organisations.order_by("pk"))


def send_one(to="destinataire@example.test", subject="Bonjour", body="Le corps du message"):
    return mail.send_mail(subject, body, None, [to])


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db
def test_a_message_is_queued_then_delivered(
    smtp, immediate_tasks, django_capture_on_commit_callbacks
):
    smtp.start()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_one(subject="Votre devis") == 1
        # Queued within the caller's transaction; nothing sent before it commits.
        (queued,) = rows()
        assert queued.state == MessageState.QUEUED and smtp.inbox.messages == []
    (sent,) = rows()
    assert sent.state == MessageState.SENT and sent.attempts == 1 and sent.sent_at
    (received,) = smtp.inbox.messages
    assert received.recipients == ["destinataire@example.test"]
    assert b"Subject: Votre devis" in received.content
    assert b"Le corps du message" in received.content


@pytest.mark.django_db
def test_html_alternatives_and_attachments_go_out_as_given(
    smtp, immediate_tasks, django_capture_on_commit_callbacks
):
    smtp.start()
    email = mail.EmailMultiAlternatives(
        "Facture", "texte", None, ["client@example.test"], cc=["copie@example.test"]
    )
    email.attach_alternative("<p>html</p>", "text/html")
    email.attach("facture.pdf", b"%PDF-1.7 fake", "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        email.send()
    (received,) = smtp.inbox.messages
    assert sorted(received.recipients) == ["client@example.test", "copie@example.test"]
    assert b"text/html" in received.content and b'filename="facture.pdf"' in received.content


def test_server_down_then_back_the_worker_sends_it_exactly_once(smtp, transactional_db):
    # Committed for real: the worker (Django's db_worker) closes its connection.
    send_one()
    run_worker()  # the server is down: a failed attempt, retried later
    (waiting,) = rows()
    assert waiting.state == MessageState.QUEUED
    assert waiting.attempts == 1 and waiting.last_error == ErrorKind.CONNECTION
    assert waiting.next_attempt_at > timezone.now()
    run_worker()  # not due yet: nothing happens
    assert rows()[0].attempts == 1

    smtp.start()
    with time_machine.travel(waiting.next_attempt_at + timedelta(seconds=1)):
        run_worker()
        run_worker()
        tasks.mail_sweep.call()
        services.message_send(message_id=waiting.pk)
    (sent,) = rows()
    assert sent.state == MessageState.SENT and sent.attempts == 2 and sent.last_error == ""
    assert len(smtp.inbox.messages) == 1


@pytest.mark.django_db
def test_retries_back_off_then_give_up_and_a_person_may_retry(smtp, immediate_tasks):
    with mail_about(organisation_id=None):
        send_one()
    (message,) = rows()
    moment = timezone.now()
    delays = []
    for _attempt in range(services.MAX_ATTEMPTS):
        outcome = services.message_send(message_id=message.pk, now=moment)
        if outcome.retry_at:
            delays.append(outcome.retry_at - moment)
            moment = outcome.retry_at
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.attempts == services.MAX_ATTEMPTS
    assert delays == sorted(delays) and delays[0] == transport.FIRST_RETRY
    assert services.message_send(message_id=message.pk).state == MessageState.FAILED

    smtp.start()
    from comptoir.audit.services import Actor

    services.message_retry(actor=Actor.system(), message=message)
    assert services.message_send(message_id=message.pk).sent_now
    assert len(smtp.inbox.messages) == 1


@pytest.mark.django_db
def test_a_send_interrupted_midway_is_never_sent_again(smtp):
    smtp.start()
    send_one()
    (message,) = rows()
    # A worker claimed it, then died before recording the outcome.
    Message.across_organisations.filter(pk=message.pk).update(
        state=MessageState.SENDING, attempts=1, last_attempt_at=timezone.now()
    )
    assert services.message_send(message_id=message.pk).state == MessageState.SENDING
    with time_machine.travel(timezone.now() + services.STUCK_AFTER + timedelta(minutes=1)):
        result = tasks.mail_sweep.call()
    assert result["interrupted"] == 1
    message.refresh_from_db()
    assert message.state == MessageState.FAILED
    assert message.last_error == ErrorKind.INTERRUPTED
    assert smtp.inbox.messages == []


@pytest.mark.django_db
def test_a_refused_recipient_fails_at_once_without_quoting_the_server(smtp, immediate_tasks):
    class Refusing(type(smtp.inbox)):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
            return f"550 no such user {address}"

    smtp.inbox = Refusing()
    smtp.start()
    send_one(to="inconnu@example.test")
    (message,) = rows()
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.attempts == 1
    assert message.last_error == ErrorKind.RECIPIENTS_REFUSED


@pytest.mark.django_db
def test_without_a_mail_server_messages_stay_in_the_local_outbox(settings, immediate_tasks):
    settings.EMAIL_BACKEND = "comptoir.mail.backend.OutboxBackend"
    settings.MAIL_TRANSPORT = ""
    send_one(subject="Gardé ici")
    (kept,) = rows()
    assert kept.state == MessageState.LOCAL and kept.attempts == 0
    assert kept.finished_at is not None
    assert services.message_send(message_id=kept.pk).state == MessageState.LOCAL


def test_the_default_settings_keep_mail_local_and_use_the_outbox():
    from django.conf import settings

    from comptoir import settings as comptoir_settings

    assert comptoir_settings.EMAIL_BACKEND == "comptoir.mail.backend.OutboxBackend"
    if not comptoir_settings.EMAIL_HOST:
        assert comptoir_settings.MAIL_TRANSPORT == ""
    assert settings.EMAIL_TIMEOUT


@pytest.mark.django_db
def test_each_change_of_a_message_is_journalled_without_its_content(smtp, immediate_tasks):
    from comptoir.audit.models import Action, AuditEvent
    from comptoir.audit.services import Actor

    def journal(message):
        return list(
            AuditEvent.objects.filter(object_type="mail.message", object_id=str(message.pk))
            .order_by("seq")
            .values_list("action", "fields", "actor_user_id")
        )

    send_one(subject="Journal")
    (message,) = rows()
    services.message_send(message_id=message.pk)  # server down: back to queued
    Message.across_organisations.filter(pk=message.pk).update(state=MessageState.FAILED)
    services.message_retry(actor=Actor.user(7), message=message)
    Message.across_organisations.filter(pk=message.pk).update(
        state=MessageState.SENDING, last_attempt_at=timezone.now() - timedelta(hours=1)
    )
    services.messages_unstick()
    assert journal(message) == [
        (Action.CREATE, sorted(services.ENCRYPTED_FIELDS + ["state"]), None),
        (Action.UPDATE, ["state"], None),
        (Action.UPDATE, ["state"], 7),
        (Action.UPDATE, ["state"], None),
    ]
