"""Drafts from an article: the figures, dated events and agreements its sentences state.

`pakru extract` reads an article and proposes records for a curator to review. Nothing here is a
fact: each draft carries the sentence it came from (verbatim, with its line) and what it is unsure
of, and the store refuses a record still marked as a draft.

How the text is read:

- the publication date comes from a date line ("Updated 02 July 2025") or is given; a file may
  hold several articles, each under its own date line, and each sentence is read against the date
  line above it (or, before the first, the first);
- a sentence's time expressions are found first: fiscal years (2023–24, FY24), days, months,
  years, decades, intervals ("from July 2023 till June 2024"), and phrases relative to the
  publication ("last month", "September last year", "this fiscal year", "on Wednesday"), each
  resolved and the resolution written in the draft's `date_note`;
- an amount with its unit (money, percent, tonnes, MW, km, a count of agreements) is a figure; the
  words of its clause give its metric, and the nearest time expression its period (or, for a trade
  flow whose sentence names none, the last one of its paragraph);
- a sentence with an agreement's word (signed, agreed, inked, protocol, MoU, roadmap …) is an
  agreement, dated by its own time expression, the paragraph's, or its tense;
- any other time expression is a dated event.

Every period is built by `pakru.domain.types`: this module recognises the words of a date, and
writes them in the notation pakru already parses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from pakru.domain import records
from pakru.domain.errors import PeriodError, UsageError
from pakru.domain.names import named_in
from pakru.domain.types import (
    Period,
    Precision,
    fiscal_start,
    fiscal_year,
    parse_amount,
    parse_period_query,
)

# The source id a draft cites when no source of the store keeps the article's text.
NEW_SOURCE = "new-source"


class Draft(NamedTuple):
    """A record proposed for review: in the store's shape, with where it came from."""

    record: records.Record
    line: int  # of the quoted sentence, counted from 1
    unsure: tuple[str, ...]


class ExtractError(UsageError):
    """An article that cannot be read: no publication date, or no text."""


# --- the article and its sentences -------------------------------------------------------------

_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH = (
    r"(?P<{}>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE_LINE = re.compile(
    r"(?:(?:last\s+)?updated|published|posted|dated?)?[\s:,]*"
    r"(?:(?P<d1>\d{1,2})\s+" + _MONTH.format("m1") + r",?\s+(?P<y1>\d{4})"
    r"|" + _MONTH.format("m2") + r"\s+(?P<d2>\d{1,2}),?\s+(?P<y2>\d{4})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}))"
    r"(?:[\s,|]+\d{1,2}:\d{2}.*)?",
    re.I,
)


def _month_number(name: str) -> int:
    return next(i for i, month in enumerate(_MONTHS, 1) if month.startswith(name.lower()[:3]))


