"""Turning records into what the user reads: a Rich table with its sources, JSON, CSV or Markdown.

Functions here return text or renderables; only the CLI prints them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from pakru.models import Agreement, Event, FactStore, Figure, Record, Source
from pakru.options import OutputFormat
from pakru.types import Period

METRIC_LABELS = {
    "trade_total": "total",
    "exports": "exports",
    "imports": "imports",
    "trade_growth": "growth",
    "export_target": "export target",
    "export_potential": "export potential",
    "steel_supply_gap": "steel supply gap",
    "capacity": "capacity",
    "length": "length",
    "count": "count",
}
# Below this a prose column is unreadable; on a very narrow terminal the others give way instead.
_MAIN_MIN_WIDTH = 16
_UNIT_SUFFIX = {"tonnes": " tonnes", "MW": " MW", "km": " km", "count": ""}


def make_console(stderr: bool = False) -> Console:
    """The one place consoles are made; Rich itself detects terminals, pipes and NO_COLOR."""
    return Console(stderr=stderr, highlight=False, emoji=False, markup=False)


def literal(text: str) -> str:
    """Show control characters (terminal escapes, carriage returns) as escapes, never raw."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode() for ch in text
    )


def _plain_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}" if whole.lstrip("-").isdigit() else whole
    return f"{grouped}.{fraction}" if fraction else grouped


def format_amount(value: Decimal, unit: str) -> str:
    """A value as people read it: $1.81 bn, $287 m, 100%, 640 MW, 3,000,000 tonnes."""
    if unit == "USD":
        sign = "−" if value < 0 else ""
        size = abs(value)
        if size >= 1_000_000_000:
            return f"{sign}${_plain_number(size / 1_000_000_000)} bn"
        if size >= 1_000_000:
            return f"{sign}${_plain_number(size / 1_000_000)} m"
        return f"{sign}${_plain_number(size)}"
    if unit == "percent":
        return f"{_plain_number(value)}%"
    return f"{_plain_number(value)}{_UNIT_SUFFIX.get(unit, ' ' + unit)}"


def format_figure_value(figure: Figure) -> str:
    """The value with its qualifier, and its basis unless it is simply reported."""
    text = format_amount(figure.value, figure.unit)
    if figure.qualifier != "exact":
        text = f"{figure.qualifier} {text}"
    return text if figure.basis == "reported" else f"{text} ({figure.basis})"


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Any], str]
    justify: Literal["left", "right"] = "left"
    # Only prose wraps; dates, periods and values stay on one line so that they read at a glance.
    wrap: bool = False
    max_width: int | None = None  # a side column of prose that must leave room for the main one


def _names(store: FactStore, ids: Sequence[str]) -> str:
    return ", ".join(getattr(store.by_id.get(i), "name", i) for i in ids)


def _columns(kind: type[Record], store: FactStore) -> list[Column]:
    if kind is Figure:
        return [
            Column("Period", lambda f: str(f.period) if f.period else "—"),
            Column("Measure", lambda f: METRIC_LABELS[f.metric]),
            Column("Subject", lambda f: f.subject, wrap=True),
            Column("Value", format_figure_value, "right"),
        ]
    if kind is Event:
        return [
            Column("Date", lambda e: str(e.date)),
            Column("Event", lambda e: _with_place(e.title, e.place), wrap=True),
            Column("Status", lambda e: e.status),
        ]
    return [
        Column("Date", lambda a: str(a.date)),
        Column(
            "Agreement",
            lambda a: _with_place(a.title + (f" (×{a.count})" if a.count else ""), a.place),
            wrap=True,
        ),
        Column("Kind", lambda a: a.kind),
        Column("Status", lambda a: a.status),
        Column("Parties", lambda a: _names(store, a.parties), wrap=True, max_width=18),
    ]


def _with_place(title: str, place: str | None) -> str:
    return f"{title} — {place}" if place and place.casefold() not in title.casefold() else title


