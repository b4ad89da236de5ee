"""Background work of imports: a task takes a job id, is idempotent, calls the service."""

from django.db import transaction
from django_tasks import task

from comptoir.parties.importing import services


@task()
def import_job_run(job_id: int) -> dict:
    """Run or resume the import job ``job_id``; a finished job is left as it is."""
    job = services.import_job_run(job_id=job_id)
    return {"status": job.status, "processed_rows": job.processed_rows}


def import_job_enqueue(job_id: int) -> None:
    """Enqueue the job once the transaction that created it has committed."""
    transaction.on_commit(lambda: import_job_run.enqueue(job_id=job_id))
