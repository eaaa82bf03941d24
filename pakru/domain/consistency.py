"""Figures pakru computes from reported ones, and whether the store's figures can all be true.

Every figure stands for a range of values: "$1.81 billion" means 1.805–1.815 billion, because a
source that gives two decimals vouches for no more; "more than 100 percent" is anything above 100.
Derived figures carry the range their inputs allow, by interval arithmetic. Two figures conflict
when their ranges cannot meet; two that agree within their stated precision do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from itertools import combinations
from typing import Any, Literal, NamedTuple

from pakru.domain.errors import PeriodError
from pakru.domain.records import (
    LOWER_BOUND_QUALIFIERS,
    WHOLE_TRADE_METRICS,
    Citation,
    Figure,
    iso_span,
)
from pakru.domain.types import (
    Period,
    Precision,
    fiscal_label,
    fiscal_start,
    fiscal_year,
    format_amount,
)

Bound = Decimal | None
Range = tuple[Bound, Bound]

_DIGITS = re.compile(r"\d[\d,]*(?:\.(\d+))?")
_NUMBER_WORDS = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)
_MAGNITUDES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_HUNDRED = Decimal(100)


def stated_precision(figure: Figure) -> Decimal:
    """Half a unit of the last digit the source gave, in the figure's base units.

    "$1.81 billion" gives 0.005 billion; "three million tons" half a million; a word such as
    "doubled" that names an exact ratio gives 0.
    """
    match = _DIGITS.search(figure.stated)
    if match:
        written = Decimal(match[0].replace(",", ""))
        if written == 0:
            return Decimal(0)
        decimals = len(match[1] or "")
        # 1e9 for "$1.81 billion", 1 for "287"; a magnitude, so that a fall ("12.4 percent" for
        # −12.4) has the same tolerance as a rise.
        scale = abs(figure.value / written)
        return Decimal("0.5") * Decimal(10) ** -decimals * scale
    if _NUMBER_WORDS.search(figure.stated):
        words = figure.stated.lower()
        magnitude = next((size for word, size in _MAGNITUDES.items() if word in words), 1)
        return Decimal("0.5") * magnitude
    return Decimal(0)


def value_range(figure: Figure) -> Range:
    """The values a reported figure allows, as (low, high); None is unbounded."""
    tolerance = stated_precision(figure)
    if figure.qualifier in LOWER_BOUND_QUALIFIERS:
        return figure.value, None
    if figure.qualifier == "up to":
        return None, figure.value + tolerance
    return figure.value - tolerance, figure.value + tolerance


class Derived(NamedTuple):
    """A figure pakru computed from reported ones; never stored, always shown as derived."""

    id: str
    metric: str
    subject: str
    low: Bound
    high: Bound
    value: Decimal  # the central value, for display
    unit: str
    period: Period
    formula: str
    inputs: tuple[Figure, ...]
    basis: Literal["derived"] = "derived"

    @property
    def record_type(self) -> str:
        return "figure"

    @property
    def qualifier(self) -> str:
        if self.low is None:
            return "under"
        if self.high is None:
            return "over"
        return "exact"

    @property
    def sources(self) -> tuple[Citation, ...]:
        return tuple(citation for figure in self.inputs for citation in figure.sources)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "figure",
            "metric": self.metric,
            "subject": self.subject,
            "value": _number(self.value),
            "unit": self.unit,
            "period": str(self.period),
            **iso_span(self.period),
            "qualifier": self.qualifier,
            "basis": "derived",
            "formula": self.formula,
            "inputs": [figure.id for figure in self.inputs],
            "range": [_number(self.low), _number(self.high)],
        }


AnyFigure = Figure | Derived


def _text(value: Bound) -> str | None:
    return None if value is None else format(value, "f")


def _number(value: Bound) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def range_of(figure: AnyFigure) -> Range:
    return (figure.low, figure.high) if isinstance(figure, Derived) else value_range(figure)


def ranges_meet(a: AnyFigure, b: AnyFigure) -> bool:
    (low_a, high_a), (low_b, high_b) = range_of(a), range_of(b)
    below = high_a is not None and low_b is not None and high_a < low_b
    above = high_b is not None and low_a is not None and high_b < low_a
    return not (below or above)


def commodity(figure: AnyFigure) -> str | None:
    """The one good a figure covers (None: the whole flow; derived figures are of whole flows)."""
    return getattr(figure, "commodity", None)


def _same_thing(a: AnyFigure, b: AnyFigure) -> bool:
    if a.metric != b.metric or commodity(a) != commodity(b):
        return False
    whole = a.metric in WHOLE_TRADE_METRICS and commodity(a) is None
    return whole or a.subject.casefold() == b.subject.casefold()


def comparable(a: Figure, b: Figure) -> bool:
    """Same metric, same thing measured, same period, same basis."""
    if a.basis != b.basis or a.period is None or b.period is None:
        return False
    return str(a.period) == str(b.period) and _same_thing(a, b)


def disagreements(figures: Iterable[Figure]) -> list[tuple[Figure, Figure]]:
    """Every pair of comparable reported figures whose stated values cannot both be true."""
    return [(c.a, c.b) for c in _reported_pairs(list(figures)) if not c.agrees]  # type: ignore[misc]


def reported_ids(figure: AnyFigure) -> list[str]:
    """The reported figures a figure stands on: itself, or the inputs of a derived one."""
    if isinstance(figure, Derived):
        return [f.id for f in figure.inputs]
    return [figure.id]


# --- derivations -------------------------------------------------------------------------------


def year_before(period: Period) -> Period | None:
    """The same span one year earlier, when the period has a shape that makes that meaningful."""
    if period.precision is Precision.FISCAL_YEAR and period.first is not None:
        return fiscal_year(period.first.year - 1, period.first.year, str(period))
    if period.precision is Precision.DECADE or period.first is None or period.last is None:
        return None
    earlier = re.sub(r"\d{4}", lambda year: f"{int(year[0]) - 1:04d}", period.notation)
    try:
        return Period.parse(earlier)
    except PeriodError:  # 29 February has no year-earlier twin
        return None


def _quantum(unit: str, value: Decimal) -> Decimal:
    if unit == "percent":
        return Decimal("0.1")
    return Decimal("1E7") if abs(value) >= 1_000_000_000 else Decimal("1E6")


def _rounded(value: Decimal, unit: str) -> Decimal:
    return value.quantize(_quantum(unit, value), rounding=ROUND_HALF_EVEN)


def _mul(a: Bound, b: Bound) -> Bound:
    return None if a is None or b is None else a * b


def _div(a: Bound, b: Bound) -> Bound:
    return None if a is None or b is None or b == 0 else a / b


def _reported(figures: Iterable[Figure], metric: str) -> dict[str, list[Figure]]:
    """Per period, the reported figures of a metric for the whole flow (no commodity), leaving
    out those a later report supersedes."""
    by_period: dict[str, list[Figure]] = {}
    superseded = {earlier for figure in figures for earlier in figure.supersedes}
    for figure in figures:
        if (
            figure.metric == metric
            and figure.basis == "reported"
            and figure.period is not None
            and figure.commodity is None
            and figure.id not in superseded
        ):
            by_period.setdefault(str(figure.period), []).append(figure)
    return by_period


class Reading(NamedTuple):
    """Figures for one measure and period that agree among themselves (one reading of it), and
    the best-stated of them, which stands for them in derivations."""

    reference: Figure
    members: list[Figure]

    def reports(self) -> set[str]:
        return {key for figure in self.members for key in _report_keys(figure)}


def readings(group: Sequence[Figure]) -> list[Reading]:
    """The group split into readings: best-stated figures first, each joining the first reading
    whose reference it agrees with. Many reports of one figure are one reading; a body that
    disagrees is another."""
    found: list[Reading] = []
    for figure in sorted(group, key=_precision_order):
        for reading in found:
            if ranges_meet(reading.reference, figure):
                reading.members.append(figure)
                break
        else:
            found.append(Reading(figure, [figure]))
    return found


def _report_keys(figure: Figure) -> list[str]:
    """What ties a figure to a report: each source it cites, and the body it names."""
    keys = [f"source:{c.source}" for c in figure.sources]
    if figure.reported_by is not None:
        keys.append(f"by:{figure.reported_by}")
    return keys


def _linked(a: Reading, b: Reading) -> bool:
    """Whether one report gives both readings (a source in common, or the same named body)."""
    return not a.reports().isdisjoint(b.reports())


def _matched(left: Sequence[Figure], right: Sequence[Figure]) -> list[tuple[Figure, Figure]]:
    """The pairs to derive from, one per pair of readings that one report gives together (a
    total and its parts, two years of one series), each reading standing in by its best-stated
    figure. Where no report gives both sides, the one reading of each, if each side has only
    one: one body's total is never divided by another's exports."""
    if not left or not right:
        return []
    lefts, rights = readings(left), readings(right)
    pairs = [(a.reference, b.reference) for a in lefts for b in rights if _linked(a, b)]
    if pairs:
        return pairs
    if len(lefts) == 1 and len(rights) == 1:
        return [(lefts[0].reference, rights[0].reference)]
    return []


def derive(figures: Sequence[Figure]) -> list[Derived]:
    """Balances, growth between comparable totals, totals implied by growth, and shares, each
    from figures of one report (see `_matched`)."""
    totals = _reported(figures, "trade_total")
    exports = _reported(figures, "exports")
    imports = _reported(figures, "imports")
    growths = _reported(figures, "trade_growth")
    derived: list[Derived] = []
    for period in dict.fromkeys([*exports, *imports]):
        outs, intos, whole = exports.get(period, []), imports.get(period, []), totals.get(period)
        derived.extend(_balance(out, into) for out, into in _matched(outs, intos))
        for parts in (outs, intos):
            derived.extend(_share(part, total) for part, total in _matched(parts, whole or []))
    for period, later in totals.items():
        late_period = later[0].period
        earlier = year_before(late_period) if late_period else None
        if earlier is not None:
            derived.extend(
                _growth(early, late)
                for early, late in _matched(totals.get(str(earlier), []), later)
            )
        for growth, late in _matched(growths.get(period, []), later):
            implied = _implied_previous(growth, late)
            if implied is not None:
                derived.append(implied)
    return derived


def _balance(exports: Figure, imports: Figure) -> Derived:
    (el, eh), (il, ih) = value_range(exports), value_range(imports)
    low = None if el is None or ih is None else el - ih
    high = None if eh is None or il is None else eh - il
    assert exports.period is not None
    return Derived(
        id=f"derived-balance-{exports.id}-{imports.id}",
        metric="trade_balance",
        subject="trade balance (exports − imports)",
        low=low,
        high=high,
        value=exports.value - imports.value,
        unit="USD",
        period=exports.period,
        formula=f"{exports.id} − {imports.id}",
        inputs=(exports, imports),
    )


def _share(part: Figure, total: Figure) -> Derived:
    (pl, ph), (tl, th) = value_range(part), value_range(total)
    low, high = _mul(_div(pl, th), _HUNDRED), _mul(_div(ph, tl), _HUNDRED)
    assert part.period is not None
    return Derived(
        id=f"derived-share-{part.id}-{total.id}",
        metric="share",
        subject=f"share of {part.metric} in total trade",
        low=low,
        high=high,
        value=_rounded(part.value / total.value * _HUNDRED, "percent"),
        unit="percent",
        period=part.period,
        formula=f"{part.id} ÷ {total.id} × 100",
        inputs=(part, total),
    )


def _growth(early: Figure, late: Figure) -> Derived:
    (el, eh), (ll, lh) = value_range(early), value_range(late)
    low = _mul(_div(ll, eh), _HUNDRED)
    high = _mul(_div(lh, el), _HUNDRED)
    low = None if low is None else low - _HUNDRED
    high = None if high is None else high - _HUNDRED
    assert late.period is not None
    return Derived(
        id=f"derived-growth-{early.id}-{late.id}",
        metric="trade_growth",
        subject=f"growth of total trade from {early.period}",
        low=low,
        high=high,
        value=_rounded((late.value / early.value - 1) * _HUNDRED, "percent"),
        unit="percent",
        period=late.period,
        formula=f"({late.id} ÷ {early.id} − 1) × 100",
        inputs=(early, late),
    )


def _implied_previous(growth: Figure, total: Figure) -> Derived | None:
    """The previous year's total that a reported growth rate and this year's total imply."""
    assert total.period is not None
    earlier = year_before(total.period)
    if earlier is None or total.period.precision not in (Precision.FISCAL_YEAR, Precision.YEAR):
        return None
    (gl, gh), (tl, th) = value_range(growth), value_range(total)
    factor_low = None if gl is None else 1 + gl / _HUNDRED
    factor_high = None if gh is None else 1 + gh / _HUNDRED
    low = _div(tl, factor_high) if factor_high is not None else None
    high = _div(th, factor_low)
    if high is None:
        return None
    # The value shown uses the figures as stated; when the growth is open-ended ("more than 100
    # percent") only the bound is known, rounded down so that "under" stays true.
    if low is not None and growth.qualifier == "exact":
        value = _rounded(total.value / (1 + growth.value / _HUNDRED), "USD")
    else:
        value = high.quantize(Decimal("1E6"), rounding=ROUND_FLOOR)
    return Derived(
        id=f"derived-previous-{growth.id}-{total.id}",
        metric="trade_total",
        subject=f"total trade implied by the growth reported for {total.period}",
        low=low,
        high=high,
        value=value,
        unit="USD",
        period=earlier,
        formula=f"{total.id} ÷ (1 + {growth.id} ÷ 100)",
        inputs=(growth, total),
    )


# --- conflicts ---------------------------------------------------------------------------------

ConflictKind = Literal["same quote", "same source", "sources", "derived", "part and whole"]


class Check(NamedTuple):
    """Two figures compared; `agrees` says whether both can be true.

    `gap` is how far apart the figures are at the least, in their unit (None when they agree).
    """

    kind: ConflictKind
    a: AnyFigure
    b: AnyFigure
    agrees: bool
    reason: str
    gap: Decimal | None = None


def gap_between(a: AnyFigure, b: AnyFigure) -> Decimal | None:
    """The smallest distance between two figures' ranges (None when they meet)."""
    (low_a, high_a), (low_b, high_b) = range_of(a), range_of(b)
    if high_a is not None and low_b is not None and high_a < low_b:
        return _round_gap(low_b - high_a, a.unit)
    if high_b is not None and low_a is not None and high_b < low_a:
        return _round_gap(low_a - high_b, a.unit)
    return None


