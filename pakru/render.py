"""Turning answers into what the user reads: Rich tables with their sources, JSON, CSV or Markdown.

Functions here return text or renderables; only the CLI prints them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from pakru.cells import CELL_PADDING, Cell, Prose
from pakru.options import OutputFormat
from pakru.records import (
    DONE_STATUSES,
    Actor,
    Agreement,
    Citation,
    Event,
    FactStore,
    Figure,
    Record,
    Source,
    Topic,
)
from pakru.types import Period, Precision, format_amount, plain_number

if TYPE_CHECKING:  # consistency is imported where its records are told apart: few answers need it
    from pakru.consistency import AnyFigure, Check, Derived
    from pakru.coverage import Coverage
    from pakru.filters import Filters

METRIC_LABELS = {
    "trade_total": "total",
    "exports": "exports",
    "imports": "imports",
    "trade_growth": "growth",
    "trade_balance": "balance",
    "share": "share",
    "export_target": "export target",
    "export_potential": "export potential",
    "steel_supply_gap": "steel supply gap",
    "capacity": "capacity",
    "length": "length",
    "count": "count",
}
# Below this a prose column is unreadable; on a very narrow terminal the others give way instead.
_MAIN_MIN_WIDTH = 16
_CONFLICT_MARK = "≠"
SAYS_MARK = "†"
SUPERSEDES_MARK = "⟳"
SUPERSEDED_MARK = "⊘"
_BAR_WIDTH = 12


def make_console(stderr: bool = False) -> Console:
    """The one place consoles are made; Rich itself detects terminals, pipes and NO_COLOR."""
    console = Console(stderr=stderr, highlight=False, emoji=False, markup=False)
    if console.width < 1:
        # Rich takes `COLUMNS=0` at its word and prints nothing at all, which reads as "nothing
        # matched"; a width of 0 means "unknown", as when a terminal reports 0, and the standard
        # library's rule for that (the terminal's own width, else 80) applies.
        import shutil

        console.width = shutil.get_terminal_size().columns
    return console


def literal(text: str) -> str:
    """Show control characters (terminal escapes, carriage returns) as escapes, never raw."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch in " \n" else ch.encode("unicode_escape").decode()
        for ch in text
    )


# --- numbers and dates ---------------------------------------------------------------------------


def format_figure_value(figure: AnyFigure) -> str:
    """The value with its qualifier, and its basis unless it is simply reported."""
    text = format_amount(figure.value, figure.unit)
    if figure.qualifier != "exact":
        text = f"{figure.qualifier} {text}"
    return text if figure.basis == "reported" else f"{text} ({figure.basis})"


def describe_period(period: Period) -> str:
    if period.first and period.last:
        return f"{period} ({period.first.isoformat()} to {period.last.isoformat()})"
    return str(period)


def _is_partial(period: Period | None) -> bool:
    """A span shorter than a year, which must not be compared with full years by eye."""
    if period is None or period.first is None or period.last is None:
        return False
    if period.precision in (Precision.FISCAL_YEAR, Precision.YEAR, Precision.DECADE):
        return False
    return (period.last - period.first).days < 364


# Flows summed over their period: a total over eleven months must not be read as a year's.
_FLOWS = ("trade_total", "exports", "imports", "trade_balance")


def _period_cell(figure: AnyFigure) -> str:
    """The period, and for a flow its length in months when it is shorter than a year."""
    period = figure.period
    if period is None:
        return "—"
    if figure.metric not in _FLOWS or not _is_partial(period):
        return str(period)
    assert period.first is not None and period.last is not None
    months = (
        (period.last.year - period.first.year) * 12 + period.last.month - period.first.month + 1
    )
    return f"{period}\n({months} mo)"


def _value_cell(figure: AnyFigure) -> str:
    # Derived rows sit under their own heading, so the cell need not say "(derived)" again.
    text = format_figure_value(figure)
    return text.removesuffix(" (derived)")


# --- listings ------------------------------------------------------------------------------------


class Column(NamedTuple):
    header: str
    cell: Callable[[Any], str | Text]  # Text only for cells with highlights, already escaped
    justify: Literal["left", "right"] = "left"
    # Only prose wraps; dates, periods and values stay on one line so that they read at a glance.
    wrap: bool = False
    max_width: int | None = None  # a side column of prose that must leave room for the main one


class Section(NamedTuple):
    label: str | None
    items: Sequence[Any]


class Listing(NamedTuple):
    """What a listing command answers, and how to show it in each format."""

    title: str
    empty: str  # the one line said when nothing matched
    columns: Sequence[Column]
    sections: Sequence[Section]
    csv_fields: Sequence[str]
    caption: str | None = None
    marked: frozenset[str] = frozenset()  # ids of rows that take part in a conflict
    notes: Sequence[str] = ()  # lines after the sources
    extra: Callable[[Any], dict[str, Any]] | None = None  # more JSON fields per row
    cites: bool = True  # rows carry sources: show footnote numbers
    bars: Mapping[str, Decimal] | None = None  # id → value, drawn as a bar
    conflicts: Sequence[Check] = ()  # a note follows the table for each conflict a row shows
    total: int | None = None  # how many rows matched, when the sections hold only the first ones
    superseded: frozenset[str] = frozenset()  # ids of rows that later reports supersede (--all)

    @property
    def items(self) -> list[Any]:
        return [item for section in self.sections for item in section.items]

    def to_json(self) -> list[dict[str, Any]]:
        rows = []
        for item in self.items:
            row = item.to_json()
            if hasattr(item, "supersedes"):  # a reported fact, not one pakru derived
                row["superseded"] = item.id in self.superseded
            if self.extra is not None:
                row |= self.extra(item)
            rows.append(row)
        return rows