def date_lines(text: str) -> list[tuple[int, Period]]:
    """The lines that are a date and nothing else (a dateline, "Updated 02 July 2025"), with the
    day each gives."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _DATE_LINE.fullmatch(line.strip())
        if match is None:
            continue
        if match["iso"]:
            written = match["iso"]
        else:
            n = "1" if match["d1"] else "2"  # day first, or month first
            day, month, year = match[f"d{n}"], match[f"m{n}"], match[f"y{n}"]
            written = f"{year}-{_month_number(month):02d}-{int(day):02d}"
        try:
            found.append((number, Period.parse(written)))
        except PeriodError:
            continue
    return found


class _Sentence(NamedTuple):
    line: int  # a line is a paragraph: what a sentence leaves unsaid, the line may have said
    text: str


# A sentence ends at . ! or ? (and any closing quote or bracket) before a space and a capital or
# an opening quote; not after a lone initial (Andrey V. Fedorov) or a usual abbreviation.
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’)]?\s+(?=[“\"‘(]?[A-Z0-9])")
_NOT_AN_END = re.compile(
    r"(?:\b[A-Z]|\bMrs?|\bMs|\bDr|\bSt|\bNo|\bvs|\bJan|\bFeb|\bAug|\bSept?"
    r"|\bOct|\bNov|\bDec|\bGen|\bLt|\bCol|\bProf)\.$"
)
_BULLET = re.compile(r"^[\s•·*▪◦‣-]+")


def sentences(text: str) -> Iterator[_Sentence]:
    """Each sentence of the text, exactly as written, with its line; a line without a full stop
    (a headline, a bullet) is one sentence."""
    for number, line in enumerate(text.splitlines(), 1):
        body = _BULLET.sub("", line).strip()
        start = 0
        for end_match in _SENTENCE_END.finditer(body):
            piece = body[start : end_match.start()]
            closing = end_match.group().rstrip()  # a closing quote or bracket, if any
            if _NOT_AN_END.search(piece):
                continue
            yield _Sentence(number, (piece + closing).strip())
            start = end_match.end()
        rest = body[start:].strip()
        if rest:
            yield _Sentence(number, rest)


# --- time expressions ---------------------------------------------------------------------------


class When(NamedTuple):
    """A time expression of a sentence, resolved."""

    start: int
    end: int
    period: Period
    note: str | None  # how a relative or ambiguous expression was read
    vague: bool = False  # a span around the publication ("in recent years", "shortly")


class _Context(NamedTuple):
    published: Period
    future: bool  # the sentence speaks of what is to come
    earlier: tuple[When, ...]  # expressions already found in the sentence or its paragraph


_FUTURE = re.compile(
    r"\b(?:will|shall|scheduled|expected|is to|are to|plans?|planned|planning|upcoming|next|"
    r"due to|set to|seeks?|aims?|would)\b",
    re.I,
)
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
}
_NUMBER_WORD = "|".join(_NUMBER_WORDS)


def _month_period(year: int, month: int) -> Period:
    return Period.parse(f"{year:04d}-{month:02d}")


def _day_period(year: int, month: int, day: int) -> Period:
    return Period.parse(f"{year:04d}-{month:02d}-{day:02d}")


def _pub_label(published: Period) -> str:
    return f"an article of {published}"


def _year_for(month: int, day: int | None, context: _Context, said: str) -> tuple[int, str]:
    """The year of a date written without one: the publication's, or the year before when that
    would put a past event after the article; and a note of how it was read."""
    first = context.published.first
    assert first is not None
    year = first.year
    when = date(year, month, min(day or 1, 28))
    if not context.future and when > (context.published.last or first):
        year -= 1
    return year, f"‘{said}’ gives no year; in {_pub_label(context.published)}: {year}"


def _shifted_back(period: Period) -> Period | None:
    """The same period a year earlier (for "the same period last year")."""
    if period.precision is Precision.FISCAL_YEAR and period.first is not None:
        return fiscal_year(period.first.year - 1, period.first.year, "")
    try:
        return Period.parse(
            "/".join(
                re.sub(r"^\d{4}", lambda y: f"{int(y[0]) - 1:04d}", part)
                for part in period.notation.split("/")
            )
        )
    except PeriodError:
        return None


Finder = Callable[[re.Match[str], _Context], tuple[Period, str | None] | None]


def _from_to(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    first_month, last_month = _month_number(match["ma"]), _month_number(match["mb"])
    first_year, last_year = int(match["ya"]), int(match["yb"])
    if (first_month, last_month, last_year) == (7, 6, first_year + 1):
        return fiscal_year(first_year, last_year, ""), None  # July to June: a fiscal year
    return Period.parse(
        f"{first_year:04d}-{first_month:02d}/{last_year:04d}-{last_month:02d}"
    ), None


def _day_range(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    month = _month_number(match["m"])
    first, last = int(match["da"]), int(match["db"])
    note = None
    if match["y"]:
        year = int(match["y"])
    else:
        year, note = _year_for(month, first, context, match.group())
    return Period.parse(
        f"{year:04d}-{month:02d}-{first:02d}/{year:04d}-{month:02d}-{last:02d}"
    ), note


def _day(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    """A day of a month, written day first (4 March) or month first (July 11, 2025)."""
    month, day = _month_number(match["m"]), int(match["d"])
    if match["y"]:
        return _day_period(int(match["y"]), month, day), None
    year, note = _year_for(month, day, context, match.group())
    return _day_period(year, month, day), note


def _month_year(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    return _month_period(int(match["y"]), _month_number(match["m"])), None


def _month_relative(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    assert context.published.first is not None
    month = _month_number(match["m"])
    offset = {"last": -1, "this": 0, "next": 1}[match["rel"].lower()]
    year = context.published.first.year + offset
    note = f"‘{match.group()}’ in {_pub_label(context.published)}: {year:04d}-{month:02d}"
    return _month_period(year, month), note


def _bare_month(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    month = _month_number(match["m"])
    year, note = _year_for(month, None, context, match["m"])
    return _month_period(year, month), note


def _decade(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    return Period.parse(f"{match['decade']}X"), None


def _year_pair(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    first, second = match["ya"], match["yb"]
    try:
        period = parse_period_query(f"{first}-{second}")
    except PeriodError:  # not consecutive (1993–95): the years from one to the other
        last = int(second) if len(second) == 4 else int(first[:2] + second)
        if last <= int(first):
            return None
        return Period.parse(f"{first}/{last:04d}"), None
    if not period.is_fiscal_year:  # 2023-11 is a month, as pakru reads it everywhere
        return period, None
    return period, f"‘{match.group()}’ read as Pakistan’s fiscal year: {period}"


def _iso_day(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    return Period.parse(match.group()), None


def _fiscal(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    try:
        return parse_period_query(match.group()), None
    except PeriodError:
        return None


def _year(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    return Period.parse(match.group()), None


def _relative(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    """A phrase that names a time by the article's own: this month, last year, on Wednesday."""
    published = context.published
    first = published.first
    assert first is not None
    phrase = match.group().lower()
    said = f"‘{match.group()}’ in {_pub_label(published)}"
    month_known = published.precision in (Precision.DAY, Precision.MONTH)
    period: Period | None = None
    if "same period last year" in phrase:
        previous = next((w for w in reversed(context.earlier) if not w.vague), None)
        if previous is not None:
            period = _shifted_back(previous.period)
            said = f"‘{match.group()}’ as the year before {previous.period}"
    elif "same month" in phrase:
        previous = next(
            (w for w in reversed(context.earlier) if w.period.precision is Precision.MONTH), None
        )
        if previous is not None:
            period, said = previous.period, f"‘{match.group()}’ as {previous.period}"
    elif "fiscal year" in phrase:
        start = fiscal_start(first) + (-1 if "last" in phrase else 1 if "next" in phrase else 0)
        period = fiscal_year(start, start + 1, "")
    elif phrase.endswith("month") and month_known:
        offset = -1 if "last" in phrase else 1 if "next" in phrase else 0
        month_index = first.year * 12 + first.month - 1 + offset
        period = _month_period(month_index // 12, month_index % 12 + 1)
    elif re.search(r"(?:last|past) (?:\w+ )?years", phrase):
        count = match["n"] or "1"
        years = _NUMBER_WORDS.get(count.lower()) or int(count)
        period = Period.parse(f"{first.year - years:04d}/{first.year:04d}")
    elif phrase.endswith("year"):
        offset = -1 if "last" in phrase else 1 if "next" in phrase else 0
        period = Period.parse(f"{first.year + offset:04d}")
        if "last" in phrase or "next" in phrase:
            said += " (a calendar year; the text may mean a fiscal one)"
    elif any(phrase.endswith(day) for day in _WEEKDAYS) and published.precision is Precision.DAY:
        weekday = _WEEKDAYS.index(phrase.split()[-1])
        back = (first.weekday() - weekday) % 7
        day = (
            first - timedelta(days=back)
            if not context.future
            else first + timedelta(days=(weekday - first.weekday()) % 7)
        )
        period = Period.parse(day.isoformat())
    if period is None:
        return None
    return period, f"{said}: {period}"


def _vague(match: re.Match[str], context: _Context) -> tuple[Period, str | None] | None:
    """A span that reaches the publication from one side: before it, or from it on."""
    published = context.published
    first = published.first
    assert first is not None
    month = (
        f"{first.year:04d}-{first.month:02d}"
        if published.precision is not Precision.YEAR
        else (f"{first.year:04d}")
    )
    phrase = match.group().lower()
    if "end of this year" in phrase or "later this year" in phrase:
        period = Period.parse(f"{month}/{first.year:04d}-12")
    elif "recent" in phrase:
        period = Period.parse(f"../{month}")
    else:  # shortly, soon
        period = Period.parse(f"{month}/..")
    return period, f"‘{match.group()}’ in {_pub_label(published)}: {period}"


_M = _MONTH.format("m")
# The forms of time a sentence may hold, the most specific first: where two overlap, the earlier
# form wins.
_TIME_FORMS: tuple[tuple[re.Pattern[str], Finder, bool], ...] = tuple(
    (re.compile(pattern), finder, vague)
    for pattern, finder, vague in (
        (
            r"\b(?:from|between)\s+" + _MONTH.format("ma") + r"\s+(?P<ya>\d{4})\s+"
            r"(?:till|until|to|through|and|[–-])\s+" + _MONTH.format("mb") + r"\s+(?P<yb>\d{4})",
            _from_to,
            False,
        ),
        (
            _M + r"\s+(?P<da>\d{1,2})\s*[–-]\s*(?P<db>\d{1,2})\b(?:,?\s+(?P<y>\d{4}))?",
            _day_range,
            False,
        ),
        (r"\b\d{4}-\d{2}-\d{2}\b", _iso_day, False),
        (r"\b(?P<d>\d{1,2})\s+" + _M + r"(?:,?\s+(?P<y>\d{4})\b)?", _day, False),
        (_M + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?:,\s*(?P<y>\d{4})\b)?", _day, False),
        (_M + r"\s+(?:of\s+)?(?P<y>\d{4})\b", _month_year, False),
        (_M + r"\s+(?P<rel>last|this|next)\s+year\b", _month_relative, False),
        (
            r"(?i:\b(?:before|by)\s+the\s+end\s+of\s+this\s+year|\blater\s+this\s+year"
            r"|\bin\s+recent\s+years|\bshortly\b|\bsoon\b)",
            _vague,
            True,
        ),
        (
            r"(?i:\b(?:the\s+)?same\s+(?:period|month)(?:\s+(?:last|a)\s+year)?"
            r"|\b(?:this|last|next|the\s+current|the\s+previous)\s+fiscal\s+year"
            r"|\b(?:this|last|next)\s+(?:month|year)"
            r"|\b(?:in\s+)?(?:the\s+)?(?:last|past)\s+(?P<n>\d+|" + _NUMBER_WORD + r")\s+years"
            r"|\bon\s+(?:" + "|".join(d.capitalize() for d in _WEEKDAYS) + r"))(?!\w)",
            _relative,
            False,
        ),
        (r"\b(?:in|during|of|since)\s+(?:the\s+)?(?P<decade>1[89]\d|20\d)0s\b", _decade, False),
        (r"\bFY\s?(?:\d{4}|\d{2})(?:\s*[–/-]\s*(?:\d{4}|\d{2}))?\b", _fiscal, False),
        (r"\b(?P<ya>1[89]\d{2}|20\d{2})\s*[–-]\s*(?P<yb>\d{4}|\d{2})\b", _year_pair, False),
        (
            r"\b(?:in|on|since|until|by|during|held\s+in|of)\s+" + _M + r"(?![\w-])",
            _bare_month,
            False,
        ),
        (r"\b(?:1[89]\d{2}|20\d{2})\b(?!s\b)", _year, False),
    )
)


def times_in(sentence: str, context: _Context) -> list[When]:
    """The time expressions of a sentence, in the order they stand, each resolved."""
    found: list[When] = []
    for pattern, finder, vague in _TIME_FORMS:
        for match in pattern.finditer(sentence):
            start, end = match.span()
            if any(start < w.end and w.start < end for w in found):
                continue
            earlier = context._replace(
                earlier=(*context.earlier, *sorted((w for w in found if w.end <= start), key=_at))
            )
            try:
                resolved = finder(match, earlier)
            except PeriodError:  # a date that cannot be (February 30): not a date after all
                resolved = None
            if resolved is not None:
                found.append(When(start, end, resolved[0], resolved[1], vague))
    return sorted(found, key=_at)


def _at(when: When) -> int:
    return when.start


# --- figures -----------------------------------------------------------------------------------

_QUALIFIER = (
    r"(?P<q>(?i:over|more\s+than|about|around|nearly|almost|approximately|roughly|some"
    r"|at\s+least|up\s+to|upwards\s+of)\s+)?"
)
_NUMBER = r"(?P<n>\d[\d,]*(?:\.\d+)?(?!\d)|(?i:" + _NUMBER_WORD + r"))"
_SCALE = {
    "thousand": 10**3,
    "million": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "trillion": 10**12,
}


class _Amount(NamedTuple):
    start: int  # of the stated number (its qualifier aside)
    end: int
    value: Decimal
    unit: str
    qualifier: str
    metric: str | None  # when the unit alone decides it


_AMOUNT_FORMS: tuple[tuple[re.Pattern[str], str, str | None], ...] = tuple(
    (re.compile(_QUALIFIER + pattern), unit, metric)
    for pattern, unit, metric in (
        (
            r"(?P<s_>(?:US)?\$\s?"
            + _NUMBER
            + r"(?:\s?(?P<s>million|billion|trillion|bn|mn|m)\b)?)",
            "USD",
            None,
        ),
        (
            r"(?P<s_>" + _NUMBER + r"\s+(?P<s>million|billion|trillion)\s+(?:US\s+|American\s+)?"
            r"dollars)",
            "USD",
            None,
        ),
        (r"(?P<s_>" + _NUMBER + r"\s?(?:%|per\s?cent\b|percent\b))", "percent", "trade_growth"),
        (
            r"(?P<s_>" + _NUMBER + r"(?:\s+(?P<s>thousand|million|billion))?\s+(?:metric\s+)?"
            r"(?:tons|tonnes)\b)",
            "tonnes",
            None,
        ),
        (r"(?P<s_>" + _NUMBER + r"\s?-?\s?(?:MW|megawatts?)\b)", "MW", "capacity"),
        (r"(?P<s_>" + _NUMBER + r"\s?-?\s?(?:km|kilomet(?:re|er)s?)\b)", "km", "length"),
        (
            r"(?P<s_>" + _NUMBER + r"(?:\s+(?P<s>thousand|million|billion))?\s+cubic\s+"
            r"met(?:re|er)s\b)",
            "cubic metres",
            "volume",
        ),
        (
            r"(?P<s_>" + _NUMBER + r"(?:\s+(?P<s>thousand|million|billion))?\s+barrels\b)",
            "barrels",
            "volume",
        ),
        (
            r"(?P<s_>"
            + _NUMBER
            + r")\s+(?:Memorand(?:a|ums)|MoUs|agreements|protocols|contracts)\b",
            "count",
            "count",
        ),
    )
)
# Doubling said in words is a growth of 100 percent.
_DOUBLED = re.compile(r"(?P<s_>\b(?:doubled|duplicated|double|duplicate)\b)", re.I)
_TARGET_VERB = re.compile(
    r"\b(?:seeks?|aims?|plans?|wants?|hopes?|can|could|will|to)\s+(?:\w+\s+)?(?:double|duplicate)\b",
    re.I,
)


def _number(text: str) -> Decimal:
    word = _NUMBER_WORDS.get(text.lower())
    return Decimal(word) if word is not None else parse_amount(text)


def amounts_in(sentence: str) -> list[_Amount]:
    found: list[_Amount] = []
    for pattern, unit, metric in _AMOUNT_FORMS:
        for match in pattern.finditer(sentence):
            start, end = match.span("s_")
            if any(start < a.end and a.start < end for a in found):
                continue
            try:
                value = _number(match["n"]) * _SCALE.get((match.groupdict().get("s") or ""), 1)
            except ValueError:
                continue
            if value == value.to_integral_value():  # $1.81 billion is 1810000000, not 1810000000.00
                value = Decimal(int(value))
            qualifier = " ".join((match["q"] or "").lower().split())
            if qualifier and qualifier not in records.QUALIFIERS:
                qualifier = "about"  # nearly, around, some …: the nearest the vocabulary has
            found.append(_Amount(start, end, value, unit, qualifier or "exact", metric))
    for match in _DOUBLED.finditer(sentence):
        start, end = match.span("s_")
        found.append(_Amount(start, end, Decimal(100), "percent", "exact", "trade_growth"))
    return sorted(found, key=lambda a: a.start)


# Words that say what an amount of money measures, tried in this order within its clause.
_POTENTIAL = re.compile(r"potential|untapped|could\s+(?:achieve|reach)|capacity\s+to", re.I)
_TARGET = re.compile(r"\btarget|\bgoal\b", re.I)
_MONEY_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), metric)
    for pattern, metric in (
        (r"\bexport", "exports"),
        (r"\bimport", "imports"),
        (r"\binvest", "investment"),
        (r"\bcost", "cost"),
        (r"\btrade|\btraded\b|\bturnover\b|\bvolume\b|\bcommerce\b", "trade_total"),
    )
)
_GROWTH = re.compile(
    r"increase|grow|growth|\brose\b|\brise|jump|surge|climb|\bup\b|duplicated|doubled", re.I
)
_FALL = re.compile(r"\bfell\b|\bfall|declin|decreas|\bdrop|\bdown\b|shrank|contract", re.I)
_STEEL_GAP = re.compile(r"\bgap\b|shortfall|deficit", re.I)
_CAPACITY = re.compile(r"capacity", re.I)
# Clauses end at a comma (not one inside a number), a semicolon or a dash between spaces.
_CLAUSE_BREAK = re.compile(r",(?!\d)|;|\s--\s|\s[–—]\s")
# "Now" names no span for a flow; "currently" and "at present" mean the publication's year.
_NOW = re.compile(r"\bnow\b", re.I)
_CURRENTLY = re.compile(r"\bcurrently\b|\bat present\b|\bat the moment\b", re.I)
_NEAR = 100  # characters: a time expression further from an amount than this is not its period


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(sentence)]
    left = max((b + 1 for b in breaks if b < start), default=0)
    right = min((b for b in breaks if b >= end), default=len(sentence))
    return left, right


