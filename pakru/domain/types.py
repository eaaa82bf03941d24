"""Pure value types: periods with their precision, and exact decimal amounts.

A `Period` is a span of days with the precision it was stated at. The same value serves for an
event's date ("some day in September 2024") and a figure's period ("the whole fiscal year"): both
are a first and a last possible day, which is all that filtering by overlap needs.

The store is written in a subset of EDTF (the Library of Congress Extended Date/Time Format) plus
Pakistan's fiscal year. The `edtf` package parses the full format, but it takes about 120 ms to
import and knows nothing of fiscal years; the subset pakru needs is small enough to parse here, and
the tests check it against `edtf`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import NamedTuple

from pakru.domain.errors import PeriodError, shown


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"
    FISCAL_YEAR = "fiscal year"
    INTERVAL = "interval"


OPEN = ".."

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"\d{4}")
_DECADE = re.compile(r"(\d{3})X")
_STORE_FISCAL_YEAR = re.compile(r"FY(\d{4})-(\d{2})")
# The store's notation as one regular expression, for the JSON Schema that editors check with; the
# calendar (a 30 February, a month 13) is left to `Period.parse`.
_STORE_POINT = "|".join(p.pattern for p in (_STORE_FISCAL_YEAR, _DAY, _MONTH, _YEAR, _DECADE))
STORE_PERIOD_PATTERN = (
    rf"^(?:(?:{_STORE_POINT})(?:/(?:{_STORE_POINT}|\.\.))?|\.\./(?:{_STORE_POINT}))$"
)
STORE_PERIOD_FORMS = "2025-07-11, 2024-12, 2025, 197X, 1993/1995, 2025-06-30/.. or FY2023-24"

# What a user may type for a fiscal year: FY24, FY2024, FY2023-24, FY 2023–24, fy23-24, ...
_QUERY_FISCAL_YEAR = re.compile(r"FY\s*-?\s*(\d{2}|\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?", re.I)
# A pair of years without the FY prefix: 2023-24, 2023/24, 2023-2024 (not 2023/2024, which EDTF
# reads as the two calendar years).
_YEAR_PAIR = re.compile(r"(\d{4})(?:-(\d{2}|\d{4})|/(\d{2}))")
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-", "‑": "-"})

PERIOD_FORMS = (
    "a fiscal year (2023-24, 2023–24, 2023/24, FY24, FY2024, FY2023-24), a year (2024), "
    "a month (2024-07), a day (2024-07-11) or an interval (2024-07..2025-05, 2024-07/2025-05)"
)
DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024, 2024-09, 2024-09-15)"


class Period(NamedTuple):
    """A span of days, ends included, with the notation and precision it was given in.

    `first` or `last` is None for an interval open at that end. A NamedTuple rather than a
    dataclass: it is defined on every start, and a dataclass costs ten times as long to define.
    """

    first: date | None
    last: date | None
    precision: Precision
    notation: str

    def __str__(self) -> str:
        return self.notation

    @property
    def sort_key(self) -> tuple[date, date]:
        """Order by where the period starts; an imprecise date sorts at the start of its span.

        A span open at the start ("before July 2025") sorts at its end, the one day it names.
        """
        return (self.first or self.last or date.min, self.last or date.max)

    def overlaps(self, other: Period) -> bool:
        """True when some day could lie in both periods."""
        starts_in_time = self.first is None or other.last is None or self.first <= other.last
        ends_in_time = other.first is None or self.last is None or other.first <= self.last
        return starts_in_time and ends_in_time

    def contains(self, other: Period) -> bool:
        """True when every day of `other` lies in this period."""
        if self.first is not None and (other.first is None or other.first < self.first):
            return False
        return not (self.last is not None and (other.last is None or other.last > self.last))

    @property
    def is_fiscal_year(self) -> bool:
        return self.precision is Precision.FISCAL_YEAR

    @classmethod
    def parse(cls, value: object) -> Period:
        """Read a period as the store writes it (EDTF subset or FY2023-24).

        YAML hands over a year as an int and a full date as a `date`, so both are accepted.
        """
        if isinstance(value, bool):
            raise PeriodError(f"{shown(value)} is not a date or period; write one such as 2024-09")
        if isinstance(value, int):
            value = f"{value:04d}"
        elif isinstance(value, date):
            value = value.isoformat()
        if not isinstance(value, str):
            raise PeriodError(f"{shown(value)} is not a date or period; write one such as 2024-09")
        text = value.strip()
        if fiscal := _STORE_FISCAL_YEAR.fullmatch(text):
            return fiscal_year(int(fiscal[1]), int(fiscal[2]), text)
        if "/" in text:
            start, _, end = text.partition("/")
            return _interval(_store_point(start, text), _store_point(end, text), text, "/")
        point = _store_point(text, text)
        if point is None:
            raise PeriodError(
                f"{shown(text)}: an open end '..' belongs in an interval such as 2025/.."
            )
        return point


def fiscal_year(start_year: int, end_year: int, original: str) -> Period:
    """Pakistan's fiscal year from 1 July of `start_year` to 30 June of the next year.

    `end_year` may be written with two or four digits; it must follow `start_year`.
    """
    full_end = end_year if end_year >= 100 else (start_year // 100) * 100 + end_year
    if full_end < start_year:  # 1999-00 crosses a century
        full_end += 100
    if full_end != start_year + 1:
        raise PeriodError(
            f"{shown(original)}: a fiscal year joins two consecutive years, "
            f"e.g. {start_year}-{(start_year + 1) % 100:02d}"
        )
    if not 1 <= start_year <= 9998:
        raise PeriodError(f"{shown(original)}: year out of range")
    return Period(
        date(start_year, 7, 1),
        date(full_end, 6, 30),
        Precision.FISCAL_YEAR,
        fiscal_label(start_year),
    )


def fiscal_start(day: date) -> int:
    """The calendar year in which Pakistan's fiscal year holding `day` starts (July–June)."""
    return day.year if day.month >= 7 else day.year - 1


