from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from comptoir.ops.anonymise.copy import CopyFailed, CopyRefused, anonymised_copy


class Command(BaseCommand):
    help = (
        "Write an anonymised copy of the database (SQLite or PostgreSQL) to OUT, a new "
        "SQLite file, for debugging and support. Every field the privacy registry declares "
        "personal (names, emails, phones, addresses, IBANs, IP addresses, notes, messages, "
        "issued invoices' printed parties...) is replaced by a fake: the same original gets "
        "the same fake everywhere, in valid formats. Amounts, dates of documents, VAT and "
        "products are kept, and so are categories (choices), flags and moments; a personal "
        "date (a date of birth) moves by up to a year. Files the rows name (identity "
        "documents, attachments) are not copied, their names are faked. The copy has its own "
        "master key, written beside it as "
        "OUT.master.key (mode 0600), and its own keys: production's master key never leaves "
        "production. Not copied usable: passwords (unusable), second factors, API tokens, "
        "sessions, email confirmation keys and past task results (left out); the suppression "
        "list's digests become noise. The audit journal keeps every event, its IP addresses "
        "faked, chained again under the copy's key. The rows are read in one transaction (on "
        "SQLite, writers wait until the reading ends). Refuses an OUT that exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="the new SQLite file to write")

    def handle(self, *args, out: str, **options):
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        tasks: dict[str, int] = {}
        with Progress(*columns, transient=False) as progress:

            def report(what: str, done: int, total: int) -> None:
                if what not in tasks:
                    tasks[what] = progress.add_task(what, total=total)
                progress.update(tasks[what], completed=done)

            try:
                report_ = anonymised_copy(out=out, progress=report)
            except (CopyRefused, CopyFailed) as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Anonymised copy written: %(out)s (%(rows)s rows), its master key: %(key)s")
            % {"out": report_.out, "rows": report_.rows, "key": report_.key_file}
        )
        self.stdout.write(_("Run Comptoir on it with:"))
        self.stdout.write("  " + report_.how_to_run())
