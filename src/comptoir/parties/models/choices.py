"""The closed lists of the parties app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    COMPANY = "company", _("Company")
    INDIVIDUAL = "individual", _("Individual")


class PartyRole(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    CLIENT = "client", _("Client")
    SUPPLIER = "supplier", _("Supplier")


class Origin(models.TextChoices):
    OWN_PROSPECTING = "own_prospecting", _("Own prospecting")
    REPRESENTATIVE = "representative", _("Representative")
    PARTNER = "partner", _("Partner")
    AFFILIATE = "affiliate", _("Affiliate")
    WEBSITE_FORM = "website_form", _("Website form")


class Country(models.TextChoices):
    FRANCE = "FR", _("France")
    BELGIUM = "BE", _("Belgium")


class Civility(models.TextChoices):
    NONE = "", _("(none)")
    MR = "mr", _("Mr")
    MRS = "mrs", _("Mrs")
    MX = "mx", _("Mx")


class ContactStatus(models.TextChoices):
    """DOMAIN.md §6: an occasional contact may get one message, asking for consent."""

    OCCASIONAL = "occasional", _("Occasional contact")
    REGULAR = "regular", _("Regular contact")


class Channel(models.TextChoices):
    NONE = "", _("(none)")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    POST = "post", _("Post")
    IN_PERSON = "in_person", _("In person")


class InteractionKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("Email")
    NOTE = "note", _("Note")
    DOCUMENTATION_REQUEST = "documentation_request", _("Documentation request")
    TRIAL_REQUEST = "trial_request", _("Trial request")
    COMPLAINT = "complaint", _("Complaint")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound (from them)")
    OUTBOUND = "outbound", _("Outbound (from us)")
