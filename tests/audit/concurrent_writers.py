"""Several processes writing the same organisation's journal at once, on one
SQLite database file (as gunicorn's workers do).

Run by test_concurrency: ``setup`` creates the organisation, ``write N`` is
one worker process recording N events, half of them alone (reads through the
API) and half inside a larger transaction (a service that changes data and
journals it in the same transaction), and ``verify`` prints the outcome.
"""

import json
import os
import sys
from datetime import date

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from comptoir.audit.models import AuditEvent
    from comptoir.audit.services import Actor, audit_record, audit_verify
    from comptoir.tenancy.models import Organisation

    command = sys.argv[1]
    if command == "setup":
        call_command("migrate", verbosity=0)
        Organisation.objects.create(
            legal_name="Concurrence SARL",
            country="FR",
            siren="732829320",
            privacy_contact_name="Service RGPD",
            privacy_contact_email="rgpd@example.test",
            subscription_start=date(2026, 1, 1),
        )
    elif command == "write":
        organisation = Organisation.objects.get()
        actor = Actor.system()
        for n in range(int(sys.argv[2])):
            if n % 2:
                audit_record(actor=actor, action="read", organisation_id=organisation.pk)
            else:
                with transaction.atomic():
                    Organisation.objects.filter(pk=organisation.pk).update(city=f"Ville {n}")
                    audit_record(
                        actor=actor,
                        action="update",
                        organisation_id=organisation.pk,
                        fields=["city"],
                    )
    elif command == "verify":
        reports = audit_verify()
        print(
            json.dumps(
                {
                    "events": AuditEvent.objects.count(),
                    "broken": [r.chain for r in reports if not r.ok],
                }
            )
        )


if __name__ == "__main__":
    main()
