"""Sales settings (branding, bank details, billing terms) and number patterns.
Read with sales.view, changed by owners and admins (organisation.manage)."""

from ninja import Router

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.core.http import request_actor
from comptoir.sales import selectors, services
from comptoir.sales.api.schemas import SeriesIn, SeriesOut, SettingsOut, SettingsPatch
from comptoir.tenancy.roles import Permission

router = Router(tags=["sales settings"])


@router.get("", response={200: SettingsOut, **ERRORS})
def settings_detail(request):
    require(request, Permission.SALES_VIEW)
    return services.sales_settings_get(organisation=request.organisation)


@router.patch("", response={200: SettingsOut, **ERRORS})
def settings_patch(request, payload: SettingsPatch):
    require(request, Permission.ORGANISATION_MANAGE)
    return services.sales_settings_update(
        actor=request_actor(request),
        organisation=request.organisation,
        **payload.dict(exclude_unset=True),
    )


@router.get("/number-series", response={200: list[SeriesOut], **ERRORS})
def series_list(request):
    require(request, Permission.SALES_VIEW)
    return selectors.number_patterns(organisation=request.organisation)


@router.put("/number-series", response={200: list[SeriesOut], **ERRORS})
def series_set(request, payload: SeriesIn):
    """The pattern of one series, e.g. ``F-{year}-{number:05}``."""
    require(request, Permission.ORGANISATION_MANAGE)
    services.number_series_set(
        actor=request_actor(request), organisation=request.organisation, **payload.dict()
    )
    return selectors.number_patterns(organisation=request.organisation)
