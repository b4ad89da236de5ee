"""Every service that creates, changes, exports or deletes personal data leaves its
audit event: the right action, the object type ``app_label.modelname``, the field
names, and never a value.

The services are found by introspection: every public function of every
``services`` module (or package) of Comptoir. Each one is either exercised here
with generated data (``EXERCISES``), and then its journal write cannot be
removed without this test going red, or listed in ``NOT_JOURNALLED`` with the
reason it writes no event of its own. A new service that is neither fails
``test_every_service_is_exercised_or_excused``.
"""

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from faker import Faker

import comptoir
from comptoir.audit.models import Action, AuditEvent
from comptoir.audit.services import Actor, audit_record
from comptoir.ops.demo import fake_siren
from comptoir.parties.models import PartyKind
from comptoir.tenancy.roles import Role

fr = Faker("fr_FR")

PARTY = "parties.party"
CONTACT_PERSON = "parties.contactperson"


def _is_services_module(name: str) -> bool:
    parts = name.split(".")
    return "services" in parts[1:]


def discovered_services() -> dict[str, Callable]:
    """``module.function`` -> function, for every public function defined in a
    ``services`` module of Comptoir (re-exports counted once, where defined)."""
    found: dict[str, Callable] = {}
    for info in pkgutil.walk_packages(comptoir.__path__, prefix="comptoir."):
        if not _is_services_module(info.name) or ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = value
    return found


# Services that write no audit event of their own, each with its reason ---------------
NOT_JOURNALLED = {
    # Pure helpers: they read or compute, and change nothing.
    "comptoir.accounts.services.token_digest": "hashes a string; changes nothing",
    "comptoir.accounts.services.token_authenticate": "finds the token of a request; reads only",
    "comptoir.audit.services.event_hash": "computes a hash; changes nothing",
    "comptoir.audit.services.head_mac": "computes a MAC; changes nothing",
    "comptoir.audit.services.checkpoint_mac": "computes a MAC; changes nothing",
    "comptoir.audit.services.audit_verify": "reads the chains; changes nothing",
    "comptoir.audit.services.audit_record": "the journal itself: what every other one calls",
    "comptoir.audit.services.audit_chain_delete": (
        "deletes an offboarded organisation's chain; organisation_offboard, its one caller, "
        "journals it in the operator's journal"
    ),
    "comptoir.ops.offboarding.services.deletion_date": "computes a date; changes nothing",
    "comptoir.ops.offboarding.services.organisations_due": "lists organisations; reads only",
    "comptoir.ops.offboarding.services.offboardings_run": (
        "calls organisation_offboard for each organisation due, which journals"
    ),
    "comptoir.ops.offboarding.services.offboardings_replay": (
        "calls organisation_offboard for each organisation found again, which journals"
    ),
    "comptoir.invoicing.services.files.export_row": "builds an index row; changes nothing",
    "comptoir.ops.backup.services.backup_list": "reads the backups' headers; changes nothing",
    "comptoir.ops.backup.services.backup_verify": "decrypts and checks backups; changes nothing",
    "comptoir.ops.backup.services.comptoir_version": "reads the package's version",
    "comptoir.ops.backup.services.durations": "reads the rotation's settings",
    "comptoir.ops.backup.services.schema_version": "reads the applied migrations",
    "comptoir.ops.backup.services.backup_create": (
        "journals each backup in the operator's chain; a backup cannot be taken inside a "
        "test's transaction, so tests/ops/backup/test_services.py holds it to that"
    ),
    "comptoir.ops.backup.services.backup_prune": (
        "journals each removed file in the operator's chain; tests/ops/backup/test_services.py "
        "holds it to that, outside a test's transaction as backups are made"
    ),
    "comptoir.invoicing.services.files.export_files": (
        "calls document_file_store, which journals each file it makes"
    ),
    "comptoir.parties.importing.services.import_job_headers": "reads a file's headers",
    "comptoir.parties.importing.services.report_csv": (
        "builds the rejected-rows report in memory; import_job_run stores it, and its "
        "download is journalled as a read by the page"
    ),
    "comptoir.parties.importing.services.import_report_open": (
        "opens the stored report; the page that sends it journals the read"
    ),
    # Writes that are not personal data, or whose personal data another journal covers.
    "comptoir.accounts.services.token_mark_used": (
        "bookkeeping of when a token was last used (to the nearest minutes); the "
        "requests themselves are journalled"
    ),
    "comptoir.accounts.services.user_send_invitation": (
        "mails the link to a member created by member_invite, which journals the creation"
    ),
    "comptoir.parties.importing.services.import_job_create": (
        "keeps the uploaded file for its job (purged by import_files_purge, journalled); "
        "every party and person it brings is journalled by import_job_run"
    ),
    "comptoir.parties.importing.services.import_job_upload": (
        "import_job_create for the UI (the same file kept), or a job waiting for its columns"
    ),
    "comptoir.parties.importing.services.import_job_map": (
        "sets a job's column mapping (headers to field names): no one's data"
    ),
    "comptoir.privacy.register.services.register_settings_get": (
        "creates the organisation's empty register settings on first change: no one's "
        "data; every change is journalled by register_settings_update"
    ),
    "comptoir.privacy.requests.services.request_desk_get": (
        "creates the organisation's request desk (its public page's random slug) on first "
        "use: no one's data"
    ),
    "comptoir.sales.services.settings.sales_settings_get": (
        "creates the organisation's default settings row on first use: no one's data; "
        "every change is journalled by sales_settings_update and sales_settings_logo_set"
    ),
}

# Services journalled with the object type ``app_label.ModelName`` (``Model._meta.label``)
# rather than ``app_label.modelname``: held to that exact spelling until their owners
# move them to ``label_lower`` (DESIGN.md: one spelling per object type).
CAPITALISED = {
    "tenancy.organisation",
    "tenancy.membership",
    "accounts.user",
    "accounts.apitoken",
    "audit.auditcheckpoint",
}


def object_type(label_lower: str) -> str:
    """The object type a service journals for this model."""
    model = apps.get_model(label_lower)
    return model._meta.label if label_lower in CAPITALISED else model._meta.label_lower


# Exercises ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Event:
    action: str
    model: str  # app_label.modelname
    fields: frozenset[str] = frozenset()  # names the event must give (at least)
    exact: bool = False  # and no other


@dataclass
class Case:
    run: Callable[[], object]
    expected: list[Event]
    values: list[str] = field(default_factory=list)  # personal values that must not appear


EXERCISES: dict[str, Callable] = {}


def exercises(*names: str):
    def register(build):
        for name in names:
            EXERCISES[name] = build
        return build

    return register


def _company(world, actor, **fields):
    from comptoir.parties import services

    return services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=fr.company(),
        siren=fake_siren(fr),
        **fields,
    )


def _person(world, actor, company=None):
    from comptoir.parties import services

    return services.contact_person_create(
        actor=actor,
        party=company or _company(world, actor),
        family_name=fr.last_name(),
        email=f"{fr.user_name()}@example.test",
    )


@exercises("comptoir.parties.services.parties.party_create")
def _party_create(world, actor):
    from comptoir.parties import services

    family, email = fr.last_name(), f"{fr.user_name()}.{fr.random_int()}@example.test"
    return Case(
        lambda: services.party_create(
            actor=actor,
            organisation=world.org_a,
            kind=PartyKind.INDIVIDUAL,
            family_name=family,
            email=email,
        ),
        [Event(Action.CREATE, PARTY, frozenset({"kind", "family_name", "email"}))],
        [family, email],
    )


@exercises("comptoir.parties.services.parties.party_update")
def _party_update(world, actor):
    from comptoir.parties import services

    party = _company(world, actor)
    street = fr.street_address()
    return Case(
        lambda: services.party_update(actor=actor, party=party, billing_street=street),
        [Event(Action.UPDATE, PARTY, frozenset({"billing_street"}), exact=True)],
        [street],
    )


@exercises("comptoir.parties.services.parties.contact_person_create")
def _contact_person_create(world, actor):
    from comptoir.parties import services

    company = _company(world, actor)
    family, mobile = fr.last_name(), "06 12 34 56 78"
    return Case(
        lambda: services.contact_person_create(
            actor=actor, party=company, family_name=family, mobile=mobile
        ),
        [Event(Action.CREATE, CONTACT_PERSON, frozenset({"party", "family_name", "mobile"}))],
        [family, mobile, "+33612345678"],
    )


@exercises("comptoir.parties.services.parties.contact_person_update")
def _contact_person_update(world, actor):
    from comptoir.parties import services

    person = _person(world, actor)
    job = fr.job()[:100]
    return Case(
        lambda: services.contact_person_update(
            actor=actor, contact_person=person, job_title=job, linkedin="in/x-y-z"
        ),
        [Event(Action.UPDATE, CONTACT_PERSON, frozenset({"job_title", "linkedin"}), exact=True)],
        [job, "in/x-y-z"],
    )