def _nearest(words: Iterable[tuple[re.Pattern[str], str]], text: str, at: int) -> str | None:
    best: tuple[int, str] | None = None
    for pattern, metric in words:
        for match in pattern.finditer(text):
            distance = abs(match.start() - at)
            if best is None or distance < best[0]:
                best = (distance, metric)
    return best[1] if best else None


class _FigureReading(NamedTuple):
    metric: str
    value: Decimal
    basis: str
    unsure: tuple[str, ...]


def _read_figure(sentence: str, amount: _Amount) -> _FigureReading:
    left, right = _clause(sentence, amount.start, amount.end)
    clause = sentence[left:right]
    at = amount.start - left
    unsure: list[str] = []
    value = amount.value
    basis = "reported"
    metric = amount.metric
    if amount.unit == "USD":
        if _POTENTIAL.search(clause):
            metric = "export_potential"
            basis = "estimate" if re.search(r"estimat", sentence, re.I) else "potential"
        elif _TARGET.search(clause):
            metric, basis = "export_target", "target"
        else:
            metric = _nearest(_MONEY_WORDS, clause, at) or _nearest(
                _MONEY_WORDS, sentence, amount.start
            )
            if metric is None:
                metric = "trade_total"
                unsure.append("metric: no word near the amount says what it measures")
    elif amount.unit == "tonnes":
        if _STEEL_GAP.search(sentence):
            metric = "steel_supply_gap"
        elif _CAPACITY.search(clause):
            metric = "capacity"
        else:
            metric = "volume"
    elif amount.unit == "percent":
        if _TARGET_VERB.search(sentence) and not _GROWTH.search(clause):
            basis = "target"
        elif _FALL.search(clause):
            value = -value
        elif not _GROWTH.search(clause) and amount.metric == "trade_growth":
            unsure.append("metric: nothing near the percentage says it is a growth of trade")
    assert metric is not None
    if metric in records.TRADE_METRICS and not re.search(
        r"trade|export|import|turnover|volume", sentence, re.I
    ):
        unsure.append("metric: the sentence does not say the amount is about trade")
    return _FigureReading(metric, value, basis, tuple(unsure))


