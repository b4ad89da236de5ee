"""The breach register in a real browser: the privacy contact records a breach
through the form, sees its 72-hour countdown on the list, assesses the risk,
records the notification to the CNIL, and downloads the draft notification as
a PDF holding art. 33(3)'s four items. Screenshots for a person to look at."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from faker import Faker
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from comptoir.audit.services import Actor
from comptoir.privacy.breaches import services
from comptoir.privacy.breaches.models import Breach
from tests.conftest import enrol_totp
from tests.web.conftest import SHOTS, login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser
fr = Faker("fr_FR")


def test_a_breach_is_recorded_assessed_notified_and_drafted(page: Page, site, world):
    # A shared machine under load: the first pages may take longer than the default 10 s.
    page.set_default_timeout(60_000)
    owner = world.member("owner")
    secret = enrol_totp(owner)
    # An older breach, now late, so the list shows both kinds of countdown.
    now = timezone.now()
    services.breach_record(
        actor=Actor.user(owner.pk),
        organisation=world.org_a,
        occurred_from=now - timedelta(days=6),
        aware_at=now - timedelta(days=4),
        description=f"Rançongiciel sur le poste de {fr.first_name()} à l'accueil.",
        natures=["availability"],
        data_categories=["identity", "economic"],
        people_categories=["clients"],
        people_count=320,
    )
    login(page, site, owner.email, secret)
    page.goto(f"{site}/privacy/")
    page.locator("#privacy-breaches a").click()
    expect(page).to_have_url(f"{site}/privacy/breaches/")
    page.locator("#new-breach").click()
    assert unlabelled_fields(page) == []
    local = timezone.localtime(now)
    page.locator("#id_occurred_from").fill((local - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_aware_at").fill((local - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_description").fill(
        f"Un export des clients a été envoyé par erreur à {fr.company()}."
    )
    page.locator("input[name=natures][value=confidentiality]").check()
    page.locator("input[name=data_categories][value=identity]").check()
    page.locator("input[name=people_categories][value=clients]").check()
    page.locator("#id_people_count").fill("1250")
    page.locator("#id_records_count").fill("3400")
    page.locator("#id_consequences").fill("Hameçonnage ciblé des clients.")
    page.locator("#id_measures_taken").fill("Le destinataire a confirmé la suppression.")
    page.locator("#id_measures_proposed").fill("Relecture à deux des envois d'exports.")
    screenshot(page, "breaches-form")
    page.locator("#save").click()
    breach = Breach.objects.of(world.org_a).get(people_count=1250)
    expect(page).to_have_url(f"{site}/privacy/breaches/{breach.pk}/")
    expect(page.locator("#countdown-box")).to_contain_text("68 heures restantes")

    form = page.locator("#form-risk")
    form.locator("select[name=risk]").select_option("risk")
    form.locator("textarea[name=reasons]").fill("Noms et adresses électroniques de clients.")
    form.locator("button[type=submit]").click()
    expect(page.locator("#risk")).to_contain_text("Noms et adresses")
    form = page.locator("#form-notify")
    form.locator("input[name=notified_at]").fill(local.strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=reference]").fill("CNIL-2026-0001")
    form.locator("button[type=submit]").click()
    expect(page.locator("#authority-status")).to_contain_text("CNIL-2026-0001")
    screenshot(page, "breaches-detail")

    page.goto(f"{site}/privacy/breaches/")
    expect(page.locator("#breaches .countdown.late")).to_have_count(1)
    screenshot(page, "breaches-list")

    page.goto(f"{site}/privacy/breaches/{breach.pk}/draft/")
    screenshot(page, "breaches-draft")
    with page.expect_download() as download:
        page.locator("#draft-pdf").click()
    data = download.value.path().read_bytes()
    (SHOTS / "breaches-draft.pdf").write_bytes(data)
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    )
    for item in ("(a) Nature de la violation", "(b) Délégué", "(c) Conséquences", "(d) Mesures"):
        assert item in text
    assert "CNIL" in text and breach.reference in text
