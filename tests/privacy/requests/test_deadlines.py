"""One calendar month from receipt, two more at most when told within the first
month, and the clock stopped while identity proof is awaited."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from comptoir.audit.services import Actor
from comptoir.privacy.requests import deadlines, services
from comptoir.privacy.requests.models import RequestPause, RequestState
from tests.privacy.requests.conftest import recorded


def at_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, tzinfo=UTC)  # 12:00 in Paris in winter


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2027, 1, 15), date(2027, 2, 15)),
        (date(2027, 3, 31), date(2027, 4, 30)),
        (date(2027, 12, 31), date(2028, 1, 31)),
    ],
)
def test_one_calendar_month_from_receipt(received, due):
    assert deadlines.due_on(received_at=at_noon(received)) == due


def test_the_day_of_receipt_is_the_day_in_paris():
    # 23:30 UTC on 31 January is already 1 February in Paris.
    late_evening = datetime(2027, 1, 31, 23, 30, tzinfo=UTC)
    assert deadlines.due_on(received_at=late_evening) == date(2027, 3, 1)


def test_an_extension_counts_from_receipt_and_is_two_months_at_most():
    received = at_noon(date(2027, 1, 31))
    assert deadlines.due_on(received_at=received, extension_months=1) == date(2027, 3, 31)
    assert deadlines.due_on(received_at=received, extension_months=2) == date(2027, 4, 30)
    with pytest.raises(ValueError, match="one or two months"):
        deadlines.due_on(received_at=received, extension_months=3)


def test_paused_days_move_the_due_date():
    received = at_noon(date(2027, 1, 31))
    pauses = [(at_noon(date(2027, 2, 3)), at_noon(date(2027, 2, 13)))]
    paused = deadlines.paused_days(pauses, today=date(2027, 3, 1))
    assert paused == 10
    assert deadlines.due_on(received_at=received, paused=paused) == date(2027, 3, 10)
    # a pause still running counts up to today
    running = [(at_noon(date(2027, 2, 3)), None)]
    assert deadlines.paused_days(running, today=date(2027, 2, 8)) == 5


def test_an_extension_within_the_first_month_is_recorded_and_told(
    world, django_capture_on_commit_callbacks
):
    with time_machine.travel(at_noon(date(2027, 1, 31)), tick=False):
        request = recorded(world)
    assert request.due_on == date(2027, 2, 28)
    with time_machine.travel(at_noon(date(2027, 2, 28)), tick=False):  # the last day
        extended = services.request_extend(
            actor=Actor.user(world.member("owner").pk),
            rights_request=request,
            months=2,
            reason="Plusieurs milliers de pièces à rassembler.",
        )
    assert extended.state == RequestState.EXTENDED
    assert extended.due_on == date(2027, 4, 30)
    assert extended.extension_reason == "Plusieurs milliers de pièces à rassembler."


def test_an_extension_after_the_first_month_is_refused_with_a_clear_message(world):
    with time_machine.travel(at_noon(date(2027, 1, 31)), tick=False):
        request = recorded(world)
    with (
        time_machine.travel(at_noon(date(2027, 3, 1)), tick=False),
        pytest.raises(ValidationError) as refused,
    ):
        services.request_extend(
            actor=Actor.user(world.member("owner").pk),
            rights_request=request,
            months=1,
            reason="Trop tard.",
        )
    assert refused.value.error_list[0].code == "late"
    assert "2027-02-28" in refused.value.messages[0]
    request.refresh_from_db()
    assert request.state == RequestState.OPEN and request.due_on == date(2027, 2, 28)
    assert request.extension_months == 0


@pytest.mark.parametrize(("months", "reason"), [(3, "x"), (0, "x"), (1, "  ")])
def test_a_bad_extension_is_refused_and_changes_nothing(world, months, reason):
    request = recorded(world)
    with pytest.raises(ValidationError):
        services.request_extend(
            actor=Actor.system(), rights_request=request, months=months, reason=reason
        )
    request.refresh_from_db()
    assert request.state == RequestState.OPEN and request.extension_months == 0


def test_the_clock_stops_while_identity_proof_is_awaited(world):
    actor = Actor.user(world.member("owner").pk)
    with time_machine.travel(at_noon(date(2027, 1, 10)), tick=False):
        request = recorded(world)
    assert request.due_on == date(2027, 2, 10)
    with time_machine.travel(at_noon(date(2027, 1, 20)), tick=False):
        request = services.request_identity_ask(
            actor=actor, rights_request=request, note="Une copie d'une pièce d'identité."
        )
    assert request.state == RequestState.AWAITING_IDENTITY
    with time_machine.travel(at_noon(date(2027, 2, 1)), tick=False):
        request = services.request_identity_received(actor=actor, rights_request=request)
    assert request.state == RequestState.OPEN
    assert request.due_on == date(2027, 2, 22)  # 12 paused days
    (pause,) = RequestPause.objects.of(world.org_a).filter(request=request)
    assert pause.ended_at is not None
    # the paused days also push back the last day an extension may be decided
    with time_machine.travel(at_noon(date(2027, 2, 20)), tick=False):
        extended = services.request_extend(
            actor=actor, rights_request=request, months=1, reason="Volume."
        )
    assert extended.due_on == date(2027, 3, 22)


def test_identity_proof_can_only_be_received_while_awaited(world):
    request = recorded(world)
    with pytest.raises(ValidationError) as refused:
        services.request_identity_received(actor=Actor.system(), rights_request=request)
    assert refused.value.error_list[0].code == "state"


def test_a_request_received_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        recorded(world, received_at=datetime.now(UTC) + timedelta(days=2))
    assert "received_at" in refused.value.message_dict