class _Footnotes:
    """Numbers the sources cited, in the order rows first cite them."""

    def __init__(self, store: FactStore) -> None:
        self.store = store
        self.numbers: dict[str, int] = {}
        self.said_only = False  # a row shown rests on `says` citations alone

    def number(self, source_id: str) -> int:
        return self.numbers.setdefault(source_id, len(self.numbers) + 1)

    def mark(self, item: Any) -> str:
        citations = getattr(item, "sources", ())
        cited = dict.fromkeys(c.source for c in citations)
        marks = " ".join(f"[{self.number(s)}]" for s in cited)
        if citations and not any(c.quote is not None for c in citations):
            self.said_only = True
            marks += f" {SAYS_MARK}"
        return marks

    def lines(self) -> list[str]:
        lines = [f"[{n}] {self._describe(s)}" for s, n in self.numbers.items()]
        if self.said_only:
            lines.append(
                f"{SAYS_MARK} rests only on what its sources say, in pakru's words (no verbatim "
                "quote is kept): check the source before quoting it."
            )
        return lines

    def _describe(self, source_id: str) -> str:
        source = self.store.by_id.get(source_id)
        return describe_source(source) if isinstance(source, Source) else source_id


def describe_source(source: Source) -> str:
    by = ", ".join(part for part in (source.publisher, source.author) if part)
    where = f" {source.url}" if source.url else ""
    return f"{source.title} — {by + ', ' if by else ''}{source.published}{where} ({source.id})"


def citation_text(citation: Citation) -> str:
    """A quote in quotation marks (unless it opens with its own); a `says` citation as what the
    source says, in pakru's words."""
    if citation.quote is None:
        return f"says: {citation.says}"
    quote = citation.quote
    return quote if quote[:1] in "“‘\"'" else f"“{quote}”"


def with_citation_details(data: Any, store: FactStore) -> Any:
    """JSON data with each citation's source described (title, publisher, date, URL), so that
    an answer can be cited without looking its sources up."""
    if isinstance(data, list):
        return [with_citation_details(item, store) for item in data]
    if not isinstance(data, dict):
        return data
    out = {key: with_citation_details(value, store) for key, value in data.items()}
    if "source" in data and ("quote" in data or "says" in data):
        source = store.by_id.get(data["source"])
        if isinstance(source, Source):
            out |= {
                "title": source.title,
                "publisher": source.publisher,
                "published": str(source.published),
                "url": source.url,
            }
    return out


def render(
    listing: Listing, fmt: OutputFormat, store: FactStore, limit: int | None = None
) -> RenderableType | str:
    """The listing in the format asked for, its first `limit` rows (None: all of them): a
    renderable for a table, text for the rest."""
    listing = first_rows(listing, limit)
    if fmt is OutputFormat.JSON:
        return json_text(with_citation_details(listing.to_json(), store))
    if fmt is OutputFormat.CSV:
        return _csv(listing)
    if not listing.items:
        return listing.empty
    notes = _Footnotes(store)
    sections = [
        (section.label, [_row(listing, item, notes) for item in section.items])
        for section in listing.sections
    ]
    shown = {item.id for item in listing.items}
    footer = [
        *_more_rows(listing),
        *(notes.lines() if listing.cites else []),
        *_conflict_notes(listing.conflicts, shown),
        *_history_notes(listing),
        *listing.notes,
    ]
    if fmt is OutputFormat.MARKDOWN:
        return _markdown(listing, sections, footer)
    return _table(listing, sections, footer)


def first_rows(listing: Listing, limit: int | None) -> Listing:
    """The listing cut to its first `limit` rows, in section order, remembering how many there
    were; unchanged when it has no more."""
    items = len(listing.items)
    if limit is None or items <= limit:
        return listing
    sections = []
    left = limit
    for section in listing.sections:
        if left <= 0:
            break
        sections.append(Section(section.label, section.items[:left]))
        left -= len(sections[-1].items)
    return listing._replace(sections=sections, total=listing.total or items)


def _more_rows(listing: Listing) -> list[str]:
    shown = len(listing.items)
    if listing.total is None or listing.total <= shown:
        return []
    return [
        f"Showing the first {shown:,} of {listing.total:,} rows: --limit N shows more, "
        "--limit 0 every row."
    ]


def _row(listing: Listing, item: Any, notes: _Footnotes) -> list[str | Text]:
    cells: list[str | Text] = [column.cell(item) for column in listing.columns]
    if listing.cites:
        marks = [notes.mark(item)]
        if item.id in listing.marked:
            marks.append(_CONFLICT_MARK)
        if getattr(item, "supersedes", ()):
            marks.append(SUPERSEDES_MARK)
        if item.id in listing.superseded:
            marks.append(SUPERSEDED_MARK)
        cells.append(" ".join(marks))
    return cells


