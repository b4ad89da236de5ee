"""Tenant scoping: every row of tenant data belongs to one organisation.

Tenant models inherit ``TenantModel``. Their default manager only ever answers
for one organisation: ``Model.objects.of(organisation)``. Any other use of
``Model.objects`` raises, so a query that forgot its organisation fails loudly
instead of reading another tenant's rows. Code that really works across
organisations (the audit verifier, retention sweeps, tenant offboarding) uses
``Model.across_organisations``, which is greppable.
"""

from django.db import models


class MissingOrganisationScope(RuntimeError):
    """A tenant query was made without saying which organisation it is for."""


class TenantManager(models.Manager):
    def of(self, organisation) -> models.QuerySet:
        if organisation is None:
            raise MissingOrganisationScope(f"{self.model.__name__}: no organisation given")
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        return super().get_queryset().filter(organisation_id=org_id)

    def create(self, **fields):
        if fields.get("organisation") is None and fields.get("organisation_id") is None:
            raise MissingOrganisationScope(f"{self.model.__name__}: no organisation given")
        return super().get_queryset().create(**fields)

    def get_queryset(self):
        raise MissingOrganisationScope(
            f"{self.model.__name__}.objects needs .of(organisation); "
            "use .across_organisations only for cross-tenant maintenance"
        )


class TenantModel(models.Model):
    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="+"
    )

    objects = TenantManager()
    across_organisations = models.Manager()  # noqa: DJ012 (a manager, not a field)

    class Meta:
        abstract = True
        # Django's own machinery (related lookups, unique checks of model
        # forms, deletion) uses the plain manager; application code uses
        # ``objects.of(organisation)``.
        base_manager_name = "across_organisations"
        default_manager_name = "across_organisations"


def tenant_index(prefix: str, column: str) -> models.Index:
    """The index of a column always searched within one organisation:
    (organisation, column). A lone index on the column would do, with
    statistics; without them (SQLite keeps none until ANALYZE) the planner
    may as well pick the organisation's index and read all its rows."""
    name = f"{prefix}_{column}"
    if len(name) > 30:
        raise ValueError(f"index name {name!r} is longer than 30 characters")
    return models.Index(fields=["organisation", column], name=name)
