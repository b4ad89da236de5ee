"""The organisation's export: one ZIP with every kind of data it owns (JSON and
CSV, decrypted), its issued documents' files as stored, its received bills,
and nothing of another organisation; made in the background from the owner's
page, downloadable by the owner only, also after the subscription ended and
until the deletion; ``comptoir organisation export ORG OUT.zip``."""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from comptoir.audit.models import Action, AuditEvent, AuditEventSubject
from comptoir.audit.services import Actor
from comptoir.invoicing.einvoice.files import stored_bytes
from comptoir.invoicing.models import DocumentFile, FileFormat, SupplierBill
from comptoir.ops.models import ExportStatus, OrganisationExport
from comptoir.ops.offboarding import export, services
from comptoir.ops.offboarding.deletion import organisation_row_counts
from comptoir.privacy.models import DataSubject
from comptoir.privacy.registry import registry
from tests.conftest import enrol_totp

pytestmark = pytest.mark.django_db


def _archive(world) -> zipfile.ZipFile:
    out = io.BytesIO()
    export.archive_write(
        organisation=world.org_a, out=out, actor=Actor.user(world.member("owner").pk)
    )
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def test_the_archive_holds_every_kind_of_data_of_the_organisation_and_nothing_else(world, filled):
    counts = organisation_row_counts(world.org_a.pk)
    archive = _archive(world)
    names = set(archive.namelist())
    assert {"README.txt", "index.json", "invoices/index.csv"} <= names
    exported = 0
    for label, count in counts.items():
        model = apps.get_model(label)
        if not count or model in export.LEFT_OUT or registry.for_model(model) is None:
            continue
        path = f"data/{model._meta.label_lower}"
        rows = json.loads(archive.read(f"{path}.json"))
        assert len(rows) == count, label
        table = list(csv.reader(io.StringIO(archive.read(f"{path}.csv").decode("utf-8-sig"))))
        assert len(table) == count + 1, label
        exported += 1
    assert exported >= 35
    # Decrypted: the contact person's address reads as it was given.
    person = filled["a"]["person"]
    assert person.email in archive.read("data/parties.contactperson.json").decode()
    # Nothing of organisation B, anywhere in the archive.
    other = filled["b"]["person"]
    whole = b"\n".join(archive.read(name) for name in names)
    for value in (other.email, other.family_name, other.party.company_name, world.org_b.legal_name):
        assert value.encode() not in whole
    # The issued documents' files are the stored ones, byte for byte; PDFs open.
    stored = list(DocumentFile.objects.of(world.org_a).select_related("invoice"))
    assert stored
    for row in stored:
        data = archive.read(f"invoices/{row.invoice.issue_date.year}/{row.name}")
        assert data == stored_bytes(row)
        if row.format == FileFormat.FACTURX:
            assert len(PdfReader(io.BytesIO(data)).pages) >= 1
    index = list(
        csv.DictReader(io.StringIO(archive.read("invoices/index.csv").decode("utf-8-sig")))
    )
    assert [line["number"] for line in index] == [filled["a"]["issued"].number]
    bill = SupplierBill.objects.of(world.org_a).get()
    with archive.open(f"bills/{bill.pk}-{bill.file_name.rsplit('/', 1)[-1]}") as handle:
        assert handle.read().startswith(b"<?xml")


def test_exporting_is_journalled_naming_every_person_in_it(world, filled):
    exports = AuditEvent.objects.filter(
        organisation_id=world.org_a.pk, action=Action.EXPORT, object_type="tenancy.Organisation"
    )
    before = exports.count()  # the fixture made an archive already
    _archive(world)
    assert exports.count() == before + 1
    event = exports.order_by("-seq").first()
    named = set(AuditEventSubject.objects.filter(event=event).values_list("subject_id", flat=True))
    living = DataSubject.objects.of(world.org_a).filter(shredded_at__isnull=True)
    assert named == set(living.values_list("pk", flat=True)) != set()


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _signed_in(user):
    enrol_totp(user)
    client = Client()
    client.force_login(user)
    return client


def test_the_owner_exports_from_the_page_and_downloads_after_the_end(
    world, filled, immediate_tasks, django_capture_on_commit_callbacks, time_machine
):
    org = world.org_a
    org.subscription_end = timezone.localdate()
    org.save(update_fields=["subscription_end"])
    # Two months after the end: still there, and the page says until when.
    time_machine.move_to(timezone.now() + timedelta(days=60), tick=False)
    owner = _signed_in(world.member("owner"))
    page = owner.get("/organisation/")
    assert page.status_code == 200
    assert 'id="deletion-date"' in page.content.decode()
    assert services.deletion_date(org) > timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post("/organisation/exports/")
    assert response.status_code == 302
    made = OrganisationExport.objects.of(org).order_by("-pk").first()
    assert made.status == ExportStatus.DONE and made.percent == 100
    fragment = owner.get(f"/organisation/exports/{made.pk}/", headers={"HX-Request": "true"})
    assert "download" in fragment.content.decode()
    download = owner.get(f"/organisation/exports/{made.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "data/parties.party.json" in archive.namelist()
    assert AuditEvent.objects.filter(
        organisation_id=org.pk,
        action=Action.EXPORT,
        object_type="ops.organisationexport",
        object_id=str(made.pk),
    ).exists()


def test_only_the_owner_sees_the_page_and_the_exports(world, filled):
    made = OrganisationExport.objects.of(world.org_a).get()
    admin = _signed_in(world.member("admin"))
    for path in (
        "/organisation/",
        f"/organisation/exports/{made.pk}/",
        f"/organisation/exports/{made.pk}/download/",
    ):
        assert admin.get(path).status_code == 403
    assert admin.post("/organisation/exports/").status_code == 403
    owner_b = _signed_in(world.owner_b)
    assert owner_b.get(f"/organisation/exports/{made.pk}/").status_code == 404
    assert owner_b.get(f"/organisation/exports/{made.pk}/download/").status_code == 404


def test_the_command_writes_the_archive(world, filled, tmp_path):
    out = tmp_path / "export.zip"
    call_command("organisation", "export", str(world.org_a.pk), str(out))
    with zipfile.ZipFile(out) as archive:
        assert "data/tenancy.organisation.json" in archive.namelist()
    with pytest.raises(CommandError, match="exists already"):
        call_command("organisation", "export", str(world.org_a.pk), str(out))
    with pytest.raises(CommandError, match="no organisation"):
        call_command("organisation", "export", "999999", str(tmp_path / "other.zip"))
    assert not (tmp_path / "other.zip").exists()