def fiscal_label(start_year: int) -> str:
    """How pakru writes a fiscal year: FY2023-24."""
    return f"FY{start_year}-{(start_year + 1) % 100:02d}"


def _store_point(text: str, whole: str) -> Period | None:
    """A single date in store notation, or None for an open end."""
    if text == OPEN:
        return None
    if fiscal := _STORE_FISCAL_YEAR.fullmatch(text):  # an interval may run between fiscal years
        return fiscal_year(int(fiscal[1]), int(fiscal[2]), whole)
    if day := _DAY.fullmatch(text):
        return _day(int(day[1]), int(day[2]), int(day[3]), whole)
    if month := _MONTH.fullmatch(text):
        return _month(int(month[1]), int(month[2]), whole)
    if _YEAR.fullmatch(text):
        return _year(int(text), whole)
    if decade := _DECADE.fullmatch(text):
        start = int(decade[1]) * 10
        return Period(date(max(start, 1), 1, 1), date(start + 9, 12, 31), Precision.DECADE, text)
    raise PeriodError(
        f"{shown(whole)} is not a date or period; the store writes {STORE_PERIOD_FORMS}"
    )


def _day(year: int, month: int, day: int, whole: str) -> Period:
    try:
        when = date(year, month, day)
    except ValueError:
        raise PeriodError(
            f"{shown(whole)}: {year:04d}-{month:02d}-{day:02d} is not a real day of the calendar"
        ) from None
    return Period(when, when, Precision.DAY, when.isoformat())


def _month(year: int, month: int, whole: str) -> Period:
    if not 1 <= month <= 12:
        raise PeriodError(f"{shown(whole)}: month {month:02d} does not exist (months run 01–12)")
    if year < 1:
        raise PeriodError(f"{shown(whole)}: year out of range")
    last = date(year, 12, 31) if month == 12 else date(year, month + 1, 1) - timedelta(days=1)
    return Period(
        date(year, month, 1),
        last,
        Precision.MONTH,
        f"{year:04d}-{month:02d}",
    )


def _year(year: int, whole: str) -> Period:
    if year < 1:
        raise PeriodError(f"{shown(whole)}: year out of range")
    return Period(date(year, 1, 1), date(year, 12, 31), Precision.YEAR, f"{year:04d}")