def _round_gap(gap: Decimal, unit: str) -> Decimal:
    # Rounded down, so that "at least" stays true.
    quantum = Decimal("0.1") if unit == "percent" else Decimal("1E5")
    return gap.quantize(quantum, rounding=ROUND_FLOOR)


def _who(a: Figure, b: Figure) -> ConflictKind:
    quotes_a = {(c.source, c.text) for c in a.sources}
    quotes_b = {(c.source, c.text) for c in b.sources}
    if quotes_a & quotes_b:
        return "same quote"
    if {c.source for c in a.sources} & {c.source for c in b.sources}:
        return "same source"
    return "sources"


def checks(figures: Sequence[Figure], derived: Sequence[Derived] | None = None) -> list[Check]:
    """Every comparison pakru can make between the store's figures, agreeing or not."""
    derived = derive(figures) if derived is None else derived
    return [
        *_reported_pairs(figures),
        *_against_derived(figures, derived),
        *_parts_and_wholes(figures),
    ]


def _reported_pairs(figures: Sequence[Figure]) -> Iterator[Check]:
    # Only figures with the same metric and period can be comparable: pair within those groups,
    # so that a store of 100,000 figures is not 5 billion comparisons.
    groups: dict[tuple[str, str], list[Figure]] = {}
    for figure in figures:
        if figure.period is not None:
            groups.setdefault((figure.metric, str(figure.period)), []).append(figure)
    for group in groups.values():
        for a, b in _pairs(group):
            # A later report revising an earlier one is its history, not a disagreement.
            if not comparable(a, b) or a.id in b.supersedes or b.id in a.supersedes:
                continue
            agrees = ranges_meet(a, b)
            kind = _who(a, b)
            if agrees:
                reason = (
                    "the same measure for the same period, equal within the precision each states"
                )
            elif kind == "same quote":
                reason = "one quote states both figures for the same measure and period"
            elif kind == "same source":
                reason = "one source gives both figures for the same measure and period"
            else:
                reason = "two sources give different figures for the same measure and period"
            yield Check(kind, a, b, agrees, reason, gap_between(a, b))


