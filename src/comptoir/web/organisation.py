"""The owner's organisation page: its subscription, when its data will be
deleted once the subscription has ended (tenant offboarding), and the export
of everything it owns (made in the background, downloaded from here)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from comptoir.core.http import request_actor
from comptoir.ops.models import OrganisationExport
from comptoir.ops.offboarding import export, services, tasks
from comptoir.tenancy.roles import Permission
from comptoir.web.views import permission_required


def _exports(request):
    return OrganisationExport.objects.of(request.organisation)


def _export(request, export_id: int) -> OrganisationExport:
    found = _exports(request).filter(pk=export_id).first()
    if found is None:
        raise Http404
    return found


@permission_required(Permission.ORGANISATION_EXPORT)
def organisation(request):
    organisation = request.organisation
    return render(
        request,
        "web/organisation.html",
        {
            "org": organisation,
            "deletion_date": services.deletion_date(organisation),
            "exports": _exports(request).order_by("-created_at", "-pk")[:10],
        },
    )


@require_POST
@permission_required(Permission.ORGANISATION_EXPORT)
def export_create(request):
    made = export.export_request(organisation=request.organisation, actor=request_actor(request))
    tasks.export_enqueue(made.pk)
    messages.success(request, _("The export is being prepared: this page shows its progress."))
    return redirect("organisation_export", export_id=made.pk)


@require_GET
@permission_required(Permission.ORGANISATION_EXPORT)
def export_detail(request, export_id: int):
    made = _export(request, export_id)
    template = "web/export_progress.html" if request.htmx else "web/export.html"
    return render(request, template, {"export": made})


@never_cache
@require_GET
@permission_required(Permission.ORGANISATION_EXPORT)
def export_download(request, export_id: int):
    made = _export(request, export_id)
    try:
        handle = export.export_download(export=made, actor=request_actor(request))
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=export.export_file_name(made),
        content_type="application/zip",
    )
