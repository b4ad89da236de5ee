"""The outbox pages: thin, they call selectors and services (who sees what: ``selectors``)."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptoir.audit.models import Action
from comptoir.audit.services import audit_record
from comptoir.core.http import request_actor
from comptoir.mail import selectors, services, tasks, transport
from comptoir.mail.models import Message, MessageState

PAGE_SIZE = 50


def _found(request, message_id: int) -> Message:
    try:
        return selectors.message_get(
            user=request.user, membership=request.membership, message_id=message_id
        )
    except Message.DoesNotExist as exc:
        raise Http404 from exc


@never_cache
@login_required
def outbox(request):
    state = request.GET.get("state", "")
    if state not in MessageState.values:
        state = ""
    rows = selectors.message_list(user=request.user, membership=request.membership, state=state)
    audit_record(
        actor=request_actor(request),
        action=Action.LIST,
        organisation_id=request.membership.organisation_id if request.membership else None,
        object_type=services.OBJECT_TYPE,
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mail/outbox.html",
        {
            "page": page,
            "state": state,
            "states": MessageState.choices,
            "mail_server": bool(transport.transport_path()),
        },
    )


@never_cache  # a body may hold a sign-in link: no copy kept by the browser
@login_required
def message_detail(request, message_id: int):
    message = _found(request, message_id)
    audit_record(
        actor=request_actor(request),
        action=Action.READ,
        organisation_id=message.organisation_id,
        object_type=services.OBJECT_TYPE,
        object_id=message.pk,
    )
    context = {
        "message": message,
        "body_readable": selectors.may_read_body(
            message=message, user=request.user, membership=request.membership
        ),
        "may_retry": selectors.may_retry(
            message=message, user=request.user, membership=request.membership
        ),
    }
    return render(request, "mail/message_detail.html", context)


@require_POST
@login_required
def message_retry(request, message_id: int):
    message = _found(request, message_id)
    if not selectors.may_retry(message=message, user=request.user, membership=request.membership):
        raise PermissionDenied
    try:
        services.message_retry(actor=request_actor(request), message=message)
    except ImproperlyConfigured:
        flash.error(request, _("No mail server is configured: the message stays in the outbox."))
    else:
        tasks.messages_enqueue([message.pk])
        flash.success(request, _("The message will be sent again now."))
    return redirect("mail:message_detail", message_id=message.pk)
