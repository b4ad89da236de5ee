"""What keeps an issued invoice as it was issued, below every service.

A save or a delete of an issued invoice, of one of its lines or of its issued
snapshot raises ``FrozenDocument``; so does a queryset ``update`` or
``delete`` that reaches one. Corrections are credit notes. The database adds
its own triggers on the snapshots (``invoicing.triggers``).
"""

from django.db import models

from comptoir.tenancy.scope import TenantManager


class FrozenDocument(RuntimeError):
    """An attempt to change or delete an issued invoice, credit note or snapshot."""

    def __init__(self, what: str):
        super().__init__(
            f"{what} is issued and can no longer change or be deleted; "
            "correct it with a credit note"
        )


class InvoiceQuerySet(models.QuerySet):
    def _refuse_issued(self, what: str) -> None:
        if self.filter(status="issued").exists():
            raise FrozenDocument(what)

    def update(self, **kwargs):
        self._refuse_issued("an invoice")
        return super().update(**kwargs)

    def delete(self):
        self._refuse_issued("an invoice")
        return super().delete()


class InvoiceLineQuerySet(models.QuerySet):
    def _refuse_issued(self) -> None:
        if self.filter(invoice__status="issued").exists():
            raise FrozenDocument("the line of an invoice")

    def update(self, **kwargs):
        self._refuse_issued()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_issued()
        return super().delete()


class IssuedQuerySet(models.QuerySet):
    # The key rotation re-seals encrypted values in place, ciphertext only: what
    # they decrypt to (and so the content hash) is unchanged.
    RESEALABLE = frozenset({"snapshot"})

    def update(self, **kwargs):
        if set(kwargs) - self.RESEALABLE:
            raise FrozenDocument("an issued document")
        return super().update(**kwargs)

    def delete(self):
        raise FrozenDocument("an issued document")


class FrozenTenantManager(TenantManager):
    pass


def managers(queryset: type[models.QuerySet]):
    """(objects, across_organisations) managers answering with ``queryset``."""
    return (
        FrozenTenantManager.from_queryset(queryset)(),
        models.Manager.from_queryset(queryset)(),
    )
