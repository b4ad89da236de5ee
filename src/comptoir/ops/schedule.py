"""The periodic work of Comptoir: which task runs when.

``SCHEDULE`` is the one table of it: a name, a crontab expression (UTC) and
the task (a django-tasks ``Task``, imported by dotted path so this module
loads before the apps are ready). ``comptoir scheduler`` (started by
``comptoir serve`` beside the task worker) enqueues each task when its time
comes; the worker runs it. A task scheduled here must be idempotent: a
scheduler restarted in the middle of a minute may enqueue it twice.
"""

from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Periodic:
    name: str
    cron: str  # minute hour day month day_of_week, UTC
    task: str  # dotted path of a django-tasks Task

    def enqueue(self):
        return import_string(self.task).enqueue()


SCHEDULE: tuple[Periodic, ...] = (
    Periodic("mail-sweep", "*/5 * * * *", "comptoir.mail.tasks.mail_sweep"),
    Periodic(
        "rights-requests", "0 6 * * *", "comptoir.privacy.requests.tasks.rights_requests_daily"
    ),
    Periodic("retention-sweep", "30 2 * * *", "comptoir.privacy.records.tasks.retention_sweep"),
    Periodic("offboarding", "15 3 * * *", "comptoir.ops.offboarding.tasks.offboardings_daily"),
    Periodic("backup", "7 * * * *", "comptoir.ops.backup.tasks.backup_hourly"),
    Periodic("backup-prune", "45 3 * * *", "comptoir.ops.backup.tasks.backup_prune_daily"),
)
