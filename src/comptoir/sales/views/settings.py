"""The "Sales and invoicing" settings page: owners and admins set what the
documents print and how the organisation bills, its logo and its number patterns."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptoir.core.http import request_actor
from comptoir.sales import selectors, services
from comptoir.sales.forms import LogoForm, NumberSeriesForm, SalesSettingsForm
from comptoir.tenancy.roles import Permission
from comptoir.web.submit import add_service_errors, submit
from comptoir.web.views import permission_required


def _page(request, *, form=None, logo_form=None, series_forms=None, status=200):
    settings = services.sales_settings_get(organisation=request.organisation)
    patterns = selectors.number_patterns(organisation=request.organisation)
    series_forms = series_forms or {}
    rows = [
        (
            pattern,
            series_forms.get(pattern.series)
            or NumberSeriesForm(
                initial={"series": pattern.series, "pattern": pattern.pattern},
                prefix=pattern.series,
            ),
        )
        for pattern in patterns
    ]
    return render(
        request,
        "sales/settings.html",
        {
            "settings": settings,
            "form": form or SalesSettingsForm(initial=SalesSettingsForm.initial_from(settings)),
            "logo_form": logo_form or LogoForm(),
            "series": rows,
        },
        status=status,
    )


@never_cache
@permission_required(Permission.ORGANISATION_MANAGE)
def sales_settings(request):
    if request.method != "POST":
        return _page(request)
    form = SalesSettingsForm(request.POST)
    outcome = submit(
        form,
        lambda data: services.sales_settings_update(
            actor=request_actor(request), organisation=request.organisation, **data
        ),
    )
    if outcome.saved:
        messages.success(request, _("The sales settings were saved."))
        return redirect("sales:settings")
    return _page(request, form=form)


@require_POST
@permission_required(Permission.ORGANISATION_MANAGE)
def sales_settings_logo(request):
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["logo"]
        if upload is False or upload is None:  # "clear" ticked, or nothing sent
            upload = None
            if not request.POST.get("logo-clear") and not request.POST.get("logo_clear"):
                messages.error(request, _("Choose an image first."))
                return redirect("sales:settings")
        try:
            services.sales_settings_logo_set(
                actor=request_actor(request), organisation=request.organisation, upload=upload
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The logo was saved."))
            return redirect("sales:settings")
    return _page(request, logo_form=form)


@require_POST
@permission_required(Permission.ORGANISATION_MANAGE)
def number_series(request, series: str):
    form = NumberSeriesForm(request.POST, prefix=series)
    outcome = submit(
        form,
        lambda data: services.number_series_set(
            actor=request_actor(request),
            organisation=request.organisation,
            series=series,
            pattern=data["pattern"],
        ),
    )
    if outcome.saved:
        messages.success(request, _("The number pattern was saved."))
        return redirect("sales:settings")
    return _page(request, series_forms={series: form})
