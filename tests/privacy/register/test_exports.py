"""The register downloads as JSON, XLSX and PDF, each holding every sheet, and
each download is journalled; the operator's register as a processor too, and
both from the command line."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from comptoir.audit.models import Action, AuditEvent
from comptoir.audit.services import Actor
from comptoir.privacy.register import selectors, services


@pytest.fixture
def configured(world):
    actor = Actor.user(world.member("owner").pk)
    services.processor_create(
        actor=actor,
        organisation=world.org_a,
        name="Mailer Inc.",
        service="Email delivery",
        country="US",
        safeguard="scc",
    )
    return actor


def _exports(world) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(organisation_id=world.org_a.pk, action=Action.EXPORT))


def test_json_holds_every_sheet(world, configured):
    file = services.register_export(actor=configured, organisation=world.org_a, fmt="json")
    assert file.content_type == "application/json" and file.filename.endswith(".json")
    data = json.loads(file.content)
    register = selectors.register_build(organisation=world.org_a)
    assert [s["code"] for s in data["sheets"]] == [s.code for s in register.sheets]
    contract = next(s for s in data["sheets"] if s["code"] == "contract_management")
    identity = next(c for c in contract["categories"] if c["code"] == "identity")
    assert "parties.ContactPerson.email" in {f["label"] for f in identity["fields"]}
    assert {r["code"] for r in contract["retention"]} >= {"prospect", "client_contract"}
    assert contract["transfers"][0]["name"] == "Mailer Inc."
    assert data["dpo_email"] == world.org_a.privacy_contact_email
    [event] = _exports(world)
    assert event.object_type == "privacy_register.registersettings"
    assert event.fields == ["format_json"]


def test_xlsx_has_one_worksheet_per_sheet(world, configured):
    file = services.register_export(actor=configured, organisation=world.org_a, fmt="xlsx")
    workbook = load_workbook(io.BytesIO(file.content))
    register = selectors.register_build(organisation=world.org_a)
    assert len(workbook.sheetnames) == len(register.sheets)
    first = workbook[workbook.sheetnames[0]]
    values = [cell for row in first.iter_rows(values_only=True) for cell in row if cell]
    text = "\n".join(map(str, values))
    assert register.sheets[0].name in text
    assert "parties.ContactPerson.email" in text
    assert "Mailer Inc." in text
    assert world.org_a.privacy_contact_email in text
    assert _exports(world)[0].fields == ["format_xlsx"]


def test_pdf_has_every_sheet(world, configured):
    file = services.register_export(actor=configured, organisation=world.org_a, fmt="pdf")
    assert file.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(file.content))
    register = selectors.register_build(organisation=world.org_a)
    assert len(reader.pages) > len(register.sheets)  # a cover, then a page or more a sheet
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for sheet in register.sheets:
        assert " ".join(sheet.name.split()) in text, sheet.name
    assert "parties.ContactPerson.email" in text
    assert "AES-256-GCM" in text
    assert _exports(world)[0].fields == ["format_pdf"]


def test_an_unknown_format_is_refused_and_nothing_journalled(world, configured):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.register_export(actor=configured, organisation=world.org_a, fmt="doc")
    assert "format" in caught.value.message_dict
    assert _exports(world) == []


@pytest.mark.parametrize("fmt", ["json", "xlsx", "pdf"])
def test_the_processor_register_downloads(world, configured, fmt):
    file = services.processor_register_export(actor=Actor.system(), fmt=fmt)
    if fmt == "json":
        data = json.loads(file.content)
        names = {c["controller"] for c in data["controllers"]}
    elif fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(file.content)).worksheets[0]
        names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    else:
        reader = PdfReader(io.BytesIO(file.content))
        # Without white space: a long name may break across lines in a table cell.
        text = "".join("".join(p.extract_text().split()) for p in reader.pages)
        names = {
            n
            for n in (world.org_a.legal_name, world.org_b.legal_name)
            if "".join(n.split()) in text
        }
    assert {world.org_a.legal_name, world.org_b.legal_name} <= names
    event = AuditEvent.objects.filter(organisation_id=None, action=Action.EXPORT).get()
    assert event.fields == [f"processor_register_{fmt}"]


def test_the_command_writes_both_registers(world, configured, tmp_path):
    out = tmp_path / "register.json"
    call_command(
        "register", "export", "--organisation", str(world.org_a.pk), "--format", "json", str(out)
    )
    assert json.loads(out.read_bytes())["controller"] == world.org_a.legal_name
    processor = tmp_path / "processor.xlsx"
    call_command("register", "processor", "--format", "xlsx", str(processor))
    assert load_workbook(processor).sheetnames[0] == "Controllers served"
    with pytest.raises(CommandError, match="no organisation"):
        call_command("register", "export", "--organisation", "999999", str(out))
    with pytest.raises(CommandError, match="cannot write"):
        call_command("register", "processor", str(tmp_path / "missing" / "x.pdf"))
