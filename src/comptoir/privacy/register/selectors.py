"""The register of processing (GDPR art. 30), generated from the declarations.

``register_build(organisation=)`` gives the controller's register: one sheet
per processing activity (one per purpose in use), with the CNIL template's
sections. What each sheet says about data comes from
``comptoir.privacy.registry`` alone (every declared personal field, its
category, purposes, legal bases and its model's retention rule); what it says
about the organisation comes from the ``Organisation`` (controller, DPO) and
what it configured here (purposes in use, recipients, processors, its own
security measures). ``processor_register_build()`` gives the operator's
register as a processor (art. 30(2)): every organisation served.

Categories of people are derived from the models that hold the fields
(``people_of``): a declaration may name them (``Privacy.people``); otherwise
a subject path that ends at the user model (or an ``*_user_id`` column) means
the organisation's users; one that ends at a ``DataSubject`` means the people
of the model holding that key (its ``Privacy.people``, or its verbose name
when its rows are the people themselves, ``subject = "self"``), and, when
that model is not itself a person (an interaction, a payment), every kind of
person the organisation holds a key for; a model about no registered person
(``subject = None``) names "people named in" its rows.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from comptoir.privacy.declarations import Category, LegalBasis, Purpose
from comptoir.privacy.models import DataSubject
from comptoir.privacy.records import disclosures
from comptoir.privacy.records.models import DisclosureKind
from comptoir.privacy.records.retention import effective_rule
from comptoir.privacy.register.countries import country_name, is_eea
from comptoir.privacy.register.measures import BUILT_IN
from comptoir.privacy.register.models import (
    Processor,
    Recipient,
    RecipientKind,
    RegisterSettings,
    SecurityHeading,
)
from comptoir.privacy.registry import ModelPrivacy, PersonalField, registry, subject_lookup
from comptoir.privacy.retention import Duration, EndAction, RetentionRule, StartEvent
from comptoir.privacy.third_party import privacy_of
from comptoir.tenancy.models import Organisation

# The organisation's settings and lists ---------------------------------------------------


def register_settings_of(*, organisation: Organisation) -> RegisterSettings:
    """The organisation's settings, or unsaved defaults before it set any."""
    found = RegisterSettings.objects.of(organisation).first()
    return found if found is not None else RegisterSettings(organisation=organisation)


def purposes_used() -> list[Purpose]:
    """Every purpose some declared personal field serves, in ``Purpose`` order."""
    used = registry.by_purpose()
    return [purpose for purpose in Purpose if purpose in used]


def purposes_in_use(*, organisation: Organisation) -> list[Purpose]:
    """The purposes the organisation pursues (by default all the code serves)."""
    chosen = register_settings_of(organisation=organisation).purposes
    used = purposes_used()
    if chosen is None:
        return used
    return [purpose for purpose in used if purpose.code in chosen]


def recipients_of(*, organisation: Organisation):
    return Recipient.objects.of(organisation).order_by("kind", "name", "pk")


def recipient_get(*, organisation: Organisation, recipient_id: int) -> Recipient:
    return Recipient.objects.of(organisation).get(pk=recipient_id)


def processors_of(*, organisation: Organisation):
    """The organisation's processors, by name: whom its data is entrusted to."""
    return Processor.objects.of(organisation).order_by("name", "pk")


def processors_as_recipients(*, organisation: Organisation, subject) -> list[disclosures.Recipient]:
    """The organisation's processors as standing recipients of every person's
    data (``privacy.records.disclosures.STANDING_RECIPIENTS``)."""
    return [
        disclosures.Recipient(
            kind=DisclosureKind.PROCESSOR,
            recipient=f"{processor.name} ({processor.service})",
            standing=True,
        )
        for processor in processors_of(organisation=organisation)
    ]


def processor_get(*, organisation: Organisation, processor_id: int) -> Processor:
    return Processor.objects.of(organisation).get(pk=processor_id)


# What a sheet holds -------------------------------------------------------------------


@dataclass(frozen=True)
class FieldEntry:
    label: str  # "parties.ContactPerson.email"
    model: str  # the model's verbose name
    name: str  # the field's verbose name
    encrypted: bool
    retention: str  # the rule's code


@dataclass(frozen=True)
class RetentionEntry:
    code: str
    data: str
    duration: str
    start: str
    end: str
    archive: str
    legal_hold: bool
    default_duration: str  # the default's, when the organisation's differs; else ""
    default_archive: str

    @property
    def overridden(self) -> bool:
        return bool(self.default_duration or self.default_archive)


