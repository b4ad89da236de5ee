"""The home page's reads: what the signed-in member works on, as far as their role may see.

Each part is None when the role may not see it, so the page never holds a
figure it must not show: parties need ``CONTACTS_VIEW`` (their names, an
individual's, are personal data), amounts and opportunities ``SALES_VIEW``
(support staff see contact details, nothing commercial or financial), and
one's own open opportunities for those who work them (``SALES_MANAGE``).
Invoicing's figures (invoiced this month and year, unpaid, overdue) need
``selectors_accounts.ACCOUNT_VIEW``, as client accounts do.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from comptoir.invoicing import selectors_accounts as accounts
from comptoir.parties import selectors as parties
from comptoir.parties.models import Interaction, Opportunity, PartyRole
from comptoir.tenancy.models import Membership
from comptoir.tenancy.roles import Permission, has_permission

RECENT = 8  # interactions shown
MINE = 5  # of the member's own open opportunities
ROLE_LABELS = {
    PartyRole.PROSPECT: _("Prospects"),
    PartyRole.CLIENT: _("Clients"),
    PartyRole.SUPPLIER: _("Suppliers"),
}


@dataclass(frozen=True)
class RoleCount:
    role: str  # a PartyRole value, the party list's filter
    label: str
    count: int


@dataclass(frozen=True)
class Dashboard:
    parties: list[RoleCount] | None
    pipeline: parties.PipelineSummary | None
    my_opportunities: list[Opportunity] | None
    recent: list[Interaction] | None
    finance: accounts.FinanceFigures | None = None

    @property
    def shows_personal_data(self) -> bool:
        """Whether the page names parties (an individual's name is personal data)."""
        return bool(self.recent or self.my_opportunities)


def dashboard(*, membership: Membership) -> Dashboard:
    organisation = membership.organisation
    role = membership.role
    sees_parties = has_permission(role, Permission.CONTACTS_VIEW)
    sees_sales = has_permission(role, Permission.SALES_VIEW)
    role_counts = None
    recent = None
    if sees_parties:
        counts = parties.party_role_counts(organisation=organisation)
        role_counts = [RoleCount(r.value, ROLE_LABELS[r], counts[r.value]) for r in PartyRole]
        recent = list(parties.interaction_recent(organisation=organisation)[:RECENT])
    pipeline = None
    mine = None
    if sees_sales:
        pipeline = parties.pipeline_open_summary(organisation=organisation)
        # Their own opportunities, for those who work them.
        if sees_parties and has_permission(role, Permission.SALES_MANAGE):
            mine = list(
                parties.opportunity_open_list(organisation=organisation, owner=membership)[:MINE]
            )
    finance = None
    if accounts.sees_accounts(role):
        finance = accounts.finance_figures(organisation=organisation)
    return Dashboard(role_counts, pipeline, mine, recent, finance)
