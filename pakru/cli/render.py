"""Turning answers into what the user reads: Rich tables with their sources, JSON, CSV or Markdown.

Functions here return text or renderables; only the CLI prints them.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from pakru.cli.cells import CELL_PADDING, Cell, Prose, whole_words
from pakru.cli.options import OutputFormat
from pakru.domain.records import (
    DONE_STATUSES,
    FLOW_METRICS,
    Actor,
    Agreement,
    Citation,
    Event,
    FactStore,
    Figure,
    Record,
    Source,
    Topic,
    iso_span,
    json_number,
    metric_label,
)
from pakru.domain.types import Period, Precision, format_amount, plain_number

if TYPE_CHECKING:  # consistency is imported where its records are told apart: few answers need it
    from pakru.answers.coverage import Coverage
    from pakru.domain.consistency import AnyFigure, Check, Derived
    from pakru.domain.filters import Filters
    from pakru.domain.search import Hit

# Below this a prose column is unreadable; on a very narrow terminal the others give way instead.
_MAIN_MIN_WIDTH = 12
_SIDE_MIN_WIDTH = 8
_CONFLICT_MARK = "≠"
SAYS_MARK = "†"
SUPERSEDES_MARK = "⟳"
SUPERSEDED_MARK = "⊘"
_BAR_WIDTH = 12


def make_console(stderr: bool = False, file: IO[str] | None = None) -> Console:
    """The one place consoles are made; Rich itself detects terminals, pipes and NO_COLOR."""
    console = Console(stderr=stderr, file=file, highlight=False, emoji=False, markup=False)
    if console.width < 1:
        # Rich takes `COLUMNS=0` at its word and prints nothing at all, which reads as "nothing
        # matched"; a width of 0 means "unknown", as when a terminal reports 0, and the standard
        # library's rule for that (the terminal's own width, else 80) applies.
        import shutil

        console.width = shutil.get_terminal_size().columns
    return console


def literal(text: str) -> str:
    """Show control characters (terminal escapes, carriage returns) as escapes, never raw."""
    if text.isprintable() or text.replace("\n", "").isprintable():  # a cell of several lines
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


def _period_cell(figure: AnyFigure) -> str:
    """The period, and for a flow its length in months when it is shorter than a year."""
    period = figure.period
    if period is None:
        return "—"
    if figure.metric not in FLOW_METRICS or not _is_partial(period):
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
    # Only prose wraps, at spaces. Every other column (dates, periods, values, ids, source marks)
    # must not wrap: it keeps its full width at any terminal width, for a cut value is a wrong
    # value; when a table cannot give it that, the rows print as blocks (see FittedTable).
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
    fields: Sequence[str]  # of each row in JSON and CSV alike, in order
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
        return list(self.json_rows())

    def json_rows(self) -> Iterator[dict[str, Any]]:
        """Each row with the listing's fields, and only those: a field a row has no value for
        is null, so that every row, and the CSV header, has the same keys. Made one at a time,
        as they are written."""
        for section in self.sections:
            for item in section.items:
                row = item.to_json()
                if hasattr(item, "supersedes"):  # a reported fact, not one pakru derived
                    row["superseded"] = item.id in self.superseded
                if self.extra is not None:
                    row |= self.extra(item)
                yield {name: row.get(name) for name in self.fields}


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
    return _CitationDetails(store).add(data)


class _CitationDetails:
    """Adds its source's details to each citation of JSON data, describing each source once:
    every row of a large answer passes through here."""

    def __init__(self, store: FactStore) -> None:
        self.store = store
        self.described: dict[str, dict[str, Any]] = {}

    def add(self, data: Any) -> Any:
        nested = (list, dict)
        if isinstance(data, list):
            return [self.add(item) if isinstance(item, nested) else item for item in data]
        if not isinstance(data, dict):
            return data
        out = {
            key: self.add(value) if isinstance(value, nested) else value
            for key, value in data.items()
        }
        if "source" in data and ("quote" in data or "says" in data):
            out |= self.describe(data["source"])
        return out

    def describe(self, source_id: Any) -> dict[str, Any]:
        details = self.described.get(source_id)
        if details is None:
            source = self.store.by_id.get(source_id)
            details = self.described[source_id] = (
                {
                    "title": source.title,
                    "publisher": source.publisher,
                    "published": str(source.published),
                    "url": source.url,
                }
                if isinstance(source, Source)
                else {}
            )
        return details


def render(
    listing: Listing, fmt: OutputFormat, store: FactStore, limit: int | None = None
) -> RenderableType | str | DataStream:
    """The listing in the format asked for, its first `limit` rows (None: all of them): a
    renderable for a table, text for Markdown, and JSON or CSV made row by row as it is
    written."""
    listing = first_rows(listing, limit)
    if fmt in (OutputFormat.JSON, OutputFormat.CSV):
        details = _CitationDetails(store)
        rows = (details.add(row) for row in listing.json_rows())
        return DataStream(data_pieces(listing.fields, rows, fmt), json=fmt is OutputFormat.JSON)
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
    return more_rows_note(len(listing.items), listing.total)


def more_rows_note(shown: int, total: int | None) -> list[str]:
    """The line that says a table shows only its first rows, when it does."""
    if total is None or total <= shown:
        return []
    return [
        f"Showing the first {shown:,} of {total:,} rows: --limit N shows more, --limit 0 every row."
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
    columns = list(listing.columns)
    if listing.cites:
        columns.append(Column("Src", str))  # source marks: never wrapped, never cut
    return FittedTable(
        listing.title, listing.caption, columns, sections, footer, bars=_bars(listing)
    )


def _plain(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else literal(cell)


class FittedTable:
    """A table laid out for the width it is printed at. Columns that do not wrap (dates,
    periods, values, ids, source marks) keep their full width; prose columns wrap at spaces and
    are never narrower than their longest word, so no word is ever cut or folded. When even that
    does not fit, each row prints as a block of `label: value` lines (as `gh` and `kubectl` fall
    back), with the title, the section labels and the notes: still complete."""

    def __init__(
        self,
        title: str | None,
        caption: str | None,
        columns: Sequence[Column],
        sections: Rows,
        footer: Sequence[str] = (),
        *,
        bars: Callable[[str | None, int], RenderableType] | None = None,
        show_lines: bool = False,
    ) -> None:
        self.title = title
        self.caption = caption
        self.columns = columns
        self.sections = sections
        self.footer = footer
        self.bars = bars
        self.show_lines = show_lines
        lines = [[cell_len(line) for line in column.header.split("\n")] for column in columns]
        words = [
            [cell_len(word) for word in column.header.split()] if column.wrap else []
            for column in columns
        ]
        for _, rows in sections:
            for row in rows:
                for i, cell in enumerate(row):
                    text = _plain(cell)
                    lines[i].extend(cell_len(line) for line in text.split("\n"))
                    if columns[i].wrap:
                        words[i].extend(cell_len(word) for word in text.split())
        self.widest = [max(found) for found in lines]
        self.longest_word = [max(found, default=1) for found in words]
        # A section's label sits in a prose column when it is wider than the first: that column
        # grows to hold it on one line if there is room (it wraps if not).
        self.label_column = next((i for i, column in enumerate(columns) if column.wrap), 0)
        labels = [cell_len(literal(label)) for label, _ in sections if label]
        self.label_widest = max((n for n in labels if n > self.widest[0]), default=0)

    def widths(self, available: int, bars: bool = False) -> list[int] | None:
        """Each column's width inside its padding at `available` cells (with room for the bars
        or not), or None when the columns that do not wrap and readable prose columns cannot all
        fit (the rows print as blocks)."""
        padded = 2 * CELL_PADDING
        # One separator between columns (the table has no edges), and the bars' own column.
        extra = len(self.columns) - 1 + (_BAR_WIDTH + padded + 1 if bars else 0)
        least = []
        most = []
        for i, (column, widest, word) in enumerate(
            zip(self.columns, self.widest, self.longest_word, strict=True)
        ):
            if i == self.label_column and column.wrap:
                widest = max(widest, self.label_widest)
            if not column.wrap:
                least.append(widest)
                most.append(widest)
            elif column.max_width is None:  # a main prose column: readable, or as wide as it is
                least.append(max(word, min(widest, _MAIN_MIN_WIDTH)))
                most.append(max(widest, _MAIN_MIN_WIDTH))
            else:  # a side column of prose: narrower still, but not a column of broken phrases
                least.append(max(word, min(widest, _SIDE_MIN_WIDTH)))
                most.append(max(word, min(widest, column.max_width)))
        room = available - extra - padded * len(self.columns)
        if sum(least) > room:
            return None
        spare = room - sum(least)
        growth = [high - low for low, high in zip(least, most, strict=True)]
        if spare >= sum(growth):
            return most
        # Shared by how much each column would grow to show its cells unwrapped.
        shares = [spare * grow // sum(growth) for grow in growth]
        return [low + share for low, share in zip(least, shares, strict=True)]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        # Bars only illustrate the counts beside them: on a narrow terminal they go first.
        bars = self.bars is not None and self.widths(width, bars=True) is not None
        widths = self.widths(width, bars)
        if widths is None:
            yield from self._blocks(width)
        else:
            yield self._table(widths, bars)
            # The table has no edges: a blank line sets what is said about it apart.
            if self.caption or self.footer:
                yield Text("")
            if self.caption:
                yield Prose(literal(self.caption))
        if self.footer:
            yield Prose("\n".join(literal(line) for line in self.footer))

    def _table(self, widths: Sequence[int], bars: bool) -> Table:
        # Cells pad themselves (a plain one without Rich's general text layout): see
        # pakru.cli.cells. Every column is given its width: Rich need not measure a cell, and cannot
        # narrow a column that must not wrap.
        table = Table(
            title=literal(self.title) if self.title else None,
            box=box.SIMPLE_HEAD,
            show_edge=False,
            title_justify="left",
            padding=0,
            show_lines=self.show_lines,
        )
        for column, width in zip(self.columns, widths, strict=True):
            table.add_column(
                Cell(column.header),
                justify=column.justify,
                no_wrap=not column.wrap,
                overflow="fold",
                width=width + 2 * CELL_PADDING,
            )
        if bars:
            table.add_column("", width=_BAR_WIDTH + 2 * CELL_PADDING, no_wrap=True)
        for number, (label, rows) in enumerate(self.sections):
            if number:
                table.add_section()
            if label:
                table.add_row(*self._label_row(label))
            for index, row in enumerate(rows):
                cells: list[RenderableType] = [_cell(cell) for cell in row]
                if bars and self.bars is not None:
                    cells.append(self.bars(label, index))
                table.add_row(*cells)
        return table

    def _label_row(self, label: str) -> list[RenderableType]:
        """A section's label, in the first column if it fits there, else in the first prose
        column."""
        cells: list[RenderableType] = [Cell("") for _ in self.columns]
        at = 0 if cell_len(literal(label)) <= self.widest[0] else self.label_column
        cells[at] = _cell(Text(literal(label), style="bold"))
        return cells

    def _blocks(self, width: int) -> Iterator[RenderableType]:
        heading = whole_words(literal(self.title), width) if self.title else []
        if self.caption:
            heading += whole_words(literal(self.caption), width)
        if heading:
            yield _unwrapped("\n".join(heading))
        for label, rows in self.sections:
            if label:
                yield Text("")
                yield _unwrapped("\n".join(whole_words(literal(label), width)), style="bold")
            for row in rows:
                lines: list[str] = []
                for column, cell in zip(self.columns, row, strict=False):
                    header = column.header.replace("\n", " ")
                    lines += _field_lines(header, _plain(cell), width, prose=column.wrap)
                yield Text("")
                yield _unwrapped("\n".join(lines))
        if self.footer:
            yield Text("")


def _field_lines(label: str, value: str, width: int, *, prose: bool) -> list[str]:
    """`label: value` as lines: each further line of the value indented under it; prose wrapped,
    anything else (a date, a value, an id, a source mark) kept on its line whole."""
    first, *more = value.split("\n")
    if not first and not more:
        return []
    lines = [f"{label}: {first}", *(f"  {line}" for line in more)]
    if not prose:
        return lines
    return [piece for line in lines for piece in whole_words(line, width, "  ")]


def _unwrapped(text: str, style: str = "") -> Text:
    """Lines already laid out: printed as they are, a word longer than the line included."""
    return Text(text, style=style, no_wrap=True, overflow="ignore")


def _cell(cell: str | Text) -> RenderableType:
    """A table cell, drawn by pakru.cli.cells when it is text with highlights at most, else by Rich
    (a text in a style of its own, such as a section's label)."""
    if not isinstance(cell, Text):
        return Cell(literal(cell))
    if cell.style:
        return Padding(cell, (0, CELL_PADDING))
    return Cell(cell.plain, cell.spans)


def _bars(listing: Listing) -> Callable[[str | None, int], RenderableType] | None:
    """A horizontal bar for each row whose value the listing charts, scaled to the largest."""
    bars = listing.bars
    if not bars:
        return None
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
    aligns = ["---:" if c.justify == "right" else "---" for c in listing.columns]
    aligns += ["---"] * listing.cites
    return _markdown_table(
        listing.title, listing.caption, _headers(listing), aligns, sections, footer
    )


def _markdown_table(
    title: str,
    caption: str | None,
    headers: Sequence[str],
    aligns: Sequence[str],
    sections: Rows,
    footer: Sequence[str],
) -> str:
    """A Markdown table under its title, each section's label in bold, the notes as a list."""

    def cells(values: Sequence[str]) -> str:
        return "| " + " | ".join(values) + " |"

    lines = [f"**{_md_cell(title)}**", ""]
    if caption:
        lines += [f"_{_md_cell(caption)}_", ""]
    lines += [cells([_md_cell(h) for h in headers]), cells(aligns)]
    for label, rows in sections:
        if label:
            lines.append(cells([f"**{_md_cell(label)}**"] + [""] * (len(headers) - 1)))
        lines += [cells([_md_text(cell) for cell in row]) for row in rows]
    if footer:
        lines += ["", *(f"- {_md_cell(note)}" for note in footer)]
    return "\n".join(lines)


# What Markdown would read as markup inside a line: emphasis, code, links, HTML, table cells,
# strikethrough, and an entity such as `&lt;`; a `#` that opens a line would make a heading.
_MARKDOWN_MARKUP = re.compile(r"[\\`*_<>\[\]|~]|&(?=#?\w+;)|^#", re.MULTILINE)
# A web address, written as an autolink: inside `<...>` nothing is markup, so it needs no escapes
# (which would break it) and stays one link.
_ADDRESS = re.compile(r"https?://[^\s<>|]+")


def _md_cell(text: str) -> str:
    """Text from the store (or about it) as Markdown that shows it literally, on one line."""
    out, at = [], 0
    shown = literal(text)
    for address in _ADDRESS.finditer(shown):
        out += [_md_escape(shown[at : address.start()]), f"<{address[0]}>"]
        at = address.end()
    return "".join([*out, _md_escape(shown[at:])]).replace("\n", "<br>")


def _md_escape(text: str) -> str:
    return _MARKDOWN_MARKUP.sub(lambda found: "\\" + found[0], text)


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


# The one rule by which a CSV row is made from a JSON row: the README's "Output formats" says it.
LIST_JOINER = "; "


def csv_cell(value: object) -> str:
    """A JSON value as a CSV cell: text as it is; null as nothing; a list of text or numbers
    joined with `LIST_JOINER`; anything else (a number, true or false, an object, a list of
    objects) as compact JSON."""
    import json

    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value):
        return LIST_JOINER.join(csv_cell(v) for v in value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def data_text(fields: Sequence[str], rows: Iterable[Mapping[str, Any]], fmt: OutputFormat) -> str:
    """Rows as JSON, or as CSV with `fields` as its header and each cell made by `csv_cell`:
    both from the same rows, so the two formats cannot tell different stories."""
    text = "".join(data_pieces(fields, rows, fmt))
    return JsonText(text) if fmt is OutputFormat.JSON else text


class DataStream:
    """JSON or CSV text in pieces, made as they are written: every row of a large answer is
    never held at once, as rows nor as text."""

    def __init__(self, pieces: Iterable[str], *, json: bool) -> None:
        self.pieces = pieces
        self.json = json  # a stream that cannot encode a character carries it escaped

    def __iter__(self) -> Iterator[str]:
        return iter(self.pieces)


def data_pieces(
    fields: Sequence[str], rows: Iterable[Mapping[str, Any]], fmt: OutputFormat
) -> Iterator[str]:
    """The text of `data_text`, a row at a time."""
    if fmt is OutputFormat.JSON:
        return _json_pieces(rows)
    return _csv_pieces(fields, ([csv_cell(row.get(name)) for name in fields] for row in rows))


# csv and json are imported where they are used: a table, the usual answer, needs neither.


def _json_pieces(rows: Iterable[object]) -> Iterator[str]:
    """A JSON array, as `json_text` writes it, one element at a time: each is the same element
    written alone, one level further in (a newline in JSON text is only ever indentation)."""
    import json
    from json.encoder import encode_basestring  # the C one, as ensure_ascii=False has it

    encode = json.JSONEncoder(ensure_ascii=False, indent=2).encode  # as json.dumps makes it
    before = "[\n  "
    for row in rows:
        parts: list[str] = [before]
        try:
            _indented(row, "  ", parts.append, encode_basestring)
        except _Unusual:
            parts[1:] = [encode(row).replace("\n", "\n  ")]
        yield "".join(parts)
        before = ",\n  "
    yield "[]" if before == "[\n  " else "\n]"


class _Unusual(Exception):
    """A value `_indented` leaves to the json module (a subclass, a key that is not text)."""


_LITERALS = {None: "null", True: "true", False: "false"}


def _indented(
    value: object, indent: str, out: Callable[[str], None], string: Callable[[str], str]
) -> None:
    """`value` as `json.dumps(value, ensure_ascii=False, indent=2)` writes it, its lines after
    the first starting with `indent`. The json module writes indented JSON in Python, a generator
    per value, which was most of the time of every row of a large answer; this writes the plain
    types JSON rows are made of, a piece per value, with the module's own string encoder."""
    kind = type(value)
    if kind is str:
        out(string(value))  # type: ignore[arg-type]
    elif kind is dict:
        assert isinstance(value, dict)
        if not value:
            out("{}")
            return
        inner = indent + "  "
        before, between = "{\n" + inner, ",\n" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            if type(item) is str:
                out(f"{before}{string(key)}: {string(item)}")
            elif item is None:
                out(f"{before}{string(key)}: null")
            else:
                out(f"{before}{string(key)}: ")
                _indented(item, inner, out, string)
            before = between
        out("\n" + indent + "}")
    elif kind is list:
        assert isinstance(value, list)
        if not value:
            out("[]")
            return
        inner = indent + "  "
        before, between = "[\n" + inner, ",\n" + inner
        for item in value:
            if type(item) is str:
                out(before + string(item))
            else:
                out(before)
                _indented(item, inner, out, string)
            before = between
        out("\n" + indent + "]")
    elif value is None or kind is bool:
        out(_LITERALS[value])  # type: ignore[index]
    elif kind is int:
        out(int.__repr__(value))
    elif kind is float:
        out(_float_json(value))  # type: ignore[arg-type]
    else:
        raise _Unusual


def _float_json(number: float) -> str:
    """A float as the json module writes it (which allows NaN and the infinities)."""
    if number != number:
        return "NaN"
    if number in (float("inf"), float("-inf")):
        return "Infinity" if number > 0 else "-Infinity"
    return float.__repr__(number)


def _csv_pieces(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """CSV a row at a time, each row's line ending written before the next row (the text ends
    without one, as every answer's text does)."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    separator = ""
    for row in itertools.chain([header], rows):
        writer.writerow(row)
        yield separator + out.getvalue().removesuffix("\n")
        out.seek(0)
        out.truncate()
        separator = "\n"


class JsonText(str):
    """JSON, which a stream that cannot encode a character carries escaped, not replaced."""

    __slots__ = ()


def json_text(data: object, *, indent: int | None = 2) -> str:
    import json

    return JsonText(json.dumps(data, ensure_ascii=False, indent=indent))


# --- the columns of each kind of row ------------------------------------------------------------


def _names(store: FactStore, ids: Sequence[str]) -> str:
    return ", ".join(getattr(store.by_id.get(i), "name", i) for i in ids)


def _with_place(title: str, place: str | None) -> str:
    return f"{title} — {place}" if place and place.casefold() not in title.casefold() else title


def _figure_columns(store: FactStore) -> tuple[Column, ...]:
    return (
        Column("Period", _period_cell),
        Column("Measure", lambda f: metric_label(f.metric)),
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


# The fields of each kind of row: the record's own, then what the listing adds. A derived figure
# has its formula, inputs and range; `superseded` and `disagrees_with` are answers, not records.
FIGURE_FIELDS = (*Figure.json_keys, "formula", "inputs", "range", "superseded", "disagrees_with")
EVENT_FIELDS = (*Event.json_keys, "superseded")
AGREEMENT_FIELDS = (*Agreement.json_keys, "superseded")
TIMELINE_FIELDS = tuple(dict.fromkeys((*Event.json_keys, *Agreement.json_keys, "superseded")))


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
        TIMELINE_FIELDS,
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
        Actor.json_keys,
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
        (*Source.json_keys, "facts"),
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
        (*Topic.json_keys, "facts"),
        extra=lambda t: {"type": "topic", "facts": counts.get(t.id, 0)},
        cites=False,
    )


# --- conflicts -----------------------------------------------------------------------------------


def _figure_block(figure: AnyFigure, notes: _Footnotes) -> str:
    from pakru.domain.consistency import Derived

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
    checks: Sequence[Check],
    fmt: OutputFormat,
    store: FactStore,
    *,
    everything: bool,
    total: int | None = None,
) -> RenderableType | str:
    """Each pair side by side with quotes, the gap and why; with --all, the agreeing pairs too.
    `total` is how many there are, when `checks` holds only the first ones."""
    if fmt in (OutputFormat.JSON, OutputFormat.CSV):
        rows = with_citation_details([_check_json(c) for c in checks], store)
        return data_text(CHECK_FIELDS, rows, fmt)
    if not checks:
        return "No conflicts: every figure agrees with the others within its stated precision."
    notes = _Footnotes(store)
    rows = [
        (
            f"{metric_label(c.a.metric)}\n{c.kind}",
            _figure_block(c.a, notes),
            _figure_block(c.b, notes),
            _gap_text(c),
            ("agrees: " if c.agrees else "") + c.reason,
        )
        for c in checks
    ]
    title = "Checks between figures" if everything else "Conflicts between figures"
    columns = (
        Column("What", str),
        Column("Figure", str, wrap=True),
        Column("Against", str, wrap=True),
        Column("Gap", str),
        Column("Why", str, wrap=True),
    )
    sections: Rows = [(None, [list(row) for row in rows])]
    footer = [*more_rows_note(len(checks), total), *notes.lines()]
    if fmt is OutputFormat.MARKDOWN:
        headers = [column.header for column in columns]
        return _markdown_table(title, None, headers, ["---"] * len(columns), sections, footer)
    return FittedTable(title, None, columns, sections, footer, show_lines=True)


# A check names its two figures and their values flat, for a spreadsheet; `figures` holds both in
# full (in CSV as JSON text, like every list of objects).
CHECK_FIELDS = (
    "type", "kind", "agrees", "reason", "gap", "unit", "figure", "value", "period", "start", "end",
    "against", "against_value", "against_period", "against_start", "against_end", "figures",
)  # fmt: skip


def _check_json(check: Check) -> dict[str, Any]:
    figure, against = check.a.to_json(), check.b.to_json()
    return {
        "type": "conflict" if not check.agrees else "check",
        "kind": check.kind,
        "agrees": check.agrees,
        "reason": check.reason,
        "gap": None if check.gap is None else json_number(check.gap),
        "unit": check.a.unit,
        "figure": figure["id"],
        **{name: figure[name] for name in ("value", "period", "start", "end")},
        "against": against["id"],
        **{f"against_{name}": against[name] for name in ("value", "period", "start", "end")},
        "figures": [figure, against],
    }


# --- one record in full --------------------------------------------------------------------------


def show_view(
    record: Record, related: Mapping[str, Sequence[Any]], fmt: OutputFormat, store: FactStore
) -> RenderableType | str:
    """One record: every field, each citation with its quote and source, and related records."""
    data = record.to_json()
    if fmt in (OutputFormat.JSON, OutputFormat.CSV):
        data["related"] = {name: [_brief_json(r) for r in items] for name, items in related.items()}
        data = with_citation_details(data, store)
        # One record: JSON gives it as an object, CSV as a header and one row of the same fields.
        return json_text(data) if fmt is OutputFormat.JSON else data_text(list(data), [data], fmt)
    lines: list[tuple[str, str]] = []
    for key, value in data.items():
        # The date's first and last day are for programs; a reader has the date itself.
        if key in ("id", "type", "sources", "roles", "start", "end") or value in (None, [], ""):
            continue
        if key == "value" and isinstance(record, Figure):
            value = f"{format_figure_value(record)} ({record.value} {record.unit})"
        lines.append((key, csv_cell(value)))
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
    if fmt is OutputFormat.MARKDOWN:
        body = "\n".join(f"| {_md_cell(k)} | {_md_cell(v)} |" for k, v in lines)
        heading = _md_cell(f"{record.record_type} {record.id}")
        return f"**{heading}**\n\n| field | value |\n| --- | --- |\n{body}"
    return _RecordPanel(f"{record.record_type} {literal(record.id)}", lines)


class _RecordPanel:
    """A record's fields beside their names in a panel; on a terminal too narrow for the longest
    word of a value (an id, a URL) beside the names, `field: value` lines instead, so that
    nothing is cut."""

    def __init__(self, title: str, fields: Sequence[tuple[str, str]]) -> None:
        self.title = title
        self.fields = [(key, literal(value)) for key, value in fields]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        names = max((cell_len(key) for key, _ in self.fields), default=0)
        words = max((cell_len(w) for _, value in self.fields for w in value.split()), default=0)
        # The panel's borders and padding take 4 cells; the space between name and value, 2.
        if 4 + max(names + 2 + max(words, _MAIN_MIN_WIDTH), cell_len(self.title)) <= width:
            from rich.panel import Panel

            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column()
            for key, value in self.fields:
                grid.add_row(Text(key), Text(value))
            yield Panel(grid, title=Text(self.title), title_align="left")
            return
        lines = whole_words(self.title, width)
        for key, value in self.fields:
            lines += _field_lines(key, value, width, prose=True)
        yield _unwrapped("\n".join(lines))


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
    from pakru.domain.consistency import Check, Derived

    if isinstance(item, Check):
        verdict = "agrees" if item.agrees else "CONFLICT"
        return f"{verdict}: {item.a.id} and {item.b.id}: {item.reason}"
    if isinstance(item, Derived):
        return f"{item.id}: {format_figure_value(item)} = {item.formula}"
    date = getattr(item, "date", None) or getattr(item, "period", None)
    return f"{item.id}: {f'{date} ' if date else ''}{_heading(item)}"


def _heading(item: Any) -> str:
    """What a record is called: its title, name or (a figure) subject."""
    heading = (
        getattr(item, "title", None) or getattr(item, "name", None) or getattr(item, "subject", "")
    )
    return str(heading)


def _brief_json(item: Any) -> dict[str, Any]:
    from pakru.domain.consistency import Check

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
    """One search hit (`pakru.domain.search.Hit`), shaped like a record for the listing
    machinery."""

    hit: Hit

    @property
    def id(self) -> str:
        return str(self.hit.record.id)

    def to_json(self) -> dict[str, Any]:
        """The hit, with the same fields whatever its record's type: what it is called, its date
        (a figure's period, a source's publication), what matched. `pakru show ID` has the rest."""
        record = self.hit.record
        dated = getattr(record, record.dated_by) if record.dated_by else None
        return {
            "id": record.id,
            "type": record.record_type,
            "title": _heading(record),
            "date": None if dated is None else str(dated),
            **iso_span(dated),
            "score": round(self.hit.score, 3),
            "matched": list(self.hit.fields),
            "snippet": self.hit.snippet,
        }


SEARCH_FIELDS = ("id", "type", "title", "date", "start", "end", "score", "matched", "snippet")


def _highlighted(row: SearchRow) -> Text:
    """The snippet with the matched words highlighted, and the id to `show` under it."""
    text = Text(literal(row.hit.snippet))
    if literal(row.hit.snippet) == row.hit.snippet:  # offsets hold only when nothing was escaped
        for start, end in row.hit.spans:
            text.stylize("bold reverse", start, end)
    text.append(f"\n→ {literal(row.id)}")
    return text


def search_listing(hits: Sequence[Hit], text: str, total: int | None = None) -> Listing:
    """The hits of a search (`pakru.domain.search.Hit`), best first."""
    rows = [SearchRow(hit) for hit in hits]
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
        SEARCH_FIELDS,
        caption="Best matches first; `pakru show ID` gives a record in full.",
        cites=False,
        total=total,
    )


# --- coverage ----------------------------------------------------------------------------------


def coverage_view(report: Coverage, fmt: OutputFormat) -> RenderableType | str:
    """What the store covers, table by table (facts per year or decade, per topic, per type;
    sources per year; the gaps to fill first), with a bar for each count of facts or sources."""
    from pakru.answers.coverage import ROW_FIELDS

    if fmt in (OutputFormat.JSON, OutputFormat.CSV):
        return data_text(ROW_FIELDS, report.rows(), fmt)
    tables = _coverage_tables(report)
    if fmt is OutputFormat.MARKDOWN:
        parts = []
        for title, headers, rows, _bars, notes in tables:
            aligns = ["---:" if h in _COUNT_HEADERS else "---" for h in headers]
            lines = [f"**{title}**", "", "| " + " | ".join(headers) + " |"]
            lines.append("| " + " | ".join(aligns) + " |")
            lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
            if notes:
                lines += ["", *(f"- {_md_cell(note)}" for note in notes)]
            parts.append("\n".join(lines))
        return "\n\n".join(parts)
    rendered: list[RenderableType] = []
    for title, headers, rows, bars, notes in tables:
        if rendered:
            rendered.append(Text(""))
        rendered.append(_count_table(title, headers, rows, bars, notes))
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
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    bars: Sequence[int] | None,
    notes: Sequence[str],
) -> FittedTable:
    """A table of counts, fitted as listings are: counts and keys never wrap; the last column,
    unless it holds counts or is charted, is prose."""
    columns = [
        Column(
            header,
            str,
            "right" if header in _COUNT_HEADERS else "left",
            wrap=i == len(headers) - 1 and header not in _COUNT_HEADERS and bars is None,
        )
        for i, header in enumerate(headers)
    ]
    chart = None
    if bars is not None:
        largest = max(bars, default=0)

        def chart(label: str | None, index: int) -> RenderableType:
            from rich.bar import Bar

            value = bars[index]
            if not value or not largest:
                return Cell("")
            return Padding(Bar(largest, 0, value, width=_BAR_WIDTH), (0, CELL_PADDING))

    cells: list[list[str | Text]] = [[literal(cell) for cell in row] for row in rows]
    return FittedTable(title, None, columns, [(None, cells)], notes, bars=chart)
