"""The number patterns of an organisation, each series with its own or the default."""

from dataclasses import dataclass

from comptoir.sales.models import NumberSeries, Series
from comptoir.sales.models.numbering import DEFAULT_PATTERNS
from comptoir.tenancy.models import Organisation


@dataclass(frozen=True)
class SeriesPattern:
    series: str
    label: str
    pattern: str
    is_default: bool


def number_patterns(*, organisation: Organisation) -> list[SeriesPattern]:
    own = dict(NumberSeries.objects.of(organisation).values_list("series", "pattern"))
    return [
        SeriesPattern(
            series=series.value,
            label=str(series.label),
            pattern=own.get(series.value, DEFAULT_PATTERNS[series]),
            is_default=series.value not in own,
        )
        for series in Series
    ]