@dataclass(frozen=True)
class CategoryEntry:
    code: str
    label: str
    fields: tuple[FieldEntry, ...]
    retention: tuple[RetentionEntry, ...]


@dataclass(frozen=True)
class ProcessorEntry:
    name: str
    service: str
    country: str
    country_name: str
    outside_eea: bool
    safeguard: str
    safeguard_details: str
    contact: str


@dataclass(frozen=True)
class MeasureEntry:
    heading: str
    label: str
    built_in: tuple[str, ...]
    own: str


@dataclass(frozen=True)
class Sheet:
    code: str
    name: str
    legal_bases: tuple[str, ...]
    people: tuple[str, ...]
    categories: tuple[CategoryEntry, ...]
    sensitive_data: bool
    sensitive_warning: str
    internal_recipients: tuple[tuple[str, str], ...]  # (name, description)
    external_recipients: tuple[tuple[str, str], ...]
    processors: tuple[ProcessorEntry, ...]
    transfers: tuple[ProcessorEntry, ...]  # processors outside the EU/EEA
    measures: tuple[MeasureEntry, ...]

    @property
    def retention(self) -> list[RetentionEntry]:
        """Each rule once, in the order the categories name them."""
        seen: dict[str, RetentionEntry] = {}
        for category in self.categories:
            for entry in category.retention:
                seen.setdefault(entry.code, entry)
        return list(seen.values())


@dataclass(frozen=True)
class Register:
    organisation_id: int
    controller: str
    controller_address: str
    controller_identifier: str
    dpo_name: str
    dpo_email: str
    software: str
    created_at: datetime
    updated_at: datetime
    generated_at: datetime
    sheets: tuple[Sheet, ...] = field(default_factory=tuple)

    def sheet(self, code: str) -> Sheet | None:
        return next((s for s in self.sheets if s.code == code), None)


# Labels --------------------------------------------------------------------------------


def legal_basis_label(basis: LegalBasis) -> str:
    return {
        LegalBasis.CONSENT: _("Consent (art. 6(1)(a))"),
        LegalBasis.CONTRACT: _("Performance of a contract (art. 6(1)(b))"),
        LegalBasis.LEGAL_OBLIGATION: _("Legal obligation (art. 6(1)(c))"),
        LegalBasis.LEGITIMATE_INTEREST: _("Legitimate interest (art. 6(1)(f))"),
    }[basis]


def duration_label(duration: Duration | None) -> str:
    if duration is None:
        return _("the length of the relationship")
    parts = []
    years, months = divmod(duration.months, 12)
    if years:
        parts.append(_("%(n)d year(s)") % {"n": years})
    if months:
        parts.append(_("%(n)d month(s)") % {"n": months})
    if duration.days or not parts:
        parts.append(_("%(n)d day(s)") % {"n": duration.days})
    return " ".join(parts)


def start_label(start: StartEvent) -> str:
    return {
        StartEvent.COLLECTION_OR_LAST_INBOUND_CONTACT: _(
            "collection, or the last contact from the person"
        ),
        StartEvent.END_OF_RELATIONSHIP: _("the end of the commercial relationship"),
        StartEvent.END_OF_CONTRACT: _("the end of the contract"),
        StartEvent.FINANCIAL_YEAR_CLOSE: _("the close of the financial year"),
        StartEvent.OBJECTION: _("the objection"),
        StartEvent.REQUEST: _("the request"),
        StartEvent.EVENT: _("the event"),
        StartEvent.LAST_LOGIN: _("the last login"),
        StartEvent.DEPOSIT: _("the deposit"),
        StartEvent.BACKUP: _("the backup"),
        StartEvent.END_OF_SUBSCRIPTION: _("the end of the subscription"),
    }.get(start, str(start))


def end_label(end: EndAction) -> str:
    return {
        EndAction.DELETE: _("deleted"),
        EndAction.DELETE_OR_ANONYMISE_IF_REFERENCED: _("deleted, or anonymised if referenced"),
        EndAction.ARCHIVE_THEN_DELETE: _("moved to the intermediate archive, then deleted"),
        EndAction.WARN_THEN_DELETE: _("the person is warned, then the data deleted"),
        EndAction.EXPIRE: _("expires"),
        EndAction.DELETE_TENANT: _("the organisation's data and keys deleted"),
    }.get(end, str(end))


