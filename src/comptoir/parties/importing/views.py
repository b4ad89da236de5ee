"""The import pages: upload a file, then follow its job (htmx polling) and
download its rejected rows. Thin: the services do the work, a task runs it."""

from django import forms
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from comptoir.audit.reads import record_read
from comptoir.parties.importing import readers, services, tasks
from comptoir.parties.importing.models import ImportJob
from comptoir.tenancy.roles import Permission
from comptoir.web.views import permission_required

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "CSV (separated by ; or ,, UTF-8 or Windows-1252, French or English headers) "
            "or vCard 3.0/4.0."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (50 MB at most)."))
        return upload


def _jobs(request):
    # The rejected rows' list can be long and no page shows it: not loaded.
    return ImportJob.objects.of(request.organisation).defer("rejections")


def _job(request, job_id: int) -> ImportJob:
    job = _jobs(request).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


@permission_required(Permission.CONTACTS_MANAGE)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            with transaction.atomic():
                job = services.import_job_create(
                    organisation=request.organisation, data=data, user_id=request.user.pk
                )
                tasks.import_job_enqueue(job.pk)
        except readers.ImportFormatError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("parties_import_detail", job_id=job.pk)
    jobs = _jobs(request).order_by("-created_at", "-pk")[:20]
    return render(request, "parties_importing/upload.html", {"form": form, "jobs": jobs})


@require_GET
@permission_required(Permission.CONTACTS_MANAGE)
def import_detail(request, job_id: int):
    job = _job(request, job_id)
    template = (
        "parties_importing/progress.html" if request.htmx else "parties_importing/detail.html"
    )
    return render(request, template, {"job": job})


@require_GET
@permission_required(Permission.CONTACTS_MANAGE)
def import_report(request, job_id: int):
    job = _job(request, job_id)
    if not job.report_name:
        raise Http404
    try:
        handle = services.import_report_open(job=job)
    except FileNotFoundError:
        raise Http404 from None
    # The report holds the rejected rows' cells as read: personal data.
    record_read(request, object_type=ImportJob._meta.label_lower, object_id=job.pk)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"import-{job.pk}-rejected.csv",
        content_type="text/csv; charset=utf-8",
    )
