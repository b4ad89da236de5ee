"""One row read through the ORM (decrypted) in, the same row with fakes out.

``Anonymiser.row(obj)`` gives the row's column values (attname -> value),
every declared personal field replaced by the fake of its kind
(``plan.kind_of``); the values that do not decrypt (a shredded person's)
become ``UNREADABLE`` and are written as noise. An issued invoice's snapshot
is read as the ``Document`` it is: the buyer's name, addresses, email, phone
and electronic address get the same fakes as the party's own row, free notes
the same fake as the invoice's notes, and its content hash and chain links
are computed again over the faked document.
"""

import base64
import json
import os
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import models

from comptoir.core.documents import Document
from comptoir.invoicing.models.issued import GENESIS, IssuedDocument, chain_hash
from comptoir.ops.anonymise.fakes import FakeValues
from comptoir.ops.anonymise.plan import INDEX, KEEP, kind_of
from comptoir.privacy import crypto
from comptoir.privacy.fields import EncryptedField
from comptoir.privacy.keys import KeyUnavailable
from comptoir.tenancy.models import Organisation

NOTE_SIZE = 4000


@dataclass(frozen=True)
class Unreadable:
    """A sealed value that does not open (its person was shredded): ``size`` bytes."""

    size: int


class Anonymiser:
    def __init__(self, fakes: FakeValues | None = None):
        self.fakes = fakes or FakeValues()
        self._countries: dict[int, str] = {}
        # A person's whole name ("given family" or "family given") -> their names
        self._names: dict[str, tuple[str, str, bool]] = {}
        self._originals: dict[str, set[str]] = {}  # kind -> originals seen in rows
        self._chains: dict[str, str] = {GENESIS: GENESIS}
        self._kinds: dict[type, list[tuple[models.Field, str]]] = {}

    # Rows ----------------------------------------------------------------------
    def fields_of(self, model) -> list[tuple[models.Field, str]]:
        found = self._kinds.get(model)
        if found is None:
            found = self._kinds[model] = [
                (field, kind_of(model, field)) for field in model._meta.concrete_fields
            ]
        return found

    def row(self, obj: models.Model) -> dict:
        """The row's values with fakes in place of every personal value."""
        kinds = self.fields_of(type(obj))
        originals = {field.attname: _read(obj, field) for field, _kind in kinds}
        country = self._country_of(obj, originals)
        given, family = originals.get("given_names"), originals.get("family_name")
        if isinstance(given, str) and isinstance(family, str) and given and family:
            self._names[" ".join(f"{given} {family}".split())] = (given, family, True)
            self._names.setdefault(" ".join(f"{family} {given}".split()), (given, family, False))
        out = {}
        if isinstance(given, str) and isinstance(family, str) and given and family:
            names = (self.fakes.given_name(given, country), self.fakes.family_name(family, country))
            for name in ("email", "email_other"):
                if isinstance(originals.get(name), str) and originals[name]:
                    self.fakes.email(originals[name], country, names=names)
        for field, kind in kinds:
            value = originals[field.attname]
            if kind == KEEP or value is None or isinstance(value, Unreadable):
                out[field.attname] = value
                continue
            local = _country_for(field.name, originals) or country
            out[field.attname] = self.fake(kind, value, local, field)
        if isinstance(obj, IssuedDocument):
            self._relink(out)
        return out

    def fake(self, kind: str, value, country: str, field: models.Field | None = None):
        if kind == INDEX:
            return None
        if kind == "password":
            return make_password(None)
        if kind == "random_bytes":
            return os.urandom(len(bytes(value))) if value else value
        if value == "" or value == b"":
            return value
        if kind == "document":
            return self.document(value)
        if kind == "recipients":
            return self._recipients(value, country)
        if kind == "mail_parts":
            return self._mail_parts(value, country)
        if kind == "json":
            return self._json(value, country)
        if kind == "full_name":
            return self.full_name(value, country)
        if kind == "text":
            if len(value) <= NOTE_SIZE:  # what an invoice may print among its notes
                self._originals.setdefault(kind, set()).add(value)
            return self.fakes.text(str(value), country, max_length=_max_length(field))
        self._originals.setdefault(kind, set()).add(str(value))
        if kind == "einvoice_address":
            self._originals.setdefault("einvoice_value", set()).add(str(value).partition(":")[2])
        return getattr(self.fakes, kind)(value if kind == "date" else str(value), country)

    def full_name(self, value: str, country: str) -> str:
        """A person's whole name: made of the fakes of their given and family
        names when the name is one of theirs, so it reads the same everywhere."""
        names = self._names.get(" ".join(value.split()))
        if names is None:
            return self.fakes.full_name(value, country)
        given, family, given_first = names
        parts = [self.fakes.given_name(given, country), self.fakes.family_name(family, country)]
        return " ".join(parts if given_first else parts[::-1])

    # The issued invoice's snapshot ----------------------------------------------
    def document(self, snapshot: str) -> str:
        data = json.loads(snapshot)
        buyer = data.get("buyer") or {}
        country = buyer.get("country") or (data.get("seller") or {}).get("country") or "FR"
        name = buyer.get("name", "")
        if name and (not buyer.get("is_business", True) or " ".join(name.split()) in self._names):
            buyer["name"] = self.full_name(name, country)
        for key in ("email",):
            if buyer.get(key):
                buyer[key] = self.fakes.email(buyer[key], country)
        if buyer.get("phone"):
            buyer["phone"] = self.fakes.phone(buyer["phone"], country)
        address = buyer.get("electronic_address", "")
        if address and (
            not buyer.get("is_business", True)
            or address in self._originals.get("einvoice_value", set())
            or buyer.get("electronic_scheme", "").upper() == "EM"
        ):
            buyer["electronic_address"] = self.fakes.einvoice_value(
                buyer.get("electronic_scheme", ""), address, country
            )
        for place in (buyer.get("address"), data.get("delivery_address")):
            if place:
                self._address(place, country)
        payment = data.get("payment") or {}
        if payment.get("iban") and payment["iban"] in self._originals.get("iban", set()):
            payment["iban"] = self.fakes.iban(payment["iban"], country)
        if payment.get("bic") and payment["bic"] in self._originals.get("bic", set()):
            payment["bic"] = self.fakes.bic(payment["bic"], country)
        for note in data.get("notes") or []:
            if note.get("text") in self._originals.get("text", set()):
                note["text"] = self.fakes.text(note["text"], country)
        document = Document.from_dict(data)  # still a document: refuses a broken one
        return json.dumps(document.to_dict(), sort_keys=True)

    def _address(self, place: dict, default_country: str) -> None:
        country = place.get("country") or default_country
        for key, kind in (("street", "street"), ("postal_code", "postal_code"), ("city", "city")):
            if place.get(key):
                place[key] = getattr(self.fakes, kind)(place[key], country)

    def _relink(self, out: dict) -> None:
        """The faked snapshot's content hash, and its chain link recomputed
        from the (recomputed) link of the document before it."""
        content = Document.from_dict(json.loads(out["snapshot"])).content_hash()
        previous = self._chains.get(out["previous_hash"], out["previous_hash"])
        link = chain_hash(previous, content, out["number"])
        self._chains[out["chain_hash"]] = link
        out.update(content_hash=content, previous_hash=previous, chain_hash=link)

    # Mail ------------------------------------------------------------------------
    def _recipients(self, value: str, country: str) -> str:
        lists = json.loads(value)
        faked = {
            key: [self.fakes.mailbox(address, country) for address in addresses]
            for key, addresses in lists.items()
        }
        return json.dumps(faked)

    def _mail_parts(self, value: str, country: str) -> str:
        parts = json.loads(value)
        alternatives = [
            [self.fakes.text(content, country), mimetype]
            for content, mimetype in parts.get("alternatives", [])
        ]
        attachments = [
            [self.fakes.file_name(name or "attachment"), base64.b64encode(b"").decode(), mimetype]
            for name, _content, mimetype in parts.get("attachments", [])
        ]
        headers = {
            key: (
                self.fakes.mailbox(item, country) if "@" in item else self.fakes.text(item, country)
            )
            for key, item in (parts.get("headers") or {}).items()
        }
        return json.dumps(
            {"alternatives": alternatives, "attachments": attachments, "headers": headers}
        )

    def _json(self, value, country: str):
        if isinstance(value, dict):
            return {key: self._json(item, country) for key, item in value.items()}
        if isinstance(value, list):
            return [self._json(item, country) for item in value]
        if isinstance(value, str) and value:
            return self.fakes.text(value, country)
        return value

    # Context ---------------------------------------------------------------------
    def _country_of(self, obj, originals: dict) -> str:
        for name in ("billing_country", "country"):
            value = originals.get(name)
            if isinstance(value, str) and value:
                return value
        organisation_id = originals.get("organisation_id")
        if organisation_id is None:
            return "FR"
        if organisation_id not in self._countries:
            self._countries[organisation_id] = (
                Organisation.objects.filter(pk=organisation_id)
                .values_list("country", flat=True)
                .first()
                or "FR"
            )
        return self._countries[organisation_id]


def _country_for(name: str, originals: dict) -> str | None:
    """``delivery_city`` is read in ``delivery_country``, ``billing_*`` in ``billing_country``."""
    prefix = name.split("_", 1)[0]
    value = originals.get(f"{prefix}_country")
    return value if isinstance(value, str) and value else None


def _max_length(field) -> int | None:
    return getattr(field, "max_length", None) if field is not None else None


def _read(obj: models.Model, field: models.Field):
    if isinstance(field, EncryptedField):
        try:
            return getattr(obj, field.attname)
        except (KeyUnavailable, crypto.DecryptionError):
            return Unreadable(len(obj.__dict__[field.attname]))
    value = field.value_from_object(obj)
    if isinstance(field, models.FileField):
        return value.name if value else ""
    return value
