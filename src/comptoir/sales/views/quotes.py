"""The quotes' pages: list, create, detail with its lines (edited in place with
htmx) and totals, and the POST buttons: send, accept, refuse, make the order."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptoir.audit.reads import record_list, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.sales import rules, selectors, services
from comptoir.sales.forms import LineForm, QuoteForm
from comptoir.sales.models import Quote
from comptoir.sales.models.choices import QuoteStatus
from comptoir.sales.views.common import action, can, or_404, page_of, pdf_response
from comptoir.tenancy.roles import Permission
from comptoir.web.submit import submit
from comptoir.web.views import permission_required

QUOTE = Quote._meta.label_lower


class QuoteFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            *QuoteStatus.choices,
            (rules.EXPIRED, rules.EXPIRED_LABEL),
        ],
    )


def _quote(request, quote_id: int) -> Quote:
    return or_404(selectors.quote_get, organisation=request.organisation, quote_id=quote_id)


@permission_required(Permission.SALES_VIEW)
def quote_list(request):
    filters = QuoteFilterForm(request.GET or None)
    today = timezone.localdate()
    status = filters.cleaned_data["status"] if filters.is_valid() else None
    quotes = selectors.quote_list(
        organisation=request.organisation, status=status or None, today=today
    ).prefetch_related("lines")
    page, query = page_of(request, quotes)
    record_list(request, object_type=QUOTE, subjects=subjects_of(page.object_list))
    rows = [
        (q, rules.quote_state(q, today), rules.quote_state_label(q, today), rules.totals_of(q))
        for q in page
    ]
    return render(
        request,
        "sales/quote_list.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "query": query,
            "can_manage": can(request, Permission.SALES_MANAGE),
        },
    )


@permission_required(Permission.SALES_MANAGE)
def quote_create(request):
    form = QuoteForm(request.POST or None, organisation=request.organisation)
    if not form.is_bound and request.GET.get("party"):
        form.initial["party"] = request.GET["party"]
    outcome = submit(
        form,
        lambda data: services.quote_create(
            actor=request_actor(request), organisation=request.organisation, **data
        ),
    )
    if outcome.saved:
        messages.success(request, _("The quote was created: add its lines."))
        return redirect("sales:quote_detail", quote_id=outcome.value.pk)
    return render(
        request,
        "sales/document_form.html",
        {"form": form, "title": _("New quote"), "back": "sales:quote_list"},
    )


@never_cache
@permission_required(Permission.SALES_MANAGE)
def quote_edit(request, quote_id: int):
    quote = _quote(request, quote_id)
    if request.method == "POST":
        form = QuoteForm(request.POST, organisation=request.organisation)
        outcome = submit(
            form,
            lambda data: services.quote_update(actor=request_actor(request), quote=quote, **data),
        )
        if outcome.saved:
            messages.success(request, _("The quote was saved."))
            return redirect("sales:quote_detail", quote_id=quote.pk)
    else:
        form = QuoteForm(initial=QuoteForm.initial_from(quote), organisation=request.organisation)
        record_read(request, object_type=QUOTE, object_id=quote.pk, subjects=subjects_of([quote]))
    return render(
        request,
        "sales/document_form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": quote},
            "document": quote,
            "back": "sales:quote_detail",
        },
    )


def _lines_context(request, quote: Quote, *, form=None, editing=None, edit_form=None) -> dict:
    today = timezone.localdate()
    lines = list(quote.lines.all())
    totals = rules.totals_of(quote, lines)
    can_edit = can(request, Permission.SALES_MANAGE) and quote.status == QuoteStatus.DRAFT
    return {
        "quote": quote,
        "rows": list(zip(lines, totals.lines, strict=True)),
        "totals": totals,
        "state": rules.quote_state(quote, today),
        "state_label": rules.quote_state_label(quote, today),
        "can_manage": can(request, Permission.SALES_MANAGE),
        "can_edit": can_edit,
        "line_form": (form or LineForm(organisation=request.organisation)) if can_edit else None,
        "editing": editing,
        "edit_form": edit_form,
    }


def _detail(request, quote: Quote, **kwargs):
    context = _lines_context(request, quote, **kwargs)
    if request.htmx:
        return render(request, "sales/_quote_lines.html", context)
    context["orders"] = list(quote.orders.all())
    return render(request, "sales/quote_detail.html", context)


@permission_required(Permission.SALES_VIEW)
def quote_detail(request, quote_id: int):
    quote = _quote(request, quote_id)
    record_read(request, object_type=QUOTE, object_id=quote.pk, subjects=subjects_of([quote]))
    return _detail(request, quote)


@require_POST
@permission_required(Permission.SALES_MANAGE)
def quote_line_add(request, quote_id: int):
    quote = _quote(request, quote_id)
    form = LineForm(request.POST, organisation=request.organisation)
    outcome = submit(
        form,
        lambda _data: services.quote_line_add(
            actor=request_actor(request), quote=quote, **form.values()
        ),
    )
    if outcome.saved:
        if not request.htmx:
            messages.success(request, _("The line was added."))
            return redirect("sales:quote_detail", quote_id=quote.pk)
        return _detail(request, quote)
    return _detail(request, quote, form=form)


def _line(request, quote: Quote, line_id: int):
    return or_404(quote.lines.get, pk=line_id)


@never_cache
@permission_required(Permission.SALES_MANAGE)
def quote_line_edit(request, quote_id: int, line_id: int):
    quote = _quote(request, quote_id)
    line = _line(request, quote, line_id)
    if request.method == "POST":
        form = LineForm(request.POST, organisation=request.organisation, prefix="edit")
        outcome = submit(
            form,
            lambda _data: services.quote_line_update(
                actor=request_actor(request), line=line, **form.values()
            ),
        )
        if outcome.saved:
            if not request.htmx:
                messages.success(request, _("The line was saved."))
                return redirect("sales:quote_detail", quote_id=quote.pk)
            return _detail(request, quote)
    else:
        form = LineForm(
            initial=LineForm.initial_from(line), organisation=request.organisation, prefix="edit"
        )
    record_read(request, object_type=QUOTE, object_id=quote.pk, subjects=subjects_of([quote]))
    return _detail(request, quote, editing=line.pk, edit_form=form)


@require_POST
@permission_required(Permission.SALES_MANAGE)
def quote_line_remove(request, quote_id: int, line_id: int):
    quote = _quote(request, quote_id)
    line = _line(request, quote, line_id)
    if request.htmx:
        try:
            services.quote_line_remove(actor=request_actor(request), line=line)
        except ValidationError as exc:
            return _detail(request, quote) if not exc.messages else _refused(request, quote, exc)
        return _detail(request, quote)
    return action(
        request,
        lambda: services.quote_line_remove(actor=request_actor(request), line=line),
        _("The line was removed."),
        "sales:quote_detail",
        quote_id=quote.pk,
    )


def _refused(request, quote: Quote, exc: ValidationError):
    context = _lines_context(request, quote)
    context["line_errors"] = exc.messages
    return render(request, "sales/_quote_lines.html", context)


@require_POST
@permission_required(Permission.SALES_MANAGE)
def quote_send(request, quote_id: int):
    quote = _quote(request, quote_id)
    return action(
        request,
        lambda: services.quote_send(actor=request_actor(request), quote=quote),
        _("The quote was sent: it now has its number."),
        "sales:quote_detail",
        quote_id=quote.pk,
    )


@require_POST
@permission_required(Permission.SALES_MANAGE)
def quote_accept(request, quote_id: int):
    quote = _quote(request, quote_id)
    return action(
        request,
        lambda: services.quote_accept(actor=request_actor(request), quote=quote),
        _("The quote was accepted."),
        "sales:quote_detail",
        quote_id=quote.pk,
    )


@require_POST
@permission_required(Permission.SALES_MANAGE)
def quote_refuse(request, quote_id: int):
    quote = _quote(request, quote_id)
    return action(
        request,
        lambda: services.quote_refuse(actor=request_actor(request), quote=quote),
        _("The quote was refused."),
        "sales:quote_detail",
        quote_id=quote.pk,
    )


@require_POST
@permission_required(Permission.SALES_MANAGE)
def quote_order(request, quote_id: int):
    quote = _quote(request, quote_id)
    try:
        order = services.order_from_quote(actor=request_actor(request), quote=quote)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("sales:quote_detail", quote_id=quote.pk)
    messages.success(request, _("The order was made from the quote."))
    return redirect("sales:order_detail", order_id=order.pk)


@permission_required(Permission.SALES_VIEW)
def quote_pdf(request, quote_id: int):
    return pdf_response(request, _quote(request, quote_id), QUOTE)
