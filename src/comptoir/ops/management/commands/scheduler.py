from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.core.management.base import BaseCommand

from comptoir.ops.schedule import SCHEDULE


class Command(BaseCommand):
    help = (
        "Enqueue Comptoir's periodic tasks when they are due (comptoir.ops.schedule). "
        "--list prints the schedule and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="print the schedule and exit")

    def handle(self, *args, list: bool, **options):
        if list:
            for entry in SCHEDULE:
                self.stdout.write(f"{entry.cron:<16} {entry.name:<28} {entry.task}")
            return
        scheduler = BlockingScheduler(timezone="UTC")
        for entry in SCHEDULE:
            scheduler.add_job(
                entry.enqueue,
                CronTrigger.from_crontab(entry.cron, timezone="UTC"),
                id=entry.name,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=300,
            )
        self.stdout.write(f"Scheduling {len(SCHEDULE)} periodic tasks.")
        scheduler.start()
