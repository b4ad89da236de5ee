"""Choices of the sales documents: units (UN/ECE recommendation 20) and states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    """The UN/ECE rec. 20 codes a small business uses (EN 16931 BT-130)."""

    UNIT = "C62", _("unit")
    PIECE = "H87", _("piece")
    HOUR = "HUR", _("hour")
    DAY = "DAY", _("day")
    WEEK = "WEE", _("week")
    MONTH = "MON", _("month")
    YEAR = "ANN", _("year")
    KILOGRAM = "KGM", _("kilogram")
    TONNE = "TNE", _("tonne")
    METRE = "MTR", _("metre")
    SQUARE_METRE = "MTK", _("square metre")
    CUBIC_METRE = "MTQ", _("cubic metre")
    KILOMETRE = "KMT", _("kilometre")
    LITRE = "LTR", _("litre")
    SET = "SET", _("set")
    PACKAGE = "XPK", _("package")
    LUMP_SUM = "LS", _("lump sum")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CANCELLED = "cancelled", _("Cancelled")


class DeliveryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SHIPPED = "shipped", _("Shipped")
