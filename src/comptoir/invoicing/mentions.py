"""The legal mentions of an invoice (DOMAIN.md §9), written once.

* Between businesses (the buyer ``is_business``), three notes with their
  UNTDID 4451 subject codes, which the French e-invoicing rules require once
  each (BR-FR-05, BR-FR-06): PMT the flat recovery indemnity, PMD the
  late-payment penalty rate, AAB the early-payment discount terms or their
  absence. A consumer (B2C) gets none of them. A Belgian seller states them
  under the law of 2 August 2002.
* The option for VAT on debits, when the seller chose it (subject TXD).
* The French billing framework (BT-23, BR-FR-08): B1 goods, S1 services, M1
  both; B4, S4, M4 for the final invoice after down payments (BR-FR-CO-08:
  never on a down-payment invoice, type 386). A credit note takes the code of
  what its own lines are (B1/S1/M1).
* The type of operation (goods, services, mixed) from the lines.

Used by ``invoicing.services.issue`` when it freezes the document.
"""

from collections.abc import Iterable
from decimal import Decimal

from comptoir.core.documents import Kind, Line, Note, Operation

PMT = "PMT"  # payment terms: the flat recovery indemnity
PMD = "PMD"  # payment detail: late-payment penalties
AAB = "AAB"  # early-payment discount
TXD = "TXD"  # tax declaration: the option for VAT on debits

NO_DISCOUNT = "Pas d'escompte pour paiement anticipé."
VAT_ON_DEBITS = "Option pour le paiement de la TVA d'après les débits."


def _amount(value: Decimal) -> str:
    """1234.5 -> '1 234,50' (French printing of an amount)."""
    text = f"{Decimal(value):,.2f}"
    return text.replace(",", " ").replace(".", ",")


def _rate(value: Decimal) -> str:
    return f"{Decimal(value):.2f}".replace(".", ",")


def b2b_notes(
    *,
    seller_country: str,
    late_penalty_rate: Decimal,
    recovery_indemnity: Decimal,
    early_payment_discount: str,
) -> tuple[Note, ...]:
    """PMT, PMD and AAB, in the seller's country's wording."""
    indemnity, rate = _amount(recovery_indemnity), _rate(late_penalty_rate)
    if seller_country == "BE":
        pmt = (
            f"En cas de retard de paiement, une indemnité forfaitaire pour frais de "
            f"recouvrement de {indemnity} EUR est due (art. 6 de la loi du 2 août 2002 "
            f"concernant la lutte contre le retard de paiement dans les transactions "
            f"commerciales)."
        )
        pmd = (
            f"Tout montant impayé à l'échéance porte de plein droit et sans mise en demeure "
            f"un intérêt de retard de {rate} % l'an (art. 5 de la loi du 2 août 2002)."
        )
    else:
        pmt = (
            f"Indemnité forfaitaire pour frais de recouvrement en cas de retard de "
            f"paiement : {indemnity} EUR (art. L441-10 et D441-5 du Code de commerce)."
        )
        pmd = (
            f"Pénalités de retard : {rate} % l'an, exigibles dès le lendemain de la date "
            f"d'échéance (art. L441-10 du Code de commerce)."
        )
    aab = early_payment_discount.strip() or NO_DISCOUNT
    return (Note(pmt, PMT), Note(pmd, PMD), Note(aab, AAB))


def legal_notes(
    *,
    buyer_is_business: bool,
    seller_country: str,
    late_penalty_rate: Decimal,
    recovery_indemnity: Decimal,
    early_payment_discount: str,
    vat_on_debits: bool,
) -> tuple[Note, ...]:
    """Every legal note an invoice carries, in the order printed."""
    notes: list[Note] = []
    if buyer_is_business:
        notes.extend(
            b2b_notes(
                seller_country=seller_country,
                late_penalty_rate=late_penalty_rate,
                recovery_indemnity=recovery_indemnity,
                early_payment_discount=early_payment_discount,
            )
        )
    if vat_on_debits:
        notes.append(Note(VAT_ON_DEBITS, TXD))
    return tuple(notes)


def operation(lines: Iterable[Line]) -> Operation:
    """Goods, services or both, from the lines (services when there is none)."""
    kinds = {line.is_service for line in lines}
    if kinds == {True, False}:
        return Operation.MIXED
    if kinds == {False}:
        return Operation.GOODS
    return Operation.SERVICES


_FRAMEWORK = {Operation.GOODS: "B", Operation.SERVICES: "S", Operation.MIXED: "M"}


def billing_framework(kind: Kind, operation: Operation, *, after_down_payments: bool) -> str:
    """BT-23: '1' a plain invoice, '4' the final invoice of down payments
    (never on a down-payment invoice, BR-FR-CO-08)."""
    final = after_down_payments and kind == Kind.INVOICE
    return f"{_FRAMEWORK[operation]}{4 if final else 1}"
