"""The delivery notes' pages: list, detail, ship, drop a draft."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.audit.reads import record_list, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.sales import selectors, services
from comptoir.sales.models import DeliveryNote
from comptoir.sales.models.choices import DeliveryStatus
from comptoir.sales.views.common import action, can, or_404, page_of, pdf_response
from comptoir.tenancy.roles import Permission
from comptoir.web.views import permission_required

DELIVERY = DeliveryNote._meta.label_lower


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *DeliveryStatus.choices],
    )


def _delivery(request, delivery_id: int) -> DeliveryNote:
    return or_404(
        selectors.delivery_get, organisation=request.organisation, delivery_id=delivery_id
    )


@permission_required(Permission.SALES_VIEW)
def delivery_list(request):
    filters = DeliveryFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else None
    notes = selectors.delivery_list(organisation=request.organisation, status=status or None)
    page, query = page_of(request, notes)
    record_list(request, object_type=DELIVERY, subjects=subjects_of(page.object_list))
    return render(
        request, "sales/delivery_list.html", {"filters": filters, "page": page, "query": query}
    )


@permission_required(Permission.SALES_VIEW)
def delivery_detail(request, delivery_id: int):
    note = _delivery(request, delivery_id)
    record_read(request, object_type=DELIVERY, object_id=note.pk, subjects=subjects_of([note]))
    return render(
        request,
        "sales/delivery_detail.html",
        {
            "note": note,
            "lines": list(note.lines.all()),
            "can_manage": can(request, Permission.SALES_MANAGE),
            "is_draft": note.status == DeliveryStatus.DRAFT,
        },
    )


@require_POST
@permission_required(Permission.SALES_MANAGE)
def delivery_ship(request, delivery_id: int):
    note = _delivery(request, delivery_id)
    return action(
        request,
        lambda: services.delivery_ship(actor=request_actor(request), delivery=note),
        _("The delivery note was shipped: it now has its number."),
        "sales:delivery_detail",
        delivery_id=note.pk,
    )


@require_POST
@permission_required(Permission.SALES_MANAGE)
def delivery_delete(request, delivery_id: int):
    note = _delivery(request, delivery_id)
    return action(
        request,
        lambda: services.delivery_delete(actor=request_actor(request), delivery=note),
        _("The draft delivery note was dropped."),
        "sales:order_detail",
        order_id=note.order_id,
    )


@permission_required(Permission.SALES_VIEW)
def delivery_pdf(request, delivery_id: int):
    return pdf_response(request, _delivery(request, delivery_id), DELIVERY)
