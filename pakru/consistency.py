"""Whether two figures can both be true, given how precisely each was stated.

A figure's `stated` text carries its precision: "$1.81 billion" means 1.805–1.815 billion,
"$1.8 billion" means 1.75–1.85 billion, so the two agree. The qualifier widens the range: "more
than 100 percent" is anything above 100. Two figures disagree when their ranges cannot overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import combinations

from pakru.models import Figure

_DIGITS = re.compile(r"\d[\d,]*(?:\.(\d+))?")
_NUMBER_WORDS = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten)\b", re.IGNORECASE)
_MAGNITUDES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# Figures about bilateral trade as a whole are comparable whatever words their subjects use.
_WHOLE_TRADE_METRICS = ("trade_total", "trade_growth")


def stated_precision(figure: Figure) -> Decimal:
    """Half a unit of the last digit the source gave, in the figure's base units.

    "$1.81 billion" gives 0.005 billion; "three million tons" gives half a million; a word such as
    "double" that names an exact ratio gives 0.
    """
    match = _DIGITS.search(figure.stated)
    if match:
        written = Decimal(match[0].replace(",", ""))
        if written == 0:
            return Decimal(0)
        decimals = len(match[1] or "")
        scale = figure.value / written  # 1e9 for "$1.81 billion", 1 for "287"
        return Decimal("0.5") * Decimal(10) ** -decimals * scale
    if _NUMBER_WORDS.search(figure.stated):
        magnitude = next(
            (size for word, size in _MAGNITUDES.items() if word in figure.stated.lower()), 1
        )
        return Decimal("0.5") * magnitude
    return Decimal(0)


def value_range(figure: Figure) -> tuple[Decimal | None, Decimal | None]:
    """The values the figure allows, as (low, high); None is unbounded."""
    tolerance = stated_precision(figure)
    value = figure.value
    if figure.qualifier in ("over", "more than", "at least"):
        return value, None
    if figure.qualifier == "up to":
        return None, value + tolerance
    return value - tolerance, value + tolerance


def ranges_meet(a: Figure, b: Figure) -> bool:
    low_a, high_a = value_range(a)
    low_b, high_b = value_range(b)
    below = high_a is not None and low_b is not None and high_a < low_b
    above = high_b is not None and low_a is not None and high_b < low_a
    return not (below or above)


def comparable(a: Figure, b: Figure) -> bool:
    """Same metric, same thing measured, same period, same basis."""
    if a.metric != b.metric or a.basis != b.basis or a.period is None or b.period is None:
        return False
    if str(a.period) != str(b.period):
        return False
    return a.metric in _WHOLE_TRADE_METRICS or a.subject.casefold() == b.subject.casefold()


def disagreements(figures: Iterable[Figure]) -> list[tuple[Figure, Figure]]:
    """Every pair of comparable figures whose stated values cannot both be true."""
    candidates: Sequence[Figure] = list(figures)
    return [
        (a, b) for a, b in combinations(candidates, 2) if comparable(a, b) and not ranges_meet(a, b)
    ]
