"""Reading import files: CSV (``;`` or ``,``, UTF-8 or Windows-1252, French or
English headers) and vCard 3.0/4.0, into rows of canonical field names.

A reader only decodes and maps; it validates nothing (the parties services
do, row by row, in ``importing.services``). Every row keeps its line number
in the file and its cells as read, for the rejected-rows report.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The canonical columns an import understands. Party columns, then person
# columns: on a row with a company name the person columns describe one
# contact person of that company; without one, the row is an individual.
COMPANY_COLUMNS = ("company_name", "siren", "siret", "vat_number", "enterprise_number")
PARTY_COLUMNS = (
    *COMPANY_COLUMNS,
    "country",
    "billing_street",
    "billing_postal_code",
    "billing_city",
    "billing_country",
    "einvoice_address",
)
PERSON_COLUMNS = ("civility", "given_names", "family_name", "email", "phone", "mobile", "job_title")
COLUMNS = (*PARTY_COLUMNS, *PERSON_COLUMNS)

# Headers, folded (``fold``), by language. A header in both lists counts for neither.
HEADERS_EN = {
    "company": "company_name",
    "company name": "company_name",
    "organisation": "company_name",
    "organization": "company_name",
    "siren": "siren",
    "siret": "siret",
    "vat": "vat_number",
    "vat number": "vat_number",
    "vat no": "vat_number",
    "enterprise number": "enterprise_number",
    "country": "country",
    "title": "civility",
    "civility": "civility",
    "salutation": "civility",
    "first name": "given_names",
    "firstname": "given_names",
    "given name": "given_names",
    "given names": "given_names",
    "last name": "family_name",
    "lastname": "family_name",
    "family name": "family_name",
    "surname": "family_name",
    "email": "email",
    "e mail": "email",
    "email address": "email",
    "phone": "phone",
    "telephone": "phone",
    "phone number": "phone",
    "mobile": "mobile",
    "mobile phone": "mobile",
    "cell phone": "mobile",
    "job title": "job_title",
    "position": "job_title",
    "street": "billing_street",
    "address": "billing_street",
    "postal code": "billing_postal_code",
    "postcode": "billing_postal_code",
    "zip": "billing_postal_code",
    "zip code": "billing_postal_code",
    "city": "billing_city",
    "town": "billing_city",
    "billing country": "billing_country",
    "e invoicing address": "einvoice_address",
    "einvoicing address": "einvoice_address",
    "electronic invoicing address": "einvoice_address",
    "peppol id": "einvoice_address",
}
HEADERS_FR = {
    "societe": "company_name",
    "raison sociale": "company_name",
    "entreprise": "company_name",
    "nom de la societe": "company_name",
    "siren": "siren",
    "siret": "siret",
    "tva": "vat_number",
    "numero de tva": "vat_number",
    "n tva": "vat_number",
    "tva intracommunautaire": "vat_number",
    "numero d entreprise": "enterprise_number",
    "pays": "country",
    "civilite": "civility",
    "prenom": "given_names",
    "prenoms": "given_names",
    "nom": "family_name",
    "nom de famille": "family_name",
    "courriel": "email",
    "e mail": "email",
    "email": "email",
    "adresse e mail": "email",
    "mail": "email",
    "telephone": "phone",
    "tel": "phone",
    "telephone fixe": "phone",
    "portable": "mobile",
    "mobile": "mobile",
    "telephone portable": "mobile",
    "fonction": "job_title",
    "poste": "job_title",
    "adresse": "billing_street",
    "rue": "billing_street",
    "code postal": "billing_postal_code",
    "cp": "billing_postal_code",
    "ville": "billing_city",
    "commune": "billing_city",
    "pays de facturation": "billing_country",
    "adresse de facturation electronique": "einvoice_address",
    "adresse electronique de facturation": "einvoice_address",
    "identifiant peppol": "einvoice_address",
}
# What each column means, for the people preparing a file (the upload page).
COLUMN_HELP = {
    "company_name": gettext_lazy(
        "The company's name. A row with one creates the company (or finds it) and, "
        "if the row names a person, one of its contact persons; a row without one "
        "creates an individual."
    ),
    "siren": gettext_lazy("French companies: the SIREN, 9 digits."),
    "siret": gettext_lazy("French companies: a SIRET, 14 digits (gives the SIREN if missing)."),
    "vat_number": gettext_lazy("The intra-community VAT number (FR… or BE…)."),
    "enterprise_number": gettext_lazy(
        "Belgian companies: the enterprise number, 10 digits (0403.170.701)."
    ),
    "country": gettext_lazy("FR or BE (France or Belgium); France when empty."),
    "billing_street": gettext_lazy("The billing address: street and number."),
    "billing_postal_code": gettext_lazy("The billing address: postal code."),
    "billing_city": gettext_lazy("The billing address: city."),
    "billing_country": gettext_lazy("The billing address: country (FR or BE)."),
    "einvoice_address": gettext_lazy(
        "Where e-invoices go, scheme:identifier (0208:0403170701, 0225:SIREN); "
        "empty: from the SIREN or the enterprise number."
    ),
    "civility": gettext_lazy("M., Mme, Mr, Mrs or Mx."),
    "given_names": gettext_lazy("The person's given names."),
    "family_name": gettext_lazy(
        "The person's family name: needed for an individual, and for a contact "
        "person without email or phone."
    ),
    "email": gettext_lazy("The person's email address."),
    "phone": gettext_lazy("A fixed phone number (national or international form)."),
    "mobile": gettext_lazy("A mobile phone number."),
    "job_title": gettext_lazy("A contact person's job title (a company's rows only)."),
}
# The header of each column in the template file, by language: each is one the
# detection recognises (tests/parties/importing holds them to it).
TEMPLATE_HEADERS = {
    "fr": {
        "company_name": "Raison sociale",
        "siren": "SIREN",
        "siret": "SIRET",
        "vat_number": "Numéro de TVA",
        "enterprise_number": "Numéro d'entreprise",
        "country": "Pays",
        "billing_street": "Adresse",
        "billing_postal_code": "Code postal",
        "billing_city": "Ville",
        "billing_country": "Pays de facturation",
        "einvoice_address": "Adresse de facturation électronique",
        "civility": "Civilité",
        "given_names": "Prénom",
        "family_name": "Nom",
        "email": "Courriel",
        "phone": "Téléphone",
        "mobile": "Portable",
        "job_title": "Fonction",
    },
    "en": {
        "company_name": "Company name",
        "siren": "SIREN",
        "siret": "SIRET",
        "vat_number": "VAT number",
        "enterprise_number": "Enterprise number",
        "country": "Country",
        "billing_street": "Street",
        "billing_postal_code": "Postal code",
        "billing_city": "City",
        "billing_country": "Billing country",
        "einvoice_address": "E-invoicing address",
        "civility": "Civility",
        "given_names": "First name",
        "family_name": "Last name",
        "email": "Email",
        "phone": "Phone",
        "mobile": "Mobile",
        "job_title": "Job title",
    },
}

CIVILITIES = {
    "m": "mr",
    "mr": "mr",
    "monsieur": "mr",
    "mme": "mrs",
    "mrs": "mrs",
    "ms": "mrs",
    "madame": "mrs",
    "mlle": "mrs",
    "mx": "mx",
}
COUNTRIES = {"fr": "FR", "france": "FR", "be": "BE", "belgique": "BE", "belgium": "BE"}

_NOT_WORD = re.compile(r"[^a-z0-9]+")


class ImportFormatError(ValueError):
    """The file cannot be read as an import at all (not a row-level problem)."""


def fold(header: str) -> str:
    """``"Numéro de TVA "`` → ``"numero de tva"``: how headers are compared."""
    decomposed = unicodedata.normalize("NFKD", header)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _NOT_WORD.sub(" ", plain).strip()


@dataclass
class Row:
    line: int  # where the record starts in the file (1 = first line)
    values: dict[str, str]  # canonical column -> value, stripped
    cells: list[str]  # as read, for the rejected-rows report


@dataclass
class Source:
    format: str  # "csv" or "vcard"
    rows: list[Row]
    headers: list[str]  # the file's own headers (vCard: the canonical columns)
    columns: dict[str, str] = field(default_factory=dict)  # canonical -> file header
    language: str = ""  # "fr" or "en" (detected headers), "" when not detected
    encoding: str = "utf-8"
    delimiter: str = ""


def decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "windows-1252"


def read(data: bytes, *, mapping: Mapping[str, str] | None = None) -> Source:
    """Read an import file, whichever of the accepted formats it is."""
    text, encoding = decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.strip().upper() == "BEGIN:VCARD":
        source = read_vcard(text)
    else:
        source = read_csv(text, mapping=mapping)
    source.encoding = encoding
    return source


def _clean(column: str, value: str) -> str:
    value = value.strip()
    if column == "civility" and value:
        return CIVILITIES.get(fold(value), value)
    if column in ("country", "billing_country") and value:
        return COUNTRIES.get(fold(value), value.upper())
    return value


def detect_columns(
    headers: list[str], mapping: Mapping[str, str] | None = None
) -> tuple[list[str], str]:
    """The canonical column of each header ("" when not recognised, or ignored by
    the mapping), and the language the headers were found in. An explicit
    ``mapping`` (file header -> canonical column, or "" to ignore the column)
    wins for the headers it names; the others are detected."""
    mapping = dict(mapping or {})
    folded = [fold(h) for h in headers]
    french = sum(1 for f in folded if f in HEADERS_FR and f not in HEADERS_EN)
    english = sum(1 for f in folded if f in HEADERS_EN and f not in HEADERS_FR)
    language = "fr" if french > english else "en" if english else ("fr" if french else "")
    known = {"fr": HEADERS_FR, "en": HEADERS_EN}.get(language, {})
    targets = []
    for index, header in enumerate(headers):
        if header in mapping:
            targets.append(mapping[header])
        else:
            targets.append(known.get(folded[index]) or HEADERS_EN.get(folded[index]) or "")
    return targets, language


def map_headers(
    headers: list[str], mapping: Mapping[str, str] | None = None
) -> tuple[dict[int, str], str]:
    """Column index -> canonical column, and the language the headers were found in
    (``detect_columns``); ``ImportFormatError`` for a mapping naming an unknown
    column or header, two headers giving one column, or nothing recognised."""
    mapping = dict(mapping or {})
    unknown = sorted(target for target in mapping.values() if target and target not in COLUMNS)
    if unknown:
        raise ImportFormatError(
            _("Unknown columns in the mapping: %(names)s.") % {"names": ", ".join(unknown)}
        )
    missing = sorted(set(mapping) - set(headers))
    if missing:
        raise ImportFormatError(
            _("The mapping names headers the file does not have: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    targets, language = detect_columns(headers, mapping)
    result: dict[int, str] = {}
    for index, target in enumerate(targets):
        if not target:
            continue
        if target in result.values():
            raise ImportFormatError(
                _("Two columns of the file give the same field: %(name)s.") % {"name": target}
            )
        result[index] = target
    if not result:
        raise ImportFormatError(_("No column of the file was recognised; give a mapping."))
    return result, language


@dataclass
class Headers:
    """A file's headers as detected, before any row is read (the mapping step)."""

    format: str  # "csv" or "vcard"
    headers: list[str]
    detected: list[str]  # canonical column of each header, "" when not recognised

    @property
    def unrecognised(self) -> list[str]:
        return [h for h, column in zip(self.headers, self.detected, strict=True) if not column]


