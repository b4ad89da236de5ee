"""The outbox is personal data: declared, encrypted at rest (under the
organisation's key, or a key derived from the master key for system
messages), and purged past its retention, each deletion journalled."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from comptoir.audit.models import Action, AuditEvent
from comptoir.core.mailabout import mail_about
from comptoir.mail import services
from comptoir.mail.models import Message, MessageState
from comptoir.privacy import crypto, retention
from comptoir.privacy.declarations import Category
from comptoir.privacy.registry import registry
from tests.raw_storage import raw_database

SECRET_LINK = "https://comptoir.example/accounts/password/reset/key/zz-9tokenXYZ"


@pytest.fixture
def local_outbox(settings):
    settings.EMAIL_BACKEND = "comptoir.mail.backend.OutboxBackend"
    settings.MAIL_TRANSPORT = ""


def test_the_outbox_is_declared_personal_with_its_retention():
    declaration = registry.for_model(Message)
    assert declaration.retention is retention.OUTBOX_SENT
    assert {"sender", "recipients", "subject", "body", "parts"} == set(declaration.fields)
    assert all(p.encrypted for p in declaration.fields.values())
    assert declaration.fields["recipients"].category == Category.IDENTITY
    assert registry.undeclared(Message) == []
    assert retention.OUTBOX_UNSENT in retention.ALL_RULES


def test_recipients_subjects_and_bodies_are_encrypted_at_rest(world, local_outbox):
    with mail_about(organisation_id=world.org_a.pk, confidential=False):
        mail.send_mail(
            "Sujet-Organisation-Qwerty",
            "corps-organisation-azerty",
            None,
            ["marie.organisation@example.test"],
        )
    mail.send_mail(
        "Sujet-Systeme-Uiop", f"Votre lien : {SECRET_LINK}", None, ["jean.systeme@example.test"]
    )
    organisation_message, system_message = Message.across_organisations.order_by("pk")
    assert organisation_message.organisation_id == world.org_a.pk
    assert system_message.organisation_id is None
    stored = raw_database(Message)
    for clear in (
        b"Sujet-Organisation-Qwerty", b"corps-organisation-azerty",
        b"marie.organisation@example.test", b"Sujet-Systeme-Uiop", b"zz-9tokenXYZ",
        b"jean.systeme@example.test",
    ):  # fmt: skip
        assert clear not in stored, clear
    fresh = Message.across_organisations.get(pk=system_message.pk)
    assert SECRET_LINK in fresh.body and fresh.to_display == "jean.systeme@example.test"
    assert Message.across_organisations.get(pk=organisation_message.pk).subject == (
        "Sujet-Organisation-Qwerty"
    )


def test_a_value_moved_between_rows_does_not_decrypt(world, local_outbox):
    mail.send_mail("Un", "premier", None, ["un@example.test"])
    mail.send_mail("Deux", "second", None, ["deux@example.test"])
    with mail_about(organisation_id=world.org_a.pk):
        mail.send_mail("Trois", "troisième", None, ["trois@example.test"])
    first, second, third = Message.across_organisations.order_by("pk")
    sealed = Message.across_organisations.filter(pk=first.pk).values_list("body", flat=True)[0]
    Message.across_organisations.filter(pk=second.pk).update(body=bytes(sealed))
    with pytest.raises(crypto.DecryptionError):
        _ = Message.across_organisations.get(pk=second.pk).body
    # A system value moved into an organisation's row does not open either.
    Message.across_organisations.filter(pk=third.pk).update(body=bytes(sealed))
    with pytest.raises(crypto.DecryptionError):
        _ = Message.across_organisations.get(pk=third.pk).body


def _message_in(state: str, finished_days_ago: int | None) -> Message:
    mail.send_mail(f"{state} {finished_days_ago}", "corps", None, ["x@example.test"])
    message = Message.across_organisations.order_by("-pk").first()
    finished = (
        None if finished_days_ago is None else timezone.now() - timedelta(days=finished_days_ago)
    )
    Message.across_organisations.filter(pk=message.pk).update(state=state, finished_at=finished)
    return message


@pytest.mark.django_db
def test_purge_deletes_past_retention_only_and_journals_each(local_outbox):
    sent_days = retention.OUTBOX_SENT.duration.days
    unsent_days = retention.OUTBOX_UNSENT.duration.days
    gone = [
        _message_in(MessageState.SENT, sent_days + 1),
        _message_in(MessageState.FAILED, unsent_days + 1),
        _message_in(MessageState.LOCAL, unsent_days + 1),
    ]
    kept = [
        _message_in(MessageState.SENT, sent_days - 1),
        _message_in(MessageState.FAILED, sent_days + 1),
        _message_in(MessageState.LOCAL, unsent_days - 1),
        _message_in(MessageState.QUEUED, None),
    ]
    out = StringIO()
    call_command("mail", "purge", stdout=out)
    assert out.getvalue().strip() == "purged 3 messages"
    assert set(Message.across_organisations.values_list("pk", flat=True)) == {m.pk for m in kept}
    deleted = AuditEvent.objects.filter(
        action=Action.DELETE, object_type=services.OBJECT_TYPE
    ).values_list("object_id", flat=True)
    assert sorted(deleted) == sorted(str(m.pk) for m in gone)
    assert services.messages_purge() == 0


@pytest.mark.django_db
def test_the_operator_reads_a_local_message_from_the_command_line(local_outbox):
    mail.send_mail("Réinitialisation", f"Votre lien : {SECRET_LINK}", None, ["a@example.test"])
    message = Message.across_organisations.get()
    out = StringIO()
    call_command("mail", "list", stdout=out)
    assert f"{message.pk}\t" in out.getvalue() and "local" in out.getvalue()
    out = StringIO()
    call_command("mail", "show", str(message.pk), stdout=out)
    assert SECRET_LINK in out.getvalue()
    assert AuditEvent.objects.filter(
        action=Action.READ, object_type=services.OBJECT_TYPE, object_id=str(message.pk)
    ).exists()


def test_organisation_key_rotation_moves_its_messages_and_leaves_system_ones(world, local_outbox):
    from comptoir.privacy.keys import rotate_organisation_key
    from comptoir.privacy.rotation import organisation_reencrypt

    with mail_about(organisation_id=world.org_a.pk, confidential=False):
        mail.send_mail("Avant rotation", "corps A", None, ["a@example.test"])
    mail.send_mail("Système", "corps système", None, ["s@example.test"])
    rotate_organisation_key(world.org_a.pk)
    report = organisation_reencrypt(organisation=world.org_a, models=[Message])
    assert "mail.message.body" in report.fields
    by_subject = {m.subject: m for m in Message.across_organisations.all()}
    assert by_subject["Avant rotation"].body == "corps A"
    assert by_subject["Système"].body == "corps système"