def _history_notes(listing: Listing) -> list[str]:
    notes = []
    if any(getattr(item, "supersedes", ()) for item in listing.items):
        hidden = "" if listing.superseded else "; --all lists it too"
        notes.append(
            f"{SUPERSEDES_MARK} a later report that supersedes an earlier one{hidden}; "
            "`pakru show ID` prints the history."
        )
    if listing.superseded:
        notes.append(f"{SUPERSEDED_MARK} an earlier report, superseded by a later one.")
    return notes


def _headers(listing: Listing) -> list[str]:
    return [column.header for column in listing.columns] + (["Src"] if listing.cites else [])


Rows = list[tuple[str | None, list[list[str | Text]]]]


def _table(listing: Listing, sections: Rows, footer: list[str]) -> RenderableType:
    # Cells pad themselves (a plain one without Rich's general text layout): see pakru.cells.
    table = Table(
        title=literal(listing.title),
        caption=literal(listing.caption) if listing.caption else None,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        caption_justify="left",
        padding=0,
    )
    headers = _headers(listing)
    widest = [
        max(
            cell_len(header),
            *(
                cell_len(line)
                for _, rows in sections
                for row in rows
                for line in _plain(row[i]).split("\n")
            ),
        )
        for i, header in enumerate(headers)
    ]
    wraps = [column.wrap for column in listing.columns] + [False] * listing.cites
    maxima = [column.max_width for column in listing.columns] + [None] * listing.cites
    justify = [column.justify for column in listing.columns] + ["left"] * listing.cites
    padded = 2 * CELL_PADDING
    for i, header in enumerate(headers):
        most = maxima[i]
        main = wraps[i] and most is None
        table.add_column(
            Cell(header),
            justify=justify[i],
            no_wrap=not wraps[i],
            overflow="fold",
            # A column that does not wrap is as wide as its widest line: saying so spares Rich
            # measuring every cell of it, most of the time it takes to lay out a table.
            width=None if wraps[i] else widest[i] + padded,
            min_width=_MAIN_MIN_WIDTH + padded if main else None,
            max_width=None if most is None else most + padded,
        )
    bars = _bar_column(listing, table)
    first = True
    for label, rows in sections:
        if not first:
            table.add_section()
        first = False
        if label:
            table.add_row(*_label_row(label, listing, widest))
        for index, row in enumerate(rows):
            cells: list[RenderableType] = [_cell(cell) for cell in row]
            if bars is not None:
                cells.append(bars(label, index))
            table.add_row(*cells)
    if not footer:
        return table
    return Group(table, Prose("\n".join(literal(line) for line in footer)))


def _plain(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else literal(cell)


def _cell(cell: str | Text) -> RenderableType:
    """A table cell, drawn by pakru.cells when it is text with highlights at most, else by Rich
    (a text in a style of its own, such as a section's label)."""
    if not isinstance(cell, Text):
        return Cell(literal(cell))
    if cell.style:
        return Padding(cell, (0, CELL_PADDING))
    return Cell(cell.plain, cell.spans)


def _label_row(label: str, listing: Listing, widest: list[int]) -> list[RenderableType]:
    """A section's label, in the first column if it fits there, else in the first prose column."""
    cells: list[RenderableType] = [Cell("") for _ in listing.columns]
    wraps = [i for i, column in enumerate(listing.columns) if column.wrap]
    at = 0 if len(label) <= widest[0] or not wraps else wraps[0]
    cells[at] = _cell(Text(literal(label), style="bold"))
    return cells


def _bar_column(
    listing: Listing, table: Table
) -> Callable[[str | None, int], RenderableType] | None:
    """A horizontal bar for each row whose value the listing charts, scaled to the largest."""
    bars = listing.bars
    if not bars:
        return None
    table.add_column("", width=_BAR_WIDTH + 2 * CELL_PADDING, no_wrap=True)
    largest = max(bars.values())
    by_section = {section.label: section.items for section in listing.sections}

    def bar(label: str | None, index: int) -> RenderableType:
        value = bars.get(by_section[label][index].id)
        if value is None or largest <= 0:
            return Cell("")
        from rich.bar import Bar  # only `pakru trade` without a period draws bars

        return Padding(Bar(float(largest), 0, float(value), width=_BAR_WIDTH), (0, CELL_PADDING))

    return bar


def _markdown(listing: Listing, sections: Rows, footer: list[str]) -> str:
    def cells(values: Sequence[str | Text]) -> str:
        return "| " + " | ".join(_md_text(v) for v in values) + " |"

    aligns = ["---:" if c.justify == "right" else "---" for c in listing.columns]
    lines = [f"**{literal(listing.title)}**", ""]
    if listing.caption:
        lines += [f"_{literal(listing.caption)}_", ""]
    lines += [cells(_headers(listing)), "| " + " | ".join(aligns + ["---"] * listing.cites) + " |"]
    for label, rows in sections:
        if label:
            lines.append(cells([f"**{label}**"] + [""] * (len(_headers(listing)) - 1)))
        lines += [cells(row) for row in rows]
    if footer:
        lines += ["", *(f"- {literal(note)}" for note in footer)]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return literal(text).replace("|", "\\|").replace("\n", "<br>")


def _md_text(cell: str | Text) -> str:
    """A Markdown cell; highlighted spans of a Text become **bold**."""
    if isinstance(cell, str):
        return _md_cell(cell)
    plain, out, at = cell.plain, [], 0
    for span in sorted(cell.spans, key=lambda s: s.start):
        out += [
            _md_cell(plain[at : span.start]),
            "**",
            _md_cell(plain[span.start : span.end]),
            "**",
        ]
        at = span.end
    return "".join([*out, _md_cell(plain[at:])])


def _flatten(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], dict) and "source" in value[0]:
            return " | ".join(
                f"{c['source']}: {c.get('quote') or 'says: ' + str(c.get('says'))}" for c in value
            )
        return "; ".join(_flatten(v) for v in value)
    if isinstance(value, dict):
        return json_text(value, indent=None)
    return str(value)


