"""The contact persons page: every contact person of the organisation, filtered,
paginated, each linking to its company; found by family name through a posted
search (a name never goes into a URL). Journalled as a list read."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from comptoir.audit.reads import record_list, subjects_of
from comptoir.parties import selectors
from comptoir.parties.models import ContactPerson
from comptoir.parties.people_forms import ContactPersonFilterForm
from comptoir.tenancy.roles import Permission, has_permission
from comptoir.web.views import permission_required

PAGE_SIZE = 25
CONTACT_PERSON = ContactPerson._meta.label_lower


@never_cache  # a posted search's page holds the name searched for: no copy kept
@require_http_methods(["GET", "POST"])
@permission_required(Permission.CONTACTS_VIEW)
def contact_person_list(request):
    """GET: the filters from the URL (a name there is ignored); POST: the filters
    and the name, with the page number posted too."""
    posted = request.method == "POST"
    if posted:
        data = request.POST
    else:
        data = request.GET.copy()
        data.pop("name", None)
    form = ContactPersonFilterForm(data or None, organisation=request.organisation)
    people = selectors.contact_person_directory(organisation=request.organisation)
    if form.is_bound:
        if form.is_valid():
            filters = form.cleaned_data
            people = selectors.contact_person_directory(
                organisation=request.organisation,
                party=filters["party"],
                contact_status=filters["contact_status"] or None,
                preferred_channel=filters["preferred_channel"] or None,
                name=filters["name"] if posted else "",
            )
        else:
            people = people.none()
    page = Paginator(people, PAGE_SIZE).get_page(data.get("page"))
    record_list(request, object_type=CONTACT_PERSON, subjects=subjects_of(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("name", None)
    return render(
        request,
        "parties/contact_person_list.html",
        {
            "form": form,
            "page": page,
            "posted": posted,
            "query": query.urlencode(),
            "can_manage": has_permission(request.membership.role, Permission.CONTACTS_MANAGE),
        },
    )
