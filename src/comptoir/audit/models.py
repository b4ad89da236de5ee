"""The audit journal: append-only, hash-chained per organisation.

An event says who (a user, an API token or the system) did what (an action) to
which object (type and id), which fields it touched (their names, never their
values), from which IP address and when. Each event stores the hash of the
previous event of its chain and its own hash, so editing, deleting or
reordering a row breaks the chain where it happened (``comptoir audit verify``).
Each organisation has its own chain; events about no organisation (a failed
login for an unknown address, operator actions) go to the ``system`` chain.

Connection events (logins, failed logins, lockouts, logouts) have chains of
their own beside those (``conn:org:<id>``, ``conn:system``): DOMAIN.md §4
keeps connection logs 6 months and the other audit events 1 year, and a
retention purge can only cut a chain at its start (it keeps a sealed
checkpoint of the last event it removed, ``AuditCheckpoint``). Sharing one
chain, the connection events could only go when every older event went with
them, a year later; a checkpoint "covering the gaps" would have to keep a
sealed hash for each event removed from the middle, as many rows as the
events themselves. With a chain of their own, each chain is purged from its
start at its own rule's date and stays verifiable from its checkpoint.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose


class Action(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGIN_LOCKED = "login_locked", _("Account locked")
    LOGOUT = "logout", _("Logout")
    UNLOCK = "unlock", _("Account unlocked")
    MFA_ENROLLED = "mfa_enrolled", _("Second factor enrolled")
    MFA_REMOVED = "mfa_removed", _("Second factor removed")
    CREATE = "create", _("Create")
    READ = "read", _("Read")
    LIST = "list", _("List")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    ERASE = "erase", _("Erase")
    PERMISSION_CHANGE = "permission_change", _("Permission change")
    TOKEN_CREATE = "token_create", _("API token created")
    TOKEN_REVOKE = "token_revoke", _("API token revoked")
    PURGE = "purge", _("Journal purge")
    NOTIFY = "notify", _("Recipients notified")
    RESTORE = "restore", _("Backup restored")


class ActorKind(models.TextChoices):
    USER = "user", _("User")
    TOKEN = "token", _("API token")
    SYSTEM = "system", _("System")


SYSTEM_CHAIN = "system"
CONNECTION_PREFIX = "conn:"

# The connection log (DOMAIN.md §4: 6 months), journalled in its own chains.
CONNECTION_ACTIONS = frozenset(
    {Action.LOGIN, Action.LOGIN_FAILED, Action.LOGIN_LOCKED, Action.LOGOUT}
)


def chain_of(organisation_id: int | None, action: str = "") -> str:
    """The chain an event goes to: its organisation's (or the system's), the
    connection chain beside it for a connection event."""
    chain = SYSTEM_CHAIN if organisation_id is None else f"org:{organisation_id}"
    return CONNECTION_PREFIX + chain if action in CONNECTION_ACTIONS else chain


def chains_of(organisation_id: int | None) -> list[str]:
    """Both chains of an organisation (or of the system): its events and its connections."""
    return [chain_of(organisation_id), chain_of(organisation_id, Action.LOGIN)]


def is_connection_chain(chain: str) -> bool:
    return chain.startswith(CONNECTION_PREFIX)


def organisation_of_chain(chain: str) -> int | None:
    """The organisation whose chain this is; None for the system's."""
    base = chain.removeprefix(CONNECTION_PREFIX)
    return None if base == SYSTEM_CHAIN else int(base.removeprefix("org:"))


class AuditEvent(models.Model):
    chain = models.CharField(max_length=32)
    seq = models.PositiveBigIntegerField()
    # Plain ids, not foreign keys: the journal outlives what it speaks of and
    # its rows are never updated (a SET NULL would rewrite history).
    # indexed by audit_org_time_id (organisation_id, -created_at, -id)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    actor_kind = models.CharField(max_length=8, choices=ActorKind.choices)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_token_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=24, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    fields = models.JSONField(default=list, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="one_seq_per_chain")]
        indexes = [
            # An organisation's journal, newest first (its two chains,
            # interleaved by time; the id breaks ties, as the page reads it).
            models.Index(
                fields=["organisation_id", "-created_at", "-id"], name="audit_org_time_id"
            ),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]
        ordering = ["-created_at", "-seq"]

    class Privacy:
        # About the acting user; the object it names may be a person too, but
        # only by type and id (never values). The longest of the journal's
        # rules: connection events (CONNECTION_ACTIONS, their own chains) go
        # sooner, under retention.CONNECTION_LOGS (privacy.records.sweep).
        subject = "actor_user_id"
        retention = retention.SECURITY_LOGS
        fields = {
            "ip_address": Personal(Category.CONNECTION, [Purpose.SECURITY], OnErasure.DELETE),
        }
        not_personal = [
            "chain",
            "actor_kind",
            "action",
            "object_type",
            "object_id",  # a row id, not a value
            "fields",  # names of fields, never their values
            "prev_hash",
            "hash",
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"


class AuditEventSubject(models.Model):
    """A data subject whose data an event showed, read, exported or changed:
    what lets the DPO answer "who saw this person" (``selectors.subject_trail``).

    Written with its event, in one bulk insert, and covered by the event's
    hash (a digest of the event's sorted subject ids), so adding, removing or
    changing a row breaks the chain. Plain ids, like the event's: the journal
    outlives the person (an erased person's trail stays, pseudonymous).
    """

    # No database constraint: the journal's tables refuse TRUNCATE with their
    # own trigger (a foreign key would answer first), and the purge deletes an
    # event's subjects with it (CASCADE, done by Django).
    event = models.ForeignKey(
        AuditEvent, on_delete=models.CASCADE, related_name="subjects", db_constraint=False
    )
    organisation_id = models.BigIntegerField()
    subject_id = models.BigIntegerField(help_text="privacy.DataSubject id")

    class Meta:
        indexes = [
            models.Index(fields=["organisation_id", "subject_id"], name="audit_subject_org"),
        ]

    class Privacy:
        # A pseudonymous id (the DataSubject's pk), never a value; purged
        # with its event.
        subject = None
        retention = retention.SECURITY_LOGS
        fields: dict = {}
        not_personal: list = []

    def __str__(self) -> str:
        return f"event {self.event_id} about subject {self.subject_id}"


class AuditChainHead(models.Model):
    """The last link of each chain: locked while an event is appended.

    ``mac`` seals (chain, seq, hash) with the master key, so deleting the last
    events and rewinding the head to match shows.
    """

    chain = models.CharField(max_length=32, unique=True)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64, blank=True)

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        not_personal = ["chain", "hash", "mac"]

    def __str__(self) -> str:
        return f"{self.chain} at {self.seq}"


class AuditCheckpoint(models.Model):
    """Where a chain starts after a retention purge removed its oldest events.

    ``mac`` seals the checkpoint with the master key: without it, anyone able
    to insert a row could make the verifier skip every event before it.
    """

    chain = models.CharField(max_length=32)
    seq = models.PositiveBigIntegerField(help_text="the last purged event")
    hash = models.CharField(max_length=64, help_text="the hash of the last purged event")
    purged = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()
    mac = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["chain", "-seq"]

    class Privacy:
        subject = None
        retention = None
        fields: dict = {}
        not_personal = ["chain", "hash", "mac"]

    def __str__(self) -> str:
        return f"{self.chain} from {self.seq}"