def _csv(listing: Listing) -> str:
    rows = ([_flatten(row.get(name)) for name in listing.csv_fields] for row in listing.to_json())
    return csv_text(listing.csv_fields, rows)


# csv and json are imported where they are used: a table, the usual answer, needs neither.


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().rstrip("\n")


def json_text(data: object, *, indent: int | None = 2) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=indent)


# --- the columns of each kind of row ------------------------------------------------------------


def _names(store: FactStore, ids: Sequence[str]) -> str:
    return ", ".join(getattr(store.by_id.get(i), "name", i) for i in ids)


def _with_place(title: str, place: str | None) -> str:
    return f"{title} — {place}" if place and place.casefold() not in title.casefold() else title


def _figure_columns(store: FactStore) -> tuple[Column, ...]:
    return (
        Column("Period", _period_cell),
        Column("Measure", lambda f: METRIC_LABELS.get(f.metric, f.metric)),
        Column("Subject", lambda f: _subject_cell(f, store), wrap=True),
        Column("Value", _value_cell, "right"),
    )


def _subject_cell(figure: AnyFigure, store: FactStore) -> str:
    """What a figure measures, the one good it covers, and whose number it is (when the figure
    names a body or person besides the sources in the Src column)."""
    text = figure.subject
    good = getattr(figure, "commodity", None)
    if good and good.casefold() not in text.casefold():
        text += f" ({good})"
    by = getattr(figure, "reported_by", None)
    if by is not None:
        text += f", per {_names(store, [by])}"
    return text


EVENT_COLUMNS = (
    Column("Date", lambda e: str(e.date)),
    Column("Event", lambda e: _with_place(e.title, e.place), wrap=True),
    Column("Status", lambda e: e.status),
)


def _agreement_columns(store: FactStore) -> tuple[Column, ...]:
    return (
        Column("Date", lambda a: str(a.date)),
        Column(
            "Agreement",
            lambda a: _with_place(a.title + (f" (×{a.count})" if a.count else ""), a.place),
            wrap=True,
        ),
        Column("Kind", lambda a: a.kind),
        Column("Status", lambda a: a.status),
        Column("Parties", lambda a: _names(store, a.parties), wrap=True, max_width=18),
    )


FIGURE_FIELDS = (
    "id", "type", "metric", "subject", "value", "unit", "stated", "period", "qualifier", "basis",
    "reported_by", "commodity", "topics", "sources", "formula", "inputs", "date_note", "note",
    "supersedes", "superseded",
)  # fmt: skip
EVENT_FIELDS = (
    "id", "type", "date", "title", "place", "actors", "status", "topics", "sources", "date_note",
    "note", "supersedes", "superseded",
)  # fmt: skip
AGREEMENT_FIELDS = (
    "id", "type", "date", "title", "kind", "place", "parties", "status", "topics", "event", "count",
    "sources", "date_note", "note", "supersedes", "superseded",
)  # fmt: skip


def _titled(noun: str, filters: str) -> tuple[str, str]:
    """A title and the line said when nothing matched, both naming the filters."""
    return (
        f"{noun}, {filters}" if filters else noun
    ), f"No {noun.lower()}{' ' + filters if filters else ''}."


# --- figures and trade ---------------------------------------------------------------------------


def _conflict_notes(checks: Sequence[Check], shown: set[str]) -> list[str]:
    lines = []
    for check in checks:
        if check.a.id in shown or check.b.id in shown:
            lines.append(
                f"{_CONFLICT_MARK} {format_figure_value(check.a)}, {check.a.period}, against "
                f"{format_figure_value(check.b)}: {check.reason}."
            )
    if lines:
        lines.append(
            f"{_CONFLICT_MARK} `pakru conflicts` shows each conflict with its quotes and gap."
        )
    return lines


def _conflict_extra(checks: Sequence[Check]) -> Callable[[Any], dict[str, Any]]:
    against: dict[str, list[str]] = {}
    for check in checks:
        against.setdefault(check.a.id, []).append(check.b.id)
        against.setdefault(check.b.id, []).append(check.a.id)
    return lambda item: {"disagrees_with": against.get(item.id, [])}


