"""The import pages: upload a file, give the columns the headers were not
recognised as, then follow its job (htmx polling) and download its rejected
rows; the template file and the list of accepted columns. Thin: the services
do the work, a task runs it."""

from django import forms
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from comptoir.audit.reads import record_read, subjects_of
from comptoir.parties.importing import readers, services, tasks
from comptoir.parties.importing.models import ImportJob, ImportStatus
from comptoir.parties.models import ContactPerson, Party
from comptoir.tenancy.roles import Permission
from comptoir.web.views import permission_required

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            'CSV (separator ";" or ",", UTF-8 or Windows-1252, French or English headers) '
            "or vCard 3.0/4.0."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (50 MB at most)."))
        return upload


def _column_label(column: str) -> str:
    """A column's name for people: its model field's (a person's for the person columns)."""
    model = ContactPerson if column in readers.PERSON_COLUMNS else Party
    return capfirst(model._meta.get_field(column).verbose_name)


class ImportColumnsForm(forms.Form):
    """One choice per header of the file: the column it gives, or nothing."""

    def __init__(self, *args, headers: readers.Headers, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", _("(ignore this column)"))] + [
            (column, f"{_column_label(column)} ({column})") for column in readers.COLUMNS
        ]
        for index, (header, detected) in enumerate(
            zip(headers.headers, headers.detected, strict=True)
        ):
            field = forms.ChoiceField(
                label=header or _("(column %(n)s, no header)") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=detected,
            )
            field.recognised = bool(detected)
            self.fields[f"column_{index}"] = field

    def mapping(self) -> dict[str, str]:
        """File header -> column ("" to ignore it), as ``--mapping`` gives it."""
        return {
            header: self.cleaned_data[f"column_{index}"]
            for index, header in enumerate(self.headers.headers)
        }

    def clean(self):
        data = super().clean()
        chosen = [data.get(name) for name in self.fields if data.get(name)]
        doubled = sorted({c for c in chosen if chosen.count(c) > 1})
        if doubled:
            raise forms.ValidationError(
                _("Two columns of the file give the same field: %(name)s.")
                % {"name": ", ".join(str(_column_label(c)) for c in doubled)}
            )
        if not chosen:
            raise forms.ValidationError(_("Choose the field of one column at least."))
        if len(set(self.headers.headers)) != len(self.headers.headers):
            raise forms.ValidationError(_("Two columns of the file have the same header."))
        return data


def _accepted_columns() -> list[dict]:
    return [
        {
            "column": column,
            "label": _column_label(column),
            "header_fr": readers.TEMPLATE_HEADERS["fr"][column],
            "header_en": readers.TEMPLATE_HEADERS["en"][column],
            "help": readers.COLUMN_HELP[column],
        }
        for column in readers.COLUMNS
    ]


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
                job = services.import_job_upload(
                    organisation=request.organisation, data=data, user_id=request.user.pk
                )
                if job.status != ImportStatus.MAPPING:
                    tasks.import_job_enqueue(job.pk)
        except readers.ImportFormatError as exc:
            form.add_error("file", str(exc))
        else:
            if job.status == ImportStatus.MAPPING:
                return redirect("parties_import_columns", job_id=job.pk)
            return redirect("parties_import_detail", job_id=job.pk)
    jobs = _jobs(request).order_by("-created_at", "-pk")[:20]
    return render(
        request,
        "parties_importing/upload.html",
        {"form": form, "jobs": jobs, "columns": _accepted_columns()},
    )


@permission_required(Permission.CONTACTS_MANAGE)
def import_columns(request, job_id: int):
    """The mapping step: each header of the file, the column it gives."""
    job = _job(request, job_id)
    if job.status != ImportStatus.MAPPING:
        return redirect("parties_import_detail", job_id=job.pk)
    try:
        headers = services.import_job_headers(job=job)
    except (OSError, readers.ImportFormatError):
        raise Http404 from None
    posted = request.method == "POST"
    form = ImportColumnsForm(request.POST if posted else None, headers=headers)
    if posted and form.is_valid():
        try:
            with transaction.atomic():
                job = services.import_job_map(job=job, mapping=form.mapping())
                tasks.import_job_enqueue(job.pk)
        except readers.ImportFormatError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("parties_import_detail", job_id=job.pk)
    return render(
        request,
        "parties_importing/columns.html",
        {"form": form, "job": job, "unrecognised": headers.unrecognised},
    )


@require_GET
@permission_required(Permission.CONTACTS_MANAGE)
def import_template(request):
    """The template file: every accepted column's header, in the page's language."""
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    response = HttpResponse(readers.template_csv(language), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="comptoir-import-template.csv"'
    return response


@require_GET
@permission_required(Permission.CONTACTS_MANAGE)
def import_detail(request, job_id: int):
    job = _job(request, job_id)
    if job.status == ImportStatus.MAPPING and not request.htmx:
        return redirect("parties_import_columns", job_id=job.pk)
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
    record_read(
        request,
        object_type=ImportJob._meta.label_lower,
        object_id=job.pk,
        subjects=subjects_of([job]),
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"import-{job.pk}-rejected.csv",
        content_type="text/csv; charset=utf-8",
    )
