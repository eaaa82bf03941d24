"""Plain text laid out exactly as Rich lays out a `Text`, for the cells and notes of tables.

Rich's `Text` carries styles and spans, and laying one out (splitting, wrapping, justifying, then
cutting it into segments) is most of the time a table takes to print: a few milliseconds for the
first fifty rows of an answer, as long as the rest of the answer. Nearly every cell pakru shows is
text in one style, or with a few words highlighted. `Cell` draws such text as
`Padding(Text(text), (0, 1))` draws it in a table cell, and `Prose` as `Text(text)` prints below a
table, with the same breaks, widths, spaces and styles; whatever is not plain enough to be sure of
(a tab, a character that is not one cell wide, a word longer than the line) is handed to Rich's
own `Text`. The tests hold both to Rich's output on random texts and widths, character by
character and style by style.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.text import Span, Text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

CELL_PADDING = 1  # a table cell's spaces on each side, as Rich's tables pad by default
# A word as Rich's wrapping sees one: any spaces before it, the word, the spaces after it.
_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")
_NEWLINE = Segment.line()

# Characters known to take exactly one cell, learnt as texts are checked ("\n" ends a line).
_ONE_CELL = set(" \n")

# A line of a laid-out text: where in the text it starts, and what it holds.
Line = tuple[int, str]


def _single_width(text: str) -> bool:
    """Every character of `text` takes one cell: none is wide, zero-width, a tab or a control."""
    if _ONE_CELL.issuperset(text):
        return True
    for char in set(text) - _ONE_CELL:
        if cell_len(char) != 1:
            return False
        _ONE_CELL.add(char)
    return True


def _wrapped(line: str, start: int, width: int) -> list[Line] | None:
    """The pieces Rich's word wrap cuts a line (at `start` in its text) into at `width`, each with
    its trailing spaces cut back as Rich cuts them; None when a word is longer than the width
    (Rich folds it)."""
    breaks = [0]
    used = 0
    for word in _WORD.finditer(line):
        text = word.group()
        length = len(text.rstrip())
        if length > width:
            return None
        if width - used >= length:
            used += len(text)
        elif used and word.start():
            breaks.append(word.start())
            used = len(text)
    ends = [*breaks[1:], len(line)]
    return [(start + a, _cut_back(line[a:b], width)) for a, b in zip(breaks, ends, strict=True)]


def _cut_back(piece: str, width: int) -> str:
    """Text.rstrip_end: spaces past the width go, but no more of them than are past it."""
    excess = len(piece) - width
    if excess <= 0:
        return piece
    spaces = _TRAILING_SPACE.search(piece)
    return piece[: -min(len(spaces.group()), excess)] if spaces else piece


def _lines(text: str, width: int, wrap: bool) -> list[Line] | None:
    """The lines of `text` in `width` cells as Rich's Text makes them before justifying, or None
    when Rich must lay it out itself."""
    if width < 1 or not _single_width(text):
        return None
    lines: list[Line] = []
    start = 0
    for line in text.split("\n"):
        if not wrap:
            if len(line) > width:
                return None
            lines.append((start, line))
        else:
            pieces = _wrapped(line, start, width)
            if pieces is None:
                return None
            lines += pieces
        start += len(line) + 1
    return lines


def _segments(
    console: Console, line: Line, length: int, spans: Sequence[Span]
) -> Iterator[Segment]:
    """The first `length` characters of a line, cut where highlights begin and end."""
    start, text = line
    at = 0
    for span in spans:
        begin, end = max(span.start - start, at), min(span.end - start, length)
        if begin >= end:
            continue
        if begin > at:
            yield Segment(text[at:begin])
        yield Segment(text[begin:end], console.get_style(span.style))
        at = end
    if at < length:
        yield Segment(text[at:length])


class Cell:
    """A table cell of text, with highlighted spans (which must not overlap) or none: drawn as
    `Padding(Text(text, spans=spans), (0, 1))` would be."""

    __slots__ = ("spans", "text")

    def __init__(self, text: str, spans: Sequence[Span] = ()) -> None:
        self.text = text
        self.spans = sorted(spans)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = options.max_width
        if width - 2 * CELL_PADDING < 1:
            return Measurement(width, width)
        text = self.text
        lines = text.splitlines()
        longest = max(cell_len(line) for line in lines) if lines else 0
        words = text.split()
        widest_word = max(cell_len(word) for word in words) if words else longest
        inner = Measurement(widest_word, longest).normalize().with_maximum(width)
        low, high = (0, 0) if inner.maximum < 1 else inner.normalize()
        return Measurement(low + 2 * CELL_PADDING, high + 2 * CELL_PADDING).with_maximum(width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        inner = options.max_width - 2 * CELL_PADDING
        justify = options.justify
        lines = _lines(self.text, inner, not options.no_wrap)
        if lines is None or justify not in ("left", "right") or options.height is not None:
            yield Padding(Text(self.text, spans=list(self.spans)), (0, CELL_PADDING))
            return
        side = " " * CELL_PADDING
        for line in lines:
            # What a line holds past the width can only be spaces, which the cell's edge covers.
            text = line[1]
            shown = len(text.rstrip()) if justify == "right" else min(len(text), inner)
            gap = " " * (inner - shown)
            if not self.spans:  # the usual cell: one segment a line
                filled = f"{gap}{text[:shown]}" if justify == "right" else f"{text[:shown]}{gap}"
                yield Segment(f"{side}{filled}{side}")
            else:
                yield Segment(side + gap if justify == "right" else side)
                yield from _segments(console, line, shown, self.spans)
                yield Segment(side if justify == "right" else gap + side)
            yield _NEWLINE


def whole_words(text: str, width: int, indent: str = "") -> list[str]:
    """Text wrapped at spaces and never inside a word: one longer than the line (a URL, a long
    id) stands whole on a line of its own, for the terminal to wrap (Rich would fold it)."""
    import textwrap

    return [
        piece
        for line in text.split("\n")
        for piece in textwrap.wrap(
            line,
            width,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        or [line]
    ]


class Prose:
    """Plain text printed across the console, as `Text(text)` would be, except that a word
    longer than the line is left whole (see `whole_words`)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = _lines(self.text, options.max_width, not options.no_wrap)
        if lines is None or options.justify not in (None, "default"):
            width = options.max_width
            if any(cell_len(word) > width for word in self.text.split()):
                laid_out = "\n".join(whole_words(self.text, width))
                yield Text(laid_out, no_wrap=True, overflow="ignore")
            else:
                yield Text(self.text)
            return
        for _, line in lines:
            yield Segment(line)
            yield _NEWLINE
