"""``comptoir mail list|show|send|purge``: the operator's view of the outbox."""

from django.core.management.base import BaseCommand, CommandError

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.mail import services, tasks
from comptoir.mail.models import Message, MessageState
from comptoir.privacy import retention


class Command(BaseCommand):
    help = "The outbox: list, read (the operator's way to a local message), send, purge."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the latest messages: number, state, subject")
        listing.add_argument("--state", choices=MessageState.values)
        listing.add_argument("--limit", type=int, default=20)
        show = sub.add_parser(
            "show",
            help="print one message, body included (e.g. a password-reset link kept in the "
            "local outbox); the read is journalled",
        )
        show.add_argument("message_id", type=int)
        sub.add_parser(
            "send",
            help="send every queued message that is due now, and mark as failed those left "
            "'sending' by an interrupted worker (never sent twice)",
        )
        sub.add_parser(
            "purge",
            help=(
                f"delete sent messages {retention.OUTBOX_SENT.duration} after they were sent, "
                f"failed and locally kept ones {retention.OUTBOX_UNSENT.duration} after their "
                "last attempt (or creation); queued ones stay; each deletion journalled "
                "(run it daily)"
            ),
        )

    def handle(self, *args, action: str, **options):
        if action == "purge":
            self.stdout.write(f"purged {services.messages_purge()} messages")
        elif action == "send":
            result = tasks.mail_sweep.call()
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in result.items()))
        elif action == "list":
            rows = Message.across_organisations.order_by("-created_at", "-pk")
            if options["state"]:
                rows = rows.filter(state=options["state"])
            for message in rows[: max(options["limit"], 1)]:
                self.stdout.write(
                    f"{message.pk}\t{message.created_at:%Y-%m-%d %H:%M}\t{message.state}\t"
                    f"{message.subject}"
                )
        else:
            self._show(options["message_id"])

    def _show(self, message_id: int) -> None:
        message = Message.across_organisations.filter(pk=message_id).first()
        if message is None:
            raise CommandError(f"no message {message_id}")
        audit_record(
            actor=Actor.system(),
            action=Action.READ,
            organisation_id=message.organisation_id,
            object_type=services.OBJECT_TYPE,
            object_id=message.pk,
        )
        self.stdout.write(f"From: {message.sender}\nTo: {message.to_display}")
        self.stdout.write(f"Subject: {message.subject}\nState: {message.state}\n")
        self.stdout.write(message.body)
