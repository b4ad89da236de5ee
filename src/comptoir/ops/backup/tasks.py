"""The scheduled backups (``comptoir.ops.schedule``): every hour a backup of
the data and one of the key store; every day the rotation."""

from django_tasks import task

from comptoir.ops.backup.services import backup_create, backup_prune


@task()
def backup_hourly() -> dict:
    """A new pair of backups each run: enqueued twice in one second, the
    second gets a name of its own, and pruning keeps the rotation's counts."""
    return {backup.kind: backup.name for backup in backup_create()}


@task()
def backup_prune_daily() -> dict:
    """Idempotent: a second run finds nothing more to remove."""
    outcome = backup_prune()
    return {"removed": len(outcome.removed), "kept": len(outcome.kept)}
