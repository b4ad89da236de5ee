from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comptoir.audit.services import BrokenChainError, audit_purge, audit_verify


class Command(BaseCommand):
    help = "Verify the audit journal's hash chains, or purge events past retention."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check every chain; exit 1 at the first break")
        verify.add_argument("--organisation", type=int, help="only this organisation's chain")
        purge = sub.add_parser(
            "purge",
            help=(
                "delete the events older than --days days (default 365, DOMAIN.md §4); "
                "each chain keeps a checkpoint so it stays verifiable"
            ),
        )
        purge.add_argument("--days", type=int, default=365)

    def handle(self, *args, action: str, **options):
        if action == "purge":
            if options["days"] < 1:
                raise CommandError("--days must be at least 1")
            try:
                count = audit_purge(before=timezone.now() - timedelta(days=options["days"]))
            except BrokenChainError as exc:
                self.stdout.write(f"purged {exc.purged} events")
                raise CommandError(
                    f"{len(exc.reports)} chain(s) broken, kept whole: {exc}"
                ) from exc
            self.stdout.write(f"purged {count} events")
            return
        org = options.get("organisation")
        reports = audit_verify(organisation_id=org, all_chains=org is None)
        broken = [r for r in reports if not r.ok]
        for report in reports:
            if report.ok:
                self.stdout.write(f"{report.chain}: ok ({report.checked} events)")
            else:
                self.stdout.write(
                    f"{report.chain}: BROKEN at event {report.broken_seq}: {report.reason} "
                    f"({report.checked} events verified before it)"
                )
        if broken:
            raise CommandError(f"{len(broken)} chain(s) broken")
