"""Document lines as the quote and order services prepare them: the values of
a product (or none: a free line) under those given, parsed and validated, not
yet saved. Nothing here writes."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from comptoir.audit.writes import check_names, validate
from comptoir.core.changes import changed, snapshot
from comptoir.core.modelfields import editable_fields
from comptoir.sales.models import Product
from comptoir.sales.rules import decimals, line_values, vat_errors


def line_fields(model: type[models.Model], parent: str) -> frozenset[str]:
    """What a line of ``model`` accepts: its editable fields but its document."""
    return editable_fields(model, exclude={parent})


def product_errors(product: Product | None, organisation_id: int, *, new: bool) -> dict:
    """A line's product belongs to the document's organisation and, on a new
    line, is still offered."""
    if product is None:
        return {}
    if product.organisation_id != organisation_id:
        return {"product": ValidationError(_("Not found in this organisation."), code="not_found")}
    if new and not product.is_active:
        return {
            "product": ValidationError(_("This product is no longer offered."), code="inactive")
        }
    return {}


def party_errors(party, organisation_id: int) -> dict[str, ValidationError]:
    """A document's client is a party of the document's organisation."""
    if party is not None and party.organisation_id != organisation_id:
        return {"party": ValidationError(_("Not found in this organisation."), code="not_found")}
    return {}


def line_prepared(
    *,
    model: type[models.Model],
    parent: str,
    document: models.Model,
    fields: dict[str, Any],
) -> models.Model:
    """A validated, unsaved line of ``document`` (its ``parent`` field):
    ``fields`` may name a ``product`` whose values the line copies, then
    overrides with the others given. The position defaults to after the last."""
    allowed = line_fields(model, parent)
    check_names(fields, allowed, f"{model._meta.model_name} create")
    product = fields.get("product")
    values = decimals(model, line_values(product, fields))
    line = model(**{parent: document}, **values)
    if not values.get("position"):
        last = model.objects.filter(**{parent: document}).order_by("-position").first()
        line.position = (last.position if last else 0) + 1
    country = document.organisation.country
    more = {
        **product_errors(product, document.organisation_id, new=True),
        **vat_errors(country, line.vat_category, line.vat_rate),
    }
    validate(line, exclude=[parent], more=more)
    return line


def line_changed(*, line: models.Model, parent: str, changes: dict[str, Any]) -> list[str]:
    """Apply ``changes`` to ``line`` (validated) and return the names that changed."""
    model = type(line)
    allowed = line_fields(model, parent)
    check_names(changes, allowed, f"{model._meta.model_name} update")
    product = changes.get("product", line.product) if "product" in changes else None
    values = decimals(model, line_values(product, changes) if product else changes)
    before = snapshot(line, allowed)
    for name, value in values.items():
        setattr(line, name, value)
    document = getattr(line, parent)
    more = {
        **product_errors(product, document.organisation_id, new=True),
        **vat_errors(document.organisation.country, line.vat_category, line.vat_rate),
    }
    validate(line, exclude=[parent], more=more)
    return changed(line, before)


def lines_created(
    *, model: type[models.Model], parent: str, document: models.Model, lines
) -> list[models.Model]:
    """Save ``lines`` (dicts of line fields) on a new ``document``, numbered in
    order; an error names its line by its index in ``lines`` (from 0, as the
    API's body validation does): ``lines.1.vat_rate`` for the second. (Called by the
    services, inside their transaction.)"""
    saved = []
    for position, values in enumerate(lines, start=1):
        try:
            line = line_prepared(
                model=model,
                parent=parent,
                document=document,
                fields={"position": position, **values},
            )
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {"body": exc.error_list}
            raise ValidationError(
                {f"lines.{position - 1}.{name}": error for name, error in errors.items()}
            ) from None
        line.save()
        saved.append(line)
    return saved
