"""Importing parties and contact persons from CSV and vCard files."""

import csv
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from comptoir.audit.models import AuditEvent
from comptoir.parties import rules
from comptoir.parties.importing import readers, services
from comptoir.parties.importing.models import ImportJob, ImportStatus
from comptoir.parties.models import ContactPerson, Party, PartyKind
from comptoir.privacy.models import DataSubject


def run(world, data: bytes, **kwargs) -> ImportJob:
    job = services.import_job_create(organisation=world.org_a, data=data, **kwargs)
    return services.import_job_run(job_id=job.pk)


def parties(world):
    return Party.objects.of(world.org_a)


def persons(world):
    return ContactPerson.objects.of(world.org_a)


def by_email(world, model, email):
    from comptoir.privacy import blind_index

    lookup = blind_index.lookup(model, "email", email, organisation=world.org_a)
    return model.objects.of(world.org_a).get(**lookup)


def test_french_headers_semicolons_utf8(world, sirens):
    siren = sirens(1)[0]
    data = (
        "Raison sociale;SIREN;Civilité;Prénom;Nom;Courriel;Téléphone;Fonction\n"
        f"Boulangerie Éclair;{siren};M.;Jérôme;Dupré;jerome@eclair.fr;01 42 00 00 01;Gérant\n"
        ";;Mme;Élise;Fontaine;elise@exemple.fr;06 12 34 56 78;\n"
    ).encode()
    source = readers.read(data)
    assert (source.delimiter, source.encoding, source.language) == (";", "utf-8", "fr")
    job = run(world, data)
    assert (job.status, job.parties_created, job.contacts_created, job.rejected) == (
        ImportStatus.DONE,
        2,
        1,
        0,
    )
    company = parties(world).get(kind=PartyKind.COMPANY)
    assert (company.company_name, company.siren) == ("Boulangerie Éclair", siren)
    person = by_email(world, ContactPerson, "JEROME@eclair.fr")
    assert (person.party_id, person.given_names, person.family_name) == (
        company.pk,
        "Jérôme",
        "Dupré",
    )
    assert (person.civility, person.job_title, person.phone) == ("mr", "Gérant", "01 42 00 00 01")
    individual = by_email(world, Party, "elise@exemple.fr")
    assert (individual.kind, individual.civility, individual.family_name) == (
        PartyKind.INDIVIDUAL,
        "mrs",
        "Fontaine",
    )
    assert individual.data_subject_id is not None and person.data_subject_id is not None
    assert individual.data_subject_id != person.data_subject_id


def test_english_headers_commas_windows_1252(world):
    data = (
        "Company,First name,Last name,Email,Mobile\n"
        '"Société Générale des Écureuils, SA",Zoé,Lefèvre,zoe@ecureuils.fr,06 11 22 33 44\n'
    ).encode("cp1252")
    source = readers.read(data)
    assert (source.delimiter, source.encoding, source.language) == (",", "windows-1252", "en")
    job = run(world, data)
    assert (job.parties_created, job.contacts_created, job.rejected) == (1, 1, 0)
    company = parties(world).get()
    assert company.company_name == "Société Générale des Écureuils, SA"
    person = persons(world).get()
    assert (person.given_names, person.family_name, person.mobile) == (
        "Zoé",
        "Lefèvre",
        "06 11 22 33 44",
    )


def test_explicit_mapping(world):
    data = "Boîte|x;Contact mail;Patronyme;Ignorée\nAcme;ana@acme.fr;Ana;secret\n".encode()
    with pytest.raises(readers.ImportFormatError):
        readers.read(data)  # nothing recognised
    mapping = {"Boîte|x": "company_name", "Contact mail": "email", "Patronyme": "family_name"}
    job = run(world, data, mapping=mapping)
    assert (job.parties_created, job.contacts_created, job.rejected) == (1, 1, 0)
    assert parties(world).get().company_name == "Acme"
    assert by_email(world, ContactPerson, "ana@acme.fr").family_name == "Ana"
    with pytest.raises(readers.ImportFormatError):
        readers.read(data, mapping={"Boîte|x": "no_such_column"})


VCARD_3 = """BEGIN:VCARD
VERSION:3.0
N:Martin;Claire;Anne;Mme;
FN:Claire Martin
ORG:Atelier Martin\\, fils;Ventes
TITLE:Directrice
EMAIL;TYPE=INTERNET,WORK:claire@atelier-martin.fr
TEL;TYPE=CELL:+33 6 98 76 54 32
TEL;TYPE=WORK,VOICE:01 45 67 89 10
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Petit;Louis;;;
EMAIL:louis.petit@exemple.fr
ADR;TYPE=HOME:;;12 rue des Lilas;Lyon;;69003;France
END:VCARD
"""

