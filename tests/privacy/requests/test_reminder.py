"""The daily task mails each organisation's privacy contact the requests due
within 7 days or late: ids, types and due dates, nothing about the people;
once a day; and it deletes the public requests never confirmed."""

import email
from datetime import UTC, date, datetime

import time_machine
from faker import Faker

from comptoir.ops.schedule import SCHEDULE
from comptoir.privacy.requests import services, tasks
from comptoir.privacy.requests.models import RequestState, RightsRequest
from tests.privacy.requests.conftest import recorded

fake = Faker("fr_FR")


def at(day: date, hour: int = 5) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def text_of(received) -> str:
    message = email.message_from_bytes(received.content)
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def test_the_task_is_scheduled_daily():
    (entry,) = [p for p in SCHEDULE if p.task.endswith("rights_requests_daily")]
    assert entry.cron.split()[2:] == ["*", "*", "*"]


def test_the_privacy_contact_is_reminded_of_requests_due_within_7_days_or_late(
    world, smtp, immediate_tasks, django_capture_on_commit_callbacks
):
    smtp.start()
    addresses = [fake.email() for _ in range(4)]
    with time_machine.travel(at(date(2027, 1, 4), 10), tick=False):
        late = recorded(world, email=addresses[0])  # due 4 February
    with time_machine.travel(at(date(2027, 1, 15), 10), tick=False):
        soon = recorded(world, email=addresses[1])  # due 15 February
        later = recorded(world, email=addresses[2], received_at=at(date(2027, 1, 14)))
    with time_machine.travel(at(date(2027, 2, 1), 10), tick=False):
        far = recorded(world, email=addresses[3])  # due 1 March
        services.request_answer(
            actor=services.Actor.system(),
            rights_request=recorded(world, received_at=at(date(2027, 1, 2))),
            answer="Réponse.",
        )
        assert later.due_on == date(2027, 2, 14)
    smtp.inbox.messages.clear()
    with (
        time_machine.travel(at(date(2027, 2, 9)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outcome = tasks.rights_requests_daily.call()
    assert outcome["reminded"] == 1
    (mail,) = smtp.inbox.messages
    assert mail.recipients == [world.org_a.privacy_contact_email]
    body = text_of(mail)
    for row in (late, soon, later):
        assert f"#{row.pk} " in body
    assert f"#{far.pk} " not in body
    assert "5" in body  # late by 5 days
    for address in addresses:
        assert address not in body
    # a second run the same day mails nobody
    with (
        time_machine.travel(at(date(2027, 2, 9), 17), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.rights_requests_daily.call()["reminded"] == 0
    assert len(smtp.inbox.messages) == 1
    # the next day it does again
    with (
        time_machine.travel(at(date(2027, 2, 10)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.rights_requests_daily.call()["reminded"] == 1


def test_an_organisation_with_nothing_due_gets_no_mail(world, smtp, immediate_tasks):
    smtp.start()
    with time_machine.travel(at(date(2027, 1, 4), 10), tick=False):
        recorded(world)
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        assert tasks.rights_requests_daily.call() == {"reminded": 0, "purged": 0}
    assert smtp.inbox.messages == []


def test_unconfirmed_public_requests_are_deleted_when_their_link_expires(world):
    with time_machine.travel(at(date(2027, 1, 4), 10), tick=False):
        services.request_file_public(
            actor=services.Actor.system(),
            organisation=world.org_a,
            kind="access",
            email=fake.email(),
            message="",
            link=lambda token: f"https://example.test/{token}/",
        )
        kept = recorded(world)
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        assert tasks.rights_requests_daily.call()["purged"] == 0
    with time_machine.travel(at(date(2027, 1, 12)), tick=False):
        assert tasks.rights_requests_daily.call()["purged"] == 1
    assert list(RightsRequest.objects.of(world.org_a)) == [kept]
    assert kept.state == RequestState.OPEN
