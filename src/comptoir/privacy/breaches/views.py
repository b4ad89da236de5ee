"""The breach register's pages (PRIVACY_MANAGE): the list with each breach's
72-hour countdown, recording a breach, its page with the timeline and the
decisions, correcting its facts, and the drafts (page and PDF)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.audit.reads import record_list, record_read
from comptoir.core.http import request_actor
from comptoir.privacy.breaches import draft, rules, selectors, services
from comptoir.privacy.breaches.forms import (
    CloseForm,
    FactsForm,
    NotifyAuthorityForm,
    RiskForm,
    TellPeopleForm,
    UpdateForm,
    WaiveAuthorityForm,
    WaivePeopleForm,
)
from comptoir.privacy.breaches.models import Breach
from comptoir.tenancy.roles import Permission
from comptoir.web.submit import submit
from comptoir.web.views import permission_required

BREACH = Breach._meta.label_lower

# The decisions taken on a breach's page: form, service (keyword arguments from
# the form's fields), message.
ACTIONS = {
    "risk": (
        RiskForm,
        services.breach_assess_risk,
        gettext_lazy("The risk assessment was recorded."),
    ),
    "notify": (
        NotifyAuthorityForm,
        services.breach_notify_authority,
        gettext_lazy("The notification to the authority was recorded."),
    ),
    "waive-authority": (
        WaiveAuthorityForm,
        services.breach_waive_authority,
        gettext_lazy("The decision not to notify the authority was recorded."),
    ),
    "tell": (
        TellPeopleForm,
        services.breach_tell_people,
        gettext_lazy("The message to the people was recorded."),
    ),
    "waive-people": (
        WaivePeopleForm,
        services.breach_waive_people,
        gettext_lazy("The decision not to tell the people was recorded."),
    ),
    "close": (CloseForm, services.breach_close, gettext_lazy("The breach was closed.")),
}


def _breach(request, breach_id: int) -> Breach:
    try:
        return selectors.breach_get(organisation=request.organisation, breach_id=breach_id)
    except Breach.DoesNotExist:
        raise Http404 from None


def _label(name: str) -> str:
    """A field's name as the page shows it (the timeline keeps names, not values)."""
    return str(Breach._meta.get_field(name).verbose_name)


def _language(request) -> str:
    wanted = request.GET.get("language") or (get_language() or "fr")[:2]
    return wanted if wanted in draft.LANGUAGES else "fr"


@require_GET
@permission_required(Permission.PRIVACY_MANAGE)
def breach_list(request):
    breaches = list(selectors.breach_list(organisation=request.organisation))
    record_list(request, object_type=BREACH, subjects=())
    rows = [(breach, rules.countdown(breach)) for breach in breaches]
    return render(request, "privacy/breaches/list.html", {"rows": rows, "here": "privacy"})


@permission_required(Permission.PRIVACY_MANAGE)
def breach_create(request):
    form = FactsForm(request.POST or None)
    outcome = submit(
        form,
        lambda data: services.breach_record(
            actor=request_actor(request), organisation=request.organisation, **data
        ),
    )
    if outcome.saved:
        messages.success(request, _("The breach was recorded: the 72 hours run."))
        return redirect("privacy:breaches:detail", outcome.value.pk)
    return render(
        request,
        "privacy/breaches/form.html",
        {"form": form, "title": _("Record a breach"), "here": "privacy"},
    )


@permission_required(Permission.PRIVACY_MANAGE)
def breach_edit(request, breach_id: int):
    breach = _breach(request, breach_id)
    if request.method == "POST":
        form = UpdateForm(request.POST)
        outcome = submit(
            form,
            lambda data: services.breach_update(
                actor=request_actor(request), breach=breach, **data
            ),
        )
        if outcome.saved:
            messages.success(request, _("The breach was updated."))
            return redirect("privacy:breaches:detail", breach.pk)
    else:
        record_read(request, object_type=BREACH, object_id=breach.pk, subjects=())
        form = UpdateForm(initial=UpdateForm.initial_from(breach))
    return render(
        request,
        "privacy/breaches/form.html",
        {
            "form": form,
            "breach": breach,
            "title": _("Update breach %(reference)s") % {"reference": breach.reference},
            "here": "privacy",
        },
    )


def _detail(request, breach: Breach, forms: dict, status: int = 200):
    record_read(request, object_type=BREACH, object_id=breach.pk, subjects=())
    context = {
        "breach": breach,
        "countdown": rules.countdown(breach),
        "authority": rules.authority_of(request.organisation.country),
        "timeline": [
            (entry, [_label(name) for name in entry.changed])
            for entry in selectors.breach_timeline(breach=breach)
        ],
        "forms": {
            key.replace("-", "_"): forms.get(key) or form()
            for key, (form, _s, _m) in ACTIONS.items()
        },
        "message": draft.people_message(breach, request.organisation, language=_language(request)),
        "here": "privacy",
    }
    return render(request, "privacy/breaches/detail.html", context, status=status)


@require_GET
@permission_required(Permission.PRIVACY_MANAGE)
def breach_detail(request, breach_id: int):
    return _detail(request, _breach(request, breach_id), {})


@require_POST
@permission_required(Permission.PRIVACY_MANAGE)
def breach_action(request, breach_id: int, action: str):
    if action not in ACTIONS:
        raise Http404
    breach = _breach(request, breach_id)
    form_class, service, message = ACTIONS[action]
    form = form_class(request.POST)
    outcome = submit(
        form, lambda data: service(actor=request_actor(request), breach=breach, **data)
    )
    if outcome.saved:
        messages.success(request, message)
        return redirect("privacy:breaches:detail", breach.pk)
    return _detail(request, _breach(request, breach_id), {action: form}, status=422)


@require_GET
@permission_required(Permission.PRIVACY_MANAGE)
def breach_draft(request, breach_id: int):
    breach = _breach(request, breach_id)
    record_read(request, object_type=BREACH, object_id=breach.pk, subjects=())
    language = _language(request)
    context = draft.authority_context(breach, request.organisation, language=language)
    context["message"] = draft.people_message(breach, request.organisation, language=language)
    context["here"] = "privacy"
    return render(request, "privacy/breaches/draft.html", context)


@require_GET
@permission_required(Permission.PRIVACY_MANAGE)
def breach_draft_pdf(request, breach_id: int):
    breach = _breach(request, breach_id)
    record_read(request, object_type=BREACH, object_id=breach.pk, subjects=())
    language = _language(request)
    data = draft.authority_pdf(breach, request.organisation, language=language)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"breach-{breach.reference}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
