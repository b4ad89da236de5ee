"""Interactions: the timeline of a party (calls, meetings, emails, requests...).

The latest inbound interaction (from the party to the organisation) is where
the prospect retention rule (DOMAIN.md §4) starts counting again.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.parties.models import declare
from comptoir.parties.models.choices import Direction, InteractionKind
from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Purpose
from comptoir.privacy.fields import EncryptedTextField
from comptoir.privacy.models import EncryptedModel


class Interaction(EncryptedModel):
    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="interactions"
    )
    contact_person = models.ForeignKey(
        "parties.ContactPerson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interactions",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=InteractionKind.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    occurred_at = models.DateTimeField(_("date"), default=timezone.now)
    note = EncryptedTextField(
        _("note"), max_length=5000, blank=True, help_text=declare.SENSITIVE_DATA_WARNING
    )
    recorded_by = models.ForeignKey(
        "tenancy.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(EncryptedModel.Meta):
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("interaction")
        indexes = [
            models.Index(
                fields=["organisation", "party", "direction", "-occurred_at"],
                name="parties_interaction_timeline",
            )
        ]

    class Privacy:
        # The note is encrypted under the key of the person it is about: the
        # contact person's, the individual party's, or (a company with no
        # contact named) the organisation's.
        subject = "data_subject"
        retention = retention.PROSPECT
        fields = {
            "kind": declare.clear(Category.COMMERCIAL, on_erasure=OnErasure.DELETE),
            "direction": declare.clear(Category.COMMERCIAL, on_erasure=OnErasure.DELETE),
            "note": declare.encrypted(
                Category.COMMERCIAL,
                on_erasure=OnErasure.DELETE,
                purposes=(Purpose.CUSTOMER_RELATIONSHIP, Purpose.CONTRACT_MANAGEMENT),
            ),
        }
        not_personal: list[str] = []

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.party_id is not None and self.party.organisation_id != self.organisation_id:
            errors["party"] = ValidationError(
                _("The party belongs to another organisation."), code="organisation"
            )
        if self.contact_person_id is not None and self.contact_person.party_id != self.party_id:
            errors["contact_person"] = ValidationError(
                _("The contact person is not one of the party's."), code="party"
            )
        if self.occurred_at and self.occurred_at > timezone.now() + timedelta(minutes=5):
            errors["occurred_at"] = ValidationError(
                _("An interaction cannot be recorded in the future."), code="future"
            )
        if errors:
            raise ValidationError(errors)
