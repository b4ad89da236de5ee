"""The daily retention sweep: ``retention_apply`` over every organisation,
with the outbox, audit and import-file purges (``comptoir.ops.schedule``)."""

from django_tasks import task

from comptoir.privacy.records.sweep import retention_apply


@task()
def retention_sweep() -> dict:
    """Idempotent: a second run the same day finds nothing left to do."""
    outcome = retention_apply()
    return {
        "erased": outcome.erased,
        "deleted": sum(outcome.deleted.values()),
        "anonymised": sum(outcome.anonymised.values()),
        **{f"purged {name}": count for name, count in outcome.purged.items()},
    }