# Real stores hold a handful of figures for one measure and period; a group larger than this is
# compared with its most precisely stated figure only, so that checking stays linear in the size of
# the store instead of quadratic in the size of the group.
PAIRWISE_LIMIT = 40


def _pairs(group: Sequence[Figure]) -> Iterator[tuple[Figure, Figure]]:
    """Each pair once, the better-stated figure first: the same pairs, the same way round,
    whatever order the figures were read in (an updated store answers as a fresh build)."""
    if len(group) <= PAIRWISE_LIMIT:
        yield from combinations(sorted(group, key=_precision_order), 2)
        return
    reference = _reference(group)
    for figure in group:
        if figure is not reference:
            yield reference, figure


def _reference(group: Sequence[Figure]) -> Figure:
    """The most precisely stated figure of a group, an exact one before a qualified one."""
    return min(group, key=_precision_order)


def _precision_order(figure: Figure) -> tuple[Decimal, bool, str]:
    return stated_precision(figure), figure.qualifier != "exact", figure.id


def _against_derived(figures: Sequence[Figure], derived: Sequence[Derived]) -> Iterator[Check]:
    """A reported figure against the same measure that pakru derives from other figures."""
    by_period: dict[str, list[Derived]] = {}
    for computed in derived:
        by_period.setdefault(str(computed.period), []).append(computed)
    for figure in figures:
        if figure.basis != "reported" or figure.period is None:
            continue
        for computed in by_period.get(str(figure.period), ()):
            if figure in computed.inputs or not _same_thing(figure, computed):
                continue
            agrees = ranges_meet(figure, computed)
            verdict = "agrees with" if agrees else "does not fit"
            reason = f"the reported figure {verdict} the {computed.subject}"
            yield Check("derived", figure, computed, agrees, reason, gap_between(figure, computed))