@exercises("comptoir.parties.services.interactions.interaction_record")
def _interaction_record(world, actor):
    from comptoir.parties import services

    company = _company(world, actor)
    person = _person(world, actor, company)
    note = fr.sentence()
    return Case(
        lambda: services.interaction_record(
            actor=actor,
            party=company,
            kind="call",
            direction="inbound",
            contact_person=person,
            note=note,
        ),
        [Event(Action.CREATE, "parties.interaction", frozenset({"party", "note"}))],
        [note],
    )


@exercises("comptoir.sales.services.pipeline.opportunity_create")
def _opportunity_create(world, actor):
    from comptoir.sales import services

    party = _company(world, actor)
    services.pipeline_stages_ensure(actor=actor, organisation=world.org_a)
    title = fr.catch_phrase()[:100]
    return Case(
        lambda: services.opportunity_create(
            actor=actor, party=party, title=title, amount="1234.56"
        ),
        [Event(Action.CREATE, "sales.opportunity", frozenset({"party", "title", "amount"}))],
        [title, "1234.56"],
    )


def _opportunity(world, actor):
    from comptoir.sales import services

    return services.opportunity_create(
        actor=actor, party=_company(world, actor), title="Devis", amount="10.00"
    )


@exercises("comptoir.sales.services.pipeline.opportunity_update")
def _opportunity_update(world, actor):
    from comptoir.sales import services

    opportunity = _opportunity(world, actor)
    return Case(
        lambda: services.opportunity_update(actor=actor, opportunity=opportunity, amount="987.65"),
        [Event(Action.UPDATE, "sales.opportunity", frozenset({"amount"}), exact=True)],
        ["987.65"],
    )


@exercises("comptoir.sales.services.pipeline.opportunity_move")
def _opportunity_move(world, actor):
    from comptoir.sales import selectors, services

    opportunity = _opportunity(world, actor)
    stage = selectors.pipeline_stage_list(organisation=world.org_a).exclude(
        pk=opportunity.stage_id
    )[0]
    return Case(
        lambda: services.opportunity_move(actor=actor, opportunity=opportunity, stage=stage),
        [Event(Action.UPDATE, "sales.opportunity", frozenset({"stage"}))],
    )


@exercises("comptoir.sales.services.pipeline.pipeline_stages_ensure")
def _pipeline_stages_ensure(world, actor):
    from comptoir.sales import services

    return Case(
        lambda: services.pipeline_stages_ensure(actor=actor, organisation=world.org_a),
        [Event(Action.CREATE, "sales.pipelinestage", frozenset({"name", "probability"}))],
    )


@exercises("comptoir.sales.services.pipeline.pipeline_stage_create")
def _pipeline_stage_create(world, actor):
    from comptoir.sales import services

    services.pipeline_stages_ensure(actor=actor, organisation=world.org_a)
    return Case(
        lambda: services.pipeline_stage_create(
            actor=actor, organisation=world.org_a, name="Relance", probability=15
        ),
        [Event(Action.CREATE, "sales.pipelinestage", frozenset({"name", "probability"}))],
    )


@exercises("comptoir.sales.services.pipeline.pipeline_stage_update")
def _pipeline_stage_update(world, actor):
    from comptoir.sales import services

    stage = services.pipeline_stages_ensure(actor=actor, organisation=world.org_a)[0]
    return Case(
        lambda: services.pipeline_stage_update(actor=actor, stage=stage, probability=7),
        [Event(Action.UPDATE, "sales.pipelinestage", frozenset({"probability"}), exact=True)],
    )


@exercises("comptoir.parties.importing.services.import_job_run")
def _import_job_run(world, actor):
    from comptoir.parties.importing import services

    company, family, email = fr.company(), fr.last_name(), f"{fr.user_name()}@example.test"
    data = f"Société;Nom;Courriel\n{company};{family};{email}\n".encode()
    job = services.import_job_create(organisation=world.org_a, data=data)
    return Case(
        lambda: services.import_job_run(job_id=job.pk),
        [
            Event(Action.CREATE, PARTY, frozenset({"kind", "company_name"})),
            Event(Action.CREATE, CONTACT_PERSON, frozenset({"party", "family_name", "email"})),
        ],
        [company, family, email],
    )


@exercises("comptoir.parties.importing.services.import_files_purge")
def _import_files_purge(world, actor):
    from comptoir.parties.importing import services

    job = services.import_job_create(
        organisation=world.org_a, data=f"Nom\n{fr.last_name()}\n".encode()
    )
    services.import_job_run(job_id=job.pk)
    return Case(
        lambda: services.import_files_purge(now=timezone.now() + timedelta(days=31)),
        [
            Event(
                Action.DELETE,
                "parties.importjob",
                frozenset({"source_name", "report_name"}),
                exact=True,
            )
        ],
    )


@exercises("comptoir.privacy.services.subject_shred")
def _subject_shred(world, actor):
    from comptoir.privacy.services import subject_shred

    person = _person(world, actor)
    return Case(
        lambda: subject_shred(subject=person.data_subject, actor=actor),
        [Event(Action.ERASE, "privacy.datasubject", frozenset({"wrapped_key"}), exact=True)],
    )


@exercises("comptoir.privacy.records.services.retention_override_set")
def _retention_override_set(world, actor):
    from comptoir.privacy.records.services import retention_override_set

    return Case(
        lambda: retention_override_set(
            actor=actor, organisation=world.org_a, rule_code="prospect", months=24
        ),
        [Event(Action.CREATE, "privacy_records.retentionoverride", frozenset({"months", "days"}))],
    )


@exercises("comptoir.privacy.records.services.retention_override_clear")
def _retention_override_clear(world, actor):
    from comptoir.privacy.records.services import (
        retention_override_clear,
        retention_override_set,
    )

    retention_override_set(actor=actor, organisation=world.org_a, rule_code="prospect", months=24)
    return Case(
        lambda: retention_override_clear(
            actor=actor, organisation=world.org_a, rule_code="prospect"
        ),
        [Event(Action.DELETE, "privacy_records.retentionoverride", frozenset({"months", "days"}))],
    )


@exercises("comptoir.privacy.suppression.services.suppression_add")
def _suppression_add(world, actor):
    from comptoir.privacy.suppression.services import suppression_add

    email = f"{fr.user_name()}.{fr.random_int()}@example.test"
    return Case(
        lambda: suppression_add(organisation=world.org_a, actor=actor, kind="email", value=email),
        [
            Event(
                Action.CREATE,
                "privacy_suppression.suppressionentry",
                frozenset({"kind", "digest", "created_at"}),
                exact=True,
            )
        ],
        [email],
    )


@exercises(
    "comptoir.privacy.suppression.services.subject_object",
    "comptoir.parties.services.opposition.party_opposition_mark",
)
def _subject_object(world, actor):
    from comptoir.privacy.suppression.services import subject_object

    person = _person(world, actor)
    return Case(
        lambda: subject_object(subject=person.data_subject, actor=actor),
        [
            Event(Action.CREATE, "privacy_suppression.suppressionentry", frozenset({"digest"})),
            Event(Action.UPDATE, PARTY, frozenset({"processing_opposed_at"}), exact=True),
            Event(Action.UPDATE, "privacy.datasubject", frozenset({"objection"}), exact=True),
        ],
        [person.email],
    )


# The consent ledger -------------------------------------------------------------------
CONSENT_EVENT = "privacy_consent.consentevent"
CONSENT_FIELDS = frozenset({"purpose", "action", "occurred_at", "channel", "by_subject"})


def _wording(world, actor, purpose="prospection_email"):
    from comptoir.privacy.consent.services import consent_wording_create

    return consent_wording_create(
        actor=actor, organisation=world.org_a, purpose=purpose, language="fr", text=fr.sentence()
    )


@exercises("comptoir.privacy.consent.services.consent_wording_create")
def _consent_wording_create(world, actor):
    from comptoir.privacy.consent.services import consent_wording_create

    return Case(
        lambda: consent_wording_create(
            actor=actor, organisation=world.org_a, purpose="reviews", language="fr", text="Avis ?"
        ),
        [Event(Action.CREATE, "privacy_consent.consentwording", frozenset({"text", "version"}))],
    )


@exercises("comptoir.privacy.consent.services.consent_give")
def _consent_give(world, actor):
    from comptoir.privacy.consent.services import consent_give

    subject, wording = _person(world, actor).data_subject, _wording(world, actor, "reviews")
    return Case(
        lambda: consent_give(
            actor=actor,
            subject=subject,
            purpose="reviews",
            channel="paper",
            wording=wording,
            source_ip="192.0.2.44",
        ),
        [Event(Action.CREATE, CONSENT_EVENT, CONSENT_FIELDS | {"wording", "source_ip"})],
        ["192.0.2.44"],
    )


