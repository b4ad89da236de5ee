"""The catalogue: products and services, created, changed, deactivated (never
deleted: a document line may name its product)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import Errors, audit, check_names, update_locked, validate
from comptoir.core.changes import filled
from comptoir.core.modelfields import editable_fields
from comptoir.sales.models import Product
from comptoir.sales.rules import decimals, vat_errors
from comptoir.tenancy.models import Organisation

# What a creation or an update may set; ``is_active`` changes through its own services.
PRODUCT_FIELDS = editable_fields(Product, exclude={"is_active"})


def _checks(product: Product) -> Errors:
    errors = vat_errors(product.organisation.country, product.vat_category, product.vat_rate)
    others = Product.objects.of(product.organisation_id).filter(reference=product.reference)
    if product.pk is not None:
        others = others.exclude(pk=product.pk)
    if product.reference and others.exists():
        errors["reference"] = ValidationError(
            _("Another product has this reference."), code="unique"
        )
    return errors


@transaction.atomic
def product_create(*, actor: Actor, organisation: Organisation, **fields: Any) -> Product:
    check_names(fields, PRODUCT_FIELDS, "product_create")
    product = Product(organisation=organisation, **decimals(Product, fields))
    validate(product, exclude=["organisation"], more=_checks(product))
    product.save()
    audit(
        actor=actor, action=Action.CREATE, instance=product, fields=filled(product, PRODUCT_FIELDS)
    )
    return product


@transaction.atomic
def product_update(*, actor: Actor, product: Product, **changes: Any) -> Product:
    return update_locked(
        actor=actor,
        instance=product,
        changes=decimals(Product, changes),
        fields=PRODUCT_FIELDS,
        more=_checks,
    )


@transaction.atomic
def product_deactivate(*, actor: Actor, product: Product) -> Product:
    """No longer offered on new documents; the documents that name it keep it."""
    return update_locked(
        actor=actor,
        instance=product,
        changes={"is_active": False},
        fields=frozenset({"is_active"}),
    )


@transaction.atomic
def product_activate(*, actor: Actor, product: Product) -> Product:
    return update_locked(
        actor=actor,
        instance=product,
        changes={"is_active": True},
        fields=frozenset({"is_active"}),
    )
