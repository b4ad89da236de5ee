"""The suppression list's page, and a person's restriction, lifting and objection.

For the privacy managers (``PRIVACY_MANAGE``: owner, admin). A person is named
in the URL by their data subject's uuid, never by a value; the pages that
offer these actions (a contact person's, an individual's) send back to
themselves through ``next``.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.core.http import request_actor
from comptoir.privacy import restriction
from comptoir.privacy.models import DataSubject
from comptoir.privacy.suppression import selectors, services
from comptoir.privacy.suppression.forms import LiftForm, ReferenceForm, SuppressionAddForm
from comptoir.tenancy.roles import Permission
from comptoir.web.submit import submit
from comptoir.web.views import permission_required

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@permission_required(Permission.PRIVACY_MANAGE)
def suppression_page(request):
    """The list's size and entries by date (kind, date, reference: no value, the
    list holds none), and the form to add an address or phone number."""
    form = SuppressionAddForm(request.POST or None)
    outcome = submit(
        form,
        lambda data: services.suppression_add(
            organisation=request.organisation, actor=request_actor(request), **data
        ),
    )
    if outcome.saved:
        messages.success(request, _("It is on the suppression list."))
        return redirect("privacy:suppression:list")
    entries = selectors.suppression_list(organisation=request.organisation)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy_suppression/list.html",
        {"form": form, "page": page, "count": page.paginator.count, "here": "privacy"},
    )


def _subject_or_404(request, uuid) -> DataSubject:
    try:
        return DataSubject.objects.of(request.organisation).get(uuid=uuid)
    except DataSubject.DoesNotExist as exc:
        raise Http404 from exc


def _back(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def _done(request):
    target = _back(request)
    return redirect(target) if target else redirect("privacy:hub")


@require_POST
@permission_required(Permission.PRIVACY_MANAGE)
def subject_restrict(request, subject):
    person = _subject_or_404(request, subject)
    form = ReferenceForm(request.POST)
    outcome = submit(
        form,
        lambda data: restriction.subject_restrict(
            subject=person, actor=request_actor(request), reference=data["reference"]
        ),
    )
    if outcome.saved:
        messages.success(request, _("The person's data is restricted."))
    else:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return _done(request)


@require_http_methods(["GET", "POST"])
@permission_required(Permission.PRIVACY_MANAGE)
def subject_lift(request, subject):
    """Lifting tells the person first: by mail when an address of theirs is known,
    else the page asks how they were told."""
    person = _subject_or_404(request, subject)
    form = LiftForm(request.POST or None)
    outcome = submit(
        form,
        lambda data: restriction.subject_restriction_lift(
            subject=person, actor=request_actor(request), told_by=data["told_by"]
        ),
    )
    if outcome.saved:
        messages.success(request, _("The restriction is lifted; the person was told first."))
        return _done(request)
    return render(
        request,
        "privacy_suppression/lift.html",
        {
            "form": form,
            "person": person,
            "mails": len(restriction.subject_addresses(person, "email")),
            "back": _back(request),
            "here": "privacy",
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.PRIVACY_MANAGE)
def subject_object(request, subject):
    """The person objects (art. 21): confirm, then it is done for good."""
    person = _subject_or_404(request, subject)
    form = ReferenceForm(request.POST or None)
    outcome = submit(
        form,
        lambda data: services.subject_object(
            subject=person, actor=request_actor(request), reference=data["reference"]
        ),
    )
    if outcome.saved:
        messages.success(
            request,
            _("The objection is recorded: %(count)s addresses and numbers are on the list.")
            % {"count": len(outcome.value)},
        )
        return _done(request)
    return render(
        request,
        "privacy_suppression/object.html",
        {"form": form, "person": person, "back": _back(request), "here": "privacy"},
    )
