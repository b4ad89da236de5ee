"""The registers as files: JSON, XLSX (one worksheet per sheet) and PDF (one
page or more per sheet, laid out by WeasyPrint from a Django template).

These render what ``selectors`` built; they read nothing else. The services
(``register_export``, ``processor_register_export``) journal each download.

WeasyPrint and openpyxl take seconds to import: they are imported when a file
is made (as ``sales.pdf`` does), not by every process that loads the URLs.
"""

import dataclasses
import io
import json
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from comptoir.privacy.register.selectors import ProcessorRegister, Register, Sheet

TEMPLATES = Path(__file__).resolve().parent / "templates" / "privacy_register"


class Format(StrEnum):
    JSON = "json"
    XLSX = "xlsx"
    PDF = "pdf"


CONTENT_TYPES = {
    Format.JSON: "application/json",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.PDF: "application/pdf",
}


@dataclasses.dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def _plain(value):
    """Dataclasses, tuples and moments as JSON types."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def register_data(register: Register) -> dict:
    """The register as plain JSON types (what the API and the JSON file give)."""
    data = _plain(register)
    for sheet, plain in zip(register.sheets, data["sheets"], strict=True):
        plain["retention"] = _plain(sheet.retention)
    return data


def processor_register_data(register: ProcessorRegister) -> dict:
    return _plain(register)


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


# XLSX --------------------------------------------------------------------------------


def _workbook():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def _bold(cell) -> None:
    from openpyxl.styles import Font

    cell.font = Font(bold=True)


def _worksheet_title(text: str, taken: set[str]) -> str:
    """At most 31 characters, none of []:*?/\\, unique in the workbook."""
    clean = "".join(c for c in text if c not in "[]:*?/\\")[:28].strip() or "Sheet"
    title, n = clean, 2
    while title.casefold() in taken:
        title, n = f"{clean[:26]} {n}", n + 1
    taken.add(title.casefold())
    return title


def _rows_of_sheet(register: Register, sheet: Sheet) -> list[tuple]:
    rows: list[tuple] = [
        (_("Processing activity"), sheet.name),
        (_("Created on"), register.created_at.date().isoformat()),
        (_("Updated on"), register.updated_at.date().isoformat()),
        (_("Controller"), f"{register.controller} {register.controller_identifier}".strip()),
        (_("Controller's address"), register.controller_address),
        (_("DPO or privacy contact"), f"{register.dpo_name} <{register.dpo_email}>"),
        (_("Software used"), register.software),
        (_("Purpose"), sheet.name),
        (_("Legal basis"), "; ".join(sheet.legal_bases)),
        (_("Categories of people"), "; ".join(sheet.people)),
        (),
        (_("Categories of data"), _("Fields"), _("Retention")),
    ]
    for category in sheet.categories:
        rows.append(
            (
                category.label,
                "\n".join(f"{f.model} · {f.name} ({f.label})" for f in category.fields),
                "\n".join(_retention_text(r) for r in category.retention),
            )
        )
    rows += [
        (),
        (
            _("Sensitive data"),
            _("Yes") if sheet.sensitive_data else _("No"),
            sheet.sensitive_warning,
        ),
        (),
        (_("Internal recipients"), "\n".join(_named(r) for r in sheet.internal_recipients)),
        (_("External recipients"), "\n".join(_named(r) for r in sheet.external_recipients)),
        (_("Processors"), "\n".join(_processor_text(p) for p in sheet.processors)),
        (
            _("Transfers outside the EU"),
            "\n".join(_processor_text(p) for p in sheet.transfers) or _("None"),
        ),
        (),
        (_("Security measures"),),
    ]
    for measure in sheet.measures:
        rows.append((measure.label, "\n".join([*measure.built_in, measure.own]).strip()))
    return rows


def _named(pair: tuple[str, str]) -> str:
    name, description = pair
    return f"{name}: {description}" if description else name


def _retention_text(entry) -> str:
    text = _("%(data)s: %(duration)s from %(start)s, then %(end)s") % {
        "data": entry.data,
        "duration": entry.duration,
        "start": entry.start,
        "end": entry.end,
    }
    if entry.archive:
        text += " " + _("(intermediate archive: %(archive)s)") % {"archive": entry.archive}
    if entry.overridden:
        text += " " + _("[the organisation's own; default: %(default)s]") % {
            "default": entry.default_duration or entry.default_archive
        }
    return text


def _processor_text(entry) -> str:
    return f"{entry.name} ({entry.service}), {entry.country_name}: {entry.safeguard}" + (
        f", {entry.safeguard_details}" if entry.safeguard_details else ""
    )


def _write_rows(worksheet, rows: list[tuple]) -> None:
    from openpyxl.styles import Alignment

    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        worksheet.append(list(row))
        if row:
            _bold(worksheet.cell(row=worksheet.max_row, column=1))
    for column, width in (("A", 32), ("B", 70), ("C", 70)):
        worksheet.column_dimensions[column].width = width
    for cells in worksheet.iter_rows():
        for cell in cells:
            cell.alignment = wrap


def _xlsx(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def register_xlsx(register: Register) -> bytes:
    workbook = _workbook()
    taken: set[str] = set()
    for sheet in register.sheets:
        worksheet = workbook.create_sheet(_worksheet_title(sheet.name, taken))
        _write_rows(worksheet, _rows_of_sheet(register, sheet))
    if not register.sheets:
        workbook.create_sheet(_("Register"))
    return _xlsx(workbook)


def processor_register_xlsx(register: ProcessorRegister) -> bytes:
    workbook = _workbook()
    worksheet = workbook.create_sheet(_("Controllers served")[:31])
    worksheet.append(
        [
            _("Controller"),
            _("Identifier"),
            _("Country"),
            _("DPO or privacy contact"),
            _("Processing done for it"),
            _("Categories of data"),
            _("Transfers outside the EU"),
        ]
    )
    for entry in register.controllers:
        worksheet.append(
            [
                entry.controller,
                entry.controller_identifier,
                entry.country,
                f"{entry.dpo_name} <{entry.dpo_email}>",
                "\n".join(entry.processing),
                "\n".join(entry.categories),
                "\n".join(_processor_text(t) for t in entry.transfers) or _("None"),
            ]
        )
    for cell in worksheet[1]:
        _bold(cell)
    measures = workbook.create_sheet(_("Security measures")[:31])
    _write_rows(measures, [(m.label, "\n".join(m.built_in)) for m in register.measures])
    return _xlsx(workbook)


# PDF ---------------------------------------------------------------------------------


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()


def register_pdf(register: Register) -> bytes:
    return _pdf("privacy_register/pdf/register.html", {"register": register})


def processor_register_pdf(register: ProcessorRegister) -> bytes:
    return _pdf("privacy_register/pdf/processor.html", {"register": register})


# Files ---------------------------------------------------------------------------------


def register_file(register: Register, fmt: Format) -> ExportFile:
    day = timezone.localdate().isoformat()
    name = f"register-{slugify(register.controller) or register.organisation_id}-{day}.{fmt}"
    if fmt == Format.JSON:
        content = _json(register_data(register))
    elif fmt == Format.XLSX:
        content = register_xlsx(register)
    else:
        content = register_pdf(register)
    return ExportFile(name, CONTENT_TYPES[fmt], content)


def processor_register_file(register: ProcessorRegister, fmt: Format) -> ExportFile:
    name = f"processor-register-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == Format.JSON:
        content = _json(processor_register_data(register))
    elif fmt == Format.XLSX:
        content = processor_register_xlsx(register)
    else:
        content = processor_register_pdf(register)
    return ExportFile(name, CONTENT_TYPES[fmt], content)
