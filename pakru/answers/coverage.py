"""What the store covers, and the gaps a curator should fill first: pure functions of counts.

The counts come from the compiled store's indexes (`Compiled.counts_by_start` and friends), so a
store of any size is measured without reading its records; only the few events that can name an
Intergovernmental Commission session are read whole, for their titles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from pakru.domain.records import FACT_TYPES, TRADE_METRICS, Event, iso_span
from pakru.domain.types import Period, Precision, fiscal_label, fiscal_start

if TYPE_CHECKING:
    from pakru.store.compiled import Compiled

IGC_TOPIC = "igc"


def today() -> date:
    """The day coverage is measured on (the current fiscal year ends the series); a function of
    its own so that tests can pin it."""
    return date.today()


class Count(NamedTuple):
    """Facts of each type under one key: a year, a decade, a topic (None: undated)."""

    key: str | None
    events: int = 0
    agreements: int = 0
    figures: int = 0
    name: str | None = None  # a topic's name

    @property
    def facts(self) -> int:
        return self.events + self.agreements + self.figures


class Gap(NamedTuple):
    """Something the store should have and has not, or has too vaguely."""

    kind: str  # trade_total, igc_session or igc_date
    key: str  # the fiscal year, or the session's number
    detail: str
    ids: tuple[str, ...] = ()  # the records concerned, when there are any


class Coverage(NamedTuple):
    by: str  # year or decade
    periods: list[Count]  # in order, every year (or decade) between the first and the last
    topics: list[Count]  # most facts first
    types: dict[str, int]  # record type → facts
    sources: list[tuple[str | None, int]]  # sources published in each year (or decade)
    gaps: list[Gap]
    notes: list[str]  # what the gaps could not be looked for, and why

    def rows(self) -> list[dict[str, object]]:
        """Every row of the report, as JSON and CSV give them, each with every field of
        `ROW_FIELDS` (null where it has none): `section` says which table."""
        rows: list[dict[str, object]] = []
        for count in self.periods:
            rows.append({"section": self.by, "key": count.key, **_span(count.key)})
            rows[-1] |= _per_type(count)
        for count in self.topics:
            rows.append({"section": "topic", "key": count.key, "name": count.name})
            rows[-1] |= _per_type(count)
        for kind, facts in self.types.items():
            rows.append({"section": "type", "key": kind, "facts": facts})
        for key, sources in self.sources:
            rows.append({"section": "sources", "key": key, **_span(key), "sources": sources})
        for gap in self.gaps:
            dated = _span(gap.key) if gap.kind == "trade_total" else {}  # a fiscal year
            rows.append(
                {"section": "gap", "kind": gap.kind, "key": gap.key, **dated, "detail": gap.detail}
                | {"ids": list(gap.ids)}
            )
        return [{name: row.get(name) for name in ROW_FIELDS} for row in rows]


ROW_FIELDS = (
    "section", "key", "start", "end", "name", "events", "agreements", "figures", "facts",
    "sources", "kind", "detail", "ids",
)  # fmt: skip


def _span(key: str | None) -> dict[str, str | None]:
    """The first and last day of a year, a decade ("2020s") or a fiscal year key."""
    if key is None:
        return iso_span(None)
    return iso_span(Period.parse(f"{key[:3]}X" if key.endswith("s") else key))


def _per_type(count: Count) -> dict[str, int]:
    return {
        "events": count.events,
        "agreements": count.agreements,
        "figures": count.figures,
        "facts": count.facts,
    }


def span_key(year: str | None, by: str) -> str | None:
    """The key a year counts under: itself, or its decade ("2020s")."""
    if year is None or by == "year":
        return year
    return f"{int(year) // 10 * 10}s"


def _keys(first: int, last: int, by: str) -> list[str]:
    step = 1 if by == "year" else 10
    start = first if by == "year" else first // 10 * 10
    return [str(span_key(f"{y:04d}", by)) for y in range(start, last + 1, step)]


def periods(starts: Iterable[tuple[str, str | None, int]], by: str) -> list[Count]:
    """Facts per year (or decade) from (type, start year, count) rows: every year from the first
    to the last, those with none included, then the undated ones, if any."""
    counts: dict[str | None, dict[str, int]] = {}
    for kind, year, count in starts:
        if kind in FACT_TYPES:
            per_type = counts.setdefault(span_key(year, by), {})
            per_type[kind] = per_type.get(kind, 0) + count
    years = sorted(int(key[:4]) for key in counts if key is not None)
    keys: list[str | None] = [*(_keys(years[0], years[-1], by) if years else [])]
    if None in counts:
        keys.append(None)
    return [_count(key, counts.get(key, {})) for key in keys]


def _count(key: str | None, per_type: Mapping[str, int], name: str | None = None) -> Count:
    return Count(
        key, per_type.get("event", 0), per_type.get("agreement", 0), per_type.get("figure", 0), name
    )


def sources_per_span(
    starts: Iterable[tuple[str, str | None, int]], by: str
) -> list[tuple[str | None, int]]:
    counts: dict[str | None, int] = {}
    for kind, year, count in starts:
        if kind == "source":
            key = span_key(year, by)
            counts[key] = counts.get(key, 0) + count
    years = sorted(int(key[:4]) for key in counts if key is not None)
    keys: list[str | None] = [*(_keys(years[0], years[-1], by) if years else [])]
    return [(key, counts.get(key, 0)) for key in keys + ([None] if None in counts else [])]


def topics(by_type: Iterable[tuple[str, str, int]], names: Mapping[str, str]) -> list[Count]:
    """Facts per topic of the vocabulary (`names`: id → name), those without any included, most
    facts first."""
    counts: dict[str, dict[str, int]] = {topic: {} for topic in names}
    for topic, kind, count in by_type:
        counts.setdefault(topic, {})[kind] = count
    rows = [_count(topic, per_type, names.get(topic, topic)) for topic, per_type in counts.items()]
    return sorted(rows, key=lambda row: (-row.facts, row.key or ""))


def types(starts: Iterable[tuple[str, str | None, int]]) -> dict[str, int]:
    totals = dict.fromkeys(FACT_TYPES, 0)
    for kind, _, count in starts:
        if kind in totals:
            totals[kind] += count
    return totals


# --- gaps: Pakistan's fiscal years without a reported trade total --------------------------------


def trade_gaps(earliest: str | None, reported: set[int], on: date) -> list[Gap]:
    """Fiscal years from the one in which the earliest trade figure starts to the current one
    (that of `on`), for which no reported figure gives the total trade of exactly that year."""
    if earliest is None:
        return []
    current = fiscal_start(on)
    gaps = []
    for year in range(fiscal_start(date.fromisoformat(earliest)), current + 1):
        if year not in reported:
            detail = "no reported trade_total figure for the fiscal year"
            if year == current:
                detail += " (the current one, not yet over)"
            gaps.append(Gap("trade_total", fiscal_label(year), detail))
    return gaps


# --- gaps: sessions of the Intergovernmental Commission -----------------------------------------

_UNITS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_WORDS = {word: n for n, word in enumerate(_UNITS, start=1)}
for _n, _ten in enumerate(_TENS, start=2):
    _ORDINAL_WORDS[_ten[:-1] + "ieth"] = _n * 10
    for _unit, _word in enumerate(_UNITS[:9], start=1):
        _ORDINAL_WORDS[f"{_ten}-{_word}"] = _n * 10 + _unit
_NUMERIC_ORDINAL = re.compile(r"(\d{1,3})(?:st|nd|rd|th)")
_COMPOUND = re.compile(rf"\b({'|'.join(_TENS)})[\s\-‐‑–]+({'|'.join(_UNITS[:9])})\b")
_WORD = re.compile(r"[\w\-‐‑–]+")
# "Ninth session", "9th IGC session", "tenth Pakistan–Russia Intergovernmental Commission
# session": the ordinal nearest before "session", at most this many words before it.
_WORDS_BETWEEN = 4


def session_number(title: str) -> int | None:
    """The number of the session a title names by its ordinal, or None."""
    text = _COMPOUND.sub(r"\1-\2", title.casefold())
    words = _WORD.findall(text)
    for at, word in enumerate(words):
        if word not in ("session", "sessions"):
            continue
        for before in reversed(words[max(0, at - _WORDS_BETWEEN - 1) : at]):
            number = _ordinal(before)
            if number is not None:
                return number
    return None


def _ordinal(word: str) -> int | None:
    if numeric := _NUMERIC_ORDINAL.fullmatch(word):
        return int(numeric[1]) or None
    return _ORDINAL_WORDS.get(word.replace("‐", "-").replace("‑", "-").replace("–", "-"))


def _ordinal_text(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def is_coarse(event: Event) -> bool:
    """True when the date is known only to the year or coarser: a year, a fiscal year, a
    decade, or an interval that is open or a year long or longer."""
    date_ = event.date
    if date_.precision in (Precision.YEAR, Precision.FISCAL_YEAR, Precision.DECADE):
        return True
    if date_.precision is not Precision.INTERVAL:
        return False
    return date_.first is None or date_.last is None or (date_.last - date_.first).days >= 364


def igc_gaps(events: Sequence[Event]) -> tuple[list[Gap], list[str]]:
    """Sessions from the first to the highest numbered with no event naming them, and sessions
    whose every event is dated only to the year or coarser; and a note when no session is
    named at all."""
    sessions: dict[int, list[Event]] = {}
    for event in events:
        number = session_number(event.title)
        if number is not None:
            sessions.setdefault(number, []).append(event)
    if not sessions:
        return [], [
            f"No event on the topic {IGC_TOPIC!r} names an Intergovernmental Commission session "
            "by its ordinal (e.g. '9th session'), so missing sessions cannot be told."
        ]
    gaps = [
        Gap("igc_session", str(n), f"no event for the {_ordinal_text(n)} session")
        for n in range(1, max(sessions) + 1)
        if n not in sessions
    ]
    for number, found in sorted(sessions.items()):
        if all(is_coarse(event) for event in found):
            dates = ", ".join(sorted({str(event.date) for event in found}))
            gaps.append(
                Gap(
                    "igc_date",
                    str(number),
                    f"the {_ordinal_text(number)} session is dated only {dates}",
                    tuple(event.id for event in found),
                )
            )
    return gaps, []


def coverage(
    starts: Sequence[tuple[str, str | None, int]],
    topic_counts: Iterable[tuple[str, str, int]],
    topic_names: Mapping[str, str],
    earliest_trade: str | None,
    reported_years: set[int],
    igc_events: Sequence[Event],
    *,
    by: str,
    on: date,
) -> Coverage:
    """The whole report, from what the compiled store counted."""
    igc, notes = igc_gaps(igc_events)
    if IGC_TOPIC not in topic_names:
        notes = [
            f"The store has no topic {IGC_TOPIC!r}, so Intergovernmental Commission sessions "
            "cannot be looked for."
        ]
    return Coverage(
        by,
        periods(starts, by),
        topics(topic_counts, topic_names),
        types(starts),
        sources_per_span(starts, by),
        trade_gaps(earliest_trade, reported_years, on) + igc,
        notes,
    )


def of_store(compiled: Compiled, *, by: str, on: date) -> Coverage:
    """The report for a compiled store, from its counts (only events that may name a session
    are read, for their titles)."""
    names = {topic.id: topic.name for topic in compiled.topics()}
    sessions = compiled.titled_ids("event", IGC_TOPIC, "session")
    return coverage(
        compiled.counts_by_start((*FACT_TYPES, "source")),
        compiled.topic_counts_by_type(list(names), FACT_TYPES),
        names,
        compiled.earliest_start("figure", TRADE_METRICS),
        compiled.fiscal_years_with("trade_total", "reported"),
        compiled.subset(sessions, named=False).events,
        by=by,
        on=on,
    )