def figure_listing(
    store: FactStore,
    title: str,
    empty: str,
    figures: Sequence[Figure],
    derived: Sequence[Derived] = (),
    conflicts: Sequence[Check] = (),
    *,
    period: Period | None = None,
    caption: str | None = None,
    chart: bool = False,
    total: int | None = None,
) -> Listing:
    """Figures, those for exactly `period` first, then overlapping ones, then derived ones;
    `total` counts the rows there are when `figures` holds only the first ones."""
    exact = [f for f in figures if period is not None and str(f.period) == str(period)]
    exact_ids = {f.id for f in exact}
    rest = [f for f in figures if f.id not in exact_ids]
    sections = [Section(None, exact), Section(None, rest)]
    if derived:
        sections.append(Section("Derived by pakru from the figures above (not reported):", derived))
    shown = {f.id for f in figures} | {d.id for d in derived}
    marked = frozenset(i for check in conflicts for i in (check.a.id, check.b.id) if i in shown)
    bars = {f.id: f.value for f in figures if chart and f.metric == "trade_total"}
    return Listing(
        title,
        empty,
        _figure_columns(store),
        [s for s in sections if s.items],
        FIGURE_FIELDS,
        caption=caption,
        marked=marked,
        conflicts=conflicts,
        extra=_conflict_extra(conflicts),
        bars=bars,
        total=total,
    )


def trade_listing(
    store: FactStore,
    figures: Sequence[Figure],
    period: Period | None,
    derived: Sequence[Derived] = (),
    conflicts: Sequence[Check] = (),
    total: int | None = None,
) -> Listing:
    if period is None:
        return figure_listing(
            store,
            "Trade, every period",
            "No trade figures in the store.",
            figures,
            derived,
            conflicts,
            caption="Bars compare totals; (N mo) marks a period shorter than a year.",
            chart=True,
            total=total,
        )
    return figure_listing(
        store,
        f"Trade, {period}",
        f"No trade figures overlap {describe_period(period)}.",
        figures,
        derived,
        conflicts,
        period=period,
        caption=f"Figures for {describe_period(period)}, then figures whose period overlaps it; "
        "each row shows its own period.",
        total=total,
    )


def figures_listing(
    store: FactStore,
    figures: Sequence[Figure],
    conflicts: Sequence[Check],
    period: Period | None,
    filters: str,
) -> Listing:
    title, empty = _titled("Figures", ", ".join(p for p in (filters, str(period or "")) if p))
    return figure_listing(store, title, empty, figures, (), conflicts, period=period)


# --- events, agreements, timeline ----------------------------------------------------------------


def events_listing(events: Sequence[Event], filters: Filters, total: int | None = None) -> Listing:
    title, empty = _titled("Events", filters.described())
    sections = [Section(None, events)]
    return Listing(title, empty, EVENT_COLUMNS, sections, EVENT_FIELDS, total=total)


def agreements_listing(
    agreements: Sequence[Agreement],
    filters: Filters,
    store: FactStore,
    total: int | None = None,
) -> Listing:
    title, empty = _titled("Agreements", filters.described(actor_label="party"))
    columns = _agreement_columns(store)
    sections = [Section(None, agreements)]
    return Listing(title, empty, columns, sections, AGREEMENT_FIELDS, total=total)


def _timeline_what(item: Event | Agreement) -> str:
    text = _with_place(item.title, item.place)
    if item.status not in DONE_STATUSES:
        text = f"[{item.status.upper()}] {text}"
    return text


def timeline_listing(
    items: Sequence[Event | Agreement], filters: Filters, total: int | None = None
) -> Listing:
    """Events and agreements together, a section per year their date starts in."""
    years: dict[str, list[Event | Agreement]] = {}
    for item in items:
        start = item.date.first or item.date.last
        years.setdefault(str(start.year) if start else "undated", []).append(item)
    title, empty = _titled("Timeline", filters.described())
    columns = (
        Column("Date", lambda i: str(i.date)),
        Column("What", _timeline_what, wrap=True),
        Column("Type", lambda i: i.record_type if isinstance(i, Event) else i.kind),
    )
    return Listing(
        title,
        empty,
        columns,
        [Section(year, group) for year, group in years.items()],
        ("id", "type", "date", "title", "place", "status", "topics", "sources", "date_note"),
        caption="Imprecise dates show at their precision and sort at the start of their span.",
        total=total,
    )


# --- actors, sources, topics ---------------------------------------------------------------------


def _current_role(actor: Actor, store: FactStore) -> str:
    if not actor.roles:
        return "—"
    role = max(actor.roles, key=lambda r: r.attested.sort_key)
    where = f", {_names(store, [role.organisation])}" if role.organisation else ""
    return f"{role.title}{where} (as of {role.attested})"


def actors_listing(actors: Sequence[Actor], query: str | None, store: FactStore) -> Listing:
    title, empty = _titled("Actors", f"matching {query!r}" if query else "")
    columns = (
        Column("Name (id)", lambda a: f"{a.name}\n({a.id})", wrap=True),
        Column("Kind", lambda a: a.kind),
        Column("Country", lambda a: _names(store, [a.country]) if a.country else "—"),
        Column("Latest role", lambda a: _current_role(a, store), wrap=True, max_width=30),
        Column("Also called", lambda a: ", ".join(a.aliases) or "—", wrap=True, max_width=18),
    )
    return Listing(
        title,
        empty,
        columns,
        [Section(None, actors)],
        ("id", "type", "name", "kind", "aliases", "country", "roles", "sources", "note"),
        cites=False,
    )