class _Footnotes:
    """Numbers the sources cited, in the order rows first cite them."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def mark(self, record: Any) -> str:
        cited = dict.fromkeys(c.source for c in record.sources)
        return " ".join(f"[{self.numbers.setdefault(s, len(self.numbers) + 1)}]" for s in cited)

    def lines(self, store: FactStore) -> list[str]:
        return [f"[{n}] {describe_source(store.source(s))}" for s, n in self.numbers.items()]


def describe_source(source: Source) -> str:
    by = ", ".join(part for part in (source.publisher, source.author) if part)
    return f"{source.title} — {by + ', ' if by else ''}{source.published} ({source.id})"


@dataclass(frozen=True)
class Listing:
    """What a listing command answers: its records and how to describe them."""

    records: Sequence[Record]
    kind: type[Record]
    title: str
    empty: str  # the one line said when nothing matched
    caption: str | None = None
    # For figures: each figure's id → the ids of the figures it disagrees with.
    disagreements: dict[str, list[str]] | None = None
    section_at: int | None = None  # a rule before this row, e.g. between exact and overlapping

    def to_json(self) -> list[dict[str, Any]]:
        rows = [record.to_json() for record in self.records]
        if self.disagreements is not None:
            for row in rows:
                row["disagrees_with"] = self.disagreements.get(row["id"], [])
        return rows


def render(listing: Listing, fmt: OutputFormat, store: FactStore) -> RenderableType | str:
    """The listing in the format asked for: a renderable for a table, text for the rest."""
    if fmt is OutputFormat.JSON:
        return json.dumps(listing.to_json(), ensure_ascii=False, indent=2)
    if fmt is OutputFormat.CSV:
        return _csv(listing)
    if not listing.records:
        return listing.empty
    columns = _columns(listing.kind, store)
    notes = _Footnotes()
    flagged = listing.disagreements or {}
    rows = [
        [column.cell(record) for column in columns]
        + [notes.mark(record) + (" ≠" if flagged.get(record.id) else "")]
        for record in listing.records
    ]
    footer = notes.lines(store) + _disagreement_lines(listing, notes)
    if fmt is OutputFormat.MARKDOWN:
        return _markdown(listing, columns, rows, footer)
    table = Table(
        title=literal(listing.title),
        caption=literal(listing.caption) if listing.caption else None,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        caption_justify="left",
    )
    widest = [max(len(row[i]) for row in rows) for i in range(len(columns) + 1)]
    for i, column in enumerate(columns):
        table.add_column(
            column.header,
            justify=column.justify,
            no_wrap=not column.wrap,
            overflow="fold",
            min_width=widest[i]
            if not column.wrap
            else (None if column.max_width else _MAIN_MIN_WIDTH),
            max_width=column.max_width,
        )
    table.add_column("Src", no_wrap=True, min_width=widest[-1])
    for index, row in enumerate(rows):
        if index == listing.section_at:
            table.add_section()
        table.add_row(*(Text(literal(cell)) for cell in row))
    return Group(table, Text("Sources:\n" + "\n".join(literal(line) for line in footer)))


def _disagreement_lines(listing: Listing, notes: _Footnotes) -> list[str]:
    """One line per pair of figures that cannot both be true, shown beside the sources."""
    if not listing.disagreements:
        return []
    by_id = {record.id: record for record in listing.records}
    lines = []
    for first_id, others in listing.disagreements.items():
        for other_id in others:
            if other_id < first_id:
                continue  # each pair once
            a, b = by_id[first_id], by_id[other_id]
            assert isinstance(a, Figure) and isinstance(b, Figure)
            same_source = {c.source for c in a.sources} == {c.source for c in b.sources}
            who = "The source contradicts itself" if same_source else "The sources disagree"
            lines.append(
                f"≠ {who} on {a.subject} ({METRIC_LABELS[a.metric]}), {a.period}: "
                f"{format_figure_value(a)} {notes.mark(a)} against {format_figure_value(b)} "
                f"{notes.mark(b)}. Both are kept; pakru does not pick one."
            )
    return lines


def _markdown(
    listing: Listing, columns: list[Column], rows: list[list[str]], notes: list[str]
) -> str:
    def cells(values: Sequence[str]) -> str:
        return "| " + " | ".join(literal(v).replace("|", "\\|") for v in values) + " |"

    headers = [c.header for c in columns] + ["Sources"]
    aligns = ["---:" if c.justify == "right" else "---" for c in columns] + ["---"]
    lines = [f"**{literal(listing.title)}**", ""]
    if listing.caption:
        lines[1:1] = ["", f"_{literal(listing.caption)}_"]
    lines += [cells(headers), "| " + " | ".join(aligns) + " |", *(cells(row) for row in rows)]
    lines += ["", *(f"- {literal(note)}" for note in notes)]
    return "\n".join(lines)


def _flatten(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], dict) and "quote" in value[0]:
            return " | ".join(f"{c['source']}: {c['quote']}" for c in value)
        return "; ".join(_flatten(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


_CSV_FIELDS: dict[str, tuple[str, ...]] = {
    "figure": (
        "id",
        "type",
        "metric",
        "subject",
        "value",
        "unit",
        "stated",
        "period",
        "qualifier",
        "basis",
        "topics",
        "sources",
        "date_note",
        "note",
    ),
    "event": (
        "id",
        "type",
        "date",
        "title",
        "place",
        "actors",
        "status",
        "topics",
        "sources",
        "date_note",
        "note",
    ),
    "agreement": (
        "id",
        "type",
        "date",
        "title",
        "kind",
        "place",
        "parties",
        "status",
        "topics",
        "event",
        "count",
        "sources",
        "date_note",
        "note",
    ),
}


def _csv(listing: Listing) -> str:
    fields = _CSV_FIELDS[listing.kind.record_type]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for record in listing.records:
        data = record.to_json()
        writer.writerow([_flatten(data.get(name)) for name in fields])
    return out.getvalue().rstrip("\n")


def describe_period(period: Period) -> str:
    if period.first and period.last:
        return f"{period} ({period.first.isoformat()} to {period.last.isoformat()})"
    return str(period)


def _filters(
    window: Period | None = None,
    topic: Any = None,
    actor: Any = None,
    status: str | None = None,
    actor_label: str = "with",
) -> str:
    parts = []
    if window is not None:
        first, last = window.notation.split("/")
        if first != "..":
            parts.append(f"since {first}")
        if last != "..":
            parts.append(f"until {last}")
    if topic is not None:
        parts.append(f"on {topic.name}")
    if actor is not None:
        parts.append(f"{actor_label} {actor.name}")
    if status is not None:
        parts.append(f"status {status}")
    return ", ".join(parts)


def trade_listing(
    figures: Sequence[Figure],
    period: Period | None,
    disagreements: Sequence[tuple[Figure, Figure]] = (),
) -> Listing:
    """Trade figures, those for exactly the period asked first, then those that overlap it."""
    clashes: dict[str, list[str]] = {}
    for a, b in disagreements:
        clashes.setdefault(a.id, []).append(b.id)
        clashes.setdefault(b.id, []).append(a.id)
    if period is None:
        return Listing(
            figures,
            Figure,
            "Trade, every period",
            "No trade figures in the store.",
            disagreements=clashes,
        )
    exact = [f for f in figures if str(f.period) == str(period)]
    overlapping = [f for f in figures if str(f.period) != str(period)]
    return Listing(
        [*exact, *overlapping],
        Figure,
        f"Trade, {period}",
        f"No trade figures overlap {describe_period(period)}.",
        caption=f"Figures for {describe_period(period)}"
        + (", then figures whose period overlaps it" if overlapping else "")
        + "; each row shows its own period.",
        disagreements=clashes,
        section_at=len(exact) if exact and overlapping else None,
    )


def events_listing(
    events: Sequence[Event], window: Period | None, topic: Any, actor: Any
) -> Listing:
    filters = _filters(window, topic, actor)
    title = f"Events, {filters}" if filters else "Events"
    return Listing(events, Event, title, f"No events{' ' + filters if filters else ''}.")


def agreements_listing(
    agreements: Sequence[Agreement],
    window: Period | None,
    topic: Any,
    party: Any,
    status: str | None,
) -> Listing:
    filters = _filters(window, topic, party, status, actor_label="party")
    title = f"Agreements, {filters}" if filters else "Agreements"
    return Listing(
        agreements, Agreement, title, f"No agreements{' ' + filters if filters else ''}."
    )


def check_summary(report: Any) -> list[str]:
    """`pakru check`'s output: every problem, then a one-line verdict."""
    lines = [str(problem) for problem in report.problems]
    if report.problems:
        lines.append(
            f"{len(report.problems)} problem(s) found; the store cannot be used until fixed."
        )
        return [literal(line) for line in lines]
    store = report.store
    counts = ", ".join(
        f"{len(getattr(store, kind))} {kind}"
        for kind in ("sources", "actors", "events", "agreements", "figures", "topics")
    )
    quotes = (
        f"; {report.quotes_checked} quotes found verbatim in their sources"
        if report.quotes_checked
        else ""
    )
    return [f"OK: {counts}{quotes}."]
