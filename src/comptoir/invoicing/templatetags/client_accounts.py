"""The client account on pages of other apps (the party page), and the label of
an invoice's settlement: templates are the UI layer, above the domain apps, so
the parties app's own Python never imports invoicing."""

from django import template

from comptoir.invoicing import selectors_accounts as accounts
from comptoir.invoicing.selectors_accounts import Settlement

register = template.Library()


@register.filter
def settlement_label(value: str) -> str:
    return Settlement.label(value)


@register.inclusion_tag("invoicing/account_section.html", takes_context=True)
def client_account_section(context, party):
    """The party's balance and open items, for the roles that see amounts
    (nothing at all for the others: support staff see no amount)."""
    request = context["request"]
    role = request.membership.role
    if not accounts.sees_accounts(role):
        return {"account": None}
    return {
        "account": accounts.client_account(organisation=request.organisation, party=party),
        "party": party,
        "can_record": accounts.manages_payments(role),
        "request": request,
    }
