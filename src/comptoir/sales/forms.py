"""The UI's forms for the catalogue, quotes, orders, delivery notes and the
sales settings: their fields come from the models and the services' accepted
fields; the rules stay in the services, whose errors land on these fields."""

from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.modelfields import amount_max_length
from comptoir.core.vat import RATES
from comptoir.parties import selectors as party_selectors
from comptoir.parties.forms import DATE, FieldsetsMixin, in_model_order, model_formfield
from comptoir.sales import selectors
from comptoir.sales.models import Product, Quote, QuoteLine, SalesSettings
from comptoir.sales.models.numbering import PATTERN, NumberSeries
from comptoir.sales.rules import PRODUCT_COPIED
from comptoir.sales.services.catalogue import PRODUCT_FIELDS
from comptoir.sales.services.quotes import QUOTE_FIELDS, QUOTE_LINE_FIELDS
from comptoir.sales.services.settings import SETTINGS_FIELDS
from comptoir.tenancy.models import Organisation

AMOUNT = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


def _amount_fields(model, fields: dict) -> dict:
    """Amounts typed as text ("1 250,50"), parsed by the services
    (``core.modelfields.parse_decimal``), as long as the API takes them; one left
    empty is the model's default."""
    for name in list(fields):
        field = model._meta.get_field(name)
        if isinstance(field, models.DecimalField) and name != "vat_rate":
            default = field.default if field.has_default() else None
            fields[name] = forms.CharField(
                label=fields[name].label,
                required=fields[name].required and default is None,
                empty_value=str(default) if default is not None else "",
                max_length=amount_max_length(field),
                widget=AMOUNT,
                help_text=field.help_text,
            )
    return fields


def rate_choices(country: str) -> list[tuple[str, str]]:
    """The VAT rates a seller of ``country`` uses (``core.vat``), and 0."""
    rates = sorted({*RATES.get(country, ()), Decimal("0")}, reverse=True)
    return [(f"{rate.normalize():f}", f"{rate.normalize():f} %") for rate in rates]


class RateMixin:
    """``vat_rate`` chosen among the organisation's country's rates."""

    def set_rates(self, organisation: Organisation) -> None:
        if "vat_rate" in self.fields:
            field = self.fields["vat_rate"]
            self.fields["vat_rate"] = forms.ChoiceField(
                label=field.label,
                required=field.required,
                choices=rate_choices(organisation.country),
            )


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


