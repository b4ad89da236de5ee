"""The register's pages: owners and admins read and configure it, other roles
and outsiders are refused, the operator's staff read the processor register."""

import io
from html import escape

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from comptoir.audit.models import Action, AuditEvent
from comptoir.audit.services import Actor
from comptoir.privacy.register import selectors, services
from comptoir.privacy.register.models import Processor, Recipient
from tests.conftest import enrol_totp

REGISTER = reverse("privacy:register:register")


def test_the_hub_links_to_the_register(world, ui_as):
    page = ui_as("owner").get(reverse("privacy:hub"))
    assert REGISTER.encode() in page.content


def test_owner_reads_the_register_and_a_sheet(world, ui_as):
    client = ui_as("owner")
    page = client.get(REGISTER)
    assert page.status_code == 200
    text = page.content.decode()
    for sheet in selectors.register_build(organisation=world.org_a).sheets:
        assert reverse("privacy:register:sheet", args=[sheet.code]) in text
    sheet = client.get(reverse("privacy:register:sheet", args=["contract_management"]))
    assert sheet.status_code == 200
    assert b"parties.ContactPerson.email" in sheet.content
    assert escape(world.org_a.privacy_contact_email).encode() in sheet.content
    assert client.get(reverse("privacy:register:sheet", args=["nope"])).status_code == 404


@pytest.mark.parametrize("role", ["sales", "accountant", "support", "auditor"])
def test_other_roles_are_refused(world, ui_as, role):
    client = ui_as(role)
    for url in (
        REGISTER,
        reverse("privacy:register:sheet", args=["accounting"]),
        reverse("privacy:register:download") + "?format=pdf",
        reverse("privacy:register:settings"),
        reverse("privacy:register:rows", args=["processors"]),
    ):
        assert client.get(url).status_code == 403, url


def test_an_outsider_is_refused(world):
    client = Client()
    client.force_login(world.outsider)
    assert client.get(REGISTER).status_code == 403
    assert client.get(reverse("privacy:register:processor_register")).status_code == 403
    anonymous = Client().get(REGISTER)
    assert anonymous.status_code == 302


def test_downloads_are_journalled(world, ui_as):
    client = ui_as("admin")
    response = client.get(reverse("privacy:register:download") + "?format=xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames
    event = AuditEvent.objects.filter(organisation_id=world.org_a.pk, action=Action.EXPORT).get()
    assert event.actor_user_id == world.member("admin").pk
    bad = client.get(reverse("privacy:register:download") + "?format=doc")
    assert bad.status_code == 302
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == 1


def test_settings_page_chooses_purposes_and_measures(world, ui_as):
    client = ui_as("owner")
    url = reverse("privacy:register:settings")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"purposes": ["accounting", "security"], "measures_backup": "Copy in a safe"}
    )
    assert response.status_code == 302
    register = selectors.register_build(organisation=world.org_a)
    assert [s.code for s in register.sheets] == ["accounting", "security"]
    backup = next(m for m in register.sheets[0].measures if m.heading == "backup")
    assert backup.own == "Copy in a safe"
    refused = client.post(url, {"purposes": ["nope"]})
    assert refused.status_code == 200 and b"errorlist" in refused.content


def test_processors_are_added_edited_and_deleted(world, ui_as):
    client = ui_as("owner")
    rows = reverse("privacy:register:rows", args=["processors"])
    response = client.post(
        rows, {"name": "Mailer", "service": "Mail", "country": "US", "safeguard": "none_needed"}
    )
    assert response.status_code == 200 and b"safeguard" in response.content  # refused
    assert not Processor.objects.of(world.org_a).exists()
    response = client.post(
        rows,
        {"name": "Mailer", "service": "Mail", "country": "US", "safeguard": "scc"},
    )
    assert response.status_code == 302
    processor = Processor.objects.of(world.org_a).get()
    edit = reverse("privacy:register:row_edit", args=["processors", processor.pk])
    assert client.get(edit).status_code == 200
    assert (
        client.post(
            edit,
            {
                "name": "Mailer",
                "service": "Mail",
                "country": "US",
                "safeguard": "scc",
                "purposes": ["accounting"],
            },
        ).status_code
        == 302
    )
    processor.refresh_from_db()
    assert processor.purposes == ["accounting"]
    delete = reverse("privacy:register:row_delete", args=["processors", processor.pk])
    assert client.post(delete).status_code == 302
    assert not Processor.objects.of(world.org_a).exists()


def test_another_organisations_rows_are_not_found(world, ui_as):
    recipient = services.recipient_create(
        actor=Actor.user(world.owner_b.pk),
        organisation=world.org_b,
        kind="external",
        name="Auditor",
    )
    client = ui_as("owner")
    edit = reverse("privacy:register:row_edit", args=["recipients", recipient.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"kind": "internal", "name": "Mine"}).status_code == 404
    delete = reverse("privacy:register:row_delete", args=["recipients", recipient.pk])
    assert client.post(delete).status_code == 404
    assert Recipient.objects.of(world.org_b).get().name == "Auditor"
    assert client.get(reverse("privacy:register:rows", args=["nothing"])).status_code == 404


def test_the_processor_register_is_for_the_operators_staff(world, ui_as):
    url = reverse("privacy:register:processor_register")
    assert ui_as("owner").get(url).status_code == 403
    staff = world.member("support")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    enrol_totp(staff)
    client = Client()
    client.force_login(staff)
    page = client.get(url)
    assert page.status_code == 200
    assert escape(world.org_a.legal_name).encode() in page.content
    assert escape(world.org_b.legal_name).encode() in page.content
    pdf = client.get(url + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(url + "?format=doc").status_code == 400