@exercises("comptoir.privacy.consent.services.consent_withdraw")
def _consent_withdraw(world, actor):
    from comptoir.privacy.consent.services import consent_withdraw

    subject = _person(world, actor).data_subject
    return Case(
        lambda: consent_withdraw(
            actor=actor, subject=subject, purpose="prospection_post", channel="phone"
        ),
        [Event(Action.CREATE, CONSENT_EVENT, CONSENT_FIELDS)],
    )


@exercises("comptoir.privacy.consent.services.consent_objection_withdraw")
def _consent_objection_withdraw(world, actor):
    from comptoir.privacy.consent.services import consent_give, consent_objection_withdraw

    subject = _person(world, actor).data_subject
    wording = _wording(world, actor, "prospection_post")
    consent_give(
        actor=actor, subject=subject, purpose="prospection_post", channel="paper", wording=wording
    )
    return Case(
        lambda: consent_objection_withdraw(subject=subject, actor=actor),
        [Event(Action.CREATE, CONSENT_EVENT, CONSENT_FIELDS)],
    )


@exercises("comptoir.privacy.consent.services.consent_proof_purge")
def _consent_proof_purge(world, actor):
    from comptoir.privacy.consent.services import consent_proof_purge, consent_withdraw

    subject = _person(world, actor).data_subject
    consent_withdraw(
        actor=actor,
        subject=subject,
        purpose="prospection_post",
        channel="phone",
        occurred_at=timezone.now() - timedelta(days=4 * 366),
    )
    return Case(
        lambda: consent_proof_purge(now=timezone.now()),
        [Event(Action.DELETE, CONSENT_EVENT)],
    )


def _confirmation(world, actor):
    from comptoir.privacy.consent.services import consent_request_confirmation

    person, wording = _person(world, actor), _wording(world, actor)
    return person, lambda: consent_request_confirmation(
        actor=actor,
        subject=person.data_subject,
        purpose="prospection_email",
        wording=wording,
        email=person.email,
        base_url="http://testserver/",
    )


@exercises("comptoir.privacy.consent.services.consent_request_confirmation")
def _consent_request_confirmation(world, actor):
    person, request = _confirmation(world, actor)
    return Case(
        request,
        [
            Event(Action.CREATE, CONSENT_EVENT, CONSENT_FIELDS | {"confirmation_token_hash"}),
            Event(Action.CREATE, "mail.message", frozenset({"recipients", "body"})),
        ],
        [person.email],
    )


@exercises("comptoir.privacy.consent.services.consent_confirm")
def _consent_confirm(world, actor):
    from comptoir.privacy.consent import links
    from comptoir.privacy.consent.models import ConsentEvent
    from comptoir.privacy.consent.services import consent_confirm

    _person_, request = _confirmation(world, actor)
    event = request()
    token, digest = links.confirmation_token()
    ConsentEvent.across_organisations.filter(pk=event.pk).update(confirmation_token_hash=digest)
    return Case(
        lambda: consent_confirm(token=token, source_ip="192.0.2.45"),
        [
            Event(
                Action.UPDATE,
                CONSENT_EVENT,
                frozenset({"confirmed_at", "confirmed_via", "source_ip"}),
                exact=True,
            )
        ],
        ["192.0.2.45"],
    )


@exercises("comptoir.privacy.consent.services.consent_withdraw_by_link")
def _consent_withdraw_by_link(world, actor):
    from comptoir.privacy.consent import links
    from comptoir.privacy.consent.services import consent_withdraw_by_link

    subject = _person(world, actor).data_subject
    token = links.withdraw_token(subject=subject, purpose="prospection_email")
    return Case(
        lambda: consent_withdraw_by_link(token=token, source_ip="192.0.2.46"),
        [Event(Action.CREATE, CONSENT_EVENT, CONSENT_FIELDS | {"source_ip"})],
        ["192.0.2.46"],
    )


@exercises("comptoir.privacy.consent.services.consent_solicitation_record")
def _consent_solicitation_record(world, actor):
    from comptoir.privacy.consent.services import consent_solicitation_record

    subject = _person(world, actor).data_subject
    return Case(
        lambda: consent_solicitation_record(
            actor=actor, subject=subject, purpose="prospection_email"
        ),
        [
            Event(
                Action.CREATE,
                "privacy_consent.consentsolicitation",
                frozenset({"purpose", "sent_at"}),
            )
        ],
    )


@exercises("comptoir.audit.services.audit_purge")
def _audit_purge(world, actor):
    from comptoir.audit.services import audit_purge

    for organisation in (world.org_a, world.org_b):
        audit_record(actor=actor, action=Action.LOGIN, organisation_id=organisation.pk)
    return Case(
        lambda: audit_purge(before=timezone.now() + timedelta(seconds=1)),
        [Event(Action.PURGE, "audit.auditcheckpoint")] * 2,  # org A's chain and org B's
    )


@exercises("comptoir.accounts.services.user_create")
def _user_create(world, actor):
    from comptoir.accounts.services import user_create

    email = f"{fr.user_name()}.{fr.random_int()}@example.test"
    return Case(
        lambda: user_create(actor=actor, email=email, password=None),
        [Event(Action.CREATE, "accounts.user", frozenset({"email"}))],
        [email],
    )


@exercises("comptoir.accounts.services.token_create")
def _token_create(world, actor):
    from comptoir.accounts.services import token_create

    return Case(
        lambda: token_create(
            actor=actor,
            organisation=world.org_a,
            user=world.member("sales"),
            name="Intégration CRM",
            scope="read",
            days=30,
        ),
        [Event(Action.TOKEN_CREATE, "accounts.apitoken", frozenset({"name", "scope"}))],
        ["Intégration CRM"],
    )


@exercises("comptoir.accounts.services.token_revoke")
def _token_revoke(world, actor):
    from comptoir.accounts.services import token_create, token_revoke

    token, _raw = token_create(
        actor=actor,
        organisation=world.org_a,
        user=world.member("sales"),
        name="t",
        scope="read",
        days=3,
    )
    return Case(
        lambda: token_revoke(actor=actor, organisation=world.org_a, token_id=token.pk),
        [Event(Action.TOKEN_REVOKE, "accounts.apitoken", frozenset({"revoked_at"}), exact=True)],
    )


@exercises("comptoir.tenancy.services.organisation_create")
def _organisation_create(world, actor):
    from comptoir.accounts.services import user_create
    from comptoir.tenancy.services import organisation_create

    owner = user_create(actor=actor, email=f"{fr.user_name()}@example.test", password=None)
    dpo = fr.name()
    return Case(
        lambda: organisation_create(
            actor=actor,
            owner=owner,
            legal_name=fr.company(),
            country="FR",
            privacy_contact_name=dpo,
            privacy_contact_email="dpo@example.test",
            subscription_start=timezone.localdate(),
            siren=fake_siren(fr),
        ),
        [
            Event(
                Action.CREATE,
                "tenancy.organisation",
                frozenset({"privacy_contact_name", "privacy_contact_email"}),
            ),
            Event(Action.PERMISSION_CHANGE, "tenancy.membership", frozenset({"user", "role"})),
        ],
        [dpo, "dpo@example.test"],
    )


@exercises("comptoir.tenancy.services.organisation_update")
def _organisation_update(world, actor):
    from comptoir.tenancy.services import organisation_update

    dpo = fr.name()
    return Case(
        lambda: organisation_update(
            actor=actor, organisation=world.org_a, privacy_contact_name=dpo
        ),
        [
            Event(
                Action.UPDATE,
                "tenancy.organisation",
                frozenset({"privacy_contact_name"}),
                exact=True,
            )
        ],
        [dpo],
    )


@exercises("comptoir.tenancy.services.membership_add")
def _membership_add(world, actor):
    from comptoir.tenancy.services import membership_add

    return Case(
        lambda: membership_add(
            actor=actor, organisation=world.org_a, user=world.outsider, role=Role.SALES
        ),
        [Event(Action.PERMISSION_CHANGE, "tenancy.membership", frozenset({"user", "role"}))],
    )


def _membership_of(world, role):
    from comptoir.tenancy.models import Membership

    return Membership.objects.of(world.org_a).get(user=world.member(role))


@exercises("comptoir.tenancy.services.membership_change_role")
def _membership_change_role(world, actor):
    from comptoir.tenancy.services import membership_change_role

    membership = _membership_of(world, Role.SUPPORT)
    return Case(
        lambda: membership_change_role(
            actor=actor,
            organisation=world.org_a,
            membership_id=membership.pk,
            role=Role.SALES,
            acting_role=Role.OWNER,
        ),
        [Event(Action.PERMISSION_CHANGE, "tenancy.membership", frozenset({"role"}), exact=True)],
    )


