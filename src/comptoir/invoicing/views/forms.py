"""The forms of the invoice pages, their fields from the model and the
services' accepted fields (``INVOICE_FIELDS``, ``LINE_FIELDS``): they parse
what the browser sends; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.invoicing.models import Invoice, InvoiceLine
from comptoir.invoicing.services.drafts import INVOICE_FIELDS, LINE_FIELDS
from comptoir.parties.forms import DATE, in_model_order, model_formfield

# The line form of the detail page: the fields a person types on one row.
LINE_FORM_FIELDS = ("product", "name", "quantity", "unit", "unit_price", "vat_category", "vat_rate")


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class InvoiceForm(forms.Form):
    """A draft's header: the client, dates, references, discount and charges."""

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        for name in in_model_order(Invoice, INVOICE_FIELDS):
            db_field = Invoice._meta.get_field(name)
            if name == "party":
                field = ClientChoiceField(queryset=clients, label=_("client"))
            else:
                field = model_formfield(db_field)
                if isinstance(field, forms.DateField):
                    field.widget = DATE
            self.fields[name] = field


class LineForm(forms.Form):
    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        assert set(LINE_FORM_FIELDS) <= LINE_FIELDS
        for name in LINE_FORM_FIELDS:
            db_field = InvoiceLine._meta.get_field(name)
            if name == "product":
                field = forms.ModelChoiceField(
                    queryset=products, required=False, label=db_field.verbose_name
                )
            else:
                field = model_formfield(db_field)
            self.fields[name] = field
        # Left empty, they are the product's.
        for name in ("name", "unit_price", "vat_rate"):
            self.fields[name].required = False

    def cleaned_values(self) -> dict:
        """The values given: an empty one is left to the product."""
        values = dict(self.cleaned_data)
        for name in ("product", "name", "unit_price", "vat_rate"):
            if values.get(name) in (None, ""):
                values.pop(name, None)
        return values


class SendForm(forms.Form):
    contact_person = forms.TypedChoiceField(
        label=_("Send to"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, people, own_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("the client's email"))] if own_email else []
        choices += [(p.pk, f"{p.display_name} <{p.email}>") for p in people if p.email]
        self.fields["contact_person"].choices = choices
        self.people = {p.pk: p for p in people}
