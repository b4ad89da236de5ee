"""The web import's column-mapping step, the template file, the accepted columns
and the upload help: a file whose headers are not all recognised waits for its
columns, then runs with them, as ``--mapping`` runs on the command line."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from comptoir.parties.importing import readers, services
from comptoir.parties.importing.models import ImportJob, ImportStatus
from comptoir.parties.importing.views import ImportUploadForm
from comptoir.parties.models import ContactPerson, Party
from tests.pages import assert_titled_and_labelled

FILE = (
    "Boîte;Patronyme;Adresse mail;Remarques\n"
    "Atelier Lumière;Moreau;moreau@lumiere.example;à rappeler\n"
    "Forge Martin;Petit;petit@forge.example;\n"
).encode()


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(client, content: bytes):
    return client.post(reverse("parties_import"), {"file": SimpleUploadedFile("f.csv", content)})


def test_unrecognised_headers_ask_for_their_columns_and_the_job_runs_with_them(
    world, ui_as, django_capture_on_commit_callbacks
):
    client = ui_as("sales")
    response = upload(client, FILE)
    job = ImportJob.objects.of(world.org_a).get()
    columns_url = reverse("parties_import_columns", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == columns_url
    assert job.status == ImportStatus.MAPPING
    assert not Party.objects.of(world.org_a).exists()  # nothing runs before the columns

    page = client.get(columns_url)
    assert_titled_and_labelled(page)
    html = page.content.decode()
    form = page.context["form"]
    # Every header, each with a select of the accepted columns; the recognised
    # one ("Adresse mail" is not, nor "Boîte") preselected.
    assert [form[f"column_{i}"].label for i in range(4)] == [
        "Boîte",
        "Patronyme",
        "Adresse mail",
        "Remarques",
    ]
    choices = [value for value, _label in form.fields["column_0"].choices]
    assert choices == ["", *readers.COLUMNS]
    assert page.context["unrecognised"] == ["Boîte", "Patronyme", "Adresse mail", "Remarques"]
    assert html.count('class="unrecognised"') == 4
    # A detail page of a job waiting for its columns leads back to them.
    assert client.get(reverse("parties_import_detail", args=[job.pk]))["Location"] == columns_url

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            columns_url,
            {
                "column_0": "company_name",
                "column_1": "family_name",
                "column_2": "email",
                "column_3": "",  # ignored
            },
        )
    assert response["Location"] == reverse("parties_import_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.mapping == {
        "Boîte": "company_name",
        "Patronyme": "family_name",
        "Adresse mail": "email",
        "Remarques": "",
    }
    assert (job.status, job.parties_created, job.contacts_created) == (ImportStatus.DONE, 2, 2)
    assert {p.family_name for p in ContactPerson.objects.of(world.org_a)} == {"Moreau", "Petit"}
    # Done: the columns page is no longer offered.
    assert client.get(columns_url)["Location"] == reverse("parties_import_detail", args=[job.pk])


def test_the_same_mapping_through_the_command_line_gives_the_same_result(world, tmp_path):
    path = tmp_path / "file.csv"
    path.write_bytes(FILE)
    call_command(
        "import",
        "parties",
        str(path),
        "--organisation",
        str(world.org_a.pk),
        "--mapping",
        "Boîte=company_name",
        "--mapping",
        "Patronyme=family_name",
        "--mapping",
        "Adresse mail=email",
        stdout=io.StringIO(),
    )
    job = ImportJob.objects.of(world.org_a).get()
    assert (job.parties_created, job.contacts_created) == (2, 2)


def test_a_mapping_giving_one_field_twice_is_refused_and_nothing_runs(world, ui_as):
    client = ui_as("sales")
    upload(client, FILE)
    job = ImportJob.objects.of(world.org_a).get()
    page = client.post(
        reverse("parties_import_columns", args=[job.pk]),
        {"column_0": "company_name", "column_1": "family_name", "column_2": "family_name"},
    )
    assert page.status_code == 200
    assert page.context["form"].non_field_errors()
    page = client.post(reverse("parties_import_columns", args=[job.pk]), {})
    assert page.context["form"].non_field_errors()  # nothing chosen at all
    job.refresh_from_db()
    assert (job.status, job.mapping) == (ImportStatus.MAPPING, {})
    assert not Party.objects.of(world.org_a).exists()


def test_a_file_with_every_header_known_runs_at_once(
    world, ui_as, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(ui_as("sales"), b"Nom;Courriel\nRoux;roux@exemple.fr\n")
    job = ImportJob.objects.of(world.org_a).get()
    assert response["Location"] == reverse("parties_import_detail", args=[job.pk])
    assert job.status == ImportStatus.DONE


def test_the_same_file_uploaded_again_comes_back_to_its_columns(world, ui_as):
    client = ui_as("sales")
    first = upload(client, FILE)
    second = upload(client, FILE)
    assert first["Location"] == second["Location"]
    assert ImportJob.objects.of(world.org_a).count() == 1


def test_another_organisation_s_job_has_no_columns_page(world, ui_as):
    job = services.import_job_upload(organisation=world.org_b, data=FILE)
    assert ui_as("sales").get(reverse("parties_import_columns", args=[job.pk])).status_code == 404


def test_a_file_left_waiting_for_its_columns_is_purged_in_time(world):
    job = services.import_job_upload(organisation=world.org_a, data=FILE)
    assert default_storage.exists(job.source_name)
    assert services.import_files_purge(now=timezone.now() + timedelta(days=29)) == 0
    assert services.import_files_purge(now=timezone.now() + timedelta(days=31)) == 1
    assert not default_storage.exists(job.source_name)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_template_file_holds_every_accepted_column_recognised(world, ui_as, language):
    client = ui_as("sales")
    response = client.get(reverse("parties_import_template"), headers={"Accept-Language": language})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    headers = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(text.splitlines()) == 1  # headers only: no one's data
    mapped, found_language = readers.map_headers(headers)
    assert list(mapped.values()) == list(readers.COLUMNS)
    assert found_language == language


def test_the_upload_page_lists_the_accepted_columns_and_the_template(world, ui_as):
    html = ui_as("sales").get(reverse("parties_import")).content.decode()
    assert reverse("parties_import_template") in html
    for column in readers.COLUMNS:
        assert f"<code>{column}</code>" in html
    assert str(readers.COLUMN_HELP["siren"]) in html or "9 chiffres" in html


def test_the_help_text_names_both_separators():
    with translation.override("en"):
        help_text = str(ImportUploadForm().fields["file"].help_text)
    assert 'separator ";" or ","' in help_text
    assert ",," not in help_text
    with translation.override("fr"):
        help_text = str(ImportUploadForm().fields["file"].help_text)
    assert "« ; » ou « , »" in help_text and ",," not in help_text