def headers_of(data: bytes) -> Headers:
    """The headers of an import file and what each was recognised as; a vCard has
    no headers to map. ``ImportFormatError`` for an empty file."""
    text, _encoding = decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise ImportFormatError(_("The file is empty."))
    if first.strip().upper() == "BEGIN:VCARD":
        return Headers("vcard", [], [])
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    cells = next(csv.reader(io.StringIO(first, newline=""), delimiter=delimiter))
    headers = [cell.strip() for cell in cells]
    detected, _language = detect_columns(headers)
    return Headers("csv", headers, detected)


def template_csv(language: str) -> bytes:
    """A CSV file with every accepted column's header (in ``language``, French or
    English) and no row: what to fill in (UTF-8 with BOM, ``;``, as spreadsheets
    in France and Belgium read it)."""
    headers = TEMPLATE_HEADERS.get(language, TEMPLATE_HEADERS["fr"])
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerow([headers[column] for column in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def read_csv(text: str, *, mapping: Mapping[str, str] | None = None) -> Source:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[Row] = []
    by_index: dict[int, str] = {}
    language = ""
    line = 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if headers is None:
            headers = [cell.strip() for cell in cells]
            by_index, language = map_headers(headers, mapping)
            continue
        values = {
            column: _clean(column, cells[index])
            for index, column in by_index.items()
            if index < len(cells)
        }
        rows.append(Row(start, {k: v for k, v in values.items() if v}, cells))
    if headers is None:
        raise ImportFormatError(_("The file is empty."))
    return Source(
        format="csv",
        rows=rows,
        headers=headers,
        columns={column: headers[index] for index, column in by_index.items()},
        language=language,
        delimiter=delimiter,
    )


# vCard ------------------------------------------------------------------------
_VCARD_COLUMNS = {
    "ORG": "company_name",
    "TITLE": "job_title",
}


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\,;nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _split(value: str, sep: str) -> list[str]:
    """Split on unescaped ``sep`` (vCard's structured values)."""
    return [_unescape(part) for part in re.split(rf"(?<!\\){re.escape(sep)}", value)]


def _unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the line number they start on (RFC 6350 §3.2 folding)."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + raw[1:])
        elif raw.strip():
            lines.append((number, raw))
    return lines


def _types(params: list[str]) -> set[str]:
    types: set[str] = set()
    for param in params:
        name, _eq, value = param.partition("=")
        if not _eq:  # vCard 2.1/3.0 bare types: TEL;CELL
            types.add(name.lower())
        elif name.upper() == "TYPE":
            types.update(v.strip('"').lower() for v in value.split(","))
    return types


def _vcard_values(properties: list[tuple[str, list[str], str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    formatted = ""
    for name, params, value in properties:
        if name == "N":
            parts = _split(value, ";") + [""] * 5
            values.setdefault("family_name", parts[0].replace(",", " ").strip())
            values.setdefault("given_names", " ".join(p for p in parts[1:3] if p).strip())
            values.setdefault("civility", parts[3].strip())
        elif name == "FN":
            formatted = _unescape(value).strip()
        elif name == "ORG":
            values.setdefault("company_name", _split(value, ";")[0].strip())
        elif name == "EMAIL":
            values.setdefault("email", _unescape(value).removeprefix("mailto:").strip())
        elif name == "TEL":
            number = _unescape(value).removeprefix("tel:").strip()
            kind = "mobile" if _types(params) & {"cell", "mobile"} else "phone"
            if kind in values:
                kind = "phone" if kind == "mobile" else "mobile"
            values.setdefault(kind, number)
        elif name == "ADR":
            parts = _split(value, ";") + [""] * 7
            street = " ".join(p for p in (parts[1], parts[2]) if p).strip()
            values.setdefault("billing_street", street)
            values.setdefault("billing_city", parts[3].strip())
            values.setdefault("billing_postal_code", parts[5].strip())
            values.setdefault("billing_country", parts[6].strip())
        elif name in _VCARD_COLUMNS:
            values.setdefault(_VCARD_COLUMNS[name], _split(value, ";")[0].strip())
    if not values.get("family_name") and not values.get("given_names") and formatted:
        values["family_name"] = formatted
    return {k: _clean(k, v) for k, v in values.items() if v}


def read_vcard(text: str) -> Source:
    rows: list[Row] = []
    card: list[tuple[str, list[str], str]] | None = None
    start = 0
    version = ""
    for number, line in _unfold(text):
        head, colon, value = line.partition(":")
        if not colon:
            continue
        name, *params = head.split(";")
        name = name.split(".")[-1].upper()  # item1.EMAIL: a group prefix
        if name == "BEGIN" and value.strip().upper() == "VCARD":
            card, start, version = [], number, ""
        elif name == "END" and value.strip().upper() == "VCARD" and card is not None:
            values = _vcard_values(card)
            if version not in ("3.0", "4.0"):
                values["_version"] = version or "?"
            rows.append(Row(start, values, [values.get(c, "") for c in COLUMNS]))
            card = None
        elif card is not None:
            if name == "VERSION":
                version = value.strip()
            card.append((name, params, value))
    if not rows:
        raise ImportFormatError(_("The file holds no vCard."))
    return Source(format="vcard", rows=rows, headers=list(COLUMNS), columns={c: c for c in COLUMNS})
