"""French is the default language: every string of Comptoir's own is translated,
and the compiled catalogue that ships is the one the sources say."""

import gettext
from pathlib import Path

import polib
from django.test import Client

import comptoir

LOCALE = Path(comptoir.__file__).parent / "locale" / "fr" / "LC_MESSAGES"


def test_every_string_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries()


def test_the_compiled_catalogue_matches_the_sources():
    po = polib.pofile(str(LOCALE / "django.po"))
    with open(LOCALE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgstr_plural[1]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_pages_speak_french_by_default_and_english_on_request(db):
    page = Client().get("/accounts/login/")
    assert page["Content-Language"] == "fr"
    assert "Aller au contenu" in page.content.decode()
    english = Client(headers={"Accept-Language": "en"}).get("/accounts/login/")
    assert "Skip to content" in english.content.decode()