@exercises("comptoir.tenancy.services.membership_remove")
def _membership_remove(world, actor):
    from comptoir.tenancy.services import membership_remove

    membership = _membership_of(world, Role.SUPPORT)
    return Case(
        lambda: membership_remove(
            actor=actor,
            organisation=world.org_a,
            membership_id=membership.pk,
            acting_role=Role.OWNER,
        ),
        [Event(Action.PERMISSION_CHANGE, "tenancy.membership", frozenset({"user", "role"}))],
    )


@exercises("comptoir.tenancy.services.member_invite")
def _member_invite(world, actor):
    from comptoir.tenancy.services import member_invite

    email = f"{fr.user_name()}.{fr.random_int()}@example.test"
    return Case(
        lambda: member_invite(
            actor=actor,
            organisation=world.org_a,
            email=email,
            role=Role.SUPPORT,
            acting_role=Role.OWNER,
            base_url="http://testserver",
        ),
        [
            Event(Action.CREATE, "accounts.user", frozenset({"email"})),
            Event(Action.PERMISSION_CHANGE, "tenancy.membership", frozenset({"user", "role"})),
        ],
        [email],
    )


@exercises("comptoir.accounts.services.user_set_display_name")
def _user_set_display_name(world, actor):
    from comptoir.accounts.services import user_set_display_name

    name = fr.name()
    return Case(
        lambda: user_set_display_name(actor=actor, user=world.member("sales"), display_name=name),
        [Event(Action.UPDATE, "accounts.user", frozenset({"display_name"}), exact=True)],
        [name],
    )


# The outbox: every message is journalled with the names of its encrypted fields.
MESSAGE = "mail.message"
MESSAGE_FIELDS = frozenset({"sender", "recipients", "subject", "body", "parts"})


def _email(world):
    """A message to someone of org A, its recipient's address and subject."""
    from django.core.mail import EmailMessage

    to, subject = f"{fr.user_name()}.{fr.random_int()}@example.test", fr.sentence()
    return EmailMessage(subject, fr.paragraph(), None, [to]), [to, subject]


def _message(world, state=None, **changes):
    """A message of org A in the outbox (queued if a mail server is configured)."""
    from comptoir.core.mailabout import MailAbout
    from comptoir.mail.models import Message
    from comptoir.mail.services import messages_queue

    email, values = _email(world)
    (message,) = messages_queue(messages=[email], about=MailAbout(organisation_id=world.org_a.pk))
    if state or changes:
        Message.across_organisations.filter(pk=message.pk).update(
            **({"state": state} if state else {}), **changes
        )
        message.refresh_from_db()
    return message, values


@exercises("comptoir.mail.services.messages_queue")
def _messages_queue(world, actor):
    from comptoir.core.mailabout import MailAbout
    from comptoir.mail.services import messages_queue

    email, values = _email(world)
    return Case(
        lambda: messages_queue(messages=[email], about=MailAbout(organisation_id=world.org_a.pk)),
        [Event(Action.CREATE, MESSAGE, MESSAGE_FIELDS | {"state"}, exact=True)],
        values + [email.body],
    )


@exercises("comptoir.mail.services.message_send")
def _message_send(world, actor, smtp):
    from comptoir.mail.models import MessageState
    from comptoir.mail.services import message_send

    smtp.start()
    message, values = _message(world)
    assert message.state == MessageState.QUEUED

    def run():
        assert message_send(message_id=message.pk).sent_now
        assert len(smtp.inbox.messages) == 1

    return Case(run, [Event(Action.UPDATE, MESSAGE, frozenset({"state"}), exact=True)], values)


@exercises("comptoir.mail.services.message_retry")
def _message_retry(world, actor, smtp):
    from comptoir.mail.models import MessageState
    from comptoir.mail.services import message_retry

    message, values = _message(world, MessageState.FAILED, finished_at=timezone.now())
    return Case(
        lambda: message_retry(actor=actor, message=message),
        [Event(Action.UPDATE, MESSAGE, frozenset({"state"}), exact=True)],
        values,
    )


@exercises("comptoir.mail.services.messages_unstick")
def _messages_unstick(world, actor, smtp):
    from comptoir.mail.models import MessageState
    from comptoir.mail.services import messages_unstick

    started = timezone.now() - timedelta(hours=1)
    message, values = _message(world, MessageState.SENDING, attempts=1, last_attempt_at=started)
    return Case(
        lambda: messages_unstick(),
        [Event(Action.UPDATE, MESSAGE, frozenset({"state"}), exact=True)],
        values,
    )


@exercises("comptoir.mail.services.messages_purge")
def _messages_purge(world, actor):
    from comptoir.mail.models import MessageState
    from comptoir.mail.services import messages_purge

    message, values = _message(world)  # no mail server: kept locally
    assert message.state == MessageState.LOCAL
    return Case(
        lambda: messages_purge(now=timezone.now() + timedelta(days=365)),
        [Event(Action.DELETE, MESSAGE, MESSAGE_FIELDS, exact=True)],
        values,
    )


# Payments: one event per write, the reference (encrypted) named, never its value.
PAYMENT = "invoicing.payment"
ALLOCATION = "invoicing.paymentallocation"


def _client_and_invoice(world, actor, amount="120.00"):
    from tests.invoicing.payments.issued import issued_invoice

    client = _company(world, actor, is_client=True)
    return client, issued_invoice(client, amount)


def _payment(world, actor, allocations=None):
    from datetime import date

    from comptoir.invoicing.services.payments import payment_record

    client, invoice = _client_and_invoice(world, actor)
    payment = payment_record(
        actor=actor,
        party=client,
        amount="100.00",
        method="cheque",
        received_on=date.today(),
        reference="CHQ-7788",
        allocations=allocations,
    )
    return payment, invoice


@exercises("comptoir.invoicing.services.payments.payment_record")
def _payment_record(world, actor):
    from datetime import date

    from comptoir.invoicing.services.payments import payment_record

    client, invoice = _client_and_invoice(world, actor)
    reference = f"VIR-{fr.random_int(10000, 99999)}"
    return Case(
        lambda: payment_record(
            actor=actor,
            party=client,
            amount="80.00",
            method="transfer",
            received_on=date.today(),
            reference=reference,
            allocations=[(invoice, "50.00")],
        ),
        [
            Event(
                Action.CREATE,
                PAYMENT,
                frozenset({"party", "amount", "method", "received_on", "reference", "allocations"}),
                exact=True,
            )
        ],
        [reference],
    )


@exercises("comptoir.invoicing.services.payments.payment_allocate")
def _payment_allocate(world, actor):
    from comptoir.invoicing.services.payments import payment_allocate

    payment, invoice = _payment(world, actor)
    return Case(
        lambda: payment_allocate(actor=actor, payment=payment, invoice=invoice, amount="60.00"),
        [Event(Action.CREATE, ALLOCATION, frozenset({"payment", "invoice", "amount"}), exact=True)],
        ["CHQ-7788"],
    )


@exercises("comptoir.invoicing.services.payments.payment_unallocate")
def _payment_unallocate(world, actor):
    from comptoir.invoicing.models import PaymentAllocation
    from comptoir.invoicing.services.payments import payment_unallocate

    payment, _invoice = _payment(world, actor, allocations="auto")
    allocation = PaymentAllocation.objects.of(world.org_a).get(payment=payment)
    return Case(
        lambda: payment_unallocate(actor=actor, allocation=allocation),
        [Event(Action.DELETE, ALLOCATION, frozenset({"amount"}), exact=True)],
        ["CHQ-7788"],
    )


@exercises("comptoir.invoicing.services.payments.payment_delete")
def _payment_delete(world, actor):
    from comptoir.invoicing.services.payments import payment_delete

    payment, _invoice = _payment(world, actor)
    return Case(
        lambda: payment_delete(actor=actor, payment=payment),
        [
            Event(
                Action.DELETE,
                PAYMENT,
                frozenset({"party", "amount", "method", "received_on", "reference"}),
                exact=True,
            )
        ],
        ["CHQ-7788"],
    )


@exercises("comptoir.invoicing.services.bills.bill_receive")
def _bill_receive(world, actor):
    from comptoir.invoicing.services.bills import bill_receive
    from tests.invoicing.receive.conftest import FRENCH_BUYER_SIREN, french_cii

    siren = fake_siren(fr)
    # A supplier not yet known, confirmed: its party, then its bill.
    data = french_cii(siren=siren, vat="").replace(
        FRENCH_BUYER_SIREN.encode(), world.org_a.siren.encode()
    )
    return Case(
        lambda: bill_receive(
            actor=actor, organisation=world.org_a, data=data, create_supplier=True
        ),
        [
            Event(Action.CREATE, PARTY, frozenset({"kind", "company_name", "siren"})),
            Event(
                Action.CREATE,
                "invoicing.supplierbill",
                frozenset({"supplier", "number", "file_sha256", "findings"}),
            ),
        ],
        [siren, "F-2026-00042"],
    )


