"""The register's pages: the register and its sheets (read by owners and
admins), its downloads, the configuration behind it, and the operator's
register as a processor (``is_staff`` users)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from comptoir.audit.models import Action
from comptoir.audit.reads import record_read
from comptoir.audit.services import audit_record
from comptoir.core.http import request_actor
from comptoir.privacy.register import selectors, services
from comptoir.privacy.register.forms import (
    DownloadForm,
    ProcessorForm,
    RecipientForm,
    RegisterSettingsForm,
)
from comptoir.privacy.register.models import Processor, Recipient
from comptoir.tenancy.roles import Permission
from comptoir.web.submit import submit
from comptoir.web.views import permission_required

SETTINGS_TYPE = services.SETTINGS_TYPE


def _file_response(file) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


@require_GET
@never_cache
@permission_required(Permission.PRIVACY_MANAGE)
def register(request):
    built = selectors.register_build(organisation=request.organisation)
    record_read(request, object_type=SETTINGS_TYPE, object_id="", subjects=())
    return render(
        request,
        "privacy_register/register.html",
        {"register": built, "download": DownloadForm()},
    )


@require_GET
@never_cache
@permission_required(Permission.PRIVACY_MANAGE)
def sheet(request, code: str):
    built = selectors.register_build(organisation=request.organisation)
    found = built.sheet(code)
    if found is None:
        raise Http404
    record_read(request, object_type=SETTINGS_TYPE, object_id="", subjects=())
    return render(request, "privacy_register/sheet.html", {"register": built, "sheet": found})


@require_GET
@permission_required(Permission.PRIVACY_MANAGE)
def download(request):
    form = DownloadForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose PDF, XLSX or JSON."))
        return redirect("privacy:register:register")
    file = services.register_export(
        actor=request_actor(request),
        organisation=request.organisation,
        fmt=form.cleaned_data["format"],
    )
    return _file_response(file)


@never_cache
@permission_required(Permission.PRIVACY_MANAGE)
def settings(request):
    current = selectors.register_settings_of(organisation=request.organisation)
    if request.method == "POST":
        form = RegisterSettingsForm(request.POST, instance=current)
        outcome = submit(
            form,
            lambda data: services.register_settings_update(
                actor=request_actor(request), organisation=request.organisation, **data
            ),
        )
        if outcome.saved:
            messages.success(request, _("The register settings were saved."))
            return redirect("privacy:register:register")
    else:
        form = RegisterSettingsForm(instance=current, initial={"purposes": current.purposes or []})
    return render(request, "privacy_register/settings.html", {"form": form})


# Recipients and processors: one list page with its add form, one edit page each. ------

KINDS = {
    "recipients": (
        Recipient,
        RecipientForm,
        selectors.recipients_of,
        services.recipient_create,
        services.recipient_update,
        services.recipient_delete,
        "recipient",
    ),
    "processors": (
        Processor,
        ProcessorForm,
        selectors.processors_of,
        services.processor_create,
        services.processor_update,
        services.processor_delete,
        "processor",
    ),
}


def _kind(view):
    @wraps(view)
    def wrapper(request, kind: str, *args, **kwargs):
        if kind not in KINDS:
            raise Http404
        return view(request, kind, *args, **kwargs)

    return wrapper


@never_cache
@permission_required(Permission.PRIVACY_MANAGE)
@_kind
def row_list(request, kind: str):
    model, form_class, list_of, create, _update, _delete, name = KINDS[kind]
    form = form_class()
    if request.method == "POST":
        form = form_class(request.POST)
        outcome = submit(
            form,
            lambda data: create(
                actor=request_actor(request), organisation=request.organisation, **data
            ),
        )
        if outcome.saved:
            messages.success(request, _("Saved."))
            return redirect("privacy:register:rows", kind=kind)
    return render(
        request,
        "privacy_register/rows.html",
        {
            "kind": kind,
            "rows": list_of(organisation=request.organisation),
            "form": form,
            "title": model._meta.verbose_name_plural,
        },
    )


@never_cache
@permission_required(Permission.PRIVACY_MANAGE)
@_kind
def row_edit(request, kind: str, row_id: int):
    model, form_class, _list_of, _create, update, _delete, name = KINDS[kind]
    try:
        row = model.objects.of(request.organisation).get(pk=row_id)
    except model.DoesNotExist as exc:
        raise Http404 from exc
    form = form_class(instance=row, initial={"purposes": row.purposes})
    if request.method == "POST":
        form = form_class(request.POST, instance=row)
        outcome = submit(
            form,
            lambda data: update(actor=request_actor(request), **{name: row}, **data),
        )
        if outcome.saved:
            messages.success(request, _("Saved."))
            return redirect("privacy:register:rows", kind=kind)
    return render(
        request,
        "privacy_register/row_edit.html",
        {"kind": kind, "row": row, "form": form, "title": model._meta.verbose_name},
    )


@require_POST
@permission_required(Permission.PRIVACY_MANAGE)
@_kind
def row_delete(request, kind: str, row_id: int):
    model, *_rest, delete, name = KINDS[kind]
    try:
        row = model.objects.of(request.organisation).get(pk=row_id)
    except model.DoesNotExist as exc:
        raise Http404 from exc
    delete(actor=request_actor(request), **{name: row})
    messages.success(request, _("Deleted."))
    return redirect("privacy:register:rows", kind=kind)


# The operator's register as a processor. ----------------------------------------------


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@never_cache
@staff_required
def processor_register(request):
    form = DownloadForm(request.GET or None)
    if form.is_bound and form.is_valid():
        file = services.processor_register_export(
            actor=request_actor(request), fmt=form.cleaned_data["format"]
        )
        return _file_response(file)
    built = selectors.processor_register_build()
    # The page names every organisation's privacy contact: a read of personal data.
    audit_record(
        actor=request_actor(request),
        action=Action.LIST,
        organisation_id=None,
        object_type="tenancy.Organisation",
    )
    return render(
        request,
        "privacy_register/processor.html",
        {"register": built, "download": DownloadForm()},
        status=400 if form.is_bound else 200,
    )
