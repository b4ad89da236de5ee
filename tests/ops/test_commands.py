"""The ``comptoir`` command's own sub-commands, as an operator types them."""

import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from comptoir.accounts.models import User
from comptoir.audit.services import audit_verify
from comptoir.ops.demo import DEMO_DOMAIN
from comptoir.parties.models import ContactPerson, Interaction, Party
from comptoir.sales.models import Opportunity
from comptoir.tenancy.models import Membership, Organisation
from comptoir.tenancy.roles import Role


def test_demo_creates_two_organisations_once(db, capsys):
    call_command("demo", "--if-new", "--seed", "7")
    out = capsys.readouterr().out
    assert f"owner@{DEMO_DOMAIN}" in out and "password:" in out
    assert sorted(Organisation.objects.values_list("country", flat=True)) == ["BE", "FR"]
    for organisation in Organisation.objects.all():
        roles = sorted(Membership.objects.of(organisation).values_list("role", flat=True))
        assert roles == sorted(r.value for r in Role)
        parties = Party.objects.of(organisation)
        assert parties.filter(kind="company").count() == 6
        assert parties.filter(kind="individual").count() == 3
        assert ContactPerson.objects.of(organisation).count() == 9
        assert Opportunity.objects.of(organisation).count() == 4
        assert Interaction.objects.of(organisation).count() == 9
    emails = [user.email for user in User.objects.all()]
    assert all(e.endswith("@" + DEMO_DOMAIN) for e in emails)
    password = out.split("password:")[1].split()[0]
    assert User.objects.get(email=f"owner@{DEMO_DOMAIN}").check_password(password)
    assert all(report.ok for report in audit_verify())

    call_command("demo", "--if-new")  # a database with data is left alone
    assert Organisation.objects.count() == 2
    assert "password:" in capsys.readouterr().out  # and the credentials are shown again


def test_createuser_and_createorg(db, capsys):
    call_command("createuser", "--email", "gerant@example.test", "--password", "Tr0ub4dor&3x")
    call_command(
        "createorg",
        "--name", "Martin et Fils",
        "--country", "FR",
        "--siren", "732 829 320",
        "--owner-email", "gerant@example.test",
        "--privacy-contact-name", "Service RGPD",
        "--privacy-contact-email", "rgpd@example.test",
    )  # fmt: skip
    organisation = Organisation.objects.get()
    assert organisation.siren == "732829320"
    assert Membership.objects.of(organisation).get().role == Role.OWNER


def test_createorg_reports_the_bad_field_and_creates_nothing(db):
    call_command("createuser", "--email", "gerant@example.test", "--password", "Tr0ub4dor&3x")
    with pytest.raises(CommandError, match="siren"):
        call_command(
            "createorg",
            "--name", "Martin et Fils",
            "--country", "FR",
            "--siren", "732829321",
            "--owner-email", "gerant@example.test",
            "--privacy-contact-name", "Service RGPD",
            "--privacy-contact-email", "rgpd@example.test",
        )  # fmt: skip
    assert not Organisation.objects.exists()


def test_createuser_refuses_a_weak_password(db):
    with pytest.raises(CommandError):
        call_command("createuser", "--email", "faible@example.test", "--password", "abcdefgh")
    assert not User.objects.exists()


def test_console_script_lists_comptoir_commands(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "comptoir.cli", "help"],
        capture_output=True,
        text=True,
        env={"COMPTOIR_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    for command in ("serve", "migrate", "createorg", "createuser", "demo", "audit"):
        assert command in result.stdout