# Invoicing -------------------------------------------------------------------------
INVOICE = "invoicing.invoice"
INVOICE_LINE = "invoicing.invoiceline"


def _invoice_line(**more):
    from decimal import Decimal

    return {
        "name": fr.catch_phrase()[:60],
        "quantity": Decimal("2"),
        "unit_price": Decimal("50"),
        "vat_category": "S",
        "vat_rate": Decimal("20"),
        **more,
    }


def _draft(world, actor):
    from comptoir.invoicing import services

    return services.invoice_create(
        actor=actor,
        organisation=world.org_a,
        party=_company(world, actor, vat_number=""),
        lines=[_invoice_line()],
    )


def _order(world, actor):
    from comptoir.sales.models import Order, OrderLine

    order = Order.objects.create(organisation=world.org_a, party=_company(world, actor))
    OrderLine.objects.create(order=order, position=1, **_invoice_line())
    return order


@exercises("comptoir.invoicing.services.drafts.invoice_create")
def _invoice_create(world, actor):
    from comptoir.invoicing import services

    party = _company(world, actor)
    return Case(
        lambda: services.invoice_create(
            actor=actor,
            organisation=world.org_a,
            party=party,
            purchase_order="PO-1",
            lines=[_invoice_line()],
        ),
        [Event(Action.CREATE, INVOICE, frozenset({"party", "purchase_order", "lines"}))],
    )


@exercises("comptoir.invoicing.services.drafts.invoice_update")
def _invoice_update(world, actor):
    from comptoir.invoicing import services

    invoice = _draft(world, actor)
    return Case(
        lambda: services.invoice_update(actor=actor, invoice=invoice, purchase_order="PO-2"),
        [Event(Action.UPDATE, INVOICE, frozenset({"purchase_order"}), exact=True)],
    )


@exercises("comptoir.invoicing.services.drafts.invoice_delete")
def _invoice_delete(world, actor):
    from comptoir.invoicing import services

    invoice = _draft(world, actor)
    return Case(
        lambda: services.invoice_delete(actor=actor, invoice=invoice),
        [Event(Action.DELETE, INVOICE)],
    )


@exercises("comptoir.invoicing.services.drafts.invoice_line_add")
def _invoice_line_add(world, actor):
    from comptoir.invoicing import services

    invoice = _draft(world, actor)
    return Case(
        lambda: services.invoice_line_add(actor=actor, invoice=invoice, **_invoice_line()),
        [Event(Action.CREATE, INVOICE_LINE, frozenset({"name", "quantity", "unit_price"}))],
    )


@exercises("comptoir.invoicing.services.drafts.invoice_line_update")
def _invoice_line_update(world, actor):
    from decimal import Decimal

    from comptoir.invoicing import services

    invoice = _draft(world, actor)
    return Case(
        lambda: services.invoice_line_update(
            actor=actor, invoice=invoice, line=invoice.lines.get(), quantity=Decimal("7")
        ),
        [Event(Action.UPDATE, INVOICE_LINE, frozenset({"quantity"}), exact=True)],
    )


@exercises("comptoir.invoicing.services.drafts.invoice_line_remove")
def _invoice_line_remove(world, actor):
    from comptoir.invoicing import services

    invoice = _draft(world, actor)
    return Case(
        lambda: services.invoice_line_remove(
            actor=actor, invoice=invoice, line=invoice.lines.get()
        ),
        [Event(Action.DELETE, INVOICE_LINE)],
    )


@exercises("comptoir.invoicing.services.issue.invoice_issue")
def _invoice_issue(world, actor):
    from comptoir.invoicing import services

    invoice = _draft(world, actor)
    return Case(
        lambda: services.invoice_issue(actor=actor, invoice=invoice),
        [Event(Action.UPDATE, INVOICE, frozenset({"status", "number", "issued"}))],
    )


@exercises("comptoir.invoicing.services.from_orders.invoice_from_order")
def _invoice_from_order(world, actor):
    from comptoir.invoicing import services

    order = _order(world, actor)
    return Case(
        lambda: services.invoice_from_order(actor=actor, order=order),
        [Event(Action.CREATE, INVOICE, frozenset({"order", "lines"}))],
    )


@exercises("comptoir.invoicing.services.from_orders.invoice_from_deliveries")
def _invoice_from_deliveries(world, actor):
    from comptoir.invoicing import services
    from comptoir.sales.models import DeliveryLine, DeliveryNote

    order = _order(world, actor)
    delivery = DeliveryNote.objects.create(
        organisation=world.org_a, party=order.party, order=order, status="shipped"
    )
    order_line = order.lines.get()
    DeliveryLine.objects.create(
        delivery=delivery, order_line=order_line, **_invoice_line(name=order_line.name)
    )
    return Case(
        lambda: services.invoice_from_deliveries(actor=actor, deliveries=[delivery]),
        [Event(Action.CREATE, INVOICE, frozenset({"order", "lines"}))],
    )


def _issued(world, actor, **party_fields):
    from comptoir.invoicing import services

    invoice = services.invoice_create(
        actor=actor,
        organisation=world.org_a,
        party=_company(world, actor, **party_fields),
        lines=[_invoice_line()],
    )
    return services.invoice_issue(actor=actor, invoice=invoice)


@exercises("comptoir.invoicing.services.files.document_file_store")
def _document_file_store(world, actor):
    from comptoir.invoicing.services.files import document_file_store

    invoice = _issued(world, actor)
    return Case(
        lambda: document_file_store(actor=actor, invoice=invoice, format="facturx"),
        [Event(Action.CREATE, "invoicing.documentfile", frozenset({"format", "sha256"}))],
    )


@exercises("comptoir.invoicing.services.files.invoice_files_store")
def _invoice_files_store(world, actor):
    from comptoir.invoicing.services.files import invoice_files_store

    invoice = _issued(world, actor)
    return Case(
        lambda: invoice_files_store(actor=actor, invoice=invoice),
        [Event(Action.CREATE, "invoicing.documentfile", frozenset({"format", "sha256"}))],
    )


@exercises("comptoir.invoicing.services.sendings.invoice_send")
def _invoice_send(world, actor, smtp):
    from comptoir.invoicing.services.sendings import invoice_send
    from comptoir.parties import services as parties

    email = fr.email()
    invoice = _issued(world, actor)
    person = parties.contact_person_create(
        actor=actor, party=invoice.party, family_name=fr.last_name(), email=email
    )
    return Case(
        lambda: invoice_send(actor=actor, invoice=invoice, contact_person=person),
        [
            Event(Action.CREATE, "invoicing.documentfile", frozenset({"format"})),
            Event(Action.CREATE, "mail.message"),
            Event(Action.CREATE, "invoicing.documentsending", frozenset({"recipient_email"})),
            # GDPR art. 19: the contact person's data went to that address.
            Event(Action.CREATE, "privacy_records.disclosure", frozenset({"recipient"})),
        ],
        values=[email],
    )


@exercises("comptoir.invoicing.services.credit_notes.credit_note_create")
def _credit_note_create(world, actor):
    from comptoir.invoicing import services

    invoice = services.invoice_issue(actor=actor, invoice=_draft(world, actor))
    return Case(
        lambda: services.credit_note_create(actor=actor, invoice=invoice),
        [Event(Action.CREATE, INVOICE, frozenset({"credited", "lines"}))],
    )


@exercises("comptoir.invoicing.services.down_payments.down_payment_create")
def _down_payment_create(world, actor):
    from decimal import Decimal

    from comptoir.invoicing import services

    order = _order(world, actor)
    return Case(
        lambda: services.down_payment_create(actor=actor, order=order, percent=Decimal("30")),
        [Event(Action.CREATE, INVOICE, frozenset({"order", "lines"}))],
    )


# Sales: the catalogue, quotes, orders, delivery notes, settings --------------------------
PRODUCT, QUOTE, ORDER, DELIVERY = (
    "sales.product",
    "sales.quote",
    "sales.order",
    "sales.deliverynote",
)


def _product(world, actor, **fields):
    from comptoir.sales import services

    fields = {"reference": f"R{fr.random_int()}", "name": "Vis", "unit_price": "2", **fields}
    return services.product_create(actor=actor, organisation=world.org_a, vat_rate="20", **fields)


def _quote(world, actor, state: str = "draft"):
    from comptoir.sales import services

    quote = services.quote_create(
        actor=actor,
        organisation=world.org_a,
        party=_company(world, actor),
        lines=[{"product": _product(world, actor), "quantity": "3"}],
    )
    if state in ("sent", "accepted"):
        quote = services.quote_send(actor=actor, quote=quote)
    if state == "accepted":
        quote = services.quote_accept(actor=actor, quote=quote)
    return quote