def _figure_period(
    sentence: str,
    amount: _Amount,
    reading: _FigureReading,
    times: Sequence[When],
    paragraph: Sequence[When],
    published: Period,
) -> tuple[When | None, str | None, list[str]]:
    """The period of a figure, how it was read, and what is unsure about it."""
    if reading.metric in records.TIMELESS_METRICS:
        return None, None, []
    near = [(min(abs(w.start - amount.end), abs(amount.start - w.end)), w) for w in times]
    near = [(distance, w) for distance, w in near if distance <= _NEAR]
    if near:
        chosen = min(near, key=lambda pair: pair[0])[1]
        return chosen, chosen.note, []
    if reading.basis != "reported":
        return None, None, ["period: the text gives none"]
    left, right = _clause(sentence, amount.start, amount.end)
    if _NOW.search(sentence[left:right]):
        return None, None, ["period: ‘now’ names no span; none given"]
    if _CURRENTLY.search(sentence):
        assert published.first is not None
        period = Period.parse(f"{published.first.year:04d}")
        note = f"‘{_CURRENTLY.search(sentence).group()}’ in {_pub_label(published)}: {period}"  # type: ignore[union-attr]
        return When(0, 0, period, note), note, []
    # A trade flow (or a count of agreements) stated after its period, in a later sentence of the
    # paragraph: "In 2022–23, trade totalled $1.13 billion. Exports stood at $287 million." A day
    # is an event's date, never a flow's period.
    inherited = [w for w in paragraph if not w.vague and w.period.precision is not Precision.DAY]
    if inherited and (reading.metric in records.TRADE_METRICS or amount.unit == "count"):
        chosen = inherited[-1]
        note = f"the sentence names no period; taken from an earlier sentence: {chosen.period}"
        return chosen, note, ["period: taken from an earlier sentence of the paragraph"]
    return None, None, ["period: the text gives none"]