def retention_entry(organisation: Organisation, rule: RetentionRule) -> RetentionEntry:
    own = effective_rule(organisation, rule)
    duration, archive = (
        duration_label(own.duration),
        (duration_label(own.archive) if own.archive else ""),
    )
    default_archive = duration_label(rule.archive) if rule.archive else ""
    return RetentionEntry(
        code=rule.code,
        data=rule.data,
        duration=duration,
        start=start_label(own.start),
        end=end_label(own.end),
        archive=archive,
        legal_hold=own.legal_hold,
        default_duration=duration_label(rule.duration) if own.duration != rule.duration else "",
        default_archive=default_archive if own.archive != rule.archive else "",
    )


# Categories of people --------------------------------------------------------------------


def _declared_people(model) -> str:
    label = getattr(privacy_of(model), "people", None)
    return str(label) if label else ""


def _is_person_model(declaration: ModelPrivacy) -> bool:
    """Rows that are people: they hold their own key (``subject = "self"``) or
    declare whom they are about."""
    return bool(_declared_people(declaration.model)) or (
        declaration.subject == "self" and declaration.model is not get_user_model()
    )


def _person_label(model) -> str:
    return _declared_people(model) or capfirst(str(model._meta.verbose_name_plural))


def _users_label() -> str:
    return _("Users (the organisation's staff)")


def people_of(declaration: ModelPrivacy) -> list[str]:
    """The categories of people whose data the model's rows hold (see the module)."""
    model, subject = declaration.model, declaration.subject
    user_model = get_user_model()
    if _declared_people(model):
        return [_declared_people(model)]
    if subject is None:
        return [_("People named in %(rows)s") % {"rows": model._meta.verbose_name_plural}]
    if model is user_model:
        return [_users_label()]
    if subject == "self":
        return [_person_label(model)]
    holder = model
    for step in subject.split("__"):
        found = holder._meta.get_field(step)
        target = found.related_model if found.is_relation else None
        if target is None:
            return [_users_label()] if step.endswith("user_id") else [_person_label(holder)]
        if target is user_model:
            return [_users_label()]
        if target is DataSubject:
            break
        holder = target
    holder_declaration = registry.for_model(holder)
    if holder_declaration is not None and _is_person_model(holder_declaration):
        return [_person_label(holder)]
    return _people_with_keys()


def _people_with_keys() -> list[str]:
    """Every kind of person an organisation holds a key for (rows that are people
    and reach a ``DataSubject``)."""
    return sorted(
        {
            _person_label(d.model)
            for d in map(registry.for_model, registry.models())
            if d is not None and d.fields and _is_person_model(d) and subject_lookup(d) is not None
        }
    )


# The controller's register ----------------------------------------------------------


@cache
def software() -> str:
    try:
        return f"Comptoir {version('comptoir')}"
    except PackageNotFoundError:  # pragma: no cover - run from a checkout without install
        return "Comptoir"


def _field_entry(personal: PersonalField) -> FieldEntry:
    model = personal.model
    return FieldEntry(
        label=personal.label,
        model=capfirst(str(model._meta.verbose_name)),
        name=capfirst(str(model._meta.get_field(personal.name).verbose_name)),
        encrypted=personal.personal.encrypted,
        retention=personal.retention.code if personal.retention else "",
    )


def _processor_entry(processor: Processor) -> ProcessorEntry:
    return ProcessorEntry(
        name=processor.name,
        service=processor.service,
        country=processor.country,
        country_name=country_name(processor.country),
        outside_eea=not is_eea(processor.country),
        safeguard=str(processor.get_safeguard_display()),
        safeguard_details=processor.safeguard_details,
        contact=processor.contact,
    )


def _measures(settings: RegisterSettings) -> tuple[MeasureEntry, ...]:
    return tuple(
        MeasureEntry(
            heading=heading.value,
            label=str(heading.label),
            built_in=tuple(str(line) for line in BUILT_IN[heading]),
            own=settings.measures(heading.value),
        )
        for heading in SecurityHeading
    )


