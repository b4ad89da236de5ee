"""Background sending: tasks take ids, are idempotent and only call services.

``message_send_task`` tries one message; after a transient failure it enqueues
itself again to run when the message is due (``run_after``). ``mail_sweep``
sends whatever is due and was not picked up (a task lost with its worker) and
settles interrupted sends: ``comptoir mail send`` runs it.
"""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from comptoir.mail import selectors, services


def _enqueue(message_id: int, run_after=None) -> None:
    sending = message_send_task
    if run_after is not None and sending.get_backend().supports_defer:
        sending = sending.using(run_after=run_after)
    elif run_after is not None:
        return  # a backend that cannot wait: the sweep sends it when due
    sending.enqueue(message_id=message_id)


@task()
def message_send_task(message_id: int) -> str | None:
    outcome = services.message_send(message_id=message_id)
    if outcome.retry_at is not None and not outcome.sent_now:
        _enqueue(message_id, run_after=outcome.retry_at)
    return outcome.state


def messages_enqueue(message_ids: list[int]) -> None:
    """Send these messages in the background once the current transaction commits."""
    for message_id in message_ids:
        transaction.on_commit(lambda pk=message_id: _enqueue(pk))


@task()
def mail_sweep() -> dict:
    """Send every due message now and settle interrupted ones (``comptoir mail send``)."""
    interrupted = services.messages_unstick()
    states: dict[str, int] = {}
    for message_id in selectors.messages_due(now=timezone.now()):
        state = services.message_send(message_id=message_id).state or "gone"
        states[state] = states.get(state, 0) + 1
    return {"interrupted": interrupted, **states}