VCARD_4 = """BEGIN:VCARD
VERSION:4.0
FN:Noé Garnier
N:Garnier;Noé;;;
EMAIL;TYPE=home:noe@garnier.example
TEL;VALUE=uri;TYPE="voice,home":tel:+33-1-23-45-67-89
NOTE:a long
  note folded
END:VCARD
"""


def test_vcard_3(world):
    job = run(world, VCARD_3.encode())
    assert (job.file_format, job.parties_created, job.contacts_created, job.rejected) == (
        "vcard",
        2,
        1,
        0,
    )
    company = parties(world).get(kind=PartyKind.COMPANY)
    assert company.company_name == "Atelier Martin, fils"
    claire = by_email(world, ContactPerson, "claire@atelier-martin.fr")
    assert (claire.civility, claire.given_names, claire.family_name, claire.job_title) == (
        "mrs",
        "Claire Anne",
        "Martin",
        "Directrice",
    )
    assert (claire.mobile, claire.phone) == ("+33 6 98 76 54 32", "01 45 67 89 10")
    louis = by_email(world, Party, "louis.petit@exemple.fr")
    assert (louis.billing_street, louis.billing_city, louis.billing_postal_code) == (
        "12 rue des Lilas",
        "Lyon",
        "69003",
    )
    assert louis.billing_country == "FR"


def test_vcard_4_and_other_versions_rejected(world):
    job = run(world, VCARD_4.encode())
    assert (job.parties_created, job.rejected) == (1, 0)
    noe = by_email(world, Party, "noe@garnier.example")
    assert (noe.given_names, noe.family_name, noe.phone) == ("Noé", "Garnier", "+33-1-23-45-67-89")
    job = run(world, VCARD_4.replace("VERSION:4.0", "VERSION:2.1").replace("noe@", "n2@").encode())
    assert (job.parties_created, job.rejected, job.rejections) == (
        0,
        1,
        [[1, "VERSION", "Only vCard 3.0 and 4.0 are accepted."]],
    )


def test_rejected_rows_have_line_column_reason_and_a_report(world, sirens):
    good = sirens(1)[0]
    data = (
        "Company;SIREN;Last name;Email\n"
        f"Good Co;{good};Able;able@good.example\n"
        "Bad Siren Co;123456789;Baker;baker@bad.example\n"
        ";;;nobody@nowhere.example\n"
        '"Multi\nline Co";;Carter;not-an-email\n'
        "Fine Co;;Dunn;dunn@fine.example\n"
    ).encode()
    job = run(world, data)
    assert (job.parties_created, job.contacts_created, job.rejected) == (2, 2, 3)
    assert sorted(job.rejections) == [
        [3, "SIREN", "This SIREN has 9 digits but its check digit is wrong: look for a typo."],
        [4, "Last name", "An individual needs a family name."],
        [5, "Email", "Enter a valid email address."],
    ]
    # The report: in default_storage under a generated name, rows as read.
    assert job.report_name.startswith("imports/reports/") and "Bad" not in job.report_name
    with services.import_report_open(job=job) as handle:
        text = handle.read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["line", "column", "reason", "Company", "SIREN", "Last name", "Email"]
    assert rows[1] == [
        "3",
        "SIREN",
        "This SIREN has 9 digits but its check digit is wrong: look for a typo.",
        "Bad Siren Co",
        "123456789",
        "Baker",
        "baker@bad.example",
    ]
    assert rows[3][:4] == ["5", "Email", "Enter a valid email address.", "Multi\nline Co"]


def test_reimport_creates_nothing(world, sirens):
    siren_a, siren_b = sirens(2)
    data = (
        "Société;SIREN;Nom;Courriel;Téléphone\n"
        f"Alpha;{siren_a};Aubert;aubert@alpha.example;\n"
        f"Alpha;{siren_a};Bernard;bernard@alpha.example;\n"
        "Sans Siren;;Colin;;01 23 45 67 89\n"
        "Sans Siren;;Durand;;\n"
        f"Beta;{siren_b};;;\n"
        ";;Eve;eve@exemple.fr;\n"
    ).encode()
    first = run(world, data, batch_size=2)
    assert (first.parties_created, first.contacts_created, first.duplicates) == (4, 4, 0)
    before = (
        parties(world).count(),
        persons(world).count(),
        DataSubject.objects.of(world.org_a).count(),
    )
    assert before == (4, 4, 5)
    # The same file again, and the same people spelt differently.
    second = run(world, data, batch_size=2)
    assert second.pk != first.pk
    assert (second.parties_created, second.contacts_created, second.duplicates) == (0, 0, 6)
    respelt = (
        "Company,SIREN,Last name,Email\n"
        f"Alpha renamed,{siren_a},AUBERT,Aubert@ALPHA.example\n"
        ",,Eve,EVE@Exemple.FR\n"
        "SANS SIREN,,durand,\n"
    ).encode()
    third = run(world, respelt)
    # Alpha's SIREN under another name is not Alpha: rejected, not merged (issue 11).
    assert (third.parties_created, third.contacts_created, third.duplicates) == (0, 0, 2)
    assert [(line, column) for line, column, _reason in third.rejections] == [(2, "SIREN")]
    assert (
        parties(world).count(),
        persons(world).count(),
        DataSubject.objects.of(world.org_a).count(),
    ) == before