def sheet_build(
    *,
    organisation: Organisation,
    purpose: Purpose,
    fields: list[PersonalField],
    recipients: list[Recipient],
    processors: list[Processor],
    measures: tuple[MeasureEntry, ...],
) -> Sheet:
    people: dict[str, None] = {}
    by_category: dict[Category, list[PersonalField]] = {}
    for personal in fields:
        by_category.setdefault(personal.category, []).append(personal)
        declaration = registry.for_model(personal.model)
        people.update(dict.fromkeys(people_of(declaration)))
    categories = []
    for category in Category:
        held = by_category.get(category)
        if not held:
            continue
        rules = {p.retention.code: p.retention for p in held if p.retention is not None}
        categories.append(
            CategoryEntry(
                code=category.value,
                label=category.label,
                fields=tuple(_field_entry(p) for p in sorted(held, key=lambda p: p.label)),
                retention=tuple(
                    retention_entry(organisation, rules[code]) for code in sorted(rules)
                ),
            )
        )
    serving = [p for p in processors if p.serves(purpose)]
    entries = tuple(_processor_entry(p) for p in serving)
    return Sheet(
        code=purpose.code,
        name=str(purpose.label),
        legal_bases=tuple(legal_basis_label(b) for b in purpose.legal_bases),
        people=tuple(people),
        categories=tuple(categories),
        sensitive_data=False,
        sensitive_warning=_(
            "No sensitive data (GDPR art. 9), offence data (art. 10) or social security "
            "number is collected; every free-text field about people warns against writing any."
        ),
        internal_recipients=tuple(
            (r.name, r.description)
            for r in recipients
            if r.kind == RecipientKind.INTERNAL and r.serves(purpose)
        ),
        external_recipients=tuple(
            (r.name, r.description)
            for r in recipients
            if r.kind == RecipientKind.EXTERNAL and r.serves(purpose)
        ),
        processors=entries,
        transfers=tuple(e for e in entries if e.outside_eea),
        measures=measures,
    )


def register_build(*, organisation: Organisation) -> Register:
    """The organisation's register of processing, as the code and its settings say today."""
    settings = register_settings_of(organisation=organisation)
    recipients = list(recipients_of(organisation=organisation))
    processors = list(processors_of(organisation=organisation))
    measures = _measures(settings)
    by_purpose = registry.by_purpose()
    sheets = tuple(
        sheet_build(
            organisation=organisation,
            purpose=purpose,
            fields=by_purpose[purpose],
            recipients=recipients,
            processors=processors,
            measures=measures,
        )
        for purpose in purposes_in_use(organisation=organisation)
    )
    created = settings.created_at or organisation.created_at
    changes = [settings.updated_at or created]
    for model in (Recipient, Processor):
        latest = model.objects.of(organisation).aggregate(latest=Max("updated_at"))["latest"]
        if latest is not None:
            changes.append(latest)
    identifier = organisation.siren or organisation.enterprise_number or ""
    address = ", ".join(
        part
        for part in (
            organisation.address_line,
            " ".join(p for p in (organisation.postal_code, organisation.city) if p),
            organisation.get_country_display(),
        )
        if part
    )
    return Register(
        organisation_id=organisation.pk,
        controller=organisation.legal_name,
        controller_address=address,
        controller_identifier=identifier,
        dpo_name=organisation.privacy_contact_name,
        dpo_email=organisation.privacy_contact_email,
        software=software(),
        created_at=created,
        updated_at=max(changes),
        generated_at=timezone.now(),
        sheets=sheets,
    )


# The operator's register as a processor (art. 30(2)) ----------------------------------


@dataclass(frozen=True)
class ControllerEntry:
    organisation_id: int
    controller: str
    controller_identifier: str
    country: str
    dpo_name: str
    dpo_email: str
    subscription_start: str
    subscription_end: str
    processing: tuple[str, ...]  # the sheets' names
    categories: tuple[str, ...]
    transfers: tuple[ProcessorEntry, ...]


@dataclass(frozen=True)
class ProcessorRegister:
    software: str
    generated_at: datetime
    controllers: tuple[ControllerEntry, ...]
    measures: tuple[MeasureEntry, ...]


def processor_register_build() -> ProcessorRegister:
    """Every organisation the operator serves, what it processes for it, the
    transfers that organisation's processors make, and the operator's measures."""
    controllers = []
    for organisation in Organisation.objects.order_by("legal_name", "pk"):
        register = register_build(organisation=organisation)
        categories: dict[str, None] = {}
        transfers: dict[str, ProcessorEntry] = {}
        for sheet in register.sheets:
            categories.update(dict.fromkeys(c.label for c in sheet.categories))
            for entry in sheet.transfers:
                transfers.setdefault(entry.name, entry)
        controllers.append(
            ControllerEntry(
                organisation_id=organisation.pk,
                controller=organisation.legal_name,
                controller_identifier=register.controller_identifier,
                country=organisation.country,
                dpo_name=organisation.privacy_contact_name,
                dpo_email=organisation.privacy_contact_email,
                subscription_start=organisation.subscription_start.isoformat(),
                subscription_end=organisation.subscription_end.isoformat()
                if organisation.subscription_end
                else "",
                processing=tuple(s.name for s in register.sheets),
                categories=tuple(categories),
                transfers=tuple(transfers.values()),
            )
        )
    return ProcessorRegister(
        software=software(),
        generated_at=timezone.now(),
        controllers=tuple(controllers),
        measures=_measures(RegisterSettings()),
    )
