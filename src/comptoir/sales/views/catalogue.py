"""The catalogue's pages: list and search, create, edit, (de)activate."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.http import request_actor
from comptoir.sales import selectors, services
from comptoir.sales.forms import ProductFilterForm, ProductForm
from comptoir.sales.views.common import action, can, or_404, page_of
from comptoir.tenancy.roles import Permission
from comptoir.web.submit import submit
from comptoir.web.views import permission_required


@permission_required(Permission.SALES_VIEW)
def product_list(request):
    """No one's personal data: no read is journalled."""
    filters = ProductFilterForm(request.GET or None)
    products = selectors.product_list(organisation=request.organisation)
    if filters.is_bound:
        if filters.is_valid():
            products = selectors.product_list(
                organisation=request.organisation,
                search=filters.cleaned_data["search"],
                active=filters.cleaned_data["active"],
            )
        else:
            products = products.none()
    page, query = page_of(request, products)
    return render(
        request,
        "sales/product_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query,
            "can_manage": can(request, Permission.SALES_MANAGE),
        },
    )


@permission_required(Permission.SALES_MANAGE)
def product_create(request):
    form = ProductForm(request.POST or None, organisation=request.organisation)
    outcome = submit(
        form,
        lambda data: services.product_create(
            actor=request_actor(request), organisation=request.organisation, **data
        ),
    )
    if outcome.saved:
        messages.success(request, _("The product was created."))
        return redirect("sales:product_list")
    return render(
        request, "sales/product_form.html", {"form": form, "title": _("New product or service")}
    )


@permission_required(Permission.SALES_MANAGE)
def product_edit(request, product_id: int):
    product = or_404(
        selectors.product_get, organisation=request.organisation, product_id=product_id
    )
    if request.method == "POST":
        form = ProductForm(request.POST, organisation=request.organisation)
        outcome = submit(
            form,
            lambda data: services.product_update(
                actor=request_actor(request), product=product, **data
            ),
        )
        if outcome.saved:
            messages.success(request, _("The product was saved."))
            return redirect("sales:product_list")
    else:
        form = ProductForm(
            initial=ProductForm.initial_from(product), organisation=request.organisation
        )
    return render(
        request,
        "sales/product_form.html",
        {"form": form, "product": product, "title": _("Edit %(name)s") % {"name": product.name}},
    )


@require_POST
@permission_required(Permission.SALES_MANAGE)
def product_deactivate(request, product_id: int):
    product = or_404(
        selectors.product_get, organisation=request.organisation, product_id=product_id
    )
    return action(
        request,
        lambda: services.product_deactivate(actor=request_actor(request), product=product),
        _("The product is no longer offered."),
        "sales:product_list",
    )


@require_POST
@permission_required(Permission.SALES_MANAGE)
def product_activate(request, product_id: int):
    product = or_404(
        selectors.product_get, organisation=request.organisation, product_id=product_id
    )
    return action(
        request,
        lambda: services.product_activate(actor=request_actor(request), product=product),
        _("The product is offered again."),
        "sales:product_list",
    )
