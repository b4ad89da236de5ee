"""Tenant offboarding: an organisation's data is deleted three months after its
subscription ends (DOMAIN.md §4, ``privacy.retention.TENANT_AFTER_CONTRACT``,
with the organisation's own duration if it set one), and its keys with it.

Until ``deletion_date`` everything stays as it was: readable, and exportable
by its owner (``offboarding.export``). On that day the daily task
(``tasks.offboardings_daily``) deletes, one organisation per transaction:

* every row the organisation owns, in every table, and its files in the
  storage (``deletion``: found from the models, never a list);
* its organisation keys (``privacy.OrganisationKey``, wherever they are
  stored): every value encrypted under them, and every person key they
  wrap, is unreadable in every backup that still holds the ciphertext;
* its audit journal. What remains of it, on purpose: nothing in the data
  tables. The chain's events name the organisation's members (user ids, IP
  addresses) and the ids of rows and persons that no longer exist; kept,
  they would be personal data with no purpose left, and the organisation,
  whose accountability record it was, is gone. What the operator keeps is
  its own journal's events (the system chain, no organisation): that
  organisation N was offboarded, by whom, the kinds of data deleted
  (``app_model`` names) and whether its chain verified; and the hash of the
  chain's last event (a copy of the journal handed over earlier can be
  checked against it). No personal data. Backups
  made before hold the chain in clear, like the rest of the tenant's
  unencrypted columns, until they age out; a restore of one of them is
  corrected by the replay below.

Each offboarding is recorded (``OffboardingRecord``: the organisation's id and
the time) apart from the data. ``offboardings_replay`` runs after a backup
restore: an organisation offboarded since the backup was made is deleted
again. The accounts of the organisation's members are not the tenant's
(a person may belong to several organisations): they lose their membership
and are left to the inactive-account rule.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from comptoir.audit.models import Action, AuditChainHead
from comptoir.audit.services import Actor, audit_chain_delete, audit_record
from comptoir.ops.models import OffboardingRecord
from comptoir.ops.offboarding.deletion import organisation_rows_delete
from comptoir.privacy import keys, retention
from comptoir.privacy.models import OrganisationKey
from comptoir.privacy.records.retention import effective_rule
from comptoir.tenancy.models import Organisation

RULE = retention.TENANT_AFTER_CONTRACT


def deletion_date(organisation: Organisation) -> date | None:
    """The day the organisation's data is deleted; None while its
    subscription has no end."""
    if organisation.subscription_end is None:
        return None
    rule = effective_rule(organisation, RULE)
    return rule.duration.after(organisation.subscription_end)


def organisations_due(*, today: date) -> list[Organisation]:
    """The organisations whose data must go by ``today``."""
    ended = Organisation.objects.filter(subscription_end__lte=today).order_by("pk")
    return [o for o in ended if deletion_date(o) <= today]


@dataclass
class Offboarded:
    """What one offboarding deleted (counts and labels: no value)."""

    organisation_id: int
    rows: dict[str, int] = field(default_factory=dict)  # model label -> rows
    files: int = 0
    keys: int = 0
    audit_events: int = 0
    replayed: bool = False


@transaction.atomic
def organisation_offboard(
    *, organisation_id: int, actor: Actor, replayed: bool = False
) -> Offboarded | None:
    """Delete the organisation, everything it owns and its keys, in one
    transaction; journal it in the operator's journal and record it for the
    replay. None when there is no such organisation (already offboarded)."""
    found = Organisation.objects.select_for_update().filter(pk=organisation_id).values("pk").first()
    if found is None:
        return None
    # The keys first, by name: whatever table they live in, they must go.
    own_keys = OrganisationKey.objects.of(organisation_id).order_by()
    key_count = own_keys._raw_delete(own_keys.db)
    deleted = organisation_rows_delete(organisation_id)
    chain = audit_chain_delete(organisation_id=organisation_id)
    OffboardingRecord.objects.get_or_create(
        organisation_id=organisation_id, defaults={"offboarded_at": timezone.now()}
    )
    # Field names must be names: each kind of data deleted as ``app_model``.
    kinds = [*deleted.rows, *([OrganisationKey._meta.label] if key_count else [])]
    audit_record(
        actor=actor,
        action=Action.DELETE,
        organisation_id=None,  # the operator's journal: the organisation is gone
        object_type=Organisation._meta.label,  # as tenancy.services spells it
        object_id=organisation_id,
        fields=[
            *(label.lower().replace(".", "_") for label in kinds),
            *([] if chain.verified else ["audit_chain_broken"]),
            *(["replayed_after_restore"] if replayed else []),
        ],
    )
    if chain.last_seq:
        # The chain's last link: a copy of the journal handed over earlier
        # can be checked against it.
        audit_record(
            actor=actor,
            action=Action.DELETE,
            organisation_id=None,
            object_type=AuditChainHead._meta.label_lower,
            object_id=chain.last_hash,
            fields=["chain", "seq", "hash"],
        )
    # Unwrapped keys cached by this process go too, once the deletion holds.
    transaction.on_commit(keys.clear_caches)
    return Offboarded(
        organisation_id=organisation_id,
        rows=deleted.rows,
        files=deleted.files,
        keys=key_count,
        audit_events=chain.events,
        replayed=replayed,
    )


def offboardings_run(*, today: date | None = None) -> list[Offboarded]:
    """Offboard every organisation due by ``today`` (default: today, UTC),
    one transaction each. Idempotent: an offboarded organisation is gone."""
    today = today or timezone.now().date()
    actor = Actor.system()
    done = []
    for organisation in organisations_due(today=today):
        outcome = organisation_offboard(organisation_id=organisation.pk, actor=actor)
        if outcome is not None:
            done.append(outcome)
    return done


def offboardings_replay() -> list[Offboarded]:
    """After a backup restore: delete again every recorded offboarded
    organisation the database holds (a backup older than its offboarding)."""
    recorded = set(OffboardingRecord.objects.values_list("organisation_id", flat=True))
    present = Organisation.objects.filter(pk__in=recorded).order_by("pk")
    actor = Actor.system()
    done = []
    for organisation_id in present.values_list("pk", flat=True):
        outcome = organisation_offboard(organisation_id=organisation_id, actor=actor, replayed=True)
        if outcome is not None:
            done.append(outcome)
    return done
