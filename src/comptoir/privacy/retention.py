"""Retention rules with DOMAIN.md §4's defaults.

A rule says how long rows stay in the live base (``duration``, ``None`` when
it is "the length of the relationship"), from which event the clock runs
(``start``), and what happens at the end (``end``), possibly after a period in
the intermediate archive (``archive``). Models name their rule in their
``Privacy`` declaration; an organisation may later override a default by the
rule's ``code`` (#5), and the register then shows its own value.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.conf import settings


@dataclass(frozen=True)
class Duration:
    """A calendar duration: months (a year is 12) and days."""

    months: int = 0
    days: int = 0

    @classmethod
    def years(cls, count: int) -> "Duration":
        return cls(months=12 * count)

    def after(self, moment: date | datetime) -> date | datetime:
        """The moment this duration after ``moment`` (the 31st clamps to the month's end)."""
        month_index = moment.month - 1 + self.months
        year, month = moment.year + month_index // 12, month_index % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        return moment.replace(year=year, month=month, day=day) + timedelta(days=self.days)

    def __str__(self) -> str:
        parts = []
        if self.months:
            years, months = divmod(self.months, 12)
            parts += [f"{years} years"] if years else []
            parts += [f"{months} months"] if months else []
        if self.days or not parts:
            parts.append(f"{self.days} days")
        return " ".join(parts)


class StartEvent(StrEnum):
    COLLECTION_OR_LAST_INBOUND_CONTACT = "collection_or_last_inbound_contact"
    END_OF_RELATIONSHIP = "end_of_relationship"
    END_OF_CONTRACT = "end_of_contract"
    FINANCIAL_YEAR_CLOSE = "financial_year_close"
    OBJECTION = "objection"
    REQUEST = "request"
    EVENT = "event"
    LAST_LOGIN = "last_login"
    DEPOSIT = "deposit"
    BACKUP = "backup"
    END_OF_SUBSCRIPTION = "end_of_subscription"
    CLOSURE = "closure"  # a file closed: a breach handled


class EndAction(StrEnum):
    DELETE = "delete"
    DELETE_OR_ANONYMISE_IF_REFERENCED = "delete_or_anonymise_if_referenced"
    ARCHIVE_THEN_DELETE = "archive_then_delete"
    WARN_THEN_DELETE = "warn_then_delete"
    EXPIRE = "expire"
    DELETE_TENANT = "delete_tenant"  # crypto-shred the organisation's keys


@dataclass(frozen=True)
class RetentionRule:
    code: str
    data: str
    duration: Duration | None  # None: the length of the relationship
    start: StartEvent
    end: EndAction
    archive: Duration | None = None  # intermediate archive after the live period
    legal_hold: bool = False  # never deleted before its end, whatever is asked


PROSPECT = RetentionRule(
    "prospect",
    "prospect (never a client)",
    Duration.years(3),
    StartEvent.COLLECTION_OR_LAST_INBOUND_CONTACT,
    EndAction.DELETE_OR_ANONYMISE_IF_REFERENCED,
)
CLIENT_PROSPECTION = RetentionRule(
    "client_prospection",
    "client data used for prospection",
    Duration.years(3),
    StartEvent.END_OF_RELATIONSHIP,
    EndAction.DELETE_OR_ANONYMISE_IF_REFERENCED,
)
CLIENT_CONTRACT = RetentionRule(
    "client_contract",
    "client data for contract management",
    None,
    StartEvent.END_OF_CONTRACT,
    EndAction.ARCHIVE_THEN_DELETE,
    archive=Duration.years(5),
)
ACCOUNTING = RetentionRule(
    "accounting",
    "invoices, credit notes, accounting entries and the party data printed on them",
    Duration.years(10),
    StartEvent.FINANCIAL_YEAR_CLOSE,
    EndAction.DELETE,
    legal_hold=True,
)
BANK_DETAILS = RetentionRule(
    "bank_details",
    "IBAN and mandates (except what an invoice or entry shows)",
    None,
    StartEvent.END_OF_CONTRACT,
    EndAction.DELETE,
)
SUPPRESSION_LIST = RetentionRule(
    "suppression_list",
    "suppression (opposition) list: keyed hashes only",
    Duration.years(3),
    StartEvent.OBJECTION,
    EndAction.DELETE,
)
RIGHTS_REQUEST_IDENTITY_DOCUMENT = RetentionRule(
    "rights_request_identity_document",
    "copy of an identity document sent with a rights request",
    Duration.years(1),
    StartEvent.REQUEST,
    EndAction.DELETE,
)
OBJECTION_IDENTITY_DOCUMENT = RetentionRule(
    "objection_identity_document",
    "copy of an identity document sent with an objection",
    Duration.years(3),
    StartEvent.REQUEST,
    EndAction.DELETE,
)
# The journal's two rules: their durations are the installation's settings
# (COMPTOIR_CONNECTION_LOGS_MONTHS, COMPTOIR_AUDIT_LOGS_MONTHS), an
# organisation may set its own (RetentionOverride); the daily sweep purges
# the connection chains and the others each at its rule's date.
CONNECTION_LOGS = RetentionRule(
    "connection_logs",
    "website navigation and connection logs (logins, failed logins, lockouts, logouts)",
    Duration(months=settings.CONNECTION_LOGS_MONTHS),
    StartEvent.EVENT,
    EndAction.DELETE,
)
SECURITY_LOGS = RetentionRule(
    "security_logs",
    "security and audit logs (the audit chain keeps its hashes)",
    Duration(months=settings.AUDIT_LOGS_MONTHS),
    StartEvent.EVENT,
    EndAction.DELETE,
)
INACTIVE_ACCOUNT = RetentionRule(
    "inactive_account",
    "online account, after inactivity",
    Duration.years(2),
    StartEvent.LAST_LOGIN,
    EndAction.WARN_THEN_DELETE,
)
TECHNICAL_COOKIES = RetentionRule(
    "technical_cookies",
    "cookies (technical only)",
    Duration(days=1),
    StartEvent.DEPOSIT,
    EndAction.EXPIRE,
)
HOURLY_BACKUPS = RetentionRule(
    "hourly_backups",
    "hourly backups",
    Duration(days=settings.BACKUP_HOURLY_DAYS),
    StartEvent.BACKUP,
    EndAction.DELETE,
)
WEEKLY_BACKUPS = RetentionRule(
    "weekly_backups",
    "weekly backups",
    Duration(days=settings.BACKUP_WEEKLY_DAYS),
    StartEvent.BACKUP,
    EndAction.DELETE,
)
# The key store's own backups (persons' and organisations' keys, the erasure
# journal) live no longer than the hourly data backups: a person erased today
# has their key in no backup a week from now, so every data backup, however
# old, holds only ciphertext nobody can open for them.
KEYSTORE_BACKUPS = RetentionRule(
    "keystore_backups",
    "backups of the key store (persons' and organisations' keys, erasure journal)",
    Duration(days=settings.BACKUP_KEYS_DAYS),
    StartEvent.BACKUP,
    EndAction.DELETE,
)
TENANT_AFTER_CONTRACT = RetentionRule(
    "tenant_after_contract",
    "an organisation's data after its contract ends",
    Duration(months=3),
    StartEvent.END_OF_SUBSCRIPTION,
    EndAction.DELETE_TENANT,
)
# The archive of everything an organisation owns, made for its owner to take
# its data to another vendor (``ops.offboarding.export``): a copy of all its
# personal data, so it lives a week in the storage, then goes.
ORGANISATION_EXPORT = RetentionRule(
    "organisation_export",
    "an organisation's export archive (all its data, for its owner)",
    Duration(days=7),
    StartEvent.EVENT,  # the archive was made
    EndAction.DELETE,
)
DISCLOSURES = RetentionRule(
    "disclosures",
    "recipients a person's data went to (GDPR art. 19), kept with that data",
    None,
    StartEvent.END_OF_RELATIONSHIP,
    EndAction.DELETE,
)
# The proof of a consent (GDPR art. 7(1)) is needed while the consent is in
# force, and afterwards as long as a claim about the processing it allowed may
# be brought: the CNIL's reference keeps it three years after the withdrawal
# (or the end of the relationship, whichever comes last), as the prospect
# data it covered.
CONSENT_PROOF = RetentionRule(
    "consent_proof",
    "consent ledger: each consent given or withdrawn, with its proof and wording",
    Duration.years(3),
    StartEvent.END_OF_RELATIONSHIP,  # or the withdrawal, whichever comes last
    EndAction.DELETE,
)
OUTBOX_SENT = RetentionRule(
    "outbox_sent",
    "outgoing mail (recipients, subject, body), once sent",
    Duration(days=30),
    StartEvent.EVENT,  # sent
    EndAction.DELETE,
)
OUTBOX_UNSENT = RetentionRule(
    "outbox_unsent",
    "outgoing mail that failed for good or was kept locally (no mail server)",
    Duration(days=90),
    StartEvent.EVENT,  # the last attempt, or kept
    EndAction.DELETE,
)
# The breach register (art. 33(5)) is the organisation's evidence that it
# handled each breach: kept 5 years after the breach is closed, the time within
# which a person harmed may still sue (France: Code civil art. 2224; Belgium:
# Code civil art. 2262bis) and the authority may ask for it. An open breach is
# never deleted.
BREACH_REGISTER = RetentionRule(
    "breach_register",
    "personal data breach register (facts, effects, measures, notifications)",
    Duration.years(5),
    StartEvent.CLOSURE,
    EndAction.DELETE,
)
# Rights requests and the answers given are the organisation's proof that it
# handled them (GDPR art. 5(2), 12): five years from the request (the civil
# limitation period), then deleted. Their identity documents go sooner (above).
RIGHTS_REQUESTS = RetentionRule(
    "rights_requests",
    "rights requests and the answers given (proof of their handling)",
    Duration.years(5),
    StartEvent.REQUEST,
    EndAction.DELETE,
)

ALL_RULES: tuple[RetentionRule, ...] = tuple(
    value for value in list(globals().values()) if isinstance(value, RetentionRule)
)