# --- agreements and events -----------------------------------------------------------------------

# The word that names an agreement's kind; the first that stands in the sentence decides.
_KIND_NOUNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), kind)
    for pattern, kind in (
        (r"\bprotocols?\b", "protocol"),
        (r"\bmemorand(?:um|a)\b|\bMoUs?\b", "mou"),
        (r"\broad\s?maps?\b", "roadmap"),
        (r"\bagreements?\b|\bdeals?\b|\baccords?\b", "agreement"),
        (r"\bcommitments?\b", "commitment"),
        (r"\bresolutions?\b", "resolution"),
        (r"\bproposals?\b", "proposal"),
        (r"\b(?:an?|the|its|their|his|her)\s+offers?\b", "offer"),
        (r"\bcontracts?\b", "contract"),
        (r"\bdeclarations?\b", "declaration"),
    )
)
# A verb that makes an agreement of a sentence with no such noun.
_KIND_VERBS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), kind)
    for pattern, kind in (
        (r"\bagreed\b|\bagree\b", "agreement"),
        (r"(?<!the )(?<!a )\bpropos(?:ed|es|e)\b", "proposal"),
        (r"\boffered\b", "offer"),
        (r"\bcommitted\b|\bpledged\b", "commitment"),
        (r"\b(?:signed|inked)\b", "agreement"),
    )
)
# An agreement's status by its verbs, the first that applies deciding: a refusal or a plan outweighs
# the signing it speaks of.
_AGREEMENT_STATUS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), status)
    for pattern, status in (
        (r"\bdeclined\b|\brejected\b|\bturned down\b|did not (?:respond|accept|agree)", "declined"),
        (r"\bcancell?ed\b|\bscrapped\b|\bcalled off\b", "cancelled"),
        (r"\bexpected\b|\bwill\b|\bto (?:finali[sz]e|sign)\b|\bset to\b|\bdue to\b", "expected"),
        (r"\bsign(?:ed|ing)\b|\binked\b", "signed"),
        (r"\bagreed\b|\bagree\b", "agreed"),
        (r"\breaffirm", "reaffirmed"),
        (r"(?<!the )(?<!a )\bpropos(?:ed|es|e|al)\b|co-sponsor|\boffered\b", "proposed"),
        (r"\bplann?(?:ed|ing|s)?\b", "planned"),
        (r"\bimplement", "implemented"),
    )
)
_EVENT_STATUS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), status)
    for pattern, status in (
        (r"\bcancell?ed\b|\bcalled off\b", "cancelled"),
        (r"\bpostponed\b|\bdelayed\b", "postponed"),
        (r"\bpending\b", "pending"),
        (r"\bscheduled\b", "scheduled"),
        (r"(?<!the )(?<!a )\bpropos(?:ed|es|al)\b", "proposed"),  # not "the proposed site"
        (r"\bexpected\b|\bwill\b|\bplans? to\b", "expected"),
    )
)
# Words that look ahead, for an agreement the text does not date.
_AHEAD = re.compile(r"\b(?:will|shall|expected|scheduled|set to|is to|are to|seeks?|aims?)\b", re.I)
# What a sentence with no date says is done by the time of the article.
_ALREADY = re.compile(r"\b(?:has|have|had)\s+already\s+\w+ed\b", re.I)
# An agreement's verb in the present tense, as headlines give the day's news.
_PRESENT = re.compile(r"\b(?:proposes|signs|agrees|inks|offers|pledges|seals)\b")
# Words that put what a sentence says at another time than its paragraph's earlier dates.
_ELSEWHEN = re.compile(r"\bin later years\b|\blater on\b|\bsince then\b|\bsubsequently\b", re.I)
_PLACE = re.compile(r"\b(?:in|at)\s+(?P<place>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)")