def _order(world, actor):
    from comptoir.sales import services

    return services.order_from_quote(actor=actor, quote=_quote(world, actor, "accepted"))


@exercises("comptoir.sales.services.catalogue.product_create")
def _product_create(world, actor):
    return Case(
        lambda: _product(world, actor),
        [Event(Action.CREATE, PRODUCT, frozenset({"reference", "name", "unit_price"}))],
    )


@exercises("comptoir.sales.services.catalogue.product_update")
def _product_update(world, actor):
    from comptoir.sales import services

    product = _product(world, actor)
    return Case(
        lambda: services.product_update(actor=actor, product=product, unit_price="3"),
        [Event(Action.UPDATE, PRODUCT, frozenset({"unit_price"}), exact=True)],
    )


@exercises("comptoir.sales.services.catalogue.product_deactivate")
def _product_deactivate(world, actor):
    from comptoir.sales import services

    product = _product(world, actor)
    return Case(
        lambda: services.product_deactivate(actor=actor, product=product),
        [Event(Action.UPDATE, PRODUCT, frozenset({"is_active"}), exact=True)],
    )


@exercises("comptoir.sales.services.catalogue.product_activate")
def _product_activate(world, actor):
    from comptoir.sales import services

    product = _product(world, actor)
    services.product_deactivate(actor=actor, product=product)
    return Case(
        lambda: services.product_activate(actor=actor, product=product),
        [Event(Action.UPDATE, PRODUCT, frozenset({"is_active"}), exact=True)],
    )


@exercises("comptoir.sales.services.quotes.quote_create")
def _quote_create(world, actor):
    from comptoir.sales import services

    party, product, note = _company(world, actor), _product(world, actor), fr.sentence()
    return Case(
        lambda: services.quote_create(
            actor=actor,
            organisation=world.org_a,
            party=party,
            notes=note,
            lines=[{"product": product, "quantity": "1"}],
        ),
        [Event(Action.CREATE, QUOTE, frozenset({"party", "notes", "lines"}))],
        [note],
    )


@exercises("comptoir.sales.services.quotes.quote_update")
def _quote_update(world, actor):
    from comptoir.sales import services

    quote, note = _quote(world, actor), fr.sentence()
    return Case(
        lambda: services.quote_update(actor=actor, quote=quote, notes=note),
        [Event(Action.UPDATE, QUOTE, frozenset({"notes"}), exact=True)],
        [note],
    )


@exercises("comptoir.sales.services.quotes.quote_line_add")
def _quote_line_add(world, actor):
    from comptoir.sales import services

    quote = _quote(world, actor)
    return Case(
        lambda: services.quote_line_add(
            actor=actor, quote=quote, name="Pose", quantity="1", unit_price="5", vat_rate="20"
        ),
        [Event(Action.UPDATE, QUOTE, frozenset({"lines"}), exact=True)],
    )


@exercises("comptoir.sales.services.quotes.quote_line_update")
def _quote_line_update(world, actor):
    from comptoir.sales import services

    line = _quote(world, actor).lines.get()
    return Case(
        lambda: services.quote_line_update(actor=actor, line=line, quantity="7"),
        [Event(Action.UPDATE, QUOTE, frozenset({"lines"}), exact=True)],
    )


@exercises("comptoir.sales.services.quotes.quote_line_remove")
def _quote_line_remove(world, actor):
    from comptoir.sales import services

    line = _quote(world, actor).lines.get()
    return Case(
        lambda: services.quote_line_remove(actor=actor, line=line),
        [Event(Action.UPDATE, QUOTE, frozenset({"lines"}), exact=True)],
    )


@exercises("comptoir.sales.services.quotes.quote_send")
def _quote_send(world, actor):
    from comptoir.sales import services

    quote = _quote(world, actor)
    return Case(
        lambda: services.quote_send(actor=actor, quote=quote),
        [Event(Action.UPDATE, QUOTE, frozenset({"number", "status", "valid_until"}))],
    )


@exercises("comptoir.sales.services.quotes.quote_accept")
def _quote_accept(world, actor):
    from comptoir.sales import services

    quote = _quote(world, actor, "sent")
    return Case(
        lambda: services.quote_accept(actor=actor, quote=quote),
        [Event(Action.UPDATE, QUOTE, frozenset({"status", "decided_on"}), exact=True)],
    )


@exercises("comptoir.sales.services.quotes.quote_refuse")
def _quote_refuse(world, actor):
    from comptoir.sales import services

    quote = _quote(world, actor, "sent")
    return Case(
        lambda: services.quote_refuse(actor=actor, quote=quote),
        [Event(Action.UPDATE, QUOTE, frozenset({"status", "decided_on"}), exact=True)],
    )


@exercises("comptoir.sales.services.orders.order_from_quote")
def _order_from_quote(world, actor):
    from comptoir.sales import services

    quote = _quote(world, actor, "accepted")
    return Case(
        lambda: services.order_from_quote(actor=actor, quote=quote),
        [Event(Action.CREATE, ORDER, frozenset({"party", "quote", "number", "lines"}))],
    )


@exercises("comptoir.sales.services.orders.order_create")
def _order_create(world, actor):
    from comptoir.sales import services

    party, product = _company(world, actor), _product(world, actor)
    return Case(
        lambda: services.order_create(
            actor=actor,
            organisation=world.org_a,
            party=party,
            lines=[{"product": product, "quantity": "2"}],
        ),
        [Event(Action.CREATE, ORDER, frozenset({"party", "number", "lines"}))],
    )


@exercises("comptoir.sales.services.orders.order_cancel")
def _order_cancel(world, actor):
    from comptoir.sales import services

    order = _order(world, actor)
    return Case(
        lambda: services.order_cancel(actor=actor, order=order),
        [Event(Action.UPDATE, ORDER, frozenset({"status"}), exact=True)],
    )


@exercises("comptoir.sales.services.deliveries.delivery_from_order")
def _delivery_from_order(world, actor):
    from comptoir.sales import services

    order = _order(world, actor)
    line = order.lines.get()
    return Case(
        lambda: services.delivery_from_order(actor=actor, order=order, quantities={line.pk: "1"}),
        [Event(Action.CREATE, DELIVERY, frozenset({"order", "party", "lines"}))],
    )


def _delivery(world, actor):
    from comptoir.sales import services

    return services.delivery_from_order(actor=actor, order=_order(world, actor))


@exercises("comptoir.sales.services.deliveries.delivery_update")
def _delivery_update(world, actor):
    from comptoir.sales import services

    note, text = _delivery(world, actor), fr.sentence()
    return Case(
        lambda: services.delivery_update(actor=actor, delivery=note, notes=text),
        [Event(Action.UPDATE, DELIVERY, frozenset({"notes"}), exact=True)],
        [text],
    )


@exercises("comptoir.sales.services.deliveries.delivery_ship")
def _delivery_ship(world, actor):
    from comptoir.sales import services

    note = _delivery(world, actor)
    return Case(
        lambda: services.delivery_ship(actor=actor, delivery=note),
        [Event(Action.UPDATE, DELIVERY, frozenset({"number", "status", "delivered_on"}))],
    )


@exercises("comptoir.sales.services.deliveries.delivery_delete")
def _delivery_delete(world, actor):
    from comptoir.sales import services

    note = _delivery(world, actor)
    return Case(
        lambda: services.delivery_delete(actor=actor, delivery=note),
        [Event(Action.DELETE, DELIVERY, frozenset({"lines"}), exact=True)],
    )


@exercises("comptoir.sales.services.settings.sales_settings_update")
def _sales_settings_update(world, actor):
    from comptoir.sales import services

    return Case(
        lambda: services.sales_settings_update(
            actor=actor, organisation=world.org_a, footer="SAS au capital de 1 000 €"
        ),
        [Event(Action.UPDATE, "sales.salessettings", frozenset({"footer"}), exact=True)],
    )


@exercises("comptoir.sales.services.settings.sales_settings_logo_set")
def _sales_settings_logo_set(world, actor):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from comptoir.sales import services

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#1f4e79").save(buffer, "PNG")
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    return Case(
        lambda: services.sales_settings_logo_set(
            actor=actor, organisation=world.org_a, upload=upload
        ),
        [Event(Action.UPDATE, "sales.salessettings", frozenset({"logo"}), exact=True)],
    )


@exercises("comptoir.sales.services.settings.number_series_set")
def _number_series_set(world, actor):
    from comptoir.sales import services

    return Case(
        lambda: services.number_series_set(
            actor=actor, organisation=world.org_a, series="invoice", pattern="FAC-{number:06}"
        ),
        [Event(Action.CREATE, "sales.numberseries", frozenset({"series", "pattern"}))],
    )