def test_a_new_contact_joins_an_existing_company(world, sirens, make_company):
    company = make_company(company_name="Gamma")
    data = f"Company;SIREN;Last name;Email\nGamma;{company.siren};Fabre;fabre@gamma.example\n"
    job = run(world, data.encode())
    assert (job.parties_created, job.contacts_created) == (0, 1)
    assert by_email(world, ContactPerson, "fabre@gamma.example").party_id == company.pk


def test_crash_mid_import_keeps_committed_batches_and_resumes(world, sirens, monkeypatch):
    names = sirens(7)
    data = (
        "Company;SIREN;Last name;Email\n"
        + "".join(f"Co {i};{siren};Name{i};p{i}@co.example\n" for i, siren in enumerate(names))
    ).encode()
    real = rules.party_errors
    calls = {"n": 0}

    def failing(values):
        calls["n"] += 1
        if calls["n"] == 5:  # the first row of the third batch
            raise RuntimeError("power cut")
        return real(values)

    monkeypatch.setattr(rules, "party_errors", failing)
    job = services.import_job_create(organisation=world.org_a, data=data, batch_size=2)
    with pytest.raises(RuntimeError):
        services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error, job.processed_rows, job.committed_batches) == (
        ImportStatus.FAILED,
        "RuntimeError",
        4,
        2,
    )
    assert (parties(world).count(), persons(world).count(), job.parties_created) == (4, 4, 4)

    monkeypatch.setattr(rules, "party_errors", real)
    again = services.import_job_create(organisation=world.org_a, data=data, batch_size=2)
    assert again.pk == job.pk  # the same file resumes its unfinished job
    seen = []
    done = services.import_job_run(job_id=again.pk, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(4, 7), (6, 7), (7, 7)]
    assert (done.status, done.processed_rows, done.committed_batches) == (ImportStatus.DONE, 7, 4)
    assert (done.parties_created, done.contacts_created, done.duplicates) == (7, 7, 0)
    assert (parties(world).count(), persons(world).count()) == (7, 7)
    assert sorted(p.siren for p in parties(world)) == names
    # Running a finished job again does nothing.
    assert services.import_job_run(job_id=done.pk).committed_batches == 4


def test_one_audit_record_per_batch_and_model(world, sirens):
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    siren = sirens(1)[0]
    data = (
        "Company;SIREN;Last name;Email\n"
        f"Delta;{siren};Garcia;garcia@delta.example\n"
        ";;Hugo;hugo@exemple.fr\n"
        ";;Ines;ines@exemple.fr\n"
    ).encode()
    job = services.import_job_create(
        organisation=world.org_a, data=data, user_id=world.member("sales").pk, batch_size=2
    )
    services.import_job_run(job_id=job.pk)
    events = AuditEvent.objects.exclude(pk__in=before).order_by("seq")
    got = [(e.action, e.object_type, e.object_id, e.fields, e.actor_user_id) for e in events]
    sales = world.member("sales").pk
    assert got == [
        (
            "create",
            "parties.party",
            f"import:{job.pk}:batch:1:rows:2",
            [
                "company_name",
                "country",
                "email",
                "family_name",
                "first_contact_on",
                "is_prospect",
                "kind",
                "siren",
            ],
            sales,
        ),
        (
            "create",
            "parties.contactperson",
            f"import:{job.pk}:batch:1:rows:1",
            ["contact_status", "email", "family_name", "party"],
            sales,
        ),
        (
            "create",
            "parties.party",
            f"import:{job.pk}:batch:2:rows:1",
            ["country", "email", "family_name", "first_contact_on", "is_prospect", "kind"],
            sales,
        ),
    ]
    assert all(e.organisation_id == world.org_a.pk for e in events)


def test_values_are_encrypted_at_rest(world):
    run(world, b"Nom;Courriel\nSecretname;secret@hidden.example\n")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name, email FROM parties_party")
        stored = cursor.fetchall()
    assert stored and all(
        b"Secretname" not in bytes(v) and b"secret@" not in bytes(v) for row in stored for v in row
    )


