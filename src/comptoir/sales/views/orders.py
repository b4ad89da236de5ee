"""The orders' pages: list, detail with each line's ordered, delivered and
invoiced quantities, cancel, and the delivery note made from it."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from comptoir.audit.reads import record_list, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.sales import rules, selectors, services
from comptoir.sales.forms import DeliveryForm
from comptoir.sales.models import Order
from comptoir.sales.models.choices import OrderStatus
from comptoir.sales.views.common import action, can, or_404, page_of, pdf_response
from comptoir.tenancy.roles import Permission
from comptoir.web.views import permission_required

ORDER = Order._meta.label_lower


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All")), *OrderStatus.choices],
    )


def _order(request, order_id: int) -> Order:
    return or_404(selectors.order_get, organisation=request.organisation, order_id=order_id)


@permission_required(Permission.SALES_VIEW)
def order_list(request):
    filters = OrderFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else None
    orders = selectors.order_list(
        organisation=request.organisation, status=status or None
    ).prefetch_related("lines")
    page, query = page_of(request, orders)
    record_list(request, object_type=ORDER, subjects=subjects_of(page.object_list))
    return render(
        request,
        "sales/order_list.html",
        {
            "filters": filters,
            "page": page,
            "rows": [(order, rules.totals_of(order)) for order in page],
            "query": query,
        },
    )


def _detail_context(request, order: Order, form: DeliveryForm | None = None) -> dict:
    progress = selectors.order_progress(order)
    can_manage = can(request, Permission.SALES_MANAGE)
    is_open = order.status == OrderStatus.OPEN
    if form is None and can_manage and is_open:
        form = DeliveryForm(progress=progress, prefix="deliver")
    return {
        "order": order,
        "progress": progress,
        "totals": rules.totals_of(order, [p.line for p in progress]),
        "deliveries": list(selectors.delivery_list(organisation=request.organisation, order=order)),
        "can_manage": can_manage,
        "is_open": is_open,
        "delivery_form": form if form is not None and form.rows else None,
    }


@permission_required(Permission.SALES_VIEW)
def order_detail(request, order_id: int):
    order = _order(request, order_id)
    record_read(request, object_type=ORDER, object_id=order.pk, subjects=subjects_of([order]))
    return render(request, "sales/order_detail.html", _detail_context(request, order))


@require_POST
@permission_required(Permission.SALES_MANAGE)
def order_cancel(request, order_id: int):
    order = _order(request, order_id)
    return action(
        request,
        lambda: services.order_cancel(actor=request_actor(request), order=order),
        _("The order was cancelled."),
        "sales:order_detail",
        order_id=order.pk,
    )


@require_POST
@permission_required(Permission.SALES_MANAGE)
def order_deliver(request, order_id: int):
    """A delivery note of the quantities typed for each line."""
    order = _order(request, order_id)
    form = DeliveryForm(request.POST, progress=selectors.order_progress(order), prefix="deliver")
    if form.is_valid():
        try:
            note = services.delivery_from_order(
                actor=request_actor(request),
                order=order,
                quantities=form.quantities(),
                **(
                    {"delivered_on": form.cleaned_data["delivered_on"]}
                    if form.cleaned_data["delivered_on"]
                    else {}
                ),
            )
        except ValidationError as exc:
            names = {f"quantities.{item.line.pk}": name for item, name in form.rows}
            errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
            for key, errs in errors.items():
                form.add_error(names.get(key), errs)
        else:
            messages.success(
                request, _("The delivery note was made: ship it when the goods leave.")
            )
            return redirect("sales:delivery_detail", delivery_id=note.pk)
    record_read(request, object_type=ORDER, object_id=order.pk, subjects=subjects_of([order]))
    return render(request, "sales/order_detail.html", _detail_context(request, order, form))


@permission_required(Permission.SALES_VIEW)
def order_pdf(request, order_id: int):
    return pdf_response(request, _order(request, order_id), ORDER)
