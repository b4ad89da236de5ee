"""Run in the copy's environment (``python -m tests.ops.anonymise.read_copy``):
print, as JSON, every personal value of the copy decrypted under the copy's
own keys, the parties and contact persons as the services show them, the
issued snapshots, and what the search by blind index finds."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
django.setup()

from comptoir.invoicing import selectors as invoicing  # noqa: E402
from comptoir.invoicing.models import IssuedDocument  # noqa: E402
from comptoir.parties import selectors as parties  # noqa: E402
from comptoir.parties.models import ContactPerson  # noqa: E402
from comptoir.privacy.crypto import DecryptionError  # noqa: E402
from comptoir.privacy.registry import registry  # noqa: E402
from comptoir.tenancy.models import Organisation  # noqa: E402


def main() -> None:
    values = []
    for model in registry.models():
        declaration = registry.for_model(model)
        names = [
            n for n in declaration.fields if n in {f.name for f in model._meta.concrete_fields}
        ]
        if not names or model._meta.app_label == "tests":
            continue
        for obj in model._base_manager.all():
            for name in names:
                try:
                    values.append(str(getattr(obj, name)))
                except DecryptionError:  # a shredded person's noise
                    values.append("")
    out = {"values": values, "parties": [], "contacts": [], "documents": [], "found": {}}
    for organisation in Organisation.objects.order_by("pk"):
        for party in parties.party_list(organisation=organisation):
            if party.data_subject_id and party.data_subject.is_shredded:
                continue
            out["parties"].append(
                {
                    "id": party.pk,
                    "name": party.display_name,
                    "email": party.email,
                    "phone": party.phone,
                    "street": party.billing_street,
                    "postal_code": party.billing_postal_code,
                    "city": party.billing_city,
                    "iban": party.iban,
                }
            )
            if party.email:
                found = parties.party_search_exact(organisation=organisation, email=party.email)
                out["found"][party.email] = [p.pk for p in found]
        for person in ContactPerson.objects.of(organisation).order_by("pk"):
            out["contacts"].append(
                {
                    "id": person.pk,
                    "given": person.given_names,
                    "family": person.family_name,
                    "email": person.email,
                    "phone": person.phone,
                }
            )
        for issued in IssuedDocument.objects.of(organisation).order_by("pk"):
            document = invoicing.snapshot_document(issued)
            out["documents"].append({"invoice": issued.invoice_id, **document.to_dict()})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
