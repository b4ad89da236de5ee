"""Dates day first and a 24-hour clock, in French and in English (Django's own
English is US-style: 01/12/2026, 6:19 p.m.)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.ops.demo import fake_siren
from comptoir.parties import services
from comptoir.parties.models import PartyKind
from comptoir.tenancy.roles import Role
from comptoir.web.forms import AuditFilterForm

fr = Faker("fr_FR")
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def party_with_dates(world):
    party = services.party_create(
        actor=Actor.system(),
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=f"{fr.company()} {fr.random_int(100, 999)}",
        siren=fake_siren(fr),
        first_contact_on=date(2026, 1, 12),
    )
    services.interaction_record(
        actor=Actor.system(),
        party=party,
        kind="call",
        direction="inbound",
        occurred_at=datetime(2026, 1, 12, 18, 19, tzinfo=PARIS),
    )
    return party


@pytest.mark.parametrize("language", ["fr", "en"])
def test_dates_are_day_first_and_times_24_hour_in_pages(ui_as, party_with_dates, language):
    client = ui_as(Role.SALES)
    headers = {"Accept-Language": language}
    html = client.get(f"/parties/{party_with_dates.pk}/", headers=headers).content.decode()
    assert f'lang="{language}"' in html
    assert "12/01/2026 18:19" in html  # the interaction, in the timeline
    assert "12/01/2026</dd>" in html  # the first contact
    assert "p.m." not in html and "01/12/2026" not in html
    # The home page's recent activity too.
    home = client.get("/", headers=headers).content.decode()
    assert "12/01/2026 18:19" in home


@pytest.mark.parametrize("language", ["fr", "en"])
def test_long_dates_and_typed_dates_are_day_first(language):
    when = datetime(2026, 1, 12, 18, 19, tzinfo=PARIS)
    with translation.override(language):
        assert formats.date_format(when, "DATETIME_FORMAT").startswith("12 ")
        assert formats.date_format(when, "DATETIME_FORMAT").endswith(" 2026 18:19")
        assert formats.time_format(when.time()) == "18:19"
        # A typed date reads day first; the browser's date input sends ISO, also read.
        form = AuditFilterForm({"since": "12/01/2026", "until": "2026-01-13"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["since"] == date(2026, 1, 12)
        # A date shown in a date input is ISO, the only form it takes.
        shown = AuditFilterForm(initial={"since": date(2026, 1, 12)})
        assert 'value="2026-01-12"' in str(shown["since"])