def _interval(start: Period | None, end: Period | None, original: str, joiner: str) -> Period:
    if start is None and end is None:
        raise PeriodError(
            f"{shown(original)}: an interval needs at least one end, e.g. 2024-07{joiner}.."
        )
    first = start.first if start else None
    last = end.last if end else None
    if first is not None and last is not None and last < first:
        raise PeriodError(f"{shown(original)}: the interval ends before it starts")
    notation = f"{start or OPEN}/{end or OPEN}"
    return Period(first, last, Precision.INTERVAL, notation)


def parse_period_query(text: str, param: str | None = None) -> Period:
    """Read a period as a user types it on the command line (see PERIOD_FORMS)."""
    try:
        return _parse_period_query(text)
    except PeriodError as error:
        error.param = param
        raise


def _parse_period_query(text: str) -> Period:
    cleaned = text.strip().translate(_DASHES)
    if not cleaned:
        raise PeriodError(f"an empty period; give {PERIOD_FORMS}")
    # "/" first: "2024-07/.." and "../2025-07" are how pakru itself prints open intervals.
    is_pair = _YEAR_PAIR.fullmatch(cleaned) or _QUERY_FISCAL_YEAR.fullmatch(cleaned)
    if "/" in cleaned and not is_pair:
        start, _, end = cleaned.partition("/")
        return _interval(_query_point(start.strip()), _query_point(end.strip()), text, "/")
    if ".." in cleaned and cleaned != OPEN:
        start, _, end = cleaned.partition("..")
        return _interval(_query_point(start.strip()), _query_point(end.strip()), text, "..")
    point = _query_point(cleaned)
    if point is None:
        raise PeriodError(f"{shown(text)} is not a period; give {PERIOD_FORMS}")
    return point


def _query_point(text: str) -> Period | None:
    if text in ("", OPEN):
        return None
    if fiscal := _QUERY_FISCAL_YEAR.fullmatch(text):
        first, second = fiscal[1], fiscal[2]
        if second is None:  # FY24 and FY2024 both name the year the fiscal year ends in
            end = _full_year(first)
            return fiscal_year(end - 1, end, text)
        return fiscal_year(_full_year(first), int(second), text)
    if _MONTH.fullmatch(text):
        year, month = int(text[:4]), int(text[5:])
        if 1 <= month <= 12:
            return _month(year, month, text)
        if month != (year + 1) % 100:
            raise PeriodError(
                f"{shown(text)} is neither a month (months run 01–12) nor a fiscal year "
                f"(consecutive years, e.g. {year}-{(year + 1) % 100:02d}); give {PERIOD_FORMS}"
            )
    if pair := _YEAR_PAIR.fullmatch(text):
        second = pair[2] or pair[3]
        return fiscal_year(int(pair[1]), int(second), text)
    if any(form.fullmatch(text) for form in (_DAY, _MONTH, _YEAR, _DECADE)):
        try:
            return _store_point(text, text)
        except PeriodError as error:  # a real form with an impossible value: say which part
            raise PeriodError(f"{error.message}; give {PERIOD_FORMS}") from None
    raise PeriodError(f"{shown(text)} is not a period; give {PERIOD_FORMS}")


def _full_year(digits: str) -> int:
    """A year from four digits, or from two: 00–49 in this century, 50–99 in the last."""
    year = int(digits)
    if len(digits) == 4:
        return year
    return 2000 + year if year < 50 else 1900 + year


def parse_date_bound(text: str, *, option: str) -> Period:
    """A `--since`/`--until` value: a year, a month or a day, and nothing vaguer."""
    cleaned = text.strip()
    if _YEAR.fullmatch(cleaned) or _MONTH.fullmatch(cleaned) or _DAY.fullmatch(cleaned):
        try:
            point = _store_point(cleaned, text)
        except PeriodError as error:
            raise PeriodError(f"{error.message}; give {DATE_FORMS}", option) from None
        assert point is not None
        return point
    raise PeriodError(f"{shown(text)} is not a date; give {DATE_FORMS}", option)


