"""Factur-X invoices issued and printed end to end, against WeasyPrint
rendering the same HTML alone.

Builds, in a fresh temporary COMPTOIR_VAR_DIR (SQLite by default, or the
PostgreSQL database of ``--database-url``), one French organisation with its
sales settings (bank details, a logo in ``default_storage``), one French
business client made by the parties services, and N draft invoices of a few
lines each made by ``invoice_create`` (not timed). Then, round by round:

* **comptoir**: per draft, ``invoice_issue`` (the checks, the next number of
  the series, the frozen document encrypted under the organisation key, its
  content hash chained to the previous issued document, the issued totals,
  the audit record, one transaction), the document read back from its
  snapshot, the branding read from the settings (logo through the storage),
  the CII XML (``cii.build``), the PDF/A-3b (``sales.pdf.render``: template
  and WeasyPrint) and the Factur-X embedding (``facturx.embed``, which checks
  the XML against the Factur-X XSD);
* **render only** (the baseline): the same HTML ``render`` lays out, given to
  WeasyPrint alone with the same style sheet, ``pdf/a-3b``, nothing else.

Rounds alternate (A B, B A, ...) so machine noise affects both alike. The
first Factur-X file is checked with the official rules (``validation``), so
the figures are those of valid e-invoices. The last line printed is one JSON
object (../shared/BENCH.md): ``invoices_per_s``, ``render_only_per_s``,
``ratio`` (invoices / render only) and more.

    .venv/bin/python bench/invoice.py            # 200 invoices of 5 lines
    .venv/bin/python bench/invoice.py --quick    # 12 invoices: proves the script works
    .venv/bin/python bench/invoice.py --database-url postgres://postgres@127.0.0.1:5432/bench_invoice
"""

import argparse
import io
import json
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from _support import create_database, drop_database, make_organisation, setup_django, siren_of