def sources_listing(sources: Sequence[Source], counts: Mapping[str, int]) -> Listing:
    columns = (
        Column("Title (id)", lambda s: f"{s.title}\n({s.id})", wrap=True),
        Column("Publisher", lambda s: s.publisher or "not stated", wrap=True, max_width=12),
        Column("Published", lambda s: str(s.published)),
        Column("Facts", lambda s: str(counts.get(s.id, 0)), "right"),
    )
    return Listing(
        "Sources",
        "No sources in the store.",
        columns,
        [Section(None, sources)],
        ("id", "type", "title", "publisher", "author", "published", "section", "facts", "note"),
        extra=lambda s: {"facts": counts.get(s.id, 0)},
        cites=False,
    )


def topics_listing(topics: Sequence[Topic], counts: Mapping[str, int]) -> Listing:
    columns = (
        Column("Id", lambda t: t.id),
        Column("Name", lambda t: t.name),
        Column("Synonyms", lambda t: ", ".join(t.synonyms) or "—", wrap=True),
        Column("Facts", lambda t: str(counts.get(t.id, 0)), "right"),
    )
    return Listing(
        "Topics",
        "No topics in the store.",
        columns,
        [Section(None, topics)],
        ("id", "type", "name", "synonyms", "facts"),
        extra=lambda t: {"type": "topic", "facts": counts.get(t.id, 0)},
        cites=False,
    )


# --- conflicts -----------------------------------------------------------------------------------


def _figure_block(figure: AnyFigure, notes: _Footnotes) -> str:
    from pakru.consistency import Derived

    lines = [f"{format_figure_value(figure)}, {figure.period}", figure.id]
    if isinstance(figure, Derived):
        lines.append(f"= {figure.formula}")
        return "\n".join(lines)
    for citation in figure.sources:
        lines.append(f"[{notes.number(citation.source)}] {citation_text(citation)}")
    return "\n".join(lines)


def _gap_text(check: Check) -> str:
    if check.gap is None:
        return "none" if check.agrees else "—"
    unit = check.a.unit
    if unit == "percent":
        return f"≥ {plain_number(check.gap)} points"
    return f"≥ {format_amount(check.gap, unit)}"


def conflicts_view(
    checks: Sequence[Check], fmt: OutputFormat, store: FactStore, *, everything: bool
) -> RenderableType | str:
    """Each pair side by side with quotes, the gap and why; with --all, the agreeing pairs too."""
    if fmt is OutputFormat.JSON:
        return json_text(with_citation_details([_check_json(c) for c in checks], store))
    if fmt is OutputFormat.CSV:
        return csv_text(
            ("kind", "agrees", "figure", "value", "against", "against_value", "gap", "reason"),
            (
                (c.kind, c.agrees, c.a.id, format_figure_value(c.a), c.b.id,
                 format_figure_value(c.b), _gap_text(c), c.reason)
                for c in checks
            ),
        )  # fmt: skip
    if not checks:
        return "No conflicts: every figure agrees with the others within its stated precision."
    notes = _Footnotes(store)
    rows = [
        (
            f"{METRIC_LABELS.get(c.a.metric, c.a.metric)}\n{c.kind}",
            _figure_block(c.a, notes),
            _figure_block(c.b, notes),
            _gap_text(c),
            ("agrees: " if c.agrees else "") + c.reason,
        )
        for c in checks
    ]
    title = "Checks between figures" if everything else "Conflicts between figures"
    if fmt is OutputFormat.MARKDOWN:
        head = "| What | Figure | Against | Gap | Why |\n| --- | --- | --- | --- | --- |"
        body = "\n".join(
            "| "
            + " | ".join(literal(cell).replace("|", "\\|").replace("\n", "<br>") for cell in row)
            + " |"
            for row in rows
        )
        return f"**{title}**\n\n{head}\n{body}\n\n" + "\n".join(f"- {n}" for n in notes.lines())
    table = Table(title=title, box=box.SIMPLE_HEAD, show_lines=True, title_justify="left")
    table.add_column("What", no_wrap=True)
    table.add_column("Figure", min_width=_MAIN_MIN_WIDTH, overflow="fold")
    table.add_column("Against", min_width=_MAIN_MIN_WIDTH, overflow="fold")
    table.add_column("Gap", no_wrap=True)
    table.add_column("Why", min_width=12, overflow="fold")
    for row in rows:
        table.add_row(*(Text(literal(cell)) for cell in row))
    return Group(table, Text("\n".join(literal(line) for line in notes.lines())))


def _check_json(check: Check) -> dict[str, Any]:
    return {
        "type": "conflict" if not check.agrees else "check",
        "kind": check.kind,
        "agrees": check.agrees,
        "reason": check.reason,
        "gap": None if check.gap is None else float(check.gap),
        "unit": check.a.unit,
        "figures": [check.a.to_json(), check.b.to_json()],
    }


# --- one record in full --------------------------------------------------------------------------


