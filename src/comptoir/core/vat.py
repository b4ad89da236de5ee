"""VAT as EN 16931 codes it: categories (UNCL 5305), the rates of France and
Belgium, and for each exempt category its exemption reason code (VATEX) and
the legal mention printed on the invoice, in the seller's country's wording.

The one place these rules are written: the catalogue's choices, the totals,
the PDF and the e-invoice writers and readers all read them from here.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class VatCategory(models.TextChoices):
    STANDARD = "S", _("Standard rate")
    ZERO = "Z", _("Zero rated")
    EXEMPT = "E", _("Exempt (VAT franchise)")
    REVERSE_CHARGE = "AE", _("Reverse charge")
    INTRA_EU = "K", _("Intra-EU supply")
    EXPORT = "G", _("Export outside the EU")
    OUT_OF_SCOPE = "O", _("Outside the scope of VAT")


# Rates (percent) of the standard and reduced categories, per seller country.
RATES: dict[str, tuple[Decimal, ...]] = {
    "FR": (Decimal("20"), Decimal("10"), Decimal("5.5"), Decimal("2.1")),
    "BE": (Decimal("21"), Decimal("12"), Decimal("6"), Decimal("0")),
}
STANDARD_RATE = {"FR": Decimal("20"), "BE": Decimal("21")}


@dataclass(frozen=True)
class Exemption:
    code: str  # VATEX code (BT-121)
    mention: dict[str, str]  # seller country -> the legal mention (BT-120), as printed


EXEMPTIONS: dict[str, Exemption] = {
    VatCategory.EXEMPT: Exemption(
        "VATEX-FR-FRANCHISE",
        {
            "FR": "TVA non applicable, art. 293 B du CGI",
            "BE": "Régime de la franchise (art. 56bis du Code de la TVA)",
        },
    ),
    VatCategory.REVERSE_CHARGE: Exemption(
        "VATEX-EU-AE",
        {"FR": "Autoliquidation", "BE": "Autoliquidation / Verlegging van heffing"},
    ),
    VatCategory.INTRA_EU: Exemption(
        "VATEX-EU-IC",
        {
            "FR": "Exonération de TVA, art. 262 ter I du CGI (livraison intracommunautaire)",
            "BE": "Exemption de TVA, art. 39bis du Code de la TVA (livraison intracommunautaire)",
        },
    ),
    VatCategory.EXPORT: Exemption(
        "VATEX-EU-G",
        {
            "FR": "Exonération de TVA, art. 262 I du CGI (exportation)",
            "BE": "Exemption de TVA, art. 39 du Code de la TVA (exportation)",
        },
    ),
    VatCategory.OUT_OF_SCOPE: Exemption(
        "VATEX-EU-O",
        {"FR": "Hors champ d'application de la TVA", "BE": "Hors champ d'application de la TVA"},
    ),
}

# Categories whose rate is always 0 (all but S; Z is a 0 rate with no exemption).
ZERO_RATE_CATEGORIES = frozenset(set(VatCategory) - {VatCategory.STANDARD})
# Categories that need the buyer's VAT number (EN 16931 BR-AE-02, BR-IC-02).
NEEDS_BUYER_VAT = frozenset({VatCategory.REVERSE_CHARGE, VatCategory.INTRA_EU})


def exemption_mention(category: str, seller_country: str) -> str:
    """The legal mention printed for an exempt category ('' for S and Z)."""
    exemption = EXEMPTIONS.get(category)
    if exemption is None:
        return ""
    return exemption.mention.get(seller_country, exemption.mention["FR"])


def exemption_code(category: str) -> str:
    exemption = EXEMPTIONS.get(category)
    return exemption.code if exemption else ""


# Member states of the European Union (ISO 3166-1 alpha-2; Greece as GR): an
# intra-EU supply (K) goes to one of them, an export (G) to none.
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