TARGET_INVOICES_PER_S = 20
TARGET_RATIO = 0.7


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def logo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 120), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((5, 5, 115, 115), fill=(31, 78, 121))
    draw.rectangle((140, 40, 350, 80), fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def prepare(count: int, lines: int):
    """The organisation, its settings and ``count`` drafts (not timed)."""
    from django.core.files.base import ContentFile

    from comptoir.audit.services import Actor
    from comptoir.invoicing import services
    from comptoir.ops.demo import fr_vat_from_siren
    from comptoir.parties import services as parties
    from comptoir.parties.models import PartyKind
    from comptoir.sales import printing

    organisation = make_organisation()
    organisation.vat_number = fr_vat_from_siren(organisation.siren)
    organisation.save(update_fields=["vat_number"])
    settings = printing.settings_of(organisation)
    settings.iban = "FR7630006000011234567890189"
    settings.bic = "AGRIFRPP"
    settings.email = "facturation@bench.comptoir.test"
    settings.registration = "RCS Paris"
    settings.share_capital = "10 000 EUR"
    settings.footer = "Banc d'essai SAS, au service de ses clients."
    settings.logo.save("bench-logo.png", ContentFile(logo_png()), save=False)
    settings.full_clean()
    settings.save()
    owner = Actor.system()
    siren = siren_of(40213377)
    client = parties.party_create(
        actor=owner,
        organisation=organisation,
        kind=PartyKind.COMPANY,
        is_client=True,
        company_name="Client du banc SARL",
        siren=siren,
        vat_number=fr_vat_from_siren(siren),
        billing_street="2 avenue de l'Essai",
        billing_postal_code="69002",
        billing_city="Lyon",
    )
    rates = ("20", "10", "5.5")
    drafts = [
        services.invoice_create(
            actor=owner,
            organisation=organisation,
            party=client,
            purchase_order=f"BC-{n:05d}",
            lines=[
                {
                    "name": f"Prestation {n}-{i}",
                    "description": "Accompagnement, conseil et mise en œuvre",
                    "quantity": Decimal(i % 4 + 1),
                    "unit_price": Decimal(120 + 17 * i) + Decimal("0.45"),
                    "vat_category": "S",
                    "vat_rate": Decimal(rates[i % len(rates)]),
                }
                for i in range(lines)
            ],
        )
        for n in range(count)
    ]
    return organisation, settings, drafts


def issue_and_print(drafts, settings) -> tuple[tuple[float, float], list[bytes], list[str]]:
    """Comptoir: issue, snapshot, CII, PDF/A-3b, Factur-X. Returns the wall
    and CPU times, the Factur-X files and the HTML each one printed."""
    from comptoir.audit.services import Actor
    from comptoir.invoicing import selectors
    from comptoir.invoicing.einvoice import cii, facturx
    from comptoir.invoicing.services import invoice_issue
    from comptoir.sales import pdf

    actor = Actor.system()
    files = []
    started, cpu = time.perf_counter(), time.process_time()
    for draft in drafts:
        invoice = invoice_issue(actor=actor, invoice=draft)
        document = selectors.snapshot_document(selectors.issued_document(invoice))
        branding = pdf.branding_of(settings)
        xml = cii.build(document)
        files.append(facturx.embed(pdf.render(document, branding=branding), xml))
    elapsed = (time.perf_counter() - started, time.process_time() - cpu)
    # Not timed: the HTML of the same documents, for the baseline.
    html = []
    for draft in drafts:
        document = selectors.snapshot_document(selectors.issued_document(draft))
        html.append(pdf.html_of(document, branding=pdf.branding_of(settings)))
    return elapsed, files, html


def render_only(html: list[str]) -> tuple[float, float]:
    """WeasyPrint alone: the same HTML and style sheet, PDF/A-3b."""
    from weasyprint import HTML

    from comptoir.sales import pdf

    stylesheet = pdf._stylesheet()
    fonts = pdf._font_config()
    started, cpu = time.perf_counter(), time.process_time()
    for text in html:
        HTML(string=text, base_url=str(pdf.TEMPLATES)).write_pdf(
            stylesheets=[stylesheet], font_config=fonts, pdf_variant="pdf/a-3b"
        )
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="12 invoices, for CI")
    parser.add_argument("--count", type=int, help="invoices (default 200)")
    parser.add_argument("--lines", type=int, default=5, help="lines per invoice (default 5)")
    parser.add_argument("--rounds", type=int, help="rounds (default 4; 2 with --quick)")
    parser.add_argument("--database-url", help="a PostgreSQL database of the run's own")
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir")
    parser.add_argument("--profile", help="write a pyinstrument HTML profile of one comptoir round")
    args = parser.parse_args()
    count = args.count or (12 if args.quick else 200)
    rounds = args.rounds or (2 if args.quick else 4)
    if not (2 <= count <= 5000 and 1 <= args.lines <= 500 and 1 <= rounds <= count):
        raise SystemExit("keep it bounded: 2 <= count <= 5000, 1 <= lines <= 500")

    var_dir = Path(tempfile.mkdtemp(prefix="comptoir-bench-invoice-"))
    if args.database_url:
        create_database(args.database_url)
    try:
        setup_django(var_dir, args.database_url)
        from django.core.management import call_command

        from comptoir.invoicing.einvoice import validation

        log(f"migrating a fresh database under {var_dir}")
        call_command("migrate", interactive=False, verbosity=0)
        organisation, settings, drafts = prepare(count + 1, args.lines)
        log(f"{count} drafts of {args.lines} lines (and one to warm up)")

        # Warm up both paths (template compiled, fonts loaded, XSD parsed).
        _, files, html = issue_and_print(drafts[:1], settings)
        render_only(html)
        findings = validation.fatal(validation.validate(files[0]))
        if findings:
            raise SystemExit(f"the Factur-X file is not valid: {findings}")
        log("the first Factur-X file passes the official rules")

        chunks = [drafts[1:][i::rounds] for i in range(rounds)]
        comptoir_s, baseline_s, comptoir_cpu, baseline_cpu = [], [], [], []
        for index, chunk in enumerate(chunks):
            if args.profile and index == 0:
                from pyinstrument import Profiler

                profiler = Profiler()
                profiler.start()
            if index % 2:  # B A: the baseline first, on the previous round's HTML
                wall, cpu = render_only(html)
                baseline_s.append(len(html) / wall)
                baseline_cpu.append(len(html) / cpu)
            elapsed, files, html = issue_and_print(chunk, settings)
            if args.profile and index == 0:
                profiler.stop()
                Path(args.profile).write_text(profiler.output_html())
                log(profiler.output_text(unicode=False, color=False, show_all=False))
            if not index % 2:  # A B
                wall, cpu = render_only(html)
                baseline_s.append(len(html) / wall)
                baseline_cpu.append(len(html) / cpu)
            comptoir_s.append(len(chunk) / elapsed[0])
            comptoir_cpu.append(len(chunk) / elapsed[1])
            log(
                f"round {index + 1}: {comptoir_s[-1]:.1f} invoices/s, "
                f"{baseline_s[-1]:.1f} renders/s alone (per CPU second: "
                f"{comptoir_cpu[-1]:.1f}, {baseline_cpu[-1]:.1f})"
            )
        sizes = [len(data) for data in files]
        invoices_per_s = statistics.median(comptoir_s)
        render_per_s = statistics.median(baseline_s)
        per_cpu_s = statistics.median(comptoir_cpu)
        render_per_cpu_s = statistics.median(baseline_cpu)
        result = {
            "invoices": count,
            "lines": args.lines,
            "rounds": rounds,
            "invoices_per_s": round(invoices_per_s, 1),
            "render_only_per_s": round(render_per_s, 1),
            "ratio": round(invoices_per_s / render_per_s, 2),
            # The same per second of this process's CPU: what a free core would
            # do, steadier than wall time on a machine others share.
            "invoices_per_cpu_s": round(per_cpu_s, 1),
            "render_only_per_cpu_s": round(render_per_cpu_s, 1),
            "cpu_ratio": round(per_cpu_s / render_per_cpu_s, 2),
            "pdf_kb": round(statistics.median(sizes) / 1024, 1),
            "database": "postgresql" if args.database_url else "sqlite",
            "target_invoices_per_s": TARGET_INVOICES_PER_S,
            "target_ratio": TARGET_RATIO,
            "meets_targets": invoices_per_s >= TARGET_INVOICES_PER_S
            and invoices_per_s / render_per_s >= TARGET_RATIO,
        }
        print(json.dumps(result))
    finally:
        if args.database_url:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)
        if args.keep:
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
