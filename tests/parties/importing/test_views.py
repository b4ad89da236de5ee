"""The upload page, the job page (htmx polling) and the rejected-rows download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comptoir.audit.models import Action, AuditEvent
from comptoir.parties.importing.models import ImportJob, ImportStatus
from comptoir.parties.models import Party


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(client, content: bytes, name="contacts.csv"):
    return client.post(reverse("parties_import"), {"file": SimpleUploadedFile(name, content)})


def test_upload_runs_the_job_in_the_background_and_shows_progress(
    world, ui_as, django_capture_on_commit_callbacks
):
    client = ui_as("sales")
    assert client.get(reverse("parties_import")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, b"Nom;Courriel\nRoux;roux@exemple.fr\nNoir;not-an-email\n")
    job = ImportJob.objects.of(world.org_a).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("parties_import_detail", args=[job.pk])
    assert job.created_by_id == world.member("sales").pk
    assert (job.status, job.parties_created, job.rejected) == (ImportStatus.DONE, 1, 1)
    assert Party.objects.of(world.org_a).count() == 1

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("parties_import_report", args=[job.pk]) in html
    assert 'hx-trigger="every 2s"' not in html  # finished: no more polling
    fragment = client.get(response["Location"], headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<section id="import-progress"')

    reads = AuditEvent.objects.filter(action=Action.READ, object_type="parties.importjob")
    assert not reads.exists()  # the pages show counts and reasons, no values
    report = client.get(reverse("parties_import_report", args=[job.pk]))
    assert report.status_code == 200
    assert list(reads.values_list("object_id", "actor_user_id")) == [
        (str(job.pk), world.member("sales").pk)
    ]  # the report holds the rejected rows' cells: its download is journalled
    assert report["Content-Disposition"].startswith("attachment")
    body = b"".join(report.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[1].startswith("3;Courriel;")
    assert "roux@" not in body  # only the rejected row


def test_a_running_job_page_polls(world, ui_as):
    job = ImportJob.objects.create(organisation=world.org_a, digest="0" * 64, total_rows=10)
    html = ui_as("sales").get(reverse("parties_import_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html


def test_a_bad_file_is_refused_on_the_form(world, ui_as):
    # (a file whose headers are not recognised is not a bad file: it asks for
    # its columns, test_columns_step.py)
    response = upload(ui_as("sales"), b"\n \n")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.of(world.org_a).exists()


@pytest.mark.parametrize("role", ["accountant", "support", "auditor"])
def test_roles_without_contacts_manage_are_refused(world, ui_as, role):
    client = ui_as(role)
    assert client.get(reverse("parties_import")).status_code == 403
    assert upload(client, b"Nom\nX\n").status_code == 403
    assert not ImportJob.objects.of(world.org_a).exists()


def test_another_organisations_job_is_not_found(world, ui_as):
    job = ImportJob.objects.create(organisation=world.org_b, digest="0" * 64, report_name="x")
    client = ui_as("sales")
    assert client.get(reverse("parties_import_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("parties_import_report", args=[job.pk])).status_code == 404