def _first(table: Sequence[tuple[re.Pattern[str], str]], text: str) -> str | None:
    """The word of the table whose pattern stands first in the text."""
    hits = [(m.start(), word) for pattern, word in table if (m := pattern.search(text))]
    return min(hits)[1] if hits else None


def _by_order(table: Sequence[tuple[re.Pattern[str], str]], text: str) -> str | None:
    """The word of the first pattern of the table that the text holds."""
    return next((word for pattern, word in table if pattern.search(text)), None)


def _place(sentence: str) -> str | None:
    for match in _PLACE.finditer(sentence):
        place = match["place"]
        if place.split()[0].lower().rstrip(".") not in _MONTHS and not place[0].isdigit():
            return place
    return None


# --- the drafts ---------------------------------------------------------------------------------


class Reader(NamedTuple):
    """What the store lends the reading: whom and what it knows by name, and its ids."""

    actors: Sequence[records.Actor] = ()
    topics: Sequence[records.Topic] = ()
    sources: Sequence[records.Source] = ()  # those that keep this text: a draft cites one
    taken: frozenset[str] = frozenset()  # ids in use, which a draft's id must not repeat
    cited: str | None = None  # the source id every draft cites, when the user names it

    @classmethod
    def of(cls, store: records.FactStore, file_name: str, cited: str | None = None) -> Reader:
        """What a store lends the reading of the text file `file_name`: its sources that keep a
        text of that name are the ones its drafts may cite."""
        keeping = tuple(s for s in store.sources if s.text_file == file_name)
        return cls(store.actors, store.topics, keeping, frozenset(store.by_id), cited)


def extract(text: str, reader: Reader, published: Period | None = None) -> list[Draft]:
    """Drafts of the figures, dated events and agreements the text states, in text order.

    `published` (given by the user) wins over the text's date lines; with neither, ExtractError.
    """
    if not text.strip():
        raise ExtractError("the text is empty; give an article's text", "FILE")
    datelines = date_lines(text)
    if published is None and not datelines:
        raise ExtractError(
            "no publication date: the text has no date line (such as ‘Updated 02 July 2025’ or "
            "‘2025-07-02’); give one with --published YYYY-MM-DD (or YYYY-MM)",
            "--published",
        )
    skipped = {number for number, _ in datelines}
    articles = _articles(text, datelines)
    ids = _Ids(reader.taken)
    actor_names = _actor_names(reader.actors)
    drafts: list[Draft] = []
    seen: set[str] = set()
    agreements: dict[Period, list[records.Agreement]] = {}
    paragraph: list[When] = []
    paragraph_number = -1
    for sentence in sentences(text):
        if sentence.line in skipped:
            continue
        if sentence.line != paragraph_number:
            paragraph, paragraph_number = [], sentence.line
        when = published or _published_at(articles, sentence.line)
        source, source_unsure = _cited(reader, when)
        future = bool(_FUTURE.search(sentence.text))
        times = times_in(sentence.text, _Context(when, future, tuple(paragraph)))
        if sentence.text in seen:  # a paragraph printed twice (a headline repeated) is read once
            paragraph.extend(times)
            continue
        seen.add(sentence.text)
        made = _Making(
            sentence,
            when,
            source,
            source_unsure,
            reader,
            ids,
            agreements.setdefault(when, []),
            actor_names,
        )
        used = made.figures(times, paragraph)
        rest = [w for w in times if w not in used]
        if not made.agreement(rest, paragraph):
            made.events(rest)
        drafts.extend(made.drafts)
        paragraph.extend(times)
    return drafts