# Breach register (privacy_breaches) ---------------------------------------------------
BREACH = "privacy_breaches.breach"


def _breach(world, actor, **values):
    from comptoir.privacy.breaches import services as breaches

    now = timezone.now()
    return breaches.breach_record(
        actor=actor,
        organisation=world.org_a,
        occurred_from=now - timedelta(days=1),
        aware_at=now - timedelta(hours=2),
        description=f"Perte d'une clé USB de {fr.name()}",
        **values,
    )


@exercises("comptoir.privacy.breaches.services.breach_record")
def _breach_record(world, actor):
    from comptoir.privacy.breaches import services as breaches

    description = f"Envoi à {fr.email()} par erreur"
    now = timezone.now()
    return Case(
        lambda: breaches.breach_record(
            actor=actor,
            organisation=world.org_a,
            occurred_from=now - timedelta(hours=5),
            aware_at=now - timedelta(hours=1),
            description=description,
            people_count=3,
        ),
        [Event(Action.CREATE, BREACH, frozenset({"description", "aware_at", "people_count"}))],
        [description],
    )


@exercises("comptoir.privacy.breaches.services.breach_update")
def _breach_update(world, actor):
    from comptoir.privacy.breaches import services as breaches

    breach = _breach(world, actor)
    note = f"Retrouvée chez {fr.name()}"
    return Case(
        lambda: breaches.breach_update(actor=actor, breach=breach, records_count=12, note=note),
        [Event(Action.UPDATE, BREACH, frozenset({"records_count", "updates"}), exact=True)],
        [note],
    )


@exercises("comptoir.privacy.breaches.services.breach_assess_risk")
def _breach_assess_risk(world, actor):
    from comptoir.privacy.breaches import services as breaches

    breach = _breach(world, actor)
    reasons = f"Adresse de {fr.name()}"
    return Case(
        lambda: breaches.breach_assess_risk(
            actor=actor, breach=breach, risk="high", reasons=reasons
        ),
        [Event(Action.UPDATE, BREACH, frozenset({"risk", "risk_reasons", "updates"}), exact=True)],
        [reasons],
    )


@exercises("comptoir.privacy.breaches.services.breach_notify_authority")
def _breach_notify_authority(world, actor):
    from comptoir.privacy.breaches import services as breaches

    breach = _breach(world, actor)
    return Case(
        lambda: breaches.breach_notify_authority(
            actor=actor, breach=breach, notified_at=timezone.now(), reference="CNIL-42"
        ),
        [Event(Action.UPDATE, BREACH, frozenset({"authority_status", "authority_notified_at"}))],
    )


@exercises("comptoir.privacy.breaches.services.breach_waive_authority")
def _breach_waive_authority(world, actor):
    from comptoir.privacy.breaches import services as breaches

    breach = _breach(world, actor)
    breaches.breach_assess_risk(actor=actor, breach=breach, risk="none", reasons="Chiffré.")
    reason = f"Clé restée chez {fr.name()}"
    return Case(
        lambda: breaches.breach_waive_authority(actor=actor, breach=breach, reason=reason),
        [Event(Action.UPDATE, BREACH, frozenset({"authority_status", "authority_not_reason"}))],
        [reason],
    )


@exercises("comptoir.privacy.breaches.services.breach_tell_people")
def _breach_tell_people(world, actor):
    from comptoir.privacy.breaches import services as breaches

    breach = _breach(world, actor)
    how = f"Appel de {fr.name()}"
    return Case(
        lambda: breaches.breach_tell_people(
            actor=actor, breach=breach, told_at=timezone.now(), how=how
        ),
        [
            Event(
                Action.UPDATE, BREACH, frozenset({"people_status", "people_told_at", "people_how"})
            )
        ],
        [how],
    )


@exercises("comptoir.privacy.breaches.services.breach_waive_people")
def _breach_waive_people(world, actor):
    from comptoir.privacy.breaches import services as breaches

    breach = _breach(world, actor)
    details = f"Disque chiffré, clé chez {fr.name()}"
    return Case(
        lambda: breaches.breach_waive_people(
            actor=actor, breach=breach, reason="encrypted", details=details
        ),
        [Event(Action.UPDATE, BREACH, frozenset({"people_status", "people_not_reason"}))],
        [details],
    )


@exercises("comptoir.privacy.breaches.services.breach_close")
def _breach_close(world, actor):
    from comptoir.privacy.breaches import services as breaches

    breach = _breach(world, actor)
    breaches.breach_assess_risk(actor=actor, breach=breach, risk="none", reasons="Rien.")
    breaches.breach_waive_authority(actor=actor, breach=breach, reason="Aucun risque.")
    return Case(
        lambda: breaches.breach_close(actor=actor, breach=breach),
        [Event(Action.UPDATE, BREACH, frozenset({"closed_at", "updates"}), exact=True)],
    )


REGISTER_SETTINGS = "privacy_register.registersettings"


def _processor(world, actor):
    from comptoir.privacy.register import services

    return services.processor_create(
        actor=actor, organisation=world.org_a, name="Hosting SAS", service="Hosting", country="FR"
    )


def _recipient(world, actor):
    from comptoir.privacy.register import services

    return services.recipient_create(
        actor=actor, organisation=world.org_a, kind="external", name="Auditor"
    )


@exercises("comptoir.privacy.register.services.register_settings_update")
def _register_settings_update(world, actor):
    from comptoir.privacy.register import services

    return Case(
        lambda: services.register_settings_update(
            actor=actor, organisation=world.org_a, purposes=["accounting"]
        ),
        [Event(Action.UPDATE, REGISTER_SETTINGS, frozenset({"purposes"}), exact=True)],
    )


@exercises("comptoir.privacy.register.services.recipient_create")
def _recipient_create(world, actor):
    return Case(
        lambda: _recipient(world, actor),
        [Event(Action.CREATE, "privacy_register.recipient", frozenset({"kind", "name"}))],
    )


@exercises("comptoir.privacy.register.services.recipient_update")
def _recipient_update(world, actor):
    from comptoir.privacy.register import services

    recipient = _recipient(world, actor)
    return Case(
        lambda: services.recipient_update(actor=actor, recipient=recipient, name="Tax office"),
        [Event(Action.UPDATE, "privacy_register.recipient", frozenset({"name"}), exact=True)],
    )


@exercises("comptoir.privacy.register.services.recipient_delete")
def _recipient_delete(world, actor):
    from comptoir.privacy.register import services

    recipient = _recipient(world, actor)
    return Case(
        lambda: services.recipient_delete(actor=actor, recipient=recipient),
        [Event(Action.DELETE, "privacy_register.recipient")],
    )


@exercises("comptoir.privacy.register.services.processor_create")
def _processor_create(world, actor):
    return Case(
        lambda: _processor(world, actor),
        [Event(Action.CREATE, "privacy_register.processor", frozenset({"name", "country"}))],
    )


@exercises("comptoir.privacy.register.services.processor_update")
def _processor_update(world, actor):
    from comptoir.privacy.register import services

    processor = _processor(world, actor)
    return Case(
        lambda: services.processor_update(
            actor=actor, processor=processor, country="US", safeguard="scc"
        ),
        [
            Event(
                Action.UPDATE,
                "privacy_register.processor",
                frozenset({"country", "safeguard"}),
                exact=True,
            )
        ],
    )


@exercises("comptoir.privacy.register.services.processor_delete")
def _processor_delete(world, actor):
    from comptoir.privacy.register import services

    processor = _processor(world, actor)
    return Case(
        lambda: services.processor_delete(actor=actor, processor=processor),
        [Event(Action.DELETE, "privacy_register.processor")],
    )


@exercises("comptoir.privacy.register.services.register_export")
def _register_export(world, actor):
    from comptoir.privacy.register import services

    return Case(
        lambda: services.register_export(actor=actor, organisation=world.org_a, fmt="json"),
        [Event(Action.EXPORT, REGISTER_SETTINGS, frozenset({"format_json"}), exact=True)],
        [world.org_a.privacy_contact_email],
    )


@exercises("comptoir.privacy.register.services.processor_register_export")
def _processor_register_export(world, actor):
    from comptoir.privacy.register import services

    return Case(
        lambda: services.processor_register_export(actor=actor, fmt="json"),
        [
            Event(
                Action.EXPORT,
                REGISTER_SETTINGS,
                frozenset({"processor_register_json"}),
                exact=True,
            )
        ],
    )


# Rights requests ---------------------------------------------------------------------
RIGHTS_REQUEST = "privacy_requests.rightsrequest"
MAIL = "mail.message"


def _rights_request(world, actor, kind="access", email=None):
    from comptoir.privacy.requests.services import request_record

    return request_record(
        actor=actor, organisation=world.org_a, kind=kind, email=email or fr.email()
    )


