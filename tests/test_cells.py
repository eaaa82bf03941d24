"""pakru.cli.cells draws plain text exactly as Rich's Text would: same characters, same styles."""

from __future__ import annotations

import io
from typing import Literal

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich import box
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Span, Text

from pakru.cli.cells import Cell, Prose

# Words as pakru's cells hold them, and what Rich must be left to lay out: wide and zero-width
# characters, tabs, words longer than a line, runs of spaces and blank lines.
WORDS = st.one_of(
    st.sampled_from(["Pakistan–Russia", "trade", "$1.81 bn", "[1]", "≠", "FY2023-24", "’s"]),
    st.text(alphabet="abcdefghij", min_size=1, max_size=25),
    st.sampled_from(["中国", "e\u0301", "\t", "🙂", "\u200b", "Ж", "ﬁ"]),
)
SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\n", " \n ", "\n\n", "   "])


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORDS, max_size=12))
    out = ""
    for word in words:
        out += word + draw(SEPARATORS)
    if draw(st.booleans()):
        out = out.strip()
    return draw(st.sampled_from(["", " "])) + out


def _painted(renderable: RenderableType, width: int) -> list[tuple[str, str]]:
    """What a colour terminal shows: each character with its style (segments merged)."""
    console = Console(
        file=io.StringIO(), width=width, force_terminal=True, color_system="truecolor"
    )
    return [
        (char, str(segment.style or ""))
        for segment in console.render(renderable)
        for char in segment.text
    ]


def _printed(renderable: RenderableType, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, highlight=False, markup=False, emoji=False)
    console.print(renderable)
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(output, str)
    return output


@st.composite
def highlights(draw: st.DrawFn, text: str) -> list[Span]:
    """Spans that do not overlap, as pakru highlights the words a search matched."""
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=6))))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    style = draw(st.sampled_from(["bold reverse", "green", "underline"]))
    return [Span(start, end, style) for start, end in pairs if start < end]


def _tables(
    cells: list[tuple[str, list[Span]]],
    justify: Literal["left", "right"],
    no_wrap: bool,
    fixed: int | None,
) -> tuple[Table, Table]:
    """The same column twice: cells as pakru draws them, and as Rich's Text in a padded table."""
    ours = Table(box=box.SIMPLE_HEAD, padding=0, title="T", caption="C")
    rich = Table(box=box.SIMPLE_HEAD, title="T", caption="C")
    for table, padding in ((ours, 2), (rich, 0)):
        table.add_column(
            Cell("Head") if padding else "Head",
            justify=justify,
            no_wrap=no_wrap,
            overflow="fold",
            width=None if fixed is None else fixed + padding,
            min_width=None if fixed is not None else 4 + padding,
            header_style="bold magenta",
        )
        table.add_column(Cell("Src") if padding else "Src", style="cyan")
    for text, spans in cells:
        ours.add_row(Cell(text, spans), Padding(Text("[1]", style="red"), (0, 1)))
        rich.add_row(Text(text, spans=spans), Text("[1]", style="red"))
    return ours, rich


highlighted = texts().flatmap(lambda text: highlights(text).map(lambda spans: (text, spans)))


@settings(max_examples=100, deadline=None)
@given(
    cells=st.lists(st.one_of(texts().map(lambda t: (t, [])), highlighted), min_size=1, max_size=4),
    width=st.integers(min_value=1, max_value=70),
    justify=st.sampled_from(["left", "right"]),
    no_wrap=st.booleans(),
    fixed=st.one_of(st.none(), st.integers(min_value=0, max_value=30)),
)
def test_a_table_of_cells_looks_as_one_of_rich_texts(
    cells: list[tuple[str, list[Span]]],
    width: int,
    justify: Literal["left", "right"],
    no_wrap: bool,
    fixed: int | None,
) -> None:
    ours, rich = _tables(cells, justify, no_wrap, fixed)
    assert _printed(ours, width) == _printed(rich, width)
    assert _painted(ours, width) == _painted(rich, width)


@settings(max_examples=100, deadline=None)
@given(text=texts(), width=st.integers(min_value=1, max_value=90))
def test_prose_prints_as_rich_text_does(text: str, width: int) -> None:
    assume(all(cell_len(word) <= width for word in text.split()))
    assert _printed(Prose(text), width) == _printed(Text(text), width)


def test_prose_leaves_a_word_longer_than_the_line_whole() -> None:
    url = "https://wire.example/2025/03/20/russia_pakistan-trade?src=a&b=%2C"
    console = Console(width=40, file=io.StringIO())
    console.print(Prose(f"[2] Eastern Wire Service, 2025-03-20 {url} (wire)"), crop=False)
    assert console.file.getvalue().splitlines() == [  # type: ignore[attr-defined]
        "[2] Eastern Wire Service, 2025-03-20",
        url,
        "(wire)",
    ]


def test_the_cells_of_a_real_answer_take_the_quick_way() -> None:
    """Without this the tests above would pass with every cell handed to Rich."""
    from pakru.cli.cells import _lines

    assert _lines("Pakistan–Russia trade turnover", 16, True) == [
        (0, "Pakistan–Russia "),
        (16, "trade turnover"),
    ]
    assert _lines("FY2023-24\n(11 mo)", 12, False) == [(0, "FY2023-24"), (10, "(11 mo)")]
    assert _lines("中国", 10, True) is None  # wide characters: Rich's own layout
    assert _lines("supercalifragilistic", 8, True) is None  # folded by Rich