def test_task_runs_the_job_through_the_tasks_api(
    world, settings, django_capture_on_commit_callbacks
):
    from comptoir.parties.importing import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    job = services.import_job_create(organisation=world.org_a, data=b"Nom\nAlbert\nBrigitte\n")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.import_job_enqueue(job.pk)
        job.refresh_from_db()
        assert job.status == ImportStatus.PENDING  # nothing before the commit
    job.refresh_from_db()
    assert (job.status, job.parties_created) == (ImportStatus.DONE, 2)
    result = tasks.import_job_run.enqueue(job_id=job.pk)  # idempotent
    assert result.return_value == {"status": "done", "processed_rows": 2}
    assert parties(world).count() == 2


def test_unreadable_file_stores_nothing(world):
    with pytest.raises(readers.ImportFormatError):
        services.import_job_create(organisation=world.org_a, data=b"foo;bar\n1;2\n")
    assert not ImportJob.objects.of(world.org_a).exists()
    assert not default_storage.exists(services.SOURCE_DIR)


def test_files_purged_after_retention(world):
    from datetime import timedelta

    from django.utils import timezone

    job = run(world, b"Nom;Courriel\nZed;bad-email\n")
    assert job.rejected == 1 and default_storage.exists(job.report_name)
    names = (job.source_name, job.report_name)
    assert services.import_files_purge(now=timezone.now() + timedelta(days=29)) == 0
    assert services.import_files_purge(now=timezone.now() + timedelta(days=31)) == 1
    job.refresh_from_db()
    assert (job.source_name, job.report_name) == ("", "")
    assert not any(default_storage.exists(name) for name in names)
    purge = AuditEvent.objects.filter(object_type="parties.importjob").latest("seq")
    assert (purge.action, purge.object_id, purge.organisation_id) == (
        "delete",
        str(job.pk),
        world.org_a.pk,
    )


def test_a_failed_job_s_file_is_purged_too(world):
    from datetime import timedelta

    from django.utils import timezone

    job = services.import_job_create(organisation=world.org_a, data=b"Nom\nZed\n")
    default_storage.delete(job.source_name)  # the run cannot read it: the job fails
    failed = services.import_job_run(job_id=job.pk)
    assert failed.status == ImportStatus.FAILED and failed.finished_at is not None
    assert services.import_files_purge(now=timezone.now() + timedelta(days=31)) == 1


def test_command_imports_with_progress(world, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes("Boîte;Nom;Courriel\nEpsilon;Jules;jules@eps.example\n;;bad\n".encode())
    report = tmp_path / "rejected.csv"
    out = io.StringIO()
    call_command(
        "import",
        "parties",
        str(path),
        "--organisation",
        str(world.org_a.pk),
        "--mapping",
        "Boîte=company_name",
        "--report",
        str(report),
        stdout=out,
    )
    assert "1 parties and 1 contact persons created" in out.getvalue()
    assert "1 rows rejected" in out.getvalue()
    assert "line 3, Nom: An individual needs a family name." in out.getvalue()
    lines = report.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[1:] == [
        "3;Courriel;Enter a valid email address.;;;bad",
        "3;Nom;An individual needs a family name.;;;bad",
    ]


def test_individual_mobile_and_job_title(world):
    data = (
        b"Last name;Phone;Mobile;Job title\n"
        b"Only Mobile;;06 10 20 30 40;\n"
        b"Both;01 40 00 00 00;06 10 20 30 41;\n"
        b"Titled;;;Boss\n"
        b"Bad Mobile;;12;\n"
    )
    job = run(world, data)
    assert job.parties_created == 1
    assert by_phone(world, "+33610203040").family_name == "Only Mobile"
    assert [r[:2] for r in sorted(job.rejections)] == [
        [3, "Mobile"],
        [4, "Job title"],
        [5, "Mobile"],
    ]


def by_phone(world, phone):
    from comptoir.privacy import blind_index

    lookup = blind_index.lookup(Party, "phone", phone, organisation=world.org_a)
    return Party.objects.of(world.org_a).get(**lookup)


def test_the_purge_command_deletes_what_retention_says(world, time_machine):
    from datetime import timedelta

    from django.utils import timezone

    job = run(world, b"Nom;Courriel\nZed;bad-email\n")
    time_machine.move_to(timezone.now() + timedelta(days=31))
    out = io.StringIO()
    call_command("import", "purge", stdout=out)
    assert "files of 1 imports deleted" in out.getvalue()
    job.refresh_from_db()
    assert job.files_purged_at is not None
