"""The UI's forms for payments: they parse what the browser sends; the rules
(amounts, limits, which invoices) live in ``invoicing.services.payments``,
whose ``ValidationError`` the views put back on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.core.modelfields import amount_max_length
from comptoir.invoicing.models import Payment
from comptoir.invoicing.services.payments import ALLOCATED, AMOUNT, PAYMENT_FIELDS
from comptoir.parties.forms import DATE, in_model_order, model_formfield

ALLOCATION_PREFIX = "allocate_"


def _amount_field(label, field) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=amount_max_length(field),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


def _payment_fields() -> dict:
    """The model's fields the service accepts; amounts as typed text (``parse_decimal``)."""
    fields = forms.fields_for_model(
        Payment,
        formfield_callback=model_formfield,
        fields=in_model_order(Payment, PAYMENT_FIELDS),
        widgets={"received_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})},
    )
    fields["amount"] = _amount_field(_("Amount received (€)"), AMOUNT)
    return fields


class PaymentForm(forms.Form):
    """A payment of one client, and how much of it settles each of its open invoices."""

    auto = forms.BooleanField(
        label=_("Settle the oldest invoices first"),
        required=False,
        help_text=_("Leave the amounts below empty: the payment settles the oldest due first."),
    )

    def __init__(self, *args, open_invoices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.open_invoices = list(open_invoices)
        for invoice in self.open_invoices:
            field = _amount_field(invoice.number, ALLOCATED)
            field.required = False
            self.fields[f"{ALLOCATION_PREFIX}{invoice.pk}"] = field

    def allocation_fields(self):
        """(invoice, bound field) of each open invoice, for the page's table."""
        return [(i, self[f"{ALLOCATION_PREFIX}{i.pk}"]) for i in self.open_invoices]

    def payment_fields(self):
        return [self[name] for name in _payment_fields()]

    def service_arguments(self) -> dict:
        """The service's arguments: the payment's fields and its allocations."""
        data = dict(self.cleaned_data)
        auto = data.pop("auto")
        pairs = []
        for invoice in self.open_invoices:
            amount = data.pop(f"{ALLOCATION_PREFIX}{invoice.pk}").strip()
            if amount:
                pairs.append((invoice, amount))
        data["allocations"] = pairs or ("auto" if auto else None)
        return data


PaymentForm.base_fields = {**_payment_fields(), **PaymentForm.base_fields}


class AllocationForm(forms.Form):
    """What is left of a payment, settling one open invoice of its client."""

    invoice = forms.TypedChoiceField(label=_("Invoice"), coerce=int)
    amount = _amount_field(_("Amount (€)"), ALLOCATED)

    def __init__(self, *args, open_invoices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.open_invoices = {invoice.pk: invoice for invoice in open_invoices}
        self.fields["invoice"].choices = [
            (invoice.pk, invoice.number) for invoice in self.open_invoices.values()
        ]


class ClientChoiceForm(forms.Form):
    party = forms.TypedChoiceField(label=_("Client"), coerce=int)

    def __init__(self, *args, clients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [
            (party.pk, party.display_name or party) for party in clients
        ]