def date_window(since: str | None, until: str | None) -> Period | None:
    """The window `--since A --until B` asks for: from the first day of A to the last day of B."""
    if since is None and until is None:
        return None
    start = parse_date_bound(since, option="--since") if since is not None else None
    end = parse_date_bound(until, option="--until") if until is not None else None
    if (
        start
        and end
        and end.last is not None
        and start.first is not None
        and end.last < start.first
    ):
        raise PeriodError(f"--since {since} is later than --until {until}", "--until")
    return _interval(start, end, f"{since or OPEN}/{until or OPEN}", "/")


# A number as the store may write it in a string: digits, grouped in threes by ',' or '_' or not
# at all (so a decimal comma, '1,5', is never read as 15), a decimal point, an exponent. Compiled
# on first use (re caches it), not on every start: only reading a store needs it.
AMOUNT_PATTERN = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:_\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?"
# Bounds no real figure comes near, which keep every amount cheap to print and short to quote in a
# message; how large a figure may be depends on its unit (`pakru.domain.records.LARGEST_OF_UNIT`).
MOST_DECIMAL_PLACES = 6
MOST_DIGITS = 30


def parse_amount(value: object) -> Decimal:
    """An exact amount from YAML: an int, or a decimal written as a string.

    Floats are refused because YAML's 1.81e9 or 0.1 would carry binary rounding into a figure.
    How large an amount may be depends on its unit, which `pakru.store.models.Figure` checks.
    """
    if isinstance(value, bool):
        raise ValueError("a number is needed, not true/false")
    if isinstance(value, float):
        raise ValueError(f"{shown(value)} is a float; quote decimals in YAML, e.g. '1.5'")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(AMOUNT_PATTERN, text):
            raise ValueError(_not_an_amount(value, text))
        try:
            amount = Decimal(text.replace(",", "").replace("_", ""))
        except InvalidOperation:  # an exponent beyond what Decimal can hold
            raise ValueError(f"{shown(value)} is beyond any figure") from None
    else:
        raise ValueError(f"{shown(value)} is not a number")
    if not amount.is_finite():
        raise ValueError(f"{shown(value)} is not a finite number")
    _, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # a finite amount's exponent is a number
    if len(digits) > MOST_DIGITS:
        raise ValueError(f"{shown(value)}: {len(digits):,} digits, more than any figure has")
    # Counted from the digits: rounding would fail on an exponent like 1e-99999999.
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if -exponent - trailing_zeros > MOST_DECIMAL_PLACES and any(digits):
        raise ValueError(
            f"{shown(value)} has more than {MOST_DECIMAL_PLACES} decimal places; "
            "no figure is stated so finely"
        )
    return amount


def _not_an_amount(value: str, text: str) -> str:
    """Why a string is not an amount, with the form that was probably meant."""
    if text.lower().lstrip("+-") in ("nan", "snan", "inf", "infinity"):
        return f"{shown(value)} is not a finite number"
    if re.fullmatch(AMOUNT_PATTERN, text.replace(",", ".", 1)) and text.count(",") == 1:
        return (
            f"{shown(value)}: a comma groups thousands (1,500); write a decimal with a point, "
            "e.g. '1.5'"
        )
    if "," in text and re.fullmatch(AMOUNT_PATTERN, text.replace(",", "")):
        return f"{shown(value)}: commas must group digits in threes, e.g. '12,345,678'"
    return f"{shown(value)} is not a number; write one such as '1500000', '1,500,000' or '38.6'"


# --- amounts as people read them ---


def plain_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}" if whole.lstrip("-").isdigit() else whole
    return f"{grouped}.{fraction}" if fraction else grouped


def format_amount(value: Decimal, unit: str) -> str:
    """A value as people read it: $1.81 bn, $287 m, −$559 m, 100%, 640 MW, 3,000,000 tonnes."""
    sign = "−" if value < 0 else ""
    size = abs(value)
    if unit == "USD":
        if size >= 1_000_000_000:
            return f"{sign}${plain_number(size / 1_000_000_000)} bn"
        if size >= 1_000_000:
            return f"{sign}${plain_number(size / 1_000_000)} m"
        return f"{sign}${plain_number(size)}"
    if unit == "percent":
        return f"{sign}{plain_number(size)}%"
    return f"{sign}{plain_number(size)}{'' if unit == 'count' else ' ' + unit}"
