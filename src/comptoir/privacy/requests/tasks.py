"""The daily work of rights requests (``ops.schedule``): remind each
organisation's privacy contact of the requests due within 7 days or late, and
delete public requests whose confirmation link expired unused. Idempotent: a
second run the same day mails nobody again."""

from django.utils import timezone
from django_tasks import task

from comptoir.privacy.requests import deadlines, selectors, services
from comptoir.tenancy.models import Organisation


@task()
def rights_requests_daily() -> dict:
    today = deadlines.local_day(timezone.now())
    purged = services.requests_unverified_purge()
    reminded = 0
    for org_id in selectors.organisations_with_due_requests(today=today):
        organisation = Organisation.objects.get(pk=org_id)
        if services.deadline_reminder_send(organisation=organisation, today=today):
            reminded += 1
    return {"reminded": reminded, "purged": purged}
