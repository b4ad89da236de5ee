"""The UI's pages for parties, contact persons and interactions (the party's
opportunities come from the sales pipeline's selectors: views sit above the
domain apps).

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

from comptoir.audit.reads import record_list, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.parties import access, selectors, services
from comptoir.parties import consent as party_consent
from comptoir.parties.forms import (
    BANK_FIELDS,
    CompanyForm,
    ContactPersonForm,
    IndividualForm,
    InteractionForm,
    PartyFilterForm,
    PartySearchForm,
)
from comptoir.parties.models import ContactPerson, Interaction, Party, PartyKind
from comptoir.privacy.consent import views as consent_views
from comptoir.sales import selectors as sales_selectors
from comptoir.tenancy.roles import Permission, has_permission
from comptoir.web.submit import submit
from comptoir.web.views import permission_required

PAGE_SIZE = 25
PARTY = Party._meta.label_lower
CONTACT_PERSON = ContactPerson._meta.label_lower
INTERACTION = Interaction._meta.label_lower


def _can(request, permission: Permission) -> bool:
    return has_permission(request.membership.role, permission)


def _party_or_404(request, party_id: int) -> Party:
    try:
        return selectors.party_get(organisation=request.organisation, party_id=party_id)
    except Party.DoesNotExist as exc:
        raise Http404 from exc


def _frozen(row):
    """The row's person when their data is restricted (GDPR art. 18): the page says
    so and disables its save button (the service refuses the change anyway)."""
    subject = row.data_subject if row.data_subject_id is not None else None
    return subject if subject is not None and subject.restricted_at is not None else None


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
    page = Paginator(parties, PAGE_SIZE).get_page(request.GET.get("page"))
    record_list(request, object_type=PARTY, subjects=subjects_of(page.object_list))
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
        record_list(request, object_type=PARTY, subjects=subjects_of(results))
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
    role = request.membership.role
    statuses = party_consent.contact_statuses(
        organisation=request.organisation, people=detail.contact_persons
    )
    for person in detail.contact_persons:
        person.computed_status = statuses.get(person.pk)
    can_see_sales = _can(request, Permission.SALES_VIEW)
    opportunities = (
        list(
            sales_selectors.opportunity_list(organisation=request.organisation, party=detail.party)
        )
        if can_see_sales
        else None
    )
    # The party's person, its contact persons and the people of its timeline.
    shown = [detail.party, *detail.contact_persons, *detail.timeline, *(opportunities or ())]
    record_read(request, object_type=PARTY, object_id=party_id, subjects=subjects_of(shown))
    return render(
        request,
        "parties/party_detail.html",
        {
            "party": detail.party,
            "contact_persons": detail.contact_persons,
            "timeline": detail.timeline,
            "opportunities": opportunities,
            "can_manage": _can(request, Permission.CONTACTS_MANAGE),
            "can_manage_privacy": _can(request, Permission.PRIVACY_MANAGE),
            "can_see_sales": can_see_sales,
            "can_manage_sales": _can(request, Permission.SALES_MANAGE),
            "can_see_bank": access.sees_bank_details(role),
            "can_edit_bank": access.may_write(role, BANK_FIELDS),
            **_consent_panel(request, detail.party),
        },
    )


def _consent_panel(request, person: Party | ContactPerson) -> dict:
    """The consent panel of an individual or a contact person, and their
    computed contact status (``parties.consent``)."""
    if person.data_subject_id is None or (
        isinstance(person, Party) and person.kind != PartyKind.INDIVIDUAL
    ):
        return {}
    status = (
        party_consent.individual_status(person)
        if isinstance(person, Party)
        else party_consent.contact_statuses(organisation=request.organisation, people=[person])[
            person.pk
        ]
    )
    return {
        "consent": consent_views.panel(
            request, subject=person.data_subject, next_url=request.get_full_path()
        ),
        "contact_status": status,
    }


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
        record_read(request, object_type=PARTY, object_id=party.pk, subjects=subjects_of([party]))
    title = _("Edit %(name)s") % {"name": party.display_name}
    context = {"form": form, "title": title, "party": party, "frozen_subject": _frozen(party)}
    return render(request, "parties/party_form.html", context)


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
        record_read(
            request,
            object_type=CONTACT_PERSON,
            object_id=person.pk,
            subjects=subjects_of([person]),
        )
    return render(
        request,
        "parties/contact_person_form.html",
        {
            "form": form,
            "party": person.party,
            "title": _("Edit %(name)s") % {"name": person.display_name},
            "frozen_subject": _frozen(person),
            **_consent_panel(request, person),
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
