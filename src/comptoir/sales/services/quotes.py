"""Quotes: a draft with its lines, sent (numbered, valid until a date), then
accepted or refused while it is valid. Only a draft changes."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit, check_names, raise_if, update_locked, validate
from comptoir.core.changes import filled
from comptoir.core.modelfields import editable_fields
from comptoir.sales.lines import (
    line_changed,
    line_fields,
    line_prepared,
    lines_created,
    party_errors,
)
from comptoir.sales.models import Quote, QuoteLine, Series
from comptoir.sales.models.choices import QuoteStatus
from comptoir.sales.numbering import number_take
from comptoir.sales.rules import EXPIRED, decimals, quote_state
from comptoir.sales.services.settings import sales_settings_get
from comptoir.tenancy.models import Organisation

# A draft's header: its client, dates, references, discount, charge and notes.
QUOTE_FIELDS = editable_fields(Quote)
QUOTE_LINE_FIELDS = line_fields(QuoteLine, "quote")


def _draft(quote: Quote) -> Quote:
    """The quote locked, refused unless still a draft."""
    locked = Quote.objects.of(quote.organisation_id).select_for_update().get(pk=quote.pk)
    if locked.status != QuoteStatus.DRAFT:
        raise ValidationError(_("Only a draft quote can be changed."), code="not_draft")
    return locked


def _dates(quote: Quote) -> dict[str, ValidationError]:
    if quote.issue_date and quote.valid_until and quote.valid_until < quote.issue_date:
        return {
            "valid_until": ValidationError(
                _("A quote cannot expire before its date."), code="valid_until"
            )
        }
    return {}


@transaction.atomic
def quote_create(
    *,
    actor: Actor,
    organisation: Organisation,
    lines: list[dict[str, Any]] = (),
    **fields: Any,
) -> Quote:
    """A draft quote for ``party`` (a party of the organisation), with its lines:
    each a dict of line fields, copied from its ``product`` when it names one."""
    check_names(fields, QUOTE_FIELDS, "quote_create")
    quote = Quote(organisation=organisation, **decimals(Quote, fields))
    more = {**party_errors(fields.get("party"), organisation.pk), **_dates(quote)}
    validate(quote, exclude=["organisation"], more=more)
    quote.save()
    lines_created(model=QuoteLine, parent="quote", document=quote, lines=lines)
    audit(
        actor=actor,
        action=Action.CREATE,
        instance=quote,
        fields=[*filled(quote, QUOTE_FIELDS), *(["lines"] if lines else [])],
    )
    return quote


@transaction.atomic
def quote_update(*, actor: Actor, quote: Quote, **changes: Any) -> Quote:
    locked = _draft(quote)
    return update_locked(
        actor=actor,
        instance=locked,
        changes=decimals(Quote, changes),
        fields=QUOTE_FIELDS,
        more=lambda q: {**party_errors(q.party, q.organisation_id), **_dates(q)},
    )


@transaction.atomic
def quote_line_add(*, actor: Actor, quote: Quote, **fields: Any) -> QuoteLine:
    """A line from a product (``product=``, its values copied unless given) or a free one."""
    locked = _draft(quote)
    line = line_prepared(model=QuoteLine, parent="quote", document=locked, fields=fields)
    line.save()
    audit(actor=actor, action=Action.UPDATE, instance=locked, fields=["lines"])
    return line


@transaction.atomic
def quote_line_update(*, actor: Actor, line: QuoteLine, **changes: Any) -> QuoteLine:
    locked = _draft(line.quote)
    line = QuoteLine.objects.select_for_update().get(pk=line.pk, quote=locked)
    names = line_changed(line=line, parent="quote", changes=changes)
    if names:
        line.save(update_fields=names)
        audit(actor=actor, action=Action.UPDATE, instance=locked, fields=["lines"])
    return line


@transaction.atomic
def quote_line_remove(*, actor: Actor, line: QuoteLine) -> None:
    locked = _draft(line.quote)
    QuoteLine.objects.filter(pk=line.pk, quote=locked).delete()
    audit(actor=actor, action=Action.UPDATE, instance=locked, fields=["lines"])


@transaction.atomic
def quote_send(
    *,
    actor: Actor,
    quote: Quote,
    issue_date: date | None = None,
    valid_until: date | None = None,
) -> Quote:
    """Number the draft (series QUOTE) and date it; valid for the organisation's
    quote validity unless ``valid_until`` says otherwise."""
    locked = _draft(quote)
    if not locked.lines.exists():
        raise ValidationError(_("A quote needs at least one line."), code="no_lines")
    locked.issue_date = issue_date or locked.issue_date or timezone.localdate()
    if valid_until is not None:
        locked.valid_until = valid_until
    elif locked.valid_until is None:
        days = sales_settings_get(organisation=locked.organisation).quote_validity_days
        locked.valid_until = locked.issue_date + timedelta(days=days)
    raise_if(_dates(locked))
    locked.number = number_take(
        organisation_id=locked.organisation_id,
        series=Series.QUOTE,
        year=locked.issue_date.year,
    )
    locked.status = QuoteStatus.SENT
    names = ["number", "status", "issue_date", "valid_until"]
    locked.save(update_fields=[*names, "updated_at"])
    audit(actor=actor, action=Action.UPDATE, instance=locked, fields=names)
    return locked


def _decide(actor: Actor, quote: Quote, status: str, on: date | None) -> Quote:
    locked = Quote.objects.of(quote.organisation_id).select_for_update().get(pk=quote.pk)
    on = on or timezone.localdate()
    state = quote_state(locked, on)
    if state == EXPIRED:
        raise ValidationError(
            _("This quote expired on %(date)s: it can no longer be accepted or refused.")
            % {"date": locked.valid_until.isoformat()},
            code="expired",
        )
    if state != QuoteStatus.SENT:
        raise ValidationError(_("Only a sent quote can be accepted or refused."), code="not_sent")
    locked.status = status
    locked.decided_on = on
    locked.save(update_fields=["status", "decided_on", "updated_at"])
    audit(actor=actor, action=Action.UPDATE, instance=locked, fields=["status", "decided_on"])
    return locked


@transaction.atomic
def quote_accept(*, actor: Actor, quote: Quote, on: date | None = None) -> Quote:
    """The client accepts a sent quote, on or before its validity date."""
    return _decide(actor, quote, QuoteStatus.ACCEPTED, on)


@transaction.atomic
def quote_refuse(*, actor: Actor, quote: Quote, on: date | None = None) -> Quote:
    return _decide(actor, quote, QuoteStatus.REFUSED, on)
