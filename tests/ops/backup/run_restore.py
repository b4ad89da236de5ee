"""``python -m tests.ops.backup.run_restore --data F [--keys K] --out R.json``:
``backup_restore`` in a process of its own, against the database its
environment configures (``COMPTOIR_DATABASE_URL``), until ``comptoir backup
restore`` is wired. Writes what happened as JSON: the report, or the
refusal's message; the rows the replay saw right after the migration; and
the probes asked for (``--probe parties``: every organisation's parties
through the selector; ``--probe journal``: the system chain's last event and
whether every chain verifies)."""

import argparse
import dataclasses
import json
from pathlib import Path

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--keys", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--probe", action="append", default=[])
    options = parser.parse_args()
    django.setup()

    from comptoir.ops.backup.archive import BackupError
    from comptoir.ops.backup.restore import backup_restore
    from tests.ops.backup.support import all_rows

    result: dict = {"replayed": [], "stages": []}

    def progress(stage: str, _done: int, _total: int | None) -> None:
        if not result["stages"] or result["stages"][-1] != stage:
            result["stages"].append(stage)

    def replay_rows():
        result["replayed"].append("rows")
        result["rows"] = all_rows()

    def replay_second():
        result["replayed"].append("second")

    try:
        report = backup_restore(
            data=options.data,
            keys=options.keys,
            progress=progress,
            replays=(replay_rows, replay_second),
        )
    except BackupError as exc:
        result.update(ok=False, error=str(exc))
    else:
        result.update(ok=True, report=dataclasses.asdict(report))
        for probe in options.probe:
            result[probe] = PROBES[probe]()
    options.out.write_text(json.dumps(result, default=str))


def parties() -> dict[str, list[str]]:
    from comptoir.parties.selectors import party_list
    from comptoir.tenancy.models import Organisation

    return {
        str(organisation.pk): [str(party) for party in party_list(organisation=organisation)]
        for organisation in Organisation.objects.order_by("pk")
    }


def journal() -> dict:
    from comptoir.audit.models import SYSTEM_CHAIN, AuditEvent
    from comptoir.audit.services import audit_verify

    last = AuditEvent.objects.filter(chain=SYSTEM_CHAIN).order_by("-seq").first()
    return {
        "verified": all(report.ok for report in audit_verify()),
        "last": {
            "action": last.action,
            "organisation_id": last.organisation_id,
            "object_type": last.object_type,
            "object_id": last.object_id,
            "fields": last.fields,
        },
    }


PROBES = {"parties": parties, "journal": journal}

if __name__ == "__main__":
    main()