def _parts_and_wholes(figures: Sequence[Figure]) -> Iterator[Check]:
    """Exports plus imports against the total; a part of a year against the whole year."""
    by_period = _reported(figures, "trade_total")
    totals = [total for group in by_period.values() for total in group]
    exports = _reported(figures, "exports")
    imports = _reported(figures, "imports")
    for period, group in by_period.items():
        outs, intos = exports.get(period, []), imports.get(period, [])
        if not outs or not intos:
            continue
        sums = readings(group)
        for out_reading in readings(outs):
            for into_reading in readings(intos):
                # A total is held to the parts its own report gives; parts that no one report
                # gives together, to the one reading of the total, when there is only one.
                if _linked(out_reading, into_reading):
                    held = [t for t in sums if _linked(t, out_reading) and _linked(t, into_reading)]
                else:
                    held = sums if len(sums) == 1 else []
                for whole in held:
                    parts = _sum(out_reading.reference, into_reading.reference)
                    agrees = ranges_meet(whole.reference, parts)
                    verdict = "equals" if agrees else "is not"
                    reason = f"the total {verdict} exports plus imports"
                    gap = gap_between(whole.reference, parts)
                    yield Check("derived", whole.reference, parts, agrees, reason, gap)
    # A whole is a fiscal or calendar year; look each part up under the years that hold it.
    wholes: dict[str, list[Figure]] = {}
    for total in totals:
        assert total.period is not None
        if total.period.precision in (Precision.FISCAL_YEAR, Precision.YEAR):
            wholes.setdefault(str(total.period), []).append(total)
    for key, group in wholes.items():
        if len(group) > PAIRWISE_LIMIT:  # as for comparable figures: the best-stated one stands in
            wholes[key] = [_reference(group)]
    for inner in totals:
        assert inner.period is not None
        for key in _years_holding(inner.period):
            for outer in wholes.get(key, ()):
                assert outer.period is not None
                if outer.period == inner.period or not outer.period.contains(inner.period):
                    continue
                (inner_low, _), (_, outer_high) = value_range(inner), value_range(outer)
                excess = None
                if inner_low is not None and outer_high is not None and inner_low > outer_high:
                    excess = _round_gap(inner_low - outer_high, "USD")
                if excess:
                    reason = (
                        f"trade over {inner.period}, part of {outer.period}, is larger than "
                        "the whole"
                    )
                    yield Check("part and whole", outer, inner, False, reason, excess)
                    continue
                lopsided = _lopsided_rest(inner, outer)
                reason = lopsided or (
                    f"trade over {inner.period} is part of {outer.period}, no larger, and leaves "
                    "a plausible rest"
                )
                yield Check("part and whole", outer, inner, lopsided is None, reason)