# A surname shorter than this is too common a word (Khan, Dar) to stand for one person.
_SURNAME_FROM = 5


def _actor_names(actors: Sequence[records.Actor]) -> list[tuple[str, tuple[str, ...]]]:
    """Each actor's id with the names a text may call it by: its name and aliases, and for a
    person, the surname alone (Mr Overchuk) when no other person of the store bears it."""
    surnames: dict[str, list[str]] = {}
    for actor in actors:
        if actor.kind == "person" and len(actor.name.split()) > 1:
            surnames.setdefault(actor.name.split()[-1], []).append(actor.id)
    alone = {ids[0]: name for name, ids in surnames.items() if len(ids) == 1}
    return [
        (
            actor.id,
            actor.names
            + ((alone[actor.id],) if len(alone.get(actor.id, "")) >= _SURNAME_FROM else ()),
        )
        for actor in actors
    ]


def _articles(text: str, datelines: Sequence[tuple[int, Period]]) -> list[tuple[int, Period]]:
    """Where each dated article starts: its headline after the two or more blank lines that end
    the article before (a file of several articles), or else its date line."""
    lines = text.splitlines()
    starts = []
    previous = 0
    for number, period in datelines:
        start = number
        for at in range(number - 1, previous, -1):
            if at >= 3 and not lines[at - 2].strip() and not lines[at - 3].strip():
                start = at
                break
        starts.append((start if previous else 1, period))
        previous = number
    return starts


def _published_at(articles: Sequence[tuple[int, Period]], line: int) -> Period:
    """The date of the article a line belongs to (the first article's, before any)."""
    above = [period for start, period in articles if start <= line]
    return above[-1] if above else articles[0][1]


def _cited(reader: Reader, published: Period) -> tuple[str, tuple[str, ...]]:
    """The source id a draft cites, and what is unsure about it."""
    if reader.cited is None:
        return _source_for(reader.sources, published)
    if reader.cited in reader.taken:
        return reader.cited, ()
    return reader.cited, (f"source: the store has no source {reader.cited!r} yet; add it",)


def _source_for(
    sources: Sequence[records.Source], published: Period
) -> tuple[str, tuple[str, ...]]:
    fitting = [s for s in sources if s.published.overlaps(published)]
    if len(fitting) == 1 or (not fitting and len(sources) == 1):
        return (fitting or list(sources))[0].id, ()
    return NEW_SOURCE, (
        f"source: no source of the store keeps this text and was published {published}; add "
        f"one and put its id in place of {NEW_SOURCE!r}",
    )


class _Ids:
    """Readable ids for drafts, none of them one the store or another draft already uses."""

    def __init__(self, taken: frozenset[str]) -> None:
        self.taken = set(taken)

    def new(self, *parts: str) -> str:
        base = "-".join(word for part in parts for word in re.findall(r"[a-z0-9]+", part.lower()))[
            :60
        ].strip("-")
        candidate, number = base, 1
        while candidate in self.taken:
            number += 1
            candidate = f"{base}-{number}"
        self.taken.add(candidate)
        return candidate


def _slug(period: Period | None) -> str:
    return str(period).replace("/", "-").replace("..", "open") if period is not None else "undated"


_TITLE_WORDS = 16


# A news dateline opening a story ("ISLAMABAD: ", "KARACHI: "): where it was filed, not a title.
_DATELINE = re.compile(r"^[A-Z][A-Z .]{2,}:\s+")


def _title(sentence: str) -> str:
    words = _DATELINE.sub("", sentence).rstrip(".").split()
    return " ".join(words[:_TITLE_WORDS]) + (" …" if len(words) > _TITLE_WORDS else "")