def show_view(
    record: Record, related: Mapping[str, Sequence[Any]], fmt: OutputFormat, store: FactStore
) -> RenderableType | str:
    """One record: every field, each citation with its quote and source, and related records."""
    data = record.to_json()
    if fmt is OutputFormat.JSON:
        data["related"] = {name: [_brief_json(r) for r in items] for name, items in related.items()}
        return json_text(with_citation_details(data, store))
    lines: list[tuple[str, str]] = []
    for key, value in data.items():
        if key in ("id", "type", "sources", "roles") or value in (None, [], ""):
            continue
        if key == "value" and isinstance(record, Figure):
            value = f"{format_figure_value(record)} ({record.value} {record.unit})"
        lines.append((key, _flatten(value) if not isinstance(value, str) else value))
    for role in getattr(record, "roles", ()):
        where = f", {_names(store, [role.organisation])}" if role.organisation else ""
        lines.append(("role", f"{role.title}{where}, attested {role.attested}"))
        lines.extend((f"  {c.kind}", _cite(c, store)) for c in role.sources)
    lines.extend((c.kind, _cite(c, store)) for c in getattr(record, "sources", ()))
    for name, items in related.items():
        if name == "history":
            lines.extend((name, _history_line(item, record, store)) for item in items)
        else:
            lines.extend((name, _brief(item)) for item in items)
    if fmt in (OutputFormat.MARKDOWN, OutputFormat.CSV):
        if fmt is OutputFormat.CSV:
            return csv_text(("field", "value"), lines)
        body = "\n".join(f"| {k} | {_md_cell(v)} |" for k, v in lines)
        return f"**{record.record_type} {record.id}**\n\n| field | value |\n| --- | --- |\n{body}"
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for key, value in lines:
        grid.add_row(Text(key), Text(literal(value)))
    from rich.panel import Panel

    return Panel(grid, title=Text(f"{record.record_type} {literal(record.id)}"), title_align="left")


def _cite(citation: Citation, store: FactStore) -> str:
    source = store.source(citation.source)
    return f"{citation_text(citation)} — {describe_source(source)}"


def _history_line(report: Any, shown: Record, store: FactStore) -> str:
    """A report in a history: what it said, its status, who reported it when, and where it
    stands (this record, superseded)."""
    status = getattr(report, "status", None)
    by = "; ".join(
        f"{source.publisher or source.title}, {source.published}"
        for c in report.sources
        if isinstance(source := store.by_id.get(c.source), Source)
    )
    here = " (this record)" if report.id == shown.id else ""
    later = any(report.id in getattr(r, "supersedes", ()) for r in store.records())
    stands = " — superseded" if later else ""
    return f"{_brief(report)}{f' [{status}]' if status else ''} — {by}{here}{stands}"


def _brief(item: Any) -> str:
    from pakru.consistency import Check, Derived

    if isinstance(item, Check):
        verdict = "agrees" if item.agrees else "CONFLICT"
        return f"{verdict}: {item.a.id} and {item.b.id}: {item.reason}"
    if isinstance(item, Derived):
        return f"{item.id}: {format_figure_value(item)} = {item.formula}"
    date = getattr(item, "date", None) or getattr(item, "period", None)
    name = (
        getattr(item, "title", None) or getattr(item, "name", None) or getattr(item, "subject", "")
    )
    return f"{item.id}: {f'{date} ' if date else ''}{name}"


def _brief_json(item: Any) -> dict[str, Any]:
    from pakru.consistency import Check

    if isinstance(item, Check):
        return _check_json(item)
    return {"id": item.id, "type": item.record_type, "summary": _brief(item)}


# --- check -------------------------------------------------------------------------------------


def check_summary(report: Any) -> list[str]:
    """`pakru check`'s output: every problem, then a one-line verdict."""
    lines = [str(problem) for problem in report.problems]
    if report.problems:
        lines.append(
            f"{len(report.problems)} problem(s) found; the store cannot be used until fixed."
        )
        return [literal(line) for line in lines]
    counts = ", ".join(
        f"{report.counts.get(kind, 0)} {kind}"
        for kind in ("sources", "actors", "events", "agreements", "figures", "topics")
    )
    quotes = report.citations.get("quote", 0)
    says = report.citations.get("says", 0)
    verified = (
        f"{report.quotes_checked} quotes found verbatim in their sources"
        if report.quotes_checked
        else f"{quotes} quotes (give --sources-dir to check them verbatim)"
    )
    return [f"OK: {counts}; citations: {verified}, {says} in the store's own words (says)."]


# --- search ------------------------------------------------------------------------------------


class SearchRow(NamedTuple):
    """One search hit, shaped like a record for the listing machinery."""

    hit: Any
    spans: Sequence[tuple[int, int]]

    @property
    def id(self) -> str:
        return str(self.hit.record.id)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = self.hit.record.to_json()
        return data | {
            "score": round(self.hit.score, 3),
            "matched": list(self.hit.fields),
            "snippet": self.hit.snippet,
        }


def _highlighted(row: SearchRow) -> Text:
    """The snippet with the matched words highlighted, and the id to `show` under it."""
    text = Text(literal(row.hit.snippet))
    if literal(row.hit.snippet) == row.hit.snippet:  # offsets hold only when nothing was escaped
        for start, end in row.spans:
            text.stylize("bold reverse", start, end)
    text.append(f"\n→ {literal(row.id)}")
    return text


def search_listing(rows: Sequence[SearchRow], text: str, total: int | None = None) -> Listing:
    columns = (
        Column("Type", lambda r: r.hit.record.record_type),
        Column("Match (→ id)", _highlighted, wrap=True),
        Column("Found in", lambda r: ", ".join(r.hit.fields), wrap=True, max_width=16),
    )
    return Listing(
        f"Search: {text}",
        f"Nothing matches {text!r}.",
        columns,
        [Section(None, rows)],
        ("id", "type", "score", "matched", "snippet"),
        caption="Best matches first; `pakru show ID` gives a record in full.",
        cites=False,
        total=total,
    )


