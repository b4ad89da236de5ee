"""The UI's pages for payments and client accounts.

Thin: forms parse, services change, selectors read, and each page that shows
a client's figures journals its read. Who sees what is
``selectors_accounts``'s: payments need finance.view, recording them
finance.manage, a client account sales.view (support staff see no amount).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.audit.reads import record_list, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.invoicing import selectors_accounts as accounts
from comptoir.invoicing.models import Payment, PaymentAllocation
from comptoir.invoicing.payment_forms import AllocationForm, ClientChoiceForm, PaymentForm
from comptoir.invoicing.services import payments as services
from comptoir.parties import selectors as parties
from comptoir.parties.models import Party, PartyRole
from comptoir.web.submit import submit
from comptoir.web.views import permission_required

PAGE_SIZE = 50
PAYMENT = Payment._meta.label_lower
PARTY = Party._meta.label_lower


def _party_or_404(request, party_id: int) -> Party:
    try:
        return parties.party_get(organisation=request.organisation, party_id=party_id)
    except Party.DoesNotExist as exc:
        raise Http404 from exc


def _payment_or_404(request, payment_id: int) -> Payment:
    try:
        return accounts.payment_get(organisation=request.organisation, payment_id=payment_id)
    except Payment.DoesNotExist as exc:
        raise Http404 from exc


@permission_required(accounts.PAYMENTS_VIEW)
def payment_list(request):
    page = Paginator(accounts.payment_list(organisation=request.organisation), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    role = request.membership.role
    clients = None
    shown = list(page.object_list)
    if accounts.manages_payments(role):
        # The clients' names fill the form's choices: shown too.
        client_parties = list(
            parties.party_list(organisation=request.organisation, role=PartyRole.CLIENT)
        )
        shown += client_parties
        clients = ClientChoiceForm(clients=client_parties)
    record_list(request, object_type=PAYMENT, subjects=subjects_of(shown))
    return render(
        request,
        "invoicing/payment_list.html",
        {"page": page, "client_form": clients, "can_manage": accounts.manages_payments(role)},
    )


@permission_required(accounts.PAYMENTS_MANAGE)
def payment_create(request, party_id: int | None = None):
    if party_id is None:  # the client chosen on the payments page
        try:
            party_id = int(request.GET.get("party", ""))
        except ValueError:
            raise Http404 from None
        return redirect("invoicing:payment_create", party_id=party_id)
    party = _party_or_404(request, party_id)
    open_invoices = accounts.open_invoices(organisation=request.organisation, party=party)
    form = PaymentForm(
        request.POST or None,
        open_invoices=open_invoices,
        initial={"received_on": timezone.localdate()},
    )
    outcome = submit(
        form,
        lambda data: services.payment_record(
            actor=request_actor(request), party=party, **form.service_arguments()
        ),
    )
    if outcome.saved:
        messages.success(request, _("The payment was recorded."))
        return redirect("invoicing:payment_detail", payment_id=outcome.value.pk)
    record_read(request, object_type=PARTY, object_id=party.pk, subjects=subjects_of([party]))
    return render(request, "invoicing/payment_form.html", {"form": form, "party": party})


@permission_required(accounts.PAYMENTS_VIEW)
def payment_detail(request, payment_id: int):
    payment = _payment_or_404(request, payment_id)
    record_read(request, object_type=PAYMENT, object_id=payment.pk, subjects=subjects_of([payment]))
    can_manage = accounts.manages_payments(request.membership.role)
    allocate = None
    if can_manage and payment.amount_unallocated > 0:
        allocate = AllocationForm(
            open_invoices=accounts.open_invoices(
                organisation=request.organisation, party=payment.party
            )
        )
    return _detail_page(request, payment, allocate)


def _detail_page(request, payment: Payment, allocate, status: int = 200):
    return render(
        request,
        "invoicing/payment_detail.html",
        {
            "payment": payment,
            "allocations": accounts.allocation_list(
                organisation=request.organisation, payment=payment
            ),
            "allocate_form": allocate
            if allocate is None or allocate.fields["invoice"].choices
            else None,
            "can_manage": accounts.manages_payments(request.membership.role),
        },
        status=status,
    )


@require_POST
@permission_required(accounts.PAYMENTS_MANAGE)
def payment_allocate(request, payment_id: int):
    payment = _payment_or_404(request, payment_id)
    form = AllocationForm(
        request.POST,
        open_invoices=accounts.open_invoices(
            organisation=request.organisation, party=payment.party
        ),
    )
    outcome = submit(
        form,
        lambda data: services.payment_allocate(
            actor=request_actor(request),
            payment=payment,
            invoice=form.open_invoices[data["invoice"]],
            amount=data["amount"],
        ),
    )
    if outcome.saved:
        messages.success(request, _("The invoice is settled with this payment."))
        return redirect("invoicing:payment_detail", payment_id=payment.pk)
    return _detail_page(request, payment, form, status=422)


@require_POST
@permission_required(accounts.PAYMENTS_MANAGE)
def payment_unallocate(request, payment_id: int, allocation_id: int):
    payment = _payment_or_404(request, payment_id)
    try:
        allocation = accounts.allocation_list(
            organisation=request.organisation, payment=payment
        ).get(pk=allocation_id)
    except PaymentAllocation.DoesNotExist as exc:
        raise Http404 from exc
    services.payment_unallocate(actor=request_actor(request), allocation=allocation)
    messages.success(request, _("The allocation was removed: its amount is the client's credit."))
    return redirect("invoicing:payment_detail", payment_id=payment.pk)


@require_POST
@permission_required(accounts.PAYMENTS_MANAGE)
def payment_delete(request, payment_id: int):
    payment = _payment_or_404(request, payment_id)
    try:
        services.payment_delete(actor=request_actor(request), payment=payment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("invoicing:payment_detail", payment_id=payment.pk)
    messages.success(request, _("The payment was deleted."))
    return redirect("invoicing:payment_list")


@permission_required(accounts.ACCOUNT_VIEW)
def client_account(request, party_id: int):
    party = _party_or_404(request, party_id)
    account = accounts.client_account(organisation=request.organisation, party=party)
    role = request.membership.role
    payments = None
    if accounts.sees_payments(role):
        payments = accounts.payment_list(organisation=request.organisation, party=party)
    record_read(request, object_type=PARTY, object_id=party.pk, subjects=subjects_of([party]))
    return render(
        request,
        "invoicing/account.html",
        {
            "party": party,
            "account": account,
            "payments": payments,
            "can_record": accounts.manages_payments(role),
        },
    )