class _Making:
    """The drafts of one sentence, as they are made."""

    def __init__(
        self,
        sentence: _Sentence,
        published: Period,
        source: str,
        source_unsure: tuple[str, ...],
        reader: Reader,
        ids: _Ids,
        agreements: list[records.Agreement],
        actor_names: Sequence[tuple[str, tuple[str, ...]]],
    ) -> None:
        self.sentence = sentence
        self.published = published
        self.citation = records.Citation(source, quote=sentence.text)
        self.source_unsure = source_unsure
        self.reader = reader
        self.ids = ids
        self.drafts: list[Draft] = []
        self.agreements = agreements  # those drafted so far from the same article
        text = sentence.text
        # Every name at once: the sentence is folded once, not once per actor.
        topic_names = [(t.id, t.names) for t in reader.topics]
        said = set(named_in(text, [n for _, names in (*topic_names, *actor_names) for n in names]))
        self.topics = tuple(topic for topic, names in topic_names if said.intersection(names))
        self.actors = tuple(actor for actor, names in actor_names if said.intersection(names))

    def _add(self, record: records.Record, unsure: Iterable[str]) -> None:
        common = list(self.source_unsure)
        if not self.topics:
            common.append("topics: no topic of the store is named in the sentence")
        self.drafts.append(Draft(record, self.sentence.line, (*unsure, *common)))

    def figures(self, times: Sequence[When], paragraph: Sequence[When]) -> set[When]:
        """Draft each amount of the sentence; returns the time expressions used as periods."""
        used: set[When] = set()
        text = self.sentence.text
        for amount in amounts_in(text):
            reading = _read_figure(text, amount)
            when, note, unsure = _figure_period(
                text, amount, reading, times, paragraph, self.published
            )
            if when is not None and when in times:
                used.add(when)
            period = when.period if when is not None else None
            if (
                period is not None
                and period.precision is Precision.INTERVAL
                and period.last is None
            ):
                unsure.append("period: open-ended, from the publication on")
            figure = records.Figure(
                id=self.ids.new("fig", reading.metric.replace("_", "-"), _slug(period)),
                metric=reading.metric,
                subject=_title(text[slice(*_clause(text, amount.start, amount.end))].strip()),
                value=reading.value,
                unit=amount.unit,
                stated=text[amount.start : amount.end],
                period=period,
                qualifier=amount.qualifier,
                basis=reading.basis,
                topics=self.topics,
                sources=(self.citation,),
                date_note=note,
            )
            self._add(
                figure,
                (
                    *reading.unsure,
                    *unsure,
                    "subject: the clause as written; put it in the store’s words",
                ),
            )
        return used

    def agreement(self, times: Sequence[When], paragraph: Sequence[When]) -> bool:
        """Draft the sentence as an agreement if it names one; whether it did."""
        text = self.sentence.text
        kind = _first(_KIND_NOUNS, text)
        if kind is None or not _by_order(_AGREEMENT_STATUS, text):
            kind = _first(_KIND_VERBS, text)
        if kind is None:
            return False
        status = _by_order(_AGREEMENT_STATUS, text) or "agreed"
        unsure = []
        dated = [w for w in times if not w.vague] or list(times)
        inherited = [w for w in paragraph if not w.vague and not _ELSEWHEN.search(text)]
        if dated:
            when: When | None = dated[0]
            note = when.note if when else None
            if len(dated) > 1:
                unsure.append("date: the sentence holds several; the first is taken")
        elif inherited:
            when = inherited[-1]
            note = f"the sentence names no date; taken from an earlier sentence: {when.period}"
            unsure.append("date: taken from an earlier sentence of the paragraph")
        else:
            when, note = self._undated(status)
            if any(
                earlier.kind == kind and when.period.contains(earlier.date)
                for earlier in self.agreements
            ):
                return True  # an agreement drafted above, named again without a date
            unsure.append("date: the text gives none; read from its tense")
        assert when is not None
        agreement = records.Agreement(
            id=self.ids.new(kind, _slug(when.period)),
            title=_title(text),
            kind=kind,
            date=when.period,
            place=_place(text),
            parties=self.actors,
            status=status,
            topics=self.topics,
            sources=(self.citation,),
            date_note=note,
        )
        self.agreements.append(agreement)
        self._add(
            agreement,
            (
                *unsure,
                "title: the sentence as written; put it in the store’s words",
                "parties: every actor the sentence names",
            ),
        )
        return True

    def _undated(self, status: str) -> tuple[When, str]:
        """An agreement the text does not date: before the article if its verbs are past, from
        it on if they look ahead."""
        first = self.published.first
        assert first is not None
        month = (
            f"{first.year:04d}-{first.month:02d}"
            if self.published.precision is not Precision.YEAR
            else f"{first.year:04d}"
        )
        if _PRESENT.search(self.sentence.text):  # a headline's "Pakistan proposes": the day's news
            note = f"said in the present tense, in {_pub_label(self.published)}: {self.published}"
            return When(0, 0, self.published, note), note
        ahead = status == "expected" or bool(_AHEAD.search(self.sentence.text))
        period = Period.parse(f"{month}/.." if ahead else f"../{month}")
        note = f"no date given; {'from' if ahead else 'by'} {_pub_label(self.published)}: {period}"
        return When(0, 0, period, note, vague=True), note

    def events(self, times: Sequence[When]) -> None:
        text = self.sentence.text
        dated = [w for w in times if not w.vague]
        from_tense = not times and bool(_ALREADY.search(text))
        if from_tense:  # "experts have already inspected the site"
            times = [self._undated("occurred")[0]]
        for when in dated or times:
            status = "occurred" if from_tense else _by_order(_EVENT_STATUS, text)
            unsure = [
                "title: the sentence as written; put it in the store’s words",
                "actors: every actor the sentence names",
            ]
            after = (
                when.period.first is not None
                and self.published.last is not None
                and (when.period.first > self.published.last)
            )
            if status is None:
                status = "expected" if after else "occurred"
                if after:
                    unsure.append("status: dated after the article, so taken as expected")
            if len(dated) > 1:
                unsure.append("date: one of several in the sentence; check which is the event’s")
            if from_tense:
                unsure.append("date: the text gives none; read from its tense")
            event = records.Event(
                id=self.ids.new(" ".join(text.split()[:5]), _slug(when.period)),
                date=when.period,
                title=_title(text),
                place=_place(text),
                actors=self.actors,
                status=status,
                topics=self.topics,
                sources=(self.citation,),
                date_note=when.note,
            )
            self._add(event, unsure)


def resolved_published(text: str) -> Period:
    """A --published value: a day, or a month (a year is too coarse to resolve "this month")."""
    cleaned = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", cleaned):
        try:
            return Period.parse(cleaned)
        except PeriodError as error:
            raise ExtractError(error.message, "--published") from None
    raise ExtractError(
        f"{cleaned!r} is not a date; give YYYY-MM-DD (or YYYY-MM when only the month is known)",
        "--published",
    )