# --- coverage ----------------------------------------------------------------------------------


def coverage_view(report: Coverage, fmt: OutputFormat) -> RenderableType | str:
    """What the store covers, table by table (facts per year or decade, per topic, per type;
    sources per year; the gaps to fill first), with a bar for each count of facts or sources."""
    from pakru.coverage import ROW_FIELDS

    if fmt is OutputFormat.JSON:
        return json_text(report.rows())
    if fmt is OutputFormat.CSV:
        cells = ([_flatten(row.get(name)) for name in ROW_FIELDS] for row in report.rows())
        return csv_text(ROW_FIELDS, cells)
    tables = _coverage_tables(report)
    if fmt is OutputFormat.MARKDOWN:
        parts = []
        for title, headers, rows, _bars, notes in tables:
            aligns = ["---:" if h in _COUNT_HEADERS else "---" for h in headers]
            lines = [f"**{title}**", "", "| " + " | ".join(headers) + " |"]
            lines.append("| " + " | ".join(aligns) + " |")
            lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
            if notes:
                lines += ["", *(f"- {literal(note)}" for note in notes)]
            parts.append("\n".join(lines))
        return "\n\n".join(parts)
    rendered: list[RenderableType] = []
    for title, headers, rows, bars, notes in tables:
        if rendered:
            rendered.append(Text(""))
        rendered.append(_count_table(title, headers, rows, bars))
        if notes:
            rendered.append(Prose("\n".join(literal(note) for note in notes)))
    return Group(*rendered)


# Columns of counts are right-justified.
_COUNT_HEADERS = ("Events", "Agreements", "Figures", "Facts", "Sources")

_CoverageTable = tuple[str, list[str], list[list[str]], list[int] | None, list[str]]


def _coverage_tables(report: Coverage) -> list[_CoverageTable]:
    """Each table of the report: title, headers, rows, the values to draw as bars, notes."""
    span = report.by.capitalize()
    facts = ["Events", "Agreements", "Figures", "Facts"]

    def counts(count: Any) -> list[str]:
        return [f"{n:,}" for n in (count.events, count.agreements, count.figures, count.facts)]

    periods = [[count.key or "no date", *counts(count)] for count in report.periods]
    # The topic's name only: its id is the name folded, and two columns of it crop the counts.
    topics = [[count.name or count.key or "", *counts(count)] for count in report.topics]
    types = [[f"{kind}s", f"{n:,}"] for kind, n in report.types.items()]
    types.append(["all facts", f"{sum(report.types.values()):,}"])
    sources = [[key or "no date", f"{n:,}"] for key, n in report.sources]
    gaps = [
        [_GAP_LABELS[gap.kind].format(gap.key), gap.detail + "".join(f"\n({i})" for i in gap.ids)]
        for gap in report.gaps
    ]
    return [
        (
            f"Facts by {report.by}",
            [span, *facts],
            periods,
            [count.facts for count in report.periods],
            [
                f"Each fact counts in the {report.by} its date or period starts (an interval "
                "open at its start, where it ends); a figure with no period, under no date."
            ],
        ),
        ("Facts by topic", ["Topic", *facts], topics, None, []),
        ("Facts by type", ["Type", "Facts"], types, None, []),
        (
            f"Sources by {report.by} of publication",
            [span, "Sources"],
            sources,
            [n for _, n in report.sources],
            [],
        ),
        (
            "Gaps to fill first",
            ["Gap", "Missing"],
            gaps or [["none", "no gap found"]],
            None,
            list(report.notes),
        ),
    ]


_GAP_LABELS = {
    "trade_total": "trade total, {}",
    "igc_session": "IGC session {}",
    "igc_date": "IGC session {} date",
}


def _count_table(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], bars: Sequence[int] | None
) -> Table:
    """A table of counts, laid out as `_table` lays out listings: each column that does not wrap
    as wide as its widest cell, and cells that pad themselves (see pakru.cells)."""
    table = Table(title=literal(title), box=box.SIMPLE_HEAD, title_justify="left", padding=0)
    for i, header in enumerate(headers):
        counts = header in _COUNT_HEADERS
        widest = max(
            cell_len(line)
            for cell in (header, *(row[i] for row in rows))
            for line in literal(cell).split("\n")
        )
        last = i == len(headers) - 1 and not counts and bars is None  # prose: it may wrap
        table.add_column(
            Cell(header),
            justify="right" if counts else "left",
            no_wrap=not last,
            overflow="fold",
            width=None if last else widest + 2 * CELL_PADDING,
            min_width=_MAIN_MIN_WIDTH + 2 * CELL_PADDING if last else None,
        )
    if bars is not None:
        table.add_column("", width=_BAR_WIDTH + 2 * CELL_PADDING, no_wrap=True)
    largest = max(bars, default=0) if bars is not None else 0
    for index, row in enumerate(rows):
        cells: list[RenderableType] = [Cell(literal(cell)) for cell in row]
        if bars is not None:
            from rich.bar import Bar

            value = bars[index]
            bar = Bar(largest, 0, value, width=_BAR_WIDTH) if value and largest else None
            cells.append(Padding(bar, (0, CELL_PADDING)) if bar else Cell(""))
        table.add_row(*cells)
    return table
