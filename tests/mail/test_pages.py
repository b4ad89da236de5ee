"""The pages that send mail answer normally whatever the SMTP server does, and the
outbox is read by whom it concerns: owners and admins their organisation's
messages (never an account link's body), each person their own account mails,
operator staff the system ones."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from comptoir.core.mailabout import mail_about
from comptoir.mail import tasks
from comptoir.mail.models import ErrorKind, Message, MessageState
from comptoir.tenancy.models import Membership
from tests.factories import UserFactory

NEW_MEMBER = "nouvelle.recrue@example.test"


def sweep_when_due(message: Message) -> None:
    """Run the sweep twice once the message's next attempt is due."""
    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        tasks.mail_sweep.call()
        tasks.mail_sweep.call()


def only_message() -> Message:
    (message,) = Message.across_organisations.all()
    return message


def test_adding_a_member_with_the_server_down_answers_and_delivers_once_back(
    world, ui_as, smtp, immediate_tasks, django_capture_on_commit_callbacks
):
    client = ui_as("owner")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/members/", {"email": NEW_MEMBER, "role": "sales"}, follow=True)
    assert response.status_code == 200
    assert "Le membre a été ajouté." in response.content.decode()
    added = Membership.objects.of(world.org_a).exclude(user__in=world.members.values()).get()
    assert added.role == "sales"
    user = added.user
    invitation = only_message()
    assert invitation.organisation_id == world.org_a.pk
    assert invitation.recipient_user_id == user.pk and invitation.confidential
    assert invitation.state == MessageState.QUEUED and invitation.attempts == 1
    assert invitation.last_error == ErrorKind.CONNECTION

    smtp.start()
    sweep_when_due(invitation)
    (received,) = smtp.inbox.to(NEW_MEMBER)
    assert len(smtp.inbox.messages) == 1
    assert re.search(rb"/accounts/password/reset/key/\S+", received.content)
    assert only_message().state == MessageState.SENT


@pytest.mark.django_db
def test_password_reset_with_the_server_down_answers_and_delivers_once_back(
    smtp, immediate_tasks, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    reset = only_message()
    assert reset.organisation_id is None and reset.recipient_user_id == user.pk
    assert reset.state == MessageState.QUEUED and reset.last_error == ErrorKind.CONNECTION

    smtp.start()
    sweep_when_due(reset)
    (received,) = smtp.inbox.messages
    assert received.recipients == [user.email]
    assert re.search(rb"/accounts/password/reset/key/\S+", received.content)


@pytest.fixture
def outbox(world, smtp, django_capture_on_commit_callbacks):
    """An invitation (org A, confidential), a quote mail of org A (not confidential),
    a password reset of org A's sales member (system), a mail of org B."""
    from django.core import mail

    sales = world.member("sales")
    with mail_about(organisation_id=world.org_a.pk, recipient_user_id=sales.pk):
        mail.send_mail("Invitation A", "lien secret invitation", None, [sales.email])
    with mail_about(organisation_id=world.org_a.pk, confidential=False):
        mail.send_mail("Devis A", "corps du devis", None, ["client@example.test"])
    with mail_about(recipient_user_id=sales.pk):
        mail.send_mail("Réinitialisation", "lien secret reset", None, [sales.email])
    with mail_about(organisation_id=world.org_b.pk, confidential=False):
        mail.send_mail("Devis B", "corps B", None, ["client-b@example.test"])
    return {m.subject: m for m in Message.across_organisations.all()}


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_owners_and_admins_see_their_organisations_messages_and_states(world, ui_as, outbox, role):
    client = ui_as(role)
    page = client.get("/mail/")
    assert page.status_code == 200
    listed = {m.subject for m in page.context["page"]}
    assert listed == {"Invitation A", "Devis A"}
    html = page.content.decode()
    assert "En file d’attente" in html

    quote = client.get(f"/mail/{outbox['Devis A'].pk}/")
    assert quote.status_code == 200 and "corps du devis" in quote.content.decode()
    invitation = client.get(f"/mail/{outbox['Invitation A'].pk}/")
    assert invitation.status_code == 200
    assert "lien secret invitation" not in invitation.content.decode()
    assert 'id="message-body-withheld"' in invitation.content.decode()
    # Another user's account mail and another organisation's mail: not found.
    assert client.get(f"/mail/{outbox['Réinitialisation'].pk}/").status_code == 404
    assert client.get(f"/mail/{outbox['Devis B'].pk}/").status_code == 404


@pytest.mark.parametrize("role", ["sales", "accountant", "support", "auditor"])
def test_other_roles_see_only_mail_addressed_to_themselves(world, ui_as, outbox, role):
    client = ui_as(role)
    listed = {m.subject for m in client.get("/mail/").context["page"]}
    own = {"Invitation A", "Réinitialisation"} if role == "sales" else set()
    assert listed == own
    assert client.get(f"/mail/{outbox['Devis A'].pk}/").status_code == 404


def test_a_person_reads_their_own_account_mail(world, ui_as, outbox):
    client = ui_as("sales")
    page = client.get(f"/mail/{outbox['Réinitialisation'].pk}/")
    assert "lien secret reset" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")


def test_operator_staff_read_system_messages_only(world, outbox):
    staff = UserFactory(is_staff=True)
    client = Client()
    client.force_login(staff)
    listed = {m.subject for m in client.get("/mail/").context["page"]}
    assert listed == {"Réinitialisation"}
    page = client.get(f"/mail/{outbox['Réinitialisation'].pk}/")
    assert "lien secret reset" in page.content.decode()
    assert client.get(f"/mail/{outbox['Devis A'].pk}/").status_code == 404


def test_retry_now_is_offered_to_owners_for_failed_messages_and_sends_it(
    world, ui_as, outbox, immediate_tasks, smtp, django_capture_on_commit_callbacks
):
    quote = outbox["Devis A"]
    Message.across_organisations.filter(pk=quote.pk).update(
        state=MessageState.FAILED, attempts=8, last_error=ErrorKind.CONNECTION
    )
    assert ui_as("sales").post(f"/mail/{quote.pk}/retry/").status_code == 404
    owner = ui_as("owner")
    assert 'id="retry"' in owner.get(f"/mail/{quote.pk}/").content.decode()
    smtp.start()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(f"/mail/{quote.pk}/retry/")
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.state == MessageState.SENT
    assert [m.recipients for m in smtp.inbox.messages] == [["client@example.test"]]
    # A sent message offers no retry, and a retry posted anyway sends nothing.
    assert 'id="retry"' not in owner.get(f"/mail/{quote.pk}/").content.decode()
    owner.post(f"/mail/{quote.pk}/retry/")
    assert len(smtp.inbox.messages) == 1


def test_the_outbox_link_shows_for_owners_and_admins_only(world, ui_as):
    assert 'href="/mail/"' in ui_as("owner").get("/").content.decode()
    assert 'href="/mail/"' not in ui_as("sales").get("/").content.decode()
