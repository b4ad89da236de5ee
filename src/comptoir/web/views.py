"""The UI's pages: thin, they call services and selectors."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptoir.accounts import selectors as account_selectors
from comptoir.accounts import services as account_services
from comptoir.accounts.models import ApiToken
from comptoir.accounts.throttling import user_unlock
from comptoir.audit import selectors as audit_selectors
from comptoir.audit.reads import record_list, subjects_of
from comptoir.core.dates import day_start
from comptoir.core.http import request_actor
from comptoir.tenancy import selectors as tenancy_selectors
from comptoir.tenancy import services as tenancy_services
from comptoir.tenancy.middleware import SESSION_KEY
from comptoir.tenancy.models import Membership
from comptoir.tenancy.roles import Permission, has_permission
from comptoir.web import dashboard as dashboard_selectors
from comptoir.web.forms import AuditFilterForm, MemberAddForm, MemberRoleForm, TokenCreateForm
from comptoir.web.submit import submit

PAGE_SIZE = 50


def permission_required(permission: Permission):
    """Signed in, a member of an organisation, and a role that holds the permission."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if request.membership is None:
                return render(request, "web/no_organisation.html", status=403)
            if not has_permission(request.membership.role, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@login_required
def home(request):
    if request.membership is None:
        return render(request, "web/no_organisation.html", status=403)
    board = dashboard_selectors.dashboard(membership=request.membership)
    if board.shows_personal_data:  # parties named: an individual's name is personal data
        # An interaction is about its contact person or its individual party,
        # an opportunity about its party's person (their declarations).
        shown = [*(board.recent or []), *(board.my_opportunities or [])]
        record_list(request, object_type="parties.party", subjects=subjects_of(shown))
    return render(request, "web/home.html", {"dashboard": board})


@require_POST
@login_required
def switch_organisation(request):
    try:
        org_id = int(request.POST.get("organisation", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Choose an organisation."))
    if tenancy_selectors.membership_of_user(organisation_id=org_id, user_id=request.user.pk):
        request.session[SESSION_KEY] = org_id
    else:
        raise Http404
    return redirect("home")


@permission_required(Permission.MEMBERS_VIEW)
def members(request):
    form = MemberAddForm()
    if request.method == "POST":
        if not has_permission(request.membership.role, Permission.MEMBERS_MANAGE):
            raise PermissionDenied
        form = MemberAddForm(request.POST)
        try:
            outcome = submit(
                form,
                lambda data: tenancy_services.member_invite(
                    actor=request_actor(request),
                    organisation=request.organisation,
                    acting_role=request.membership.role,
                    base_url=request.build_absolute_uri("/"),
                    **data,
                ),
            )
        except PermissionDenied as exc:
            form.add_error("role", str(exc))
        else:
            if outcome.saved:
                messages.success(request, _("The member was added."))
                return redirect("members")
    record_list(request, object_type="tenancy.Membership", subjects=())
    rows = [
        (m, MemberRoleForm(initial={"role": m.role}, prefix=f"m{m.pk}"))
        for m in tenancy_selectors.membership_list(organisation=request.organisation)
    ]
    can_manage = has_permission(request.membership.role, Permission.MEMBERS_MANAGE)
    return render(
        request, "web/members.html", {"rows": rows, "form": form, "can_manage": can_manage}
    )


@require_POST
@permission_required(Permission.MEMBERS_MANAGE)
def member_change(request, member_id: int):
    form = MemberRoleForm(request.POST, prefix=f"m{member_id}")
    try:
        if "remove" in request.POST:
            # Removing takes a second, explicit step (works without JavaScript).
            return redirect("member_remove", member_id=member_id)
        if "unlock" in request.POST:
            membership = tenancy_selectors.membership_get(
                organisation=request.organisation, membership_id=member_id
            )
            user_unlock(actor=request_actor(request), user=membership.user)
            messages.success(request, _("The account was unlocked."))
        elif form.is_valid():
            tenancy_services.membership_change_role(
                actor=request_actor(request),
                organisation=request.organisation,
                membership_id=member_id,
                role=form.cleaned_data["role"],
                acting_role=request.membership.role,
            )
            messages.success(request, _("The role was changed."))
        else:
            messages.error(request, _("Choose a valid role."))
    except Membership.DoesNotExist as exc:
        raise Http404 from exc
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("members")


@permission_required(Permission.MEMBERS_MANAGE)
def member_remove(request, member_id: int):
    """Ask before removing a member (GET), remove once confirmed (POST)."""
    try:
        membership = tenancy_selectors.membership_get(
            organisation=request.organisation, membership_id=member_id
        )
    except Membership.DoesNotExist as exc:
        raise Http404 from exc
    if request.method == "POST":
        try:
            tenancy_services.membership_remove(
                actor=request_actor(request),
                organisation=request.organisation,
                membership_id=member_id,
                acting_role=request.membership.role,
            )
        except Membership.DoesNotExist as exc:
            raise Http404 from exc
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("The member was removed."))
        return redirect("members")
    return render(request, "web/member_remove.html", {"member": membership})


@never_cache  # the page shows a new token once: no copy kept by the browser
@permission_required(Permission.TOKENS_USE)
def tokens(request):
    form = TokenCreateForm()
    created = None
    if request.method == "POST":
        form = TokenCreateForm(request.POST)
        outcome = submit(
            form,
            lambda data: account_services.token_create(
                actor=request_actor(request),
                organisation=request.organisation,
                user=request.user,
                **data,
            ),
        )
        if outcome.saved:
            _token, created = outcome.value
            form = TokenCreateForm()
    record_list(request, object_type="accounts.ApiToken", subjects=())
    token_rows = account_selectors.token_list(organisation=request.organisation, user=request.user)
    return render(
        request, "web/tokens.html", {"tokens": token_rows, "form": form, "created": created}
    )


@require_POST
@permission_required(Permission.TOKENS_USE)
def token_revoke(request, token_id: int):
    try:
        account_services.token_revoke(
            actor=request_actor(request),
            organisation=request.organisation,
            token_id=token_id,
            user=request.user,
        )
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(request, _("The token was revoked."))
    return redirect("tokens")


AUDIT_FILTERS = (
    "action",
    "actor_kind",
    "actor_user_id",
    "actor_token_id",
    "ip_address",
    "object_type",
    "object_id",
    "field",
)


@permission_required(Permission.AUDIT_VIEW)
def audit(request):
    form = AuditFilterForm(request.GET or None)
    record_list(request, object_type="audit.AuditEvent", subjects=())
    events = audit_selectors.audit_event_list(organisation_id=request.organisation.pk)
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            events = audit_selectors.audit_event_list(
                organisation_id=request.organisation.pk,
                **{name: data[name] for name in AUDIT_FILTERS},
                since=day_start(data["since"]),
                until=day_start(data["until"]),
            )
        else:
            # A filter that does not parse must not show the whole journal as
            # if it matched: the form says what is wrong, the table stays empty.
            events = events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    names = account_selectors.user_names(user_ids={e.actor_user_id for e in page})
    for event in page:
        event.actor_name = names.get(event.actor_user_id, "")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "web/audit.html", {"form": form, "page": page, "query": query.urlencode()}
    )
