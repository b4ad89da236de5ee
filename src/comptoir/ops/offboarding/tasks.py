"""Background work of offboarding: tasks take ids, are idempotent and call
the services."""

from django.db import transaction
from django_tasks import task

from comptoir.ops.offboarding import export, services


@task()
def offboardings_daily() -> dict:
    """Offboard the organisations due today, then delete the export archives
    past their week. A second run the same day finds nothing to do."""
    done = services.offboardings_run()
    purged = export.exports_purge()
    return {
        "offboarded": [outcome.organisation_id for outcome in done],
        "exports purged": purged,
    }


@task()
def export_run(export_id: int) -> dict:
    """Make the archive of the requested export ``export_id``."""
    made = export.export_run(export_id=export_id)
    return {"status": made.status if made else "gone"}


def export_enqueue(export_id: int) -> None:
    """Enqueue the export once the transaction that requested it has committed."""
    transaction.on_commit(lambda: export_run.enqueue(export_id=export_id))