# Trade comes in shipments, so months differ; but a part of a year that leaves the rest of it
# averaging more than this many times its own monthly rate (or less than the inverse) is not a
# plausible pair of figures for one flow: one of them is likely wrong or of another scope.
LOPSIDED = Decimal(4)


def _lopsided_rest(part: Figure, whole: Figure) -> str | None:
    """Why a part of a period and the whole cannot both be plausible, or None when they can.

    Only a part that shares one end with the whole is judged (a part in the middle leaves two
    rests, which may differ), in whole months."""
    rest = _rest_of(part.period, whole.period)
    months_part = _months(part.period)
    if rest is None or months_part is None:
        return None
    months_rest = _months(rest)
    if months_rest is None or part.value <= 0 or whole.value <= 0:
        return None
    left = whole.value - part.value
    part_rate = part.value / months_part
    rest_rate = left / months_rest
    if part_rate / LOPSIDED <= rest_rate <= part_rate * LOPSIDED:
        return None
    share = _rounded(left / whole.value * _HUNDRED, "percent")
    alone = " alone" if months_rest == 1 else ""
    span = f"{months_rest} month{'s' if months_rest > 1 else ''}"
    rate = format_amount(_rounded(part_rate, "USD"), "USD")
    return (
        f"{format_amount(part.value, 'USD')} over {part.period} implies "
        f"{format_amount(left, 'USD')} in {_month_span(rest)}{alone}: {share}% of "
        f"{whole.period} in {span}, against {rate} a month over {part.period}"
    )


