"""The consent pages: the wordings (the privacy contact's), the panel's actions
(on a person's page, for the contacts managers), and the two public pages a
person reaches from a mail (confirm a consent, withdraw it in one click).

Who may do what: recording a consent given or withdrawn, and sending a double
opt-in request, is everyday work of those who manage contacts
(``CONTACTS_MANAGE``: a person says yes or no on the phone to a salesperson),
and withdrawing must be as easy as giving, so the same permission covers both.
The wordings are legal text: ``PRIVACY_MANAGE``.

The public pages need no login, answer the same whatever the token, and show
no personal data: only that the consent is confirmed or withdrawn.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from comptoir.core.http import client_ip, request_actor
from comptoir.privacy.consent import hooks, links, selectors, services
from comptoir.privacy.consent.forms import (
    ConfirmationRequestForm,
    GiveForm,
    WithdrawForm,
    WordingForm,
)
from comptoir.privacy.consent.models import ConsentPurpose
from comptoir.privacy.models import DataSubject
from comptoir.tenancy.roles import Permission, has_permission
from comptoir.web.submit import submit
from comptoir.web.views import permission_required


# The panel, shown on a person's page -----------------------------------------------
@dataclass
class Panel:
    subject: DataSubject
    states: list
    history: list
    can_manage: bool
    can_request: bool  # an address is known to send a confirmation to
    give_form: GiveForm
    withdraw_form: WithdrawForm
    request_form: ConfirmationRequestForm
    next_url: str


def panel(request, *, subject: DataSubject, next_url: str) -> Panel:
    """What the consent panel of ``subject`` shows (the page includes
    ``privacy_consent/_panel.html`` with it as ``consent``)."""
    organisation = request.organisation
    states = selectors.consent_states(organisation=organisation, subjects=[subject])[subject.pk]
    return Panel(
        subject=subject,
        states=list(states.values()),
        history=list(selectors.consent_history(subject=subject)),
        can_manage=has_permission(request.membership.role, Permission.CONTACTS_MANAGE),
        can_request=bool(hooks.email_of(subject)),
        give_form=GiveForm(organisation=organisation, prefix="give"),
        withdraw_form=WithdrawForm(prefix="withdraw"),
        request_form=ConfirmationRequestForm(organisation=organisation, prefix="confirm"),
        next_url=next_url,
    )


def _subject_or_404(request, subject_uuid) -> DataSubject:
    subject = DataSubject.objects.of(request.organisation).filter(uuid=subject_uuid).first()
    if subject is None:
        raise Http404
    return subject


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("home")


def _refused(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@require_POST
@permission_required(Permission.CONTACTS_MANAGE)
def give(request, subject_uuid):
    subject = _subject_or_404(request, subject_uuid)
    form = GiveForm(request.POST, organisation=request.organisation, prefix="give")
    outcome = submit(
        form,
        lambda data: services.consent_give(actor=request_actor(request), subject=subject, **data),
    )
    if outcome.saved:
        messages.success(request, _("The consent was recorded."))
    else:
        _refused(request, form)
    return _back(request)


@require_POST
@permission_required(Permission.CONTACTS_MANAGE)
def withdraw(request, subject_uuid):
    subject = _subject_or_404(request, subject_uuid)
    form = WithdrawForm(request.POST, prefix="withdraw")
    outcome = submit(
        form,
        lambda data: services.consent_withdraw(
            actor=request_actor(request), subject=subject, **data
        ),
    )
    if outcome.saved:
        messages.success(request, _("The withdrawal was recorded."))
    else:
        _refused(request, form)
    return _back(request)


@require_POST
@permission_required(Permission.CONTACTS_MANAGE)
def request_confirmation(request, subject_uuid):
    subject = _subject_or_404(request, subject_uuid)
    form = ConfirmationRequestForm(
        request.POST, organisation=request.organisation, prefix="confirm"
    )
    email = hooks.email_of(subject)
    if not email:
        messages.error(request, _("No email address is known for this person."))
        return _back(request)
    outcome = submit(
        form,
        lambda data: services.consent_request_confirmation(
            actor=request_actor(request),
            subject=subject,
            email=email,
            base_url=request.build_absolute_uri("/"),
            **data,
        ),
    )
    if outcome.saved:
        messages.success(request, _("The confirmation request was sent."))
    else:
        _refused(request, form)
    return _back(request)


# The wordings ------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@permission_required(Permission.PRIVACY_MANAGE)
def wordings(request):
    form = WordingForm(request.POST or None)
    outcome = submit(
        form,
        lambda data: services.consent_wording_create(
            actor=request_actor(request), organisation=request.organisation, **data
        ),
    )
    if outcome.saved:
        messages.success(
            request, _("Version %(version)s was saved.") % {"version": outcome.value.version}
        )
        return redirect("privacy:consent:wordings")
    return render(
        request,
        "privacy_consent/wordings.html",
        {
            "form": form,
            "wordings": selectors.consent_wording_list(organisation=request.organisation),
            "here": "privacy",
        },
    )


# The public pages ------------------------------------------------------------------
@never_cache
# RFC 8058: the mail client POSTs with no session nor CSRF token; the signed link is the key.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def withdraw_link(request, token: str):
    """GET: a page with one button; POST (the button, or the mail client's
    one-click ``List-Unsubscribe=One-Click``): the consent is withdrawn."""
    if links.withdraw_token_read(token) is None:
        return render(request, "privacy_consent/public_invalid.html", status=404)
    if request.method == "GET":
        return render(request, "privacy_consent/public_withdraw.html", {"token": token})
    services.consent_withdraw_by_link(token=token, source_ip=client_ip(request))
    return render(request, "privacy_consent/public_withdrawn.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET: a page with one button (a mail scanner following the link confirms
    nothing); POST: the double opt-in proof is recorded."""
    if request.method == "GET":
        return render(request, "privacy_consent/public_confirm.html", {"token": token})
    event = services.consent_confirm(token=token, source_ip=client_ip(request))
    if event is None:
        return render(request, "privacy_consent/public_invalid.html", status=404)
    return render(
        request,
        "privacy_consent/public_confirmed.html",
        {"purpose": ConsentPurpose(event.purpose).label},
    )
