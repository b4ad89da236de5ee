"""A throwaway model for the access tests: a declared field nobody else has.

Its app label (``privacy_tests``) is not installed: the model is known to the
registry only while the ``gift_declared`` fixture holds it there, and its
table is created by ``conftest.py`` once the test database exists."""

from django.db import models

from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.fields import EncryptedTextField
from comptoir.privacy.models import EncryptedModel


class Gift(EncryptedModel):
    # No database constraints on the foreign keys, as ``tests.privacy.models.Person``.
    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    data_subject = models.ForeignKey(
        "privacy.DataSubject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    wish = EncryptedTextField("wish", blank=True)
    wrapping = models.CharField("wrapping", max_length=20, blank=True)
    offered_on = models.DateField("offered on", null=True, blank=True)

    class Meta:
        app_label = "privacy_tests"

    class Privacy:
        subject = "data_subject"
        retention = retention.PROSPECT
        fields = {
            "wish": Personal(
                Category.PERSONAL_LIFE, [Purpose.REVIEWS], OnErasure.DELETE, encrypted=True
            ),
            "offered_on": Personal(Category.COMMERCIAL, [Purpose.STATISTICS], OnErasure.DELETE),
        }
        not_personal = ["wrapping"]
