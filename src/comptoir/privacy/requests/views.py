"""The rights-request pages.

Staff (``PRIVACY_MANAGE``): the dashboard of deadlines with the intake form,
and one page per request where the DPO acts, extends, pauses and answers.

Public (no login), per organisation, reached by the unguessable slug of its
desk: the request form, the page that follows it, and the confirmation page
of the link mailed to the address. Whatever the address, the answer is the
same page: nothing here depends on whether the organisation holds data about
it (matching happens only once the address is confirmed, and shows only to
staff).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.audit.reads import record_list, record_read, subjects_of
from comptoir.core.http import client_ip, request_actor
from comptoir.privacy.requests import deadlines, forms, ratelimit, selectors, services
from comptoir.privacy.requests.fulfilment import DISPATCH
from comptoir.privacy.requests.models import RequestState, RightsRequest
from comptoir.tenancy.roles import Permission
from comptoir.web.submit import add_service_errors, submit
from comptoir.web.views import permission_required

OBJECT_TYPE = RightsRequest._meta.label_lower


def _today():
    return deadlines.local_day(timezone.now())


# --- Staff ---------------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
@permission_required(Permission.PRIVACY_MANAGE)
def dashboard(request):
    form = forms.StaffRequestForm()
    if request.method == "POST":
        form = forms.StaffRequestForm(request.POST)
        outcome = submit(
            form,
            lambda data: services.request_record(
                actor=request_actor(request),
                organisation=request.organisation,
                kind=data["kind"],
                email=data["requester_email"],
                message=data["message"],
                received_at=data["received_at"],
            ),
        )
        if outcome.saved:
            messages.success(request, _("The request was recorded."))
            return redirect("privacy:requests:detail", request_id=outcome.value.pk)
    desk = services.request_desk_get(organisation=request.organisation)
    board = selectors.dashboard(organisation=request.organisation, today=_today())
    record_list(request, object_type=OBJECT_TYPE, subjects=subjects_of(board.all_requests))
    context = {
        "board": board,
        "form": form,
        "public_url": request.build_absolute_uri(
            reverse("privacy:requests:public", args=[desk.slug])
        ),
        "due_soon_days": deadlines.DUE_SOON_DAYS,
    }
    return render(request, "privacy/requests/dashboard.html", context)


def _found(request, request_id: int) -> RightsRequest:
    try:
        return selectors.request_get(organisation=request.organisation, request_id=request_id)
    except RightsRequest.DoesNotExist as exc:
        raise Http404 from exc


def _detail(request, rights_request: RightsRequest, status: int = 200, **forms_given):
    record_read(
        request,
        object_type=OBJECT_TYPE,
        object_id=rights_request.pk,
        subjects=subjects_of([rights_request]),
    )
    today = _today()
    context = {
        "r": rights_request,
        "subjects": list(rights_request.subjects.order_by("pk")),
        "user_count": rights_request.users.count(),
        "pauses": selectors.request_pauses(rights_request=rights_request),
        "documents": selectors.request_documents(rights_request=rights_request),
        "fulfilment": DISPATCH[rights_request.kind],
        "days_left": (
            deadlines.days_left(rights_request.due_on, today=today)
            if rights_request.due_on and not rights_request.is_closed
            else None
        ),
        "states": RequestState,
        "extend_form": forms_given.get("extend_form") or forms.ExtendForm(),
        "identity_form": forms_given.get("identity_form") or forms.IdentityAskForm(),
        "received_form": forms_given.get("received_form") or forms.IdentityReceivedForm(),
        "answer_form": forms_given.get("answer_form") or forms.AnswerForm(),
        "refuse_form": forms_given.get("refuse_form") or forms.RefuseForm(),
        "action_error": forms_given.get("action_error"),
    }
    return render(request, "privacy/requests/detail.html", context, status=status)


@never_cache
@permission_required(Permission.PRIVACY_MANAGE)
def detail(request, request_id: int):
    return _detail(request, _found(request, request_id))


def _act(request, request_id: int, form_class, form_name: str, run, done: str):
    """A POSTed action on a request: the form, the service, back to the page."""
    rights_request = _found(request, request_id)
    form = form_class(request.POST, request.FILES)
    outcome = submit(form, lambda data: run(rights_request, data))
    if outcome.saved:
        messages.success(request, done)
        return redirect("privacy:requests:detail", request_id=rights_request.pk)
    return _detail(request, rights_request, status=422, **{form_name: form})


@require_POST
@permission_required(Permission.PRIVACY_MANAGE)
def extend(request, request_id: int):
    return _act(
        request,
        request_id,
        forms.ExtendForm,
        "extend_form",
        lambda r, data: services.request_extend(
            actor=request_actor(request), rights_request=r, **data
        ),
        _("The deadline was extended and the person told why."),
    )


@require_POST
@permission_required(Permission.PRIVACY_MANAGE)
def identity_ask(request, request_id: int):
    return _act(
        request,
        request_id,
        forms.IdentityAskForm,
        "identity_form",
        lambda r, data: services.request_identity_ask(
            actor=request_actor(request), rights_request=r, **data
        ),
        _("The person was asked for proof of identity; the clock is paused."),
    )


@require_POST
@permission_required(Permission.PRIVACY_MANAGE)
def identity_received(request, request_id: int):
    return _act(
        request,
        request_id,
        forms.IdentityReceivedForm,
        "received_form",
        lambda r, data: services.request_identity_received(
            actor=request_actor(request), rights_request=r, document=data["document"]
        ),
        _("The proof was received; the clock runs again."),
    )


@require_POST
@permission_required(Permission.PRIVACY_MANAGE)
def answer(request, request_id: int):
    return _act(
        request,
        request_id,
        forms.AnswerForm,
        "answer_form",
        lambda r, data: services.request_answer(
            actor=request_actor(request), rights_request=r, **data
        ),
        _("The request is answered; the answer was mailed to the person."),
    )


@require_POST
@permission_required(Permission.PRIVACY_MANAGE)
def refuse(request, request_id: int):
    return _act(
        request,
        request_id,
        forms.RefuseForm,
        "refuse_form",
        lambda r, data: services.request_refuse(
            actor=request_actor(request), rights_request=r, **data
        ),
        _("The request is refused; the reasons were mailed to the person."),
    )


@never_cache
@require_POST
@permission_required(Permission.PRIVACY_MANAGE)
def fulfil(request, request_id: int):
    """Run the type's entry of the dispatch; a file it produces is downloaded."""
    rights_request = _found(request, request_id)
    try:
        outcome = services.request_fulfil(
            actor=request_actor(request), rights_request=rights_request
        )
    except ValidationError as exc:
        return _detail(request, rights_request, status=409, action_error=" ".join(exc.messages))
    if outcome.download is None:
        messages.success(request, _("Done: %(summary)s") % {"summary": outcome.summary})
        return redirect("privacy:requests:detail", request_id=rights_request.pk)
    response = HttpResponse(outcome.download.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{outcome.download.filename}"'
    return response


# --- Public ---------------------------------------------------------------------------
def _desk(slug: str):
    desk = selectors.request_desk_find(slug=slug)
    if desk is None:
        raise Http404
    return desk


def _too_many(request, organisation):
    response = render(
        request,
        "privacy/requests/public_too_many.html",
        {"organisation": organisation},
        status=429,
    )
    response["Retry-After"] = "3600"
    return response


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def public(request, slug: str):
    desk = _desk(slug)
    organisation = desk.organisation
    form = forms.PublicRequestForm()
    if request.method == "POST":
        if not ratelimit.allow(ratelimit.PER_IP, f"{desk.pk}:{client_ip(request) or ''}"):
            return _too_many(request, organisation)
        form = forms.PublicRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            address = data["requester_email"].strip().casefold()
            if not ratelimit.allow(ratelimit.PER_ADDRESS, f"{desk.pk}:{address}"):
                return _too_many(request, organisation)
            if data["website"]:  # a bot: answered like anyone, nothing kept
                return redirect("privacy:requests:public_sent", slug=slug)
            try:
                services.request_file_public(
                    actor=request_actor(request),
                    organisation=organisation,
                    kind=data["kind"],
                    email=data["requester_email"],
                    message=data["message"],
                    link=lambda token: request.build_absolute_uri(
                        reverse("privacy:requests:public_confirm", args=[slug, token])
                    ),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("privacy:requests:public_sent", slug=slug)
    status = 422 if form.is_bound else 200
    return render(
        request,
        "privacy/requests/public_form.html",
        {"organisation": organisation, "form": form},
        status=status,
    )


@never_cache
def public_sent(request, slug: str):
    desk = _desk(slug)
    return render(request, "privacy/requests/public_sent.html", {"organisation": desk.organisation})


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def public_confirm(request, slug: str, token: str):
    """The link of the mail. GET shows a button (mail scanners that open links
    confirm nothing); POST confirms."""
    desk = _desk(slug)
    organisation = desk.organisation
    context = {"organisation": organisation}
    if request.method == "GET":
        valid = selectors.request_for_token(organisation=organisation, token=token) is not None
        template = "public_confirm.html" if valid else "public_link_invalid.html"
        return render(
            request, f"privacy/requests/{template}", context, status=200 if valid else 404
        )
    confirmed = services.request_verify(
        actor=request_actor(request), organisation=organisation, token=token
    )
    if confirmed is None:
        return render(request, "privacy/requests/public_link_invalid.html", context, status=404)
    context["due_on"] = confirmed.due_on
    return render(request, "privacy/requests/public_confirmed.html", context)
