"""The invoice pages: the list, a document, a draft's form and its lines
(htmx), the issue, a credit note, the files, the sending by email, and the
invoices made from an order or a delivery note.

Thin: forms parse, services change, selectors read; a page showing a document
journals its read. Amounts are shown to the roles that see sales or finance
figures only (support sees none).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.audit.reads import record_list, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.invoicing import selectors, services
from comptoir.invoicing.api.invoices import files_after_issue
from comptoir.invoicing.api.schemas import totals_of
from comptoir.invoicing.einvoice import files
from comptoir.invoicing.models import (
    DocumentFile,
    FileFormat,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
)
from comptoir.invoicing.selectors_accounts import Settlement, with_settlement
from comptoir.invoicing.services.drafts import INVOICE_FIELDS
from comptoir.invoicing.services.files import document_file_store
from comptoir.invoicing.services.sendings import invoice_send
from comptoir.invoicing.views.forms import InvoiceForm, LineForm, SendForm
from comptoir.parties import selectors as party_selectors
from comptoir.parties.models import PartyKind
from comptoir.sales import selectors as sales_selectors
from comptoir.sales.models import DeliveryNote, Order
from comptoir.tenancy.roles import Permission, has_permission
from comptoir.web.submit import submit
from comptoir.web.views import permission_required

PAGE_SIZE = 25
INVOICE = Invoice._meta.label_lower
FILE = DocumentFile._meta.label_lower


def _can(request, permission: Permission) -> bool:
    return has_permission(request.membership.role, permission)


def _sees_figures(request) -> bool:
    return _can(request, Permission.SALES_VIEW) or _can(request, Permission.FINANCE_VIEW)


def _invoice_or_404(request, invoice_id: int) -> Invoice:
    try:
        return selectors.invoice_get(organisation=request.organisation, pk=invoice_id)
    except Invoice.DoesNotExist as exc:
        raise Http404 from exc


def _clients(request):
    return party_selectors.party_list(organisation=request.organisation, role="client")


def _refused(request, exc: ValidationError) -> None:
    for text in exc.messages:
        messages.error(request, text)


def _settlement(invoice: Invoice) -> tuple[str, str] | None:
    """(value, label) of an issued invoice's or down payment's settlement."""
    value = getattr(invoice, "settlement", None)
    if value is None or not invoice.is_issued or invoice.kind == InvoiceKind.CREDIT_NOTE:
        return None
    return value, Settlement.label(value)


@permission_required(Permission.CONTACTS_VIEW)
def invoice_list(request):
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    rows = selectors.invoice_list(
        organisation=request.organisation,
        status=status if status in InvoiceStatus.values else "",
        kind=kind if kind in InvoiceKind.values else "",
    ).order_by("-issue_date", "-pk")
    figures = _sees_figures(request)
    if figures:  # paid, partly paid, unpaid or overdue (issued invoices)
        rows = with_settlement(rows, organisation=request.organisation)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    record_list(request, object_type=INVOICE, subjects=subjects_of(page.object_list))
    return render(
        request,
        "invoicing/invoice_list.html",
        {
            "page": page,
            "rows": [(i, totals_of(i) if figures else None, _settlement(i)) for i in page],
            "status": status,
            "kind": kind,
            "statuses": InvoiceStatus.choices,
            "kinds": InvoiceKind.choices,
            "can_manage": _can(request, Permission.SALES_MANAGE),
        },
    )


@permission_required(Permission.SALES_MANAGE)
def invoice_create(request):
    form = InvoiceForm(request.POST or None, clients=_clients(request))
    outcome = submit(
        form,
        lambda data: services.invoice_create(
            actor=request_actor(request), organisation=request.organisation, **data
        ),
    )
    if outcome.saved:
        messages.success(request, _("The draft invoice was created: add its lines."))
        return redirect("invoicing:invoice_detail", invoice_id=outcome.value.pk)
    return render(request, "invoicing/invoice_form.html", {"form": form, "title": _("New invoice")})


@permission_required(Permission.SALES_MANAGE)
def invoice_edit(request, invoice_id: int):
    invoice = _invoice_or_404(request, invoice_id)
    if invoice.is_issued:
        messages.error(request, _("An issued invoice can no longer change."))
        return redirect("invoicing:invoice_detail", invoice_id=invoice.pk)
    initial = {name: getattr(invoice, name) for name in INVOICE_FIELDS}
    form = InvoiceForm(request.POST or None, clients=_clients(request), initial=initial)
    outcome = submit(
        form,
        lambda data: services.invoice_update(actor=request_actor(request), invoice=invoice, **data),
    )
    if outcome.saved:
        return redirect("invoicing:invoice_detail", invoice_id=invoice.pk)
    return render(
        request,
        "invoicing/invoice_form.html",
        {"form": form, "invoice": invoice, "title": _("Edit the draft")},
    )


def _detail_context(request, invoice: Invoice, line_form=None) -> dict:
    figures = _sees_figures(request)
    manage = _can(request, Permission.SALES_MANAGE)
    people = []
    if invoice.is_issued and manage:
        people = list(
            party_selectors.contact_person_list(
                organisation=request.organisation, party=invoice.party
            )
        )
    own_email = invoice.party.kind == PartyKind.INDIVIDUAL and bool(invoice.party.email)
    return {
        "invoice": invoice,
        "lines": list(invoice.lines.all()) if figures else None,
        "totals": totals_of(invoice) if figures else None,
        "figures": figures,
        "can_manage": manage,
        "line_form": line_form
        or LineForm(products=sales_selectors.product_list(organisation=request.organisation)),
        "send_form": SendForm(people=people, own_email=own_email),
        "may_send": manage and (own_email or any(p.email for p in people)),
        "credit_notes": invoice.credit_notes.all(),
        "down_payments": invoice.down_payments.all(),
        "files": {f.format: f for f in invoice.files.all()},
        "wants_ubl": invoice.is_issued and invoice.party.country == "BE",
        "people": people,  # the contact persons named in the send form
    }


@permission_required(Permission.CONTACTS_VIEW)
def invoice_detail(request, invoice_id: int):
    invoice = _invoice_or_404(request, invoice_id)
    context = _detail_context(request, invoice)
    shown = subjects_of([invoice, *context["people"]])
    record_read(request, object_type=INVOICE, object_id=invoice.pk, subjects=shown)
    return render(request, "invoicing/invoice_detail.html", context)


@require_POST
@permission_required(Permission.SALES_MANAGE)
def invoice_line_add(request, invoice_id: int):
    invoice = _invoice_or_404(request, invoice_id)
    products = sales_selectors.product_list(organisation=request.organisation)
    form = LineForm(request.POST, products=products)
    outcome = submit(
        form,
        lambda data: services.invoice_line_add(
            actor=request_actor(request), invoice=invoice, **form.cleaned_values()
        ),
    )
    context = _detail_context(request, invoice, None if outcome.saved else form)
    if request.htmx:
        return render(request, "invoicing/_invoice_lines.html", context)
    if outcome.saved:
        return redirect("invoicing:invoice_detail", invoice_id=invoice.pk)
    return render(request, "invoicing/invoice_detail.html", context)


@require_POST
@permission_required(Permission.SALES_MANAGE)
def invoice_line_remove(request, invoice_id: int, line_id: int):
    invoice = _invoice_or_404(request, invoice_id)
    try:
        services.invoice_line_remove(actor=request_actor(request), invoice=invoice, line=line_id)
    except ValidationError as exc:
        _refused(request, exc)
    except invoice.lines.model.DoesNotExist as exc:
        raise Http404 from exc
    if request.htmx:
        return render(request, "invoicing/_invoice_lines.html", _detail_context(request, invoice))
    return redirect("invoicing:invoice_detail", invoice_id=invoice.pk)


@require_POST
@permission_required(Permission.SALES_MANAGE)
def invoice_delete(request, invoice_id: int):
    invoice = _invoice_or_404(request, invoice_id)
    try:
        services.invoice_delete(actor=request_actor(request), invoice=invoice)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("invoicing:invoice_detail", invoice_id=invoice.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("invoicing:invoice_list")


@require_POST
@permission_required(Permission.SALES_MANAGE)
def invoice_issue(request, invoice_id: int):
    invoice = _invoice_or_404(request, invoice_id)
    actor = request_actor(request)
    try:
        invoice = services.invoice_issue(actor=actor, invoice=invoice)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        files_after_issue(actor, invoice)
        messages.success(request, _("Issued as %(number)s.") % {"number": invoice.number})
    return redirect("invoicing:invoice_detail", invoice_id=invoice.pk)


@require_POST
@permission_required(Permission.SALES_MANAGE)
def invoice_credit(request, invoice_id: int):
    """A draft credit note of the whole invoice (its lines may then be changed)."""
    invoice = _invoice_or_404(request, invoice_id)
    try:
        note = services.credit_note_create(actor=request_actor(request), invoice=invoice)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("invoicing:invoice_detail", invoice_id=invoice.pk)
    messages.success(request, _("A draft credit note was made: check it, then issue it."))
    return redirect("invoicing:invoice_detail", invoice_id=note.pk)


@permission_required(Permission.CONTACTS_VIEW)
def invoice_file(request, invoice_id: int, format: str):
    if format not in FileFormat.values:
        raise Http404
    if not _sees_figures(request):
        raise PermissionDenied
    invoice = _invoice_or_404(request, invoice_id)
    if not invoice.is_issued:
        raise Http404
    try:
        row = document_file_store(actor=request_actor(request), invoice=invoice, format=format)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("invoicing:invoice_detail", invoice_id=invoice.pk)
    record_read(request, object_type=FILE, object_id=row.pk, subjects=subjects_of([invoice]))
    response = HttpResponse(files.stored_bytes(row), content_type=files.MEDIA_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{row.name}"'
    return response


@require_POST
@permission_required(Permission.SALES_MANAGE)
def invoice_email(request, invoice_id: int):
    invoice = _invoice_or_404(request, invoice_id)
    people = list(
        party_selectors.contact_person_list(organisation=request.organisation, party=invoice.party)
    )
    form = SendForm(request.POST, people=people, own_email=bool(invoice.party.email))
    outcome = submit(
        form,
        lambda data: invoice_send(
            actor=request_actor(request),
            invoice=invoice,
            contact_person=form.people.get(data["contact_person"]),
        ),
    )
    if outcome.saved:
        messages.success(request, _("The invoice was put in the outbox."))
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("invoicing:invoice_detail", invoice_id=invoice.pk)


# Made from an order or a delivery note ------------------------------------------------
@permission_required(Permission.SALES_MANAGE)
def invoice_from_order(request, order_id: int):
    """The "Invoice" action of an order (a link from its page): asks, then
    makes a draft of all the order still has to invoice."""
    try:
        order = sales_selectors.order_get(organisation=request.organisation, order_id=order_id)
    except Order.DoesNotExist as exc:
        raise Http404 from exc
    if request.method != "POST":
        return render(request, "invoicing/invoice_from.html", {"source": order, "kind": "order"})
    try:
        invoice = services.invoice_from_order(actor=request_actor(request), order=order)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("invoicing:invoice_list")
    messages.success(request, _("A draft invoice of the order was made: check it, then issue it."))
    return redirect("invoicing:invoice_detail", invoice_id=invoice.pk)


@permission_required(Permission.SALES_MANAGE)
def invoice_from_delivery(request, delivery_id: int):
    """The "Invoice" action of a shipped delivery note (a link from its page):
    asks, then makes a draft of what it delivered."""
    try:
        note = sales_selectors.delivery_get(
            organisation=request.organisation, delivery_id=delivery_id
        )
    except DeliveryNote.DoesNotExist as exc:
        raise Http404 from exc
    if request.method != "POST":
        return render(request, "invoicing/invoice_from.html", {"source": note, "kind": "delivery"})
    try:
        invoice = services.invoice_from_deliveries(actor=request_actor(request), deliveries=[note])
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("invoicing:invoice_list")
    messages.success(
        request, _("A draft invoice of the delivery was made: check it, then issue it.")
    )
    return redirect("invoicing:invoice_detail", invoice_id=invoice.pk)