@exercises("comptoir.privacy.requests.services.request_record")
def _request_record(world, actor):
    from comptoir.privacy.requests.services import request_record

    email = fr.email()
    return Case(
        lambda: request_record(
            actor=actor, organisation=world.org_a, kind="erasure", email=email, message="Effacez."
        ),
        [Event(Action.CREATE, RIGHTS_REQUEST, frozenset({"requester_email", "message"}))],
        [email, "Effacez."],
    )


@exercises("comptoir.privacy.requests.services.request_file_public")
def _request_file_public(world, actor):
    from comptoir.privacy.requests.services import request_file_public

    email = fr.email()
    return Case(
        lambda: request_file_public(
            actor=actor,
            organisation=world.org_a,
            kind="access",
            email=email,
            message="",
            link=lambda token: f"https://example.test/{token}/",
        ),
        [
            Event(Action.CREATE, RIGHTS_REQUEST, frozenset({"requester_email"})),
            Event(Action.CREATE, MAIL),
        ],
        [email],
    )


@exercises("comptoir.privacy.requests.services.request_verify")
def _request_verify(world, actor):
    from comptoir.privacy.requests.services import request_file_public, request_verify

    tokens = []
    request_file_public(
        actor=actor,
        organisation=world.org_a,
        kind="access",
        email=fr.email(),
        message="",
        link=lambda token: tokens.append(token) or "https://example.test/",
    )
    return Case(
        lambda: request_verify(actor=actor, organisation=world.org_a, token=tokens[0]),
        [Event(Action.UPDATE, RIGHTS_REQUEST, frozenset({"state", "verified_at"}))],
    )


@exercises("comptoir.privacy.requests.services.request_identity_ask")
def _request_identity_ask(world, actor):
    from comptoir.privacy.requests.services import request_identity_ask

    request = _rights_request(world, actor)
    return Case(
        lambda: request_identity_ask(actor=actor, rights_request=request, note="Une pièce."),
        [Event(Action.UPDATE, RIGHTS_REQUEST, frozenset({"state"})), Event(Action.CREATE, MAIL)],
    )


@exercises("comptoir.privacy.requests.services.request_identity_received")
def _request_identity_received(world, actor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from comptoir.privacy.requests.services import request_identity_ask, request_identity_received

    request = _rights_request(world, actor, kind="objection")
    request_identity_ask(actor=actor, rights_request=request, note="Une pièce.")
    document = SimpleUploadedFile("id.pdf", b"%PDF-1.7 test", content_type="application/pdf")
    return Case(
        lambda: request_identity_received(actor=actor, rights_request=request, document=document),
        [
            Event(Action.CREATE, "privacy_requests.objectionidentitydocument", frozenset({"file"})),
            Event(Action.UPDATE, RIGHTS_REQUEST, frozenset({"state", "due_on"})),
        ],
    )


@exercises("comptoir.privacy.requests.services.request_extend")
def _request_extend(world, actor):
    from comptoir.privacy.requests.services import request_extend

    request = _rights_request(world, actor)
    return Case(
        lambda: request_extend(actor=actor, rights_request=request, months=2, reason="Volume."),
        [
            Event(Action.UPDATE, RIGHTS_REQUEST, frozenset({"extension_months", "due_on"})),
            Event(Action.CREATE, MAIL),
        ],
        ["Volume."],
    )


@exercises("comptoir.privacy.requests.services.request_fulfil")
def _request_fulfil(world, actor):
    from comptoir.privacy.requests.services import request_fulfil

    person = _person(world, actor)
    email = person.email
    request = _rights_request(world, actor, email=email)
    return Case(
        lambda: request_fulfil(actor=actor, rights_request=request),
        [
            Event(Action.EXPORT, "privacy.datasubject"),
            Event(Action.UPDATE, RIGHTS_REQUEST, frozenset({"fulfilled_at"})),
        ],
        [email],
    )


@exercises("comptoir.privacy.requests.services.request_answer")
def _request_answer(world, actor):
    from comptoir.privacy.requests.services import request_answer

    request = _rights_request(world, actor)
    return Case(
        lambda: request_answer(actor=actor, rights_request=request, answer="Voici."),
        [
            Event(Action.UPDATE, RIGHTS_REQUEST, frozenset({"answer", "state"})),
            Event(Action.CREATE, MAIL),
        ],
        ["Voici."],
    )


@exercises("comptoir.privacy.requests.services.request_refuse")
def _request_refuse(world, actor):
    from comptoir.privacy.requests.services import request_refuse

    request = _rights_request(world, actor)
    return Case(
        lambda: request_refuse(actor=actor, rights_request=request, reasons="Excessive."),
        [
            Event(Action.UPDATE, RIGHTS_REQUEST, frozenset({"answer", "state"})),
            Event(Action.CREATE, MAIL),
        ],
        ["Excessive."],
    )


@exercises("comptoir.privacy.requests.services.requests_unverified_purge")
def _requests_unverified_purge(world, actor):
    from comptoir.privacy.requests.services import request_file_public, requests_unverified_purge

    request_file_public(
        actor=actor,
        organisation=world.org_a,
        kind="access",
        email=fr.email(),
        message="",
        link=lambda token: "https://example.test/",
    )
    return Case(
        lambda: requests_unverified_purge(now=timezone.now() + timedelta(days=8)),
        [Event(Action.DELETE, RIGHTS_REQUEST)],
    )


@exercises("comptoir.privacy.requests.services.deadline_reminder_send")
def _deadline_reminder_send(world, actor):
    from comptoir.privacy.requests.services import deadline_reminder_send

    request = _rights_request(world, actor)
    return Case(
        lambda: deadline_reminder_send(organisation=world.org_a, today=request.due_on),
        [Event(Action.CREATE, MAIL)],
    )


@exercises("comptoir.ops.offboarding.services.organisation_offboard")
def _organisation_offboard(world, actor):
    from comptoir.ops.offboarding.services import organisation_offboard

    # B's chain holds an event: its last link goes to the operator's journal.
    audit_record(actor=actor, action=Action.READ, organisation_id=world.org_b.pk)
    return Case(
        lambda: organisation_offboard(organisation_id=world.org_b.pk, actor=actor),
        [
            Event(Action.DELETE, "tenancy.organisation", frozenset({"tenancy_membership"})),
            Event(Action.DELETE, "audit.auditchainhead", frozenset({"hash"})),
        ],
    )


# The tests ---------------------------------------------------------------------------
def test_every_service_is_exercised_or_excused():
    found = set(discovered_services())
    assert found, "no service found: the discovery is broken"
    listed = set(EXERCISES) | set(NOT_JOURNALLED)
    assert not set(EXERCISES) & set(NOT_JOURNALLED)
    missing = sorted(found - listed)
    assert not missing, (
        f"services neither exercised in {__name__}.EXERCISES nor listed in "
        f"NOT_JOURNALLED with a reason: {missing}"
    )
    stale = sorted(listed - found)
    assert not stale, f"listed here but no longer services: {stale}"


def _event_values(event: AuditEvent) -> str:
    return " ".join([event.object_id, *map(str, event.fields)]).casefold()


def _matches(expected: Event, event: AuditEvent) -> bool:
    names = set(event.fields)
    return (
        event.action == expected.action
        and event.object_type == object_type(expected.model)
        and expected.fields <= names
        and (not expected.exact or names == expected.fields)
    )


@pytest.mark.parametrize("service", sorted(EXERCISES))
def test_the_service_leaves_its_audit_event(world, service, request):
    actor = Actor.user(world.member("owner").pk)
    build = EXERCISES[service]
    # Fixtures an exercise asks for after (world, actor), e.g. the SMTP server ``smtp``.
    wanted = list(inspect.signature(build).parameters)[2:]
    case = build(world, actor, **{name: request.getfixturevalue(name) for name in wanted})
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    case.run()
    events = list(AuditEvent.objects.filter(pk__gt=last).order_by("pk"))
    unmatched = list(events)
    for expected in case.expected:
        match = next((e for e in unmatched if _matches(expected, e)), None)
        assert match is not None, (
            f"{service}: no {expected.action} event on {object_type(expected.model)} "
            f"naming {sorted(expected.fields)}; journalled: "
            f"{[(e.action, e.object_type, e.fields) for e in events]}"
        )
        unmatched.remove(match)
    assert not unmatched, (
        f"{service}: unexpected events {[(e.action, e.object_type) for e in unmatched]}"
    )
    for event in events:
        model = event.object_type.lower()
        assert model in {m._meta.label_lower for m in apps.get_models()}, event.object_type
        text = _event_values(event)
        for value in case.values:
            assert value.casefold() not in text, f"{service}: a value in its audit event"
        assert all(isinstance(name, str) and name.isidentifier() for name in event.fields)
