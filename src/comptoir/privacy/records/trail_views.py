"""The DPO's page about one person: who read, exported or changed anything
about them, when and from where (``audit.selectors.subject_trail``), the
recipients their data went to (art. 19) and the action that notifies them.

Reading it is journalled (a READ of the person's ``DataSubject``, naming them).
The page is the privacy contact's (``PRIVACY_MANAGE``): it lists the
recipients' addresses and sends mail, beyond what an auditor reads.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from comptoir.accounts.selectors import user_names
from comptoir.audit.reads import record_read
from comptoir.audit.selectors import subject_trail_events, trail_entries
from comptoir.core.http import request_actor
from comptoir.privacy.models import DataSubject
from comptoir.privacy.records import disclosures
from comptoir.tenancy.roles import Permission
from comptoir.web.views import permission_required

PAGE_SIZE = 50
CHANGES = (
    (disclosures.Change.RECTIFICATION, gettext_lazy("Rectification")),
    (disclosures.Change.ERASURE, gettext_lazy("Erasure")),
    (disclosures.Change.RESTRICTION, gettext_lazy("Restriction")),
)


def _subject(request, subject_uuid) -> DataSubject:
    try:
        return disclosures.subject_get(organisation=request.organisation, uuid=subject_uuid)
    except DataSubject.DoesNotExist as exc:
        raise Http404 from exc


@never_cache
@require_GET
@permission_required(Permission.PRIVACY_MANAGE)
def subject_trail(request, subject_uuid):
    subject = _subject(request, subject_uuid)
    events = subject_trail_events(organisation=request.organisation, subject=subject)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    entries = trail_entries(rows, who=user_names(user_ids={e.actor_user_id for e in rows}))
    recipients = disclosures.recipients_to_notify(
        organisation=request.organisation, subject=subject
    )
    record_read(
        request,
        object_type=DataSubject._meta.label_lower,
        object_id=subject.uuid,
        subjects=[subject.pk],
    )
    return render(
        request,
        "privacy/records/trail.html",
        {
            "here": "privacy",
            "subject": subject,
            "page": page,
            "entries": entries,
            "recipients": recipients,
            "changes": CHANGES,
        },
    )


@require_POST
@permission_required(Permission.PRIVACY_MANAGE)
def recipients_notify(request, subject_uuid):
    subject = _subject(request, subject_uuid)
    change = request.POST.get("change", "")
    try:
        notified = disclosures.recipients_notify(
            organisation=request.organisation,
            subject=subject,
            change=change,
            actor=request_actor(request),
        )
    except ValidationError:
        messages.error(request, _("Choose rectification, erasure or restriction."))
        return redirect("privacy:records:trail", subject_uuid=subject.uuid)
    messages.success(
        request,
        _("%(count)d notification(s) put in the outbox.") % {"count": len(notified)},
    )
    if notified.by_hand:
        messages.warning(
            request,
            _("%(count)d recipient(s) cannot be mailed: notify them yourself (listed below).")
            % {"count": len(notified.by_hand)},
        )
    return redirect("privacy:records:trail", subject_uuid=subject.uuid)
