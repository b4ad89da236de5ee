"""The UI's pages for the sales pipeline: the board and funnel, opportunities, stages.

Thin: forms parse, services change, selectors read. A page that shows
personal data writes one audit event. Moved from the parties app (issue #12);
the old ``/parties/pipeline/`` addresses redirect here.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptoir.audit.reads import record_list, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.parties import selectors as parties_selectors
from comptoir.parties.models import Party
from comptoir.sales import selectors, services
from comptoir.sales.models.pipeline import Opportunity, PipelineStage
from comptoir.sales.pipeline_forms import (
    OpportunityEditForm,
    OpportunityForm,
    OpportunityMoveForm,
    PipelineStageForm,
)
from comptoir.tenancy.roles import Permission, has_permission
from comptoir.web.submit import submit
from comptoir.web.views import permission_required

OPPORTUNITY = Opportunity._meta.label_lower


def _can(request, permission: Permission) -> bool:
    return has_permission(request.membership.role, permission)


def _party_or_404(request, party_id: int) -> Party:
    try:
        return parties_selectors.party_get(organisation=request.organisation, party_id=party_id)
    except Party.DoesNotExist as exc:
        raise Http404 from exc


def _stage_or_404(request, stage_id: int) -> PipelineStage:
    try:
        return selectors.pipeline_stage_list(organisation=request.organisation).get(pk=stage_id)
    except PipelineStage.DoesNotExist as exc:
        raise Http404 from exc


def _opportunity_or_404(request, opportunity_id: int) -> Opportunity:
    try:
        return selectors.opportunity_list(organisation=request.organisation).get(pk=opportunity_id)
    except Opportunity.DoesNotExist as exc:
        raise Http404 from exc


# Pipeline --------------------------------------------------------------------------------
@permission_required(Permission.SALES_MANAGE)
def opportunity_create(request, party_id: int):
    party = _party_or_404(request, party_id)
    stages = services.pipeline_stages_ensure(
        actor=request_actor(request), organisation=request.organisation
    )
    form = OpportunityForm(request.POST or None, organisation=request.organisation, stages=stages)
    outcome = submit(
        form,
        lambda data: services.opportunity_create(
            actor=request_actor(request),
            party=party,
            **{**data, "stage": form.stages.get(data["stage"])},
        ),
    )
    if outcome.saved:
        messages.success(request, _("The opportunity was created."))
        return redirect("parties:party_detail", party_id=party.pk)
    return render(
        request,
        "sales/pipeline_opportunity_form.html",
        {"form": form, "party": party, "title": _("New opportunity")},
    )


@never_cache
@permission_required(Permission.SALES_MANAGE)
def opportunity_edit(request, opportunity_id: int):
    """What ``opportunity_update`` changes; the stage changes on the board. Back to
    the board when opened from it, else to the party."""
    opportunity = _opportunity_or_404(request, opportunity_id)
    from_board = request.GET.get("from") == "pipeline"
    if request.method == "POST":
        form = OpportunityEditForm(request.POST, organisation=request.organisation)
        outcome = submit(
            form,
            lambda data: services.opportunity_update(
                actor=request_actor(request), opportunity=opportunity, **data
            ),
        )
        if outcome.saved:
            messages.success(request, _("The opportunity was saved."))
            if from_board:
                return redirect("sales:pipeline")
            return redirect("parties:party_detail", party_id=opportunity.party_id)
    else:
        form = OpportunityEditForm(
            initial=OpportunityEditForm.initial_from(opportunity), organisation=request.organisation
        )
        record_read(
            request,
            object_type=OPPORTUNITY,
            object_id=opportunity.pk,
            subjects=subjects_of([opportunity]),
        )
    return render(
        request,
        "sales/pipeline_opportunity_edit.html",
        {
            "form": form,
            "party": opportunity.party,
            "opportunity": opportunity,
            "from_board": from_board,
            "title": _("Edit %(name)s") % {"name": opportunity.title},
        },
    )


def _pipeline_context(request) -> dict:
    board = selectors.opportunity_board(organisation=request.organisation)
    stages = [column.stage for column in board]
    can_move = _can(request, Permission.SALES_MANAGE)
    columns = [
        (
            column,
            [
                (
                    opportunity,
                    OpportunityMoveForm(
                        initial={"stage": opportunity.stage_id},
                        stages=stages,
                        prefix=f"o{opportunity.pk}",
                    )
                    if can_move
                    else None,
                )
                for opportunity in column.opportunities
            ],
        )
        for column in board
    ]
    return {
        "columns": columns,
        "funnel": selectors.pipeline_funnel(organisation=request.organisation),
        "can_move": can_move,
    }


@permission_required(Permission.SALES_VIEW)
def pipeline(request):
    # A read only: the default stages come with the first opportunity, not with a visit.
    context = _pipeline_context(request)
    _record_board(request, context)
    return render(request, "sales/pipeline.html", context)


def _record_board(request, context: dict) -> None:
    shown = [opportunity for _column, rows in context["columns"] for opportunity, _form in rows]
    record_list(request, object_type=OPPORTUNITY, subjects=subjects_of(shown))


@require_POST
@permission_required(Permission.SALES_MANAGE)
def opportunity_move(request, opportunity_id: int):
    opportunity = _opportunity_or_404(request, opportunity_id)
    stages = list(selectors.pipeline_stage_list(organisation=request.organisation))
    form = OpportunityMoveForm(request.POST, stages=stages, prefix=f"o{opportunity.pk}")
    if form.is_valid():
        services.opportunity_move(
            actor=request_actor(request),
            opportunity=opportunity,
            stage=form.stages[form.cleaned_data["stage"]],
        )
        if not request.htmx:
            messages.success(request, _("The opportunity was moved."))
    elif not request.htmx:
        messages.error(request, _("Choose a stage."))
    if not request.htmx:
        return redirect("sales:pipeline")
    context = _pipeline_context(request)
    _record_board(request, context)
    if not form.is_valid():
        context["error"] = _("Choose a stage.")
    return render(request, "sales/_pipeline.html", context)


# Pipeline stages ---------------------------------------------------------------------------
def _stages_page(request, form: PipelineStageForm):
    # Stages are no one's personal data: the page writes no read event. A visit
    # creates nothing: the default stages come with the first opportunity or stage.
    return render(
        request,
        "sales/pipeline_stages.html",
        {
            "stages": selectors.pipeline_stage_list(organisation=request.organisation),
            "form": form,
            "can_manage": _can(request, Permission.SALES_MANAGE),
        },
    )


@permission_required(Permission.SALES_VIEW)
def pipeline_stages(request):
    return _stages_page(request, PipelineStageForm(adding=True))


@require_POST
@permission_required(Permission.SALES_MANAGE)
def pipeline_stage_create(request):
    form = PipelineStageForm(request.POST, adding=True)
    outcome = submit(
        form,
        lambda data: services.pipeline_stage_create(
            actor=request_actor(request), organisation=request.organisation, **data
        ),
    )
    if outcome.saved:
        messages.success(request, _("The stage was added."))
        return redirect("sales:pipeline_stages")
    return _stages_page(request, form)


@permission_required(Permission.SALES_MANAGE)
def pipeline_stage_edit(request, stage_id: int):
    stage = _stage_or_404(request, stage_id)
    if request.method == "POST":
        form = PipelineStageForm(request.POST)
        outcome = submit(
            form,
            lambda data: services.pipeline_stage_update(
                actor=request_actor(request), stage=stage, **data
            ),
        )
        if outcome.saved:
            messages.success(request, _("The stage was saved."))
            return redirect("sales:pipeline_stages")
    else:
        form = PipelineStageForm(initial=PipelineStageForm.initial_from(stage))
    return render(
        request,
        "sales/pipeline_stage_form.html",
        {"form": form, "stage": stage, "title": _("Edit %(name)s") % {"name": stage.name}},
    )
