"""A company row whose SIREN (or Belgian enterprise number) is a known company's
under another name is not that company: the row is rejected with its reason,
through the service, the command line and the web page alike."""

import io

from django.core.management import call_command

from comptoir.parties.importing import services
from comptoir.parties.models import ContactPerson, Party


def run(world, data: str, organisation=None):
    job = services.import_job_create(organisation=organisation or world.org_a, data=data.encode())
    return services.import_job_run(job_id=job.pk)


def test_a_person_is_not_attached_to_a_company_named_otherwise(world, make_company):
    known = make_company(company_name="Gamma Menuiserie")
    job = run(
        world,
        "Société;SIREN;Nom;Courriel\n"
        f"Delta Plomberie;{known.siren};Fabre;fabre@delta.example\n"
        f"GAMMA menuiserie;{known.siren};Roux;roux@gamma.example\n",
    )
    assert (job.parties_created, job.contacts_created, job.duplicates, job.rejected) == (0, 1, 0, 1)
    assert job.rejections == [
        [2, "SIREN", f"This SIREN is already the one of party #{known.pk}, named differently."]
    ]
    # Fabre went nowhere; Roux joined Gamma (the same name in another case).
    people = ContactPerson.objects.of(world.org_a)
    assert [p.family_name for p in people] == ["Roux"]
    assert people.get().party_id == known.pk
    assert Party.objects.of(world.org_a).count() == 1


def test_a_company_only_row_named_otherwise_is_rejected_not_counted_known(world, make_company):
    known = make_company(company_name="Gamma")
    job = run(world, f"Société;SIREN\nDelta;{known.siren}\nGamma;{known.siren}\n")
    assert (job.parties_created, job.duplicates, job.rejected) == (0, 1, 1)
    assert [r[:2] for r in job.rejections] == [[2, "SIREN"]]


def test_two_rows_of_one_file_giving_one_siren_two_names(world, sirens):
    siren = sirens(1)[0]
    job = run(
        world,
        "Company;SIREN;Last name\n"
        f"Epsilon;{siren};Aubert\n"
        f"Zeta;{siren};Bernard\n"
        f"epsilon;{siren};Colin\n",
    )
    assert (job.parties_created, job.contacts_created, job.rejected) == (1, 2, 1)
    assert job.rejections == [
        [3, "SIREN", "Line 2 of the file gives this SIREN to a company named differently."]
    ]


def test_a_belgian_enterprise_number_named_otherwise(world, make_company):
    known = make_company(world.org_b, company_name="Brasserie Lambiek")
    job = run(
        world,
        "Company;Country;Enterprise number;Last name\n"
        f"Chocolaterie;BE;{known.enterprise_number};Peeters\n",
        organisation=world.org_b,
    )
    assert job.rejections == [
        [
            2,
            "Enterprise number",
            f"This enterprise number is already the one of party #{known.pk}, named differently.",
        ]
    ]
    assert not ContactPerson.objects.of(world.org_b).exists()


def test_the_command_reports_the_rejected_row(world, make_company, tmp_path):
    known = make_company(company_name="Gamma")
    path = tmp_path / "file.csv"
    path.write_text(f"Société;SIREN;Nom\nDelta;{known.siren};Fabre\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import", "parties", str(path), "--organisation", str(world.org_a.pk), stdout=out)
    assert "0 contact persons created, 0 duplicates skipped, 1 rows rejected" in out.getvalue()
    assert f"line 2, SIREN: This SIREN is already the one of party #{known.pk}" in out.getvalue()