def _rest_of(part: Period | None, whole: Period | None) -> Period | None:
    """What is left of `whole` when `part`, which shares its start or its end, is taken away."""
    from datetime import timedelta

    if part is None or whole is None or None in (part.first, part.last, whole.first, whole.last):
        return None
    assert part.first and part.last and whole.first and whole.last
    if part.first == whole.first and part.last < whole.last:
        first, last = part.last + timedelta(days=1), whole.last
    elif part.last == whole.last and part.first > whole.first:
        first, last = whole.first, part.first - timedelta(days=1)
    else:
        return None
    return Period(first, last, Precision.DAY, f"{first.isoformat()}/{last.isoformat()}")


def _months(period: Period | None) -> int | None:
    """How many whole calendar months a period spans, or None when it does not span whole ones."""
    from datetime import timedelta

    if period is None or period.first is None or period.last is None:
        return None
    if period.first.day != 1 or (period.last + timedelta(days=1)).day != 1:
        return None
    return (period.last.year - period.first.year) * 12 + period.last.month - period.first.month + 1


def _month_span(period: Period) -> str:
    assert period.first is not None and period.last is not None
    first = period.first.strftime("%B %Y")
    last = period.last.strftime("%B %Y")
    return first if first == last else f"{first} to {last}"


def _years_holding(period: Period) -> list[str]:
    """The notation of the fiscal year and the calendar year a period starts in."""
    if period.first is None:
        return []
    return [fiscal_label(fiscal_start(period.first)), f"{period.first.year:04d}"]


def _sum(exports: Figure, imports: Figure) -> Derived:
    (el, eh), (il, ih) = value_range(exports), value_range(imports)
    low = None if el is None or il is None else el + il
    high = None if eh is None or ih is None else eh + ih
    assert exports.period is not None
    return Derived(
        id=f"derived-sum-{exports.id}-{imports.id}",
        metric="trade_total",
        subject="exports plus imports",
        low=low,
        high=high,
        value=exports.value + imports.value,
        unit="USD",
        period=exports.period,
        formula=f"{exports.id} + {imports.id}",
        inputs=(exports, imports),
    )
