"""The UI's pages for parties, contact persons, interactions and the pipeline.

Thin: forms parse, services change, selectors read. A page that shows
personal data writes one audit event (``record_read`` for one object,
``record_list`` for a list). Amounts are shown only to roles that hold
``SALES_VIEW``, bank details only to those ``access`` lets see them: support
staff see contact details, nothing financial.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptoir.audit.reads import record_list, record_read
from comptoir.core.http import request_actor
from comptoir.parties import access, selectors, services
from comptoir.parties.forms import (
    BANK_FIELDS,
    CompanyForm,
    ContactPersonForm,
    IndividualForm,
    InteractionForm,
    OpportunityEditForm,
    OpportunityForm,
    OpportunityMoveForm,
    PartyFilterForm,
    PartySearchForm,
    PipelineStageForm,
)
from comptoir.parties.models import (
    ContactPerson,
    Interaction,
    Opportunity,
    Party,
    PartyKind,
    PipelineStage,
)
from comptoir.tenancy.roles import Permission, has_permission
from comptoir.web.submit import submit
from comptoir.web.views import permission_required

PAGE_SIZE = 25
PARTY = Party._meta.label_lower
CONTACT_PERSON = ContactPerson._meta.label_lower
INTERACTION = Interaction._meta.label_lower
OPPORTUNITY = Opportunity._meta.label_lower


def _can(request, permission: Permission) -> bool:
    return has_permission(request.membership.role, permission)


def _party_or_404(request, party_id: int) -> Party:
    try:
        return selectors.party_get(organisation=request.organisation, party_id=party_id)
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


# Lists and search ------------------------------------------------------------
@permission_required(Permission.CONTACTS_VIEW)
def party_list(request):
    filters = PartyFilterForm(request.GET or None, organisation=request.organisation)
    parties = selectors.party_list(organisation=request.organisation)
    if filters.is_bound:
        if filters.is_valid():
            data = filters.cleaned_data
            parties = selectors.party_list(
                organisation=request.organisation,
                role=data["role"] or None,
                kind=data["kind"] or None,
                origin=data["origin"] or None,
                sales_rep=data["sales_rep"],
            )
        else:
            parties = parties.none()
    record_list(request, object_type=PARTY)
    page = Paginator(parties, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "parties/party_list.html",
        {
            "filters": filters,
            "search": PartySearchForm(role=request.membership.role),
            "page": page,
            "query": query.urlencode(),
            "can_manage": _can(request, Permission.CONTACTS_MANAGE),
        },
    )


@never_cache  # the results page holds what was searched for: no copy kept
@require_POST
@permission_required(Permission.CONTACTS_VIEW)
def party_search(request):
    form = PartySearchForm(request.POST, role=request.membership.role)
    results = None
    if form.is_valid():
        data = form.cleaned_data
        exact = {name: data[name].strip() for name in form.EXACT if name in form.fields}
        prefix = data["company_name"].strip()
        found: dict[int, Party] = {}
        if any(exact.values()):
            for party in selectors.party_search_exact(organisation=request.organisation, **exact):
                found[party.pk] = party
        if prefix:
            matches = selectors.party_search_prefix(
                organisation=request.organisation, prefix=prefix
            )
            for party in matches[: PAGE_SIZE * 4]:
                found.setdefault(party.pk, party)
            # People too: individuals by family name, companies by their contact persons'.
            people = selectors.party_search_name(organisation=request.organisation, name=prefix)
            for party in people[: PAGE_SIZE * 4]:
                found.setdefault(party.pk, party)
            contacts = selectors.contact_person_search_name(
                organisation=request.organisation, name=prefix
            )
            for person in contacts[: PAGE_SIZE * 4]:
                found.setdefault(person.party_id, person.party)
        results = list(found.values())
        record_list(request, object_type=PARTY)
    return render(
        request,
        "parties/party_search.html",
        {
            "search": form,
            "results": results,
            "can_manage": _can(request, Permission.CONTACTS_MANAGE),
        },
    )


# Party detail, create and edit -------------------------------------------------
@permission_required(Permission.CONTACTS_VIEW)
def party_detail(request, party_id: int):
    try:
        detail = selectors.party_detail(organisation=request.organisation, party_id=party_id)
    except Party.DoesNotExist as exc:
        raise Http404 from exc
    record_read(request, object_type=PARTY, object_id=party_id)
    role = request.membership.role
    can_see_sales = _can(request, Permission.SALES_VIEW)
    opportunities = (
        selectors.opportunity_list(organisation=request.organisation, party=detail.party)
        if can_see_sales
        else None
    )
    return render(
        request,
        "parties/party_detail.html",
        {
            "party": detail.party,
            "contact_persons": detail.contact_persons,
            "timeline": detail.timeline,
            "opportunities": opportunities,
            "can_manage": _can(request, Permission.CONTACTS_MANAGE),
            "can_see_sales": can_see_sales,
            "can_manage_sales": _can(request, Permission.SALES_MANAGE),
            "can_see_bank": access.sees_bank_details(role),
            "can_edit_bank": access.may_write(role, BANK_FIELDS),
        },
    )


def _party_form_class(kind: str):
    return CompanyForm if kind == PartyKind.COMPANY else IndividualForm


@permission_required(Permission.CONTACTS_MANAGE)
def party_create(request, kind: str):
    if kind not in PartyKind.values:
        raise Http404
    form_class = _party_form_class(kind)
    form = form_class(
        request.POST or None, organisation=request.organisation, role=request.membership.role
    )
    outcome = submit(
        form,
        lambda data: services.party_create(
            actor=request_actor(request), organisation=request.organisation, kind=kind, **data
        ),
    )
    if outcome.saved:
        messages.success(request, _("The party was created."))
        return redirect("parties:party_detail", party_id=outcome.value.pk)
    title = _("New company") if kind == PartyKind.COMPANY else _("New individual")
    return render(request, "parties/party_form.html", {"form": form, "title": title})


@never_cache
@permission_required(Permission.CONTACTS_VIEW)
def party_edit(request, party_id: int):
    """The fields the role may write (``access``): everything for the contacts
    managers, the bank details alone for an accountant; 403 for a role with neither."""
    role = request.membership.role
    if not access.may_change_some(role):
        raise PermissionDenied
    party = _party_or_404(request, party_id)
    form_class = _party_form_class(party.kind)
    if request.method == "POST":
        form = form_class(request.POST, organisation=request.organisation, role=role)
        outcome = submit(
            form,
            lambda data: services.party_update(actor=request_actor(request), party=party, **data),
        )
        if outcome.saved:
            messages.success(request, _("The party was saved."))
            return redirect("parties:party_detail", party_id=party.pk)
    else:
        initial = form_class.initial_from(party, role)
        form = form_class(initial=initial, organisation=request.organisation, role=role)
        record_read(request, object_type=PARTY, object_id=party.pk)
    title = _("Edit %(name)s") % {"name": party.display_name}
    return render(
        request, "parties/party_form.html", {"form": form, "title": title, "party": party}
    )


# Contact persons -----------------------------------------------------------------
@permission_required(Permission.CONTACTS_MANAGE)
def contact_person_create(request, party_id: int):
    party = _party_or_404(request, party_id)
    if party.kind != PartyKind.COMPANY:
        raise Http404
    form = ContactPersonForm(request.POST or None)
    outcome = submit(
        form,
        lambda data: services.contact_person_create(
            actor=request_actor(request), party=party, **data
        ),
    )
    if outcome.saved:
        messages.success(request, _("The contact person was added."))
        return redirect("parties:party_detail", party_id=party.pk)
    return render(
        request,
        "parties/contact_person_form.html",
        {"form": form, "party": party, "title": _("New contact person")},
    )


@never_cache
@permission_required(Permission.CONTACTS_MANAGE)
def contact_person_edit(request, contact_person_id: int):
    try:
        person = selectors.contact_person_get(
            organisation=request.organisation, contact_person_id=contact_person_id
        )
    except ContactPerson.DoesNotExist as exc:
        raise Http404 from exc
    if request.method == "POST":
        form = ContactPersonForm(request.POST)
        outcome = submit(
            form,
            lambda data: services.contact_person_update(
                actor=request_actor(request), contact_person=person, **data
            ),
        )
        if outcome.saved:
            messages.success(request, _("The contact person was saved."))
            return redirect("parties:party_detail", party_id=person.party_id)
    else:
        form = ContactPersonForm(initial=ContactPersonForm.initial_from(person))
        record_read(request, object_type=CONTACT_PERSON, object_id=person.pk)
    return render(
        request,
        "parties/contact_person_form.html",
        {
            "form": form,
            "party": person.party,
            "title": _("Edit %(name)s") % {"name": person.display_name},
        },
    )


# Interactions ------------------------------------------------------------------------
@permission_required(Permission.CONTACTS_MANAGE)
def interaction_create(request, party_id: int):
    party = _party_or_404(request, party_id)
    people = list(selectors.contact_person_list(organisation=request.organisation, party=party))
    form = InteractionForm(request.POST or None, people=people)
    outcome = submit(
        form,
        lambda data: services.interaction_record(
            actor=request_actor(request),
            party=party,
            contact_person=form.people.get(data.pop("contact_person", None)),
            recorded_by=request.membership,
            **data,
        ),
    )
    if outcome.saved:
        messages.success(request, _("The interaction was recorded."))
        return redirect("parties:party_detail", party_id=party.pk)
    return render(
        request,
        "parties/interaction_form.html",
        {"form": form, "party": party, "title": _("Record an interaction")},
    )


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
        "parties/opportunity_form.html",
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
                return redirect("parties:pipeline")
            return redirect("parties:party_detail", party_id=opportunity.party_id)
    else:
        form = OpportunityEditForm(
            initial=OpportunityEditForm.initial_from(opportunity), organisation=request.organisation
        )
        record_read(request, object_type=OPPORTUNITY, object_id=opportunity.pk)
    return render(
        request,
        "parties/opportunity_edit.html",
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
    record_list(request, object_type=OPPORTUNITY)
    return render(request, "parties/pipeline.html", _pipeline_context(request))


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
        return redirect("parties:pipeline")
    record_list(request, object_type=OPPORTUNITY)
    context = _pipeline_context(request)
    if not form.is_valid():
        context["error"] = _("Choose a stage.")
    return render(request, "parties/_pipeline.html", context)


# Pipeline stages ---------------------------------------------------------------------------
def _stages_page(request, form: PipelineStageForm):
    # Stages are no one's personal data: the page writes no read event. A visit
    # creates nothing: the default stages come with the first opportunity or stage.
    return render(
        request,
        "parties/pipeline_stages.html",
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
        return redirect("parties:pipeline_stages")
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
            return redirect("parties:pipeline_stages")
    else:
        form = PipelineStageForm(initial=PipelineStageForm.initial_from(stage))
    return render(
        request,
        "parties/pipeline_stage_form.html",
        {"form": form, "stage": stage, "title": _("Edit %(name)s") % {"name": stage.name}},
    )