# Catalogue -------------------------------------------------------------------------
class ProductForm(RateMixin, FieldsetsMixin, forms.Form):
    fieldsets = (
        (_("Product or service"), ("reference", "name", "description", "is_service")),
        (_("Price and VAT"), ("unit", "unit_price", "vat_category", "vat_rate")),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_rates(organisation)

    @classmethod
    def initial_from(cls, product: Product) -> dict:
        values = {name: getattr(product, name) for name in cls.base_fields}
        values["vat_rate"] = f"{product.vat_rate.normalize():f}"
        return values


ProductForm.base_fields = _amount_fields(
    Product,
    forms.fields_for_model(
        Product,
        fields=in_model_order(Product, PRODUCT_FIELDS),
        formfield_callback=model_formfield,
        widgets={"description": forms.Textarea(attrs={"rows": 3})},
    ),
)


class ProductFilterForm(forms.Form):
    """In the URL: a reference or a product name is no one's personal data."""

    search = forms.CharField(label=_("Reference or name"), required=False, max_length=100)
    active = forms.TypedChoiceField(
        label=_("Offered"),
        required=False,
        choices=[("", _("All")), ("1", _("Offered")), ("0", _("No longer offered"))],
        coerce=lambda value: value == "1",
        empty_value=None,
    )


# Quotes ----------------------------------------------------------------------------
class DocumentForm(FieldsetsMixin, forms.Form):
    """A draft's header: its client, dates, reference, discount, charge and notes."""

    fieldsets = (
        (_("Client"), ("party", "purchase_order")),
        (_("Dates"), ("issue_date", "valid_until")),
        (_("Discount and charges"), ("discount_percent", "charge_amount", "charge_reason")),
        (_("Notes"), ("notes",)),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = party_selectors.party_list(organisation=organisation)

    @classmethod
    def initial_from(cls, document) -> dict:
        return {
            name: getattr(document, document._meta.get_field(name).attname)
            for name in cls.base_fields
        }


QuoteForm = type("QuoteForm", (DocumentForm,), {})
QuoteForm.base_fields = _amount_fields(
    Quote,
    forms.fields_for_model(
        Quote,
        fields=in_model_order(Quote, QUOTE_FIELDS),
        formfield_callback=model_formfield,
        widgets={
            "issue_date": DATE,
            "valid_until": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        },
        field_classes={"party": PartyChoiceField},
    ),
)
QuoteForm.base_fields["issue_date"].help_text = _("Leave empty: the day it is sent.")
QuoteForm.base_fields["valid_until"].help_text = _(
    "Leave empty: the date plus the quote validity of the sales settings."
)


class LineForm(RateMixin, forms.Form):
    """A line from a product (its values copied, then replaced by those typed) or a
    free one; the fields a product gives are optional here, the service checks
    that a free line has them."""

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = selectors.product_list(
            organisation=organisation, active=True
        )
        self.set_rates(organisation)
        for name in PRODUCT_COPIED:
            self.fields[name].required = False
        self.fields["vat_rate"].choices = [("", "—"), *self.fields["vat_rate"].choices]

    def values(self) -> dict:
        """What the service receives: a product's values are not overridden by
        the fields left empty."""
        data = dict(self.cleaned_data)
        data.pop("position", None)
        if data.get("product") is None:
            data.pop("product", None)
            return {k: v for k, v in data.items() if v not in ("", None) or k == "description"}
        for name in PRODUCT_COPIED:
            if data.get(name) in ("", None, False):
                data.pop(name, None)
        return {k: v for k, v in data.items() if v not in ("", None)}

    @classmethod
    def initial_from(cls, line) -> dict:
        values = {name: getattr(line, name) for name in cls.base_fields if name != "product"}
        values["product"] = line.product_id
        values["vat_rate"] = f"{line.vat_rate.normalize():f}"
        return values


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.reference} · {obj.name}"


LineForm.base_fields = _amount_fields(
    QuoteLine,
    forms.fields_for_model(
        QuoteLine,
        fields=in_model_order(QuoteLine, QUOTE_LINE_FIELDS - {"position"}),
        formfield_callback=model_formfield,
        widgets={"description": forms.Textarea(attrs={"rows": 2})},
        field_classes={"product": ProductChoiceField},
    ),
)
LineForm.base_fields["product"].empty_label = _("— free line —")
LineForm.base_fields["product"].help_text = _(
    "Its reference, name, unit, price and VAT are copied; what you type replaces them."
)


class DecideForm(forms.Form):
    on = forms.DateField(label=_("On"), required=False, widget=DATE)


# Delivery notes ---------------------------------------------------------------------
class DeliveryForm(forms.Form):
    """A quantity to deliver for each order line that still has some to deliver."""

    delivered_on = forms.DateField(label=_("Delivery date"), required=False, widget=DATE)

    def __init__(self, *args, progress, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for item in progress:
            if item.remaining <= 0:
                continue
            name = f"line_{item.line.pk}"
            self.fields[name] = forms.CharField(
                label=item.line.name,
                required=False,
                max_length=30,
                widget=AMOUNT,
                initial=f"{item.remaining.normalize():f}",
            )
            self.rows.append((item, name))

    def bound_rows(self):
        return [(item, self[name]) for item, name in self.rows]

    def quantities(self) -> dict:
        return {
            item.line.pk: self.cleaned_data[name]
            for item, name in self.rows
            if self.cleaned_data.get(name, "").strip()
        }


# Settings --------------------------------------------------------------------------
class SalesSettingsForm(FieldsetsMixin, forms.Form):
    fieldsets = (
        (
            _("Identity on documents"),
            ("share_capital", "registration", "email", "phone", "einvoice_address"),
        ),
        (_("Bank details"), ("iban", "bic")),
        (_("Branding"), ("colour", "footer", "language")),
        (
            _("Billing terms"),
            (
                "payment_days",
                "quote_validity_days",
                "late_penalty_rate",
                "recovery_indemnity",
                "early_payment_discount",
                "vat_on_debits",
                "vat_franchise",
            ),
        ),
    )

    @classmethod
    def initial_from(cls, settings: SalesSettings) -> dict:
        return {name: getattr(settings, name) for name in cls.base_fields}


SalesSettingsForm.base_fields = _amount_fields(
    SalesSettings,
    forms.fields_for_model(
        SalesSettings,
        fields=in_model_order(SalesSettings, SETTINGS_FIELDS),
        formfield_callback=model_formfield,
        widgets={
            "footer": forms.Textarea(attrs={"rows": 2}),
            "colour": forms.TextInput(attrs={"type": "color"}),
        },
    ),
)


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 512 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )


class NumberSeriesForm(forms.Form):
    series = forms.CharField(widget=forms.HiddenInput, max_length=20)
    pattern = forms.CharField(
        label=_("Number pattern"),
        max_length=NumberSeries._meta.get_field("pattern").max_length,
        validators=[PATTERN],
    )
