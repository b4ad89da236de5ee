"""Pipeline stages (per organisation) and opportunities moving through them."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.audit.writes import (
    audit,
    update_locked,
    validate,
)
from comptoir.parties.models import Party
from comptoir.sales.models.pipeline import Opportunity, PipelineStage
from comptoir.sales.pipeline_rules import OPPORTUNITY_FIELDS, STAGE_FIELDS, default_stages, money
from comptoir.tenancy.models import Membership, Organisation


def _lock_organisation(organisation: Organisation) -> None:
    """Serialise the first-use setup of an organisation's stages."""
    list(Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk"))


def _name_taken(stage: PipelineStage) -> dict[str, ValidationError]:
    others = PipelineStage.objects.of(stage.organisation_id).filter(name=stage.name)
    if stage.pk is not None:
        others = others.exclude(pk=stage.pk)
    if others.exists():
        return {"name": ValidationError(_("A stage already has this name."), code="unique")}
    return {}


@transaction.atomic
def pipeline_stages_ensure(*, actor: Actor, organisation: Organisation) -> list[PipelineStage]:
    """The organisation's stages, the default set created (and audited once) on first use.

    The organisation row is locked only when it has no stage yet (two first uses
    must not both create the set); otherwise this is one read."""
    stages = list(PipelineStage.objects.of(organisation).order_by("position", "pk"))
    if stages:
        return stages
    _lock_organisation(organisation)
    stages = list(PipelineStage.objects.of(organisation).order_by("position", "pk"))
    if stages:  # created by another first use while this one waited
        return stages
    stages = [
        PipelineStage(
            organisation=organisation,
            name=name,
            position=(index + 1) * 10,
            probability=probability,
            is_won=won,
            is_lost=lost,
        )
        for index, (name, probability, won, lost) in enumerate(default_stages())
    ]
    PipelineStage.objects.of(organisation).bulk_create(stages)
    stages = list(PipelineStage.objects.of(organisation).order_by("position", "pk"))
    audit_record(
        actor=actor,
        action=Action.CREATE,
        organisation_id=organisation.pk,
        object_type=PipelineStage._meta.label_lower,
        object_id=",".join(str(stage.pk) for stage in stages),
        fields=sorted(STAGE_FIELDS),
    )
    return stages


@transaction.atomic
def pipeline_stage_create(
    *,
    actor: Actor,
    organisation: Organisation,
    name: str,
    probability: int,
    position: int | None = None,
    is_won: bool = False,
    is_lost: bool = False,
) -> PipelineStage:
    """Add a stage (after the last one unless ``position`` says where)."""
    pipeline_stages_ensure(actor=actor, organisation=organisation)
    if position is None:
        last = PipelineStage.objects.of(organisation).order_by("-position").first()
        position = (last.position if last else 0) + 10
    stage = PipelineStage(
        organisation=organisation,
        name=name.strip(),
        position=position,
        probability=probability,
        is_won=is_won,
        is_lost=is_lost,
    )
    validate(stage, more=_name_taken(stage))
    stage.save()
    audit(actor=actor, action=Action.CREATE, instance=stage, fields=STAGE_FIELDS)
    return stage


@transaction.atomic
def pipeline_stage_update(*, actor: Actor, stage: PipelineStage, **changes: Any) -> PipelineStage:
    if isinstance(changes.get("name"), str):
        changes["name"] = changes["name"].strip()
    return update_locked(
        actor=actor, instance=stage, changes=changes, fields=STAGE_FIELDS, more=_name_taken
    )


@transaction.atomic
def opportunity_create(
    *,
    actor: Actor,
    party: Party,
    title: str,
    amount: Any,
    stage: PipelineStage | None = None,
    probability: int | None = None,
    expected_close_on: date | None = None,
    owner: Membership | None = None,
) -> Opportunity:
    """An opportunity in ``stage`` (default: the first open one), at the stage's
    probability unless one is given; the amount is quantised to the cent."""
    if stage is None:
        stages = pipeline_stages_ensure(actor=actor, organisation=party.organisation)
        stage = next(s for s in stages if not s.is_closed)
    opportunity = Opportunity(
        organisation_id=party.organisation_id,
        party=party,
        title=title.strip(),
        amount=money(amount),
        stage=stage,
        probability=stage.probability if probability is None else probability,
        expected_close_on=expected_close_on,
        owner=owner,
    )
    validate(opportunity)
    opportunity.save()
    names = ["party", "title", "amount", "stage", "probability"]
    names += [n for n in ("expected_close_on", "owner") if getattr(opportunity, n) is not None]
    audit(actor=actor, action=Action.CREATE, instance=opportunity, fields=names)
    return opportunity


@transaction.atomic
def opportunity_update(*, actor: Actor, opportunity: Opportunity, **changes: Any) -> Opportunity:
    if "amount" in changes:
        changes["amount"] = money(changes["amount"])
    return update_locked(
        actor=actor,
        instance=opportunity,
        changes=changes,
        fields=OPPORTUNITY_FIELDS,
    )


@transaction.atomic
def opportunity_move(
    *,
    actor: Actor,
    opportunity: Opportunity,
    stage: PipelineStage,
    probability: int | None = None,
) -> Opportunity:
    """Move to another stage; the probability becomes the stage's unless one is given."""
    return update_locked(
        actor=actor,
        instance=opportunity,
        changes={
            "stage": stage,
            "probability": stage.probability if probability is None else probability,
        },
        fields=frozenset({"stage", "probability"}),
    )
