"""Where data may go without a transfer safeguard: the EU and the EEA (GDPR ch. V)."""

import pycountry

from comptoir.core.vat import EU_COUNTRIES

# The EU's member states (``core.vat``, the one list of them), then Iceland,
# Liechtenstein and Norway: the EEA.
EEA = EU_COUNTRIES | {"IS", "LI", "NO"}


def is_country(code: str) -> bool:
    return len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


def is_eea(code: str) -> bool:
    return code.upper() in EEA


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    return country.name if country is not None else code
