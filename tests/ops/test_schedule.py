"""Every periodic task of the schedule exists, is a task, and has a valid time."""

from apscheduler.triggers.cron import CronTrigger
from django.core.management import call_command
from django.utils.module_loading import import_string
from django_tasks.base import Task

from comptoir.ops.schedule import SCHEDULE


def test_every_entry_names_a_task_and_a_valid_crontab():
    assert len({entry.name for entry in SCHEDULE}) == len(SCHEDULE)
    for entry in SCHEDULE:
        assert isinstance(import_string(entry.task), Task), entry.task
        CronTrigger.from_crontab(entry.cron, timezone="UTC")


def test_the_scheduler_lists_its_schedule(capsys):
    call_command("scheduler", "--list")
    printed = capsys.readouterr().out
    for entry in SCHEDULE:
        assert entry.name in printed and entry.task in printed
