"""One record, the same fields in every format: JSON and CSV from one description of each row, ISO
days beside every date, Markdown that shows store text literally."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA_FACTS, Invoke

# Every command that answers in JSON and CSV, on the test store (whose trade figures conflict).
COMMANDS = [
    ("trade", "2023-24"),
    ("trade",),
    ("figures",),
    ("events",),
    ("agreements",),
    ("timeline",),
    ("conflicts", "--all"),
    ("actors",),
    ("search", "steel"),
    ("sources",),
    ("topics",),
    ("coverage",),
    ("show", "steel-talks-2025-02"),
    ("show", "trade-total-fy2023-24-gazette"),
    ("show", "ivan-petroff"),
]


def documented_cell(value: Any) -> str:
    """The README's rule for a CSV cell: text as it is, null empty, a list of plain values joined
    with `; `, anything else (numbers, true/false, objects, lists of objects) as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value):
        return "; ".join(documented_cell(v) for v in value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_rows(invoke: Invoke, *args: str, facts: Path | None = DATA_FACTS) -> list[dict[str, Any]]:
    result = invoke(*args, "-f", "json", facts=facts)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return data if isinstance(data, list) else [data]  # `show` answers with one object


def csv_rows(invoke: Invoke, *args: str, facts: Path | None = DATA_FACTS) -> list[list[str]]:
    result = invoke(*args, "-f", "csv", facts=facts)
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.stdout)))


# --- the same fields ----------------------------------------------------------------------------


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_csv_is_the_json_flattened_by_the_documented_rule(invoke: Invoke, args: tuple[str]) -> None:
    rows = json_rows(invoke, *args)
    header, *cells = csv_rows(invoke, *args)
    assert rows, "a command tested here must answer with rows"
    assert all(list(row) == list(rows[0]) for row in rows)  # every row has the same keys
    assert header == list(rows[0])
    assert cells == [[documented_cell(row[key]) for key in header] for row in rows]


def test_numbers_are_plain_numbers_in_both_formats(invoke: Invoke) -> None:
    (check,) = [row for row in json_rows(invoke, "conflicts") if row["type"] == "conflict"]
    header, row = csv_rows(invoke, "conflicts")
    cells = dict(zip(header, row, strict=True))
    assert (check["value"], check["against_value"]) == (1500000000, 1300000000)
    assert (cells["value"], cells["against_value"]) == ("1500000000", "1300000000")
    assert float(cells["gap"]) == check["gap"] > 0
    assert (cells["figure"], cells["against"]) == (check["figure"], check["against"])


def test_trade_csv_says_which_figures_disagree(invoke: Invoke) -> None:
    header, *rows = csv_rows(invoke, "trade", "2023-24")
    disagree = {row[0]: row[header.index("disagrees_with")] for row in rows}
    assert disagree["trade-total-fy2023-24-gazette"] == "trade-total-fy2023-24-bulletin"
    assert disagree["exports-fy2023-24"] == ""


def test_timeline_csv_keeps_actors_and_parties(invoke: Invoke) -> None:
    header, *rows = csv_rows(invoke, "timeline")
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_id["steel-talks-2025-02"]["actors"] == "ivan-petroff; pakistan"
    assert by_id["steel-protocol-2025-02"]["parties"] == "pakistan; russia"


# --- ISO days -----------------------------------------------------------------------------------


def _spans(row: dict[str, Any]) -> list[tuple[Any, str | None, str | None]]:
    """Each (date text, start, end) of a row: its own, and a conflict's `against_` one. A row of
    `coverage` is dated by its key when that is a year, decade or fiscal year."""
    spanned = (
        row.get("section") in ("year", "decade", "sources") or row.get("kind") == "trade_total"
    )
    return [
        (
            row.get(f"{prefix}date")
            or row.get(f"{prefix}period")
            or row.get("published")
            or (row.get("key") if spanned else None),
            row.get(f"{prefix}start"),
            row.get(f"{prefix}end"),
        )
        for prefix in ("", "against_")
        if f"{prefix}start" in row
    ]


def _check_spans(rows: list[dict[str, Any]]) -> int:
    """Every start and end parses as an ISO day and the start is not after the end; a row with a
    date has at least one of them, one without has neither. The number of days checked."""
    checked = 0
    for row in rows:
        for dated, start, end in _spans(row):
            first = date.fromisoformat(start) if start else None
            last = date.fromisoformat(end) if end else None
            assert bool(first or last) == bool(dated), row
            if first and last:
                assert first <= last, row
            checked += bool(first) + bool(last)
    return checked


# On the shipped store: every kind of date and period it holds, in every kind of dated row (the
# timeline holds every event and agreement; trade adds derived figures to those of `figures`).
DATED = [
    ("trade", "-n", "0"),
    ("figures", "-n", "0"),
    ("timeline", "-n", "0"),
    ("conflicts", "--all"),
    ("search", "trade", "-n", "0"),
    ("sources", "-n", "0"),
    ("coverage",),
]


@pytest.mark.parametrize("args", DATED, ids=" ".join)
def test_every_start_and_end_is_an_iso_day_in_json_and_csv(
    invoke: Invoke, args: tuple[str]
) -> None:
    rows = json_rows(invoke, *args, facts=None)
    header, *cells = csv_rows(invoke, *args, facts=None)
    assert all(_spans(row) for row in rows)
    in_csv = [{k: v or None for k, v in zip(header, row, strict=True)} for row in cells]
    assert _check_spans(rows) == _check_spans(in_csv) > 0


def test_start_and_end_are_the_first_and_last_day_the_date_can_mean(
    invoke: Invoke, tmp_path: Path
) -> None:
    store = tmp_path / "facts"
    shutil.copytree(DATA_FACTS, store)
    events = store / "events.yaml"
    text = events.read_text(encoding="utf-8")
    text = text.replace("  date: 2025-05\n", '  date: "../2025-05-01"\n')  # before 1 May 2025
    events.write_text(text.replace("  date: 2025-02\n", "  date: 2025\n"), encoding="utf-8")

    def spans(*args: str) -> dict[str, tuple[str, str | None, str | None]]:
        rows = json_rows(invoke, *args, facts=store)
        return {
            r["id"]: (r.get("date") or r.get("period"), r["start"], r["end"])
            for r in rows
            if "start" in r
        }

    assert spans("timeline") == {
        "steel-talks-2025-02": ("2025", "2025-01-01", "2025-12-31"),
        "ministerial-visit-2025-05": ("../2025-05-01", None, "2025-05-01"),
        "steel-protocol-2025-02": ("2025-02", "2025-02-01", "2025-02-28"),
    }
    figures = spans("figures")
    assert figures["trade-total-fy2023-24-gazette"] == ("FY2023-24", "2023-07-01", "2024-06-30")
    assert figures["trade-total-2023-07-2024-05"] == ("2023-07/2024-05", "2023-07-01", "2024-05-31")
    (source,) = [
        r for r in json_rows(invoke, "sources", facts=store) if r["id"] == "gazette-2025-03-14"
    ]
    assert (source["published"], source["start"], source["end"]) == (
        "2025-03-14",
        "2025-03-14",
        "2025-03-14",
    )


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_shows_store_text_literally(invoke: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "facts"
    shutil.copytree(DATA_FACTS, store)
    events = store / "events.yaml"
    title = "# *a* _b_ <i> [x](y) `c` a|b \\\\ &lt; ~~s~~"
    text = events.read_text(encoding="utf-8")
    events.write_text(
        text.replace("title: Steel talks in Moscow", f'title: "{title}"'), encoding="utf-8"
    )
    result = invoke("events", "-f", "markdown", facts=store)
    assert result.exit_code == 0, result.output
    escaped = r"\# \*a\* \_b\_ \<i\> \[x\](y) \`c\` a\|b \\ \&lt; \~\~s\~\~"
    assert f"| 2025-02 | {escaped} — Moscow | occurred | \\[1\\] \\[2\\] |" in result.stdout
    # A web address stays one link: inside <...> nothing needs escaping.
    assert "<https://wire.example/2025/03/20/russia_pakistan-trade?src=a&b=%2C>" in result.stdout
    shown = invoke("show", "steel-talks-2025-02", "-f", "markdown", facts=store).stdout
    assert f"| title | {escaped} |" in shown
    assert "| date\\_note | ‘last month’" in shown


class _CountedRow:
    """A row that notes when it is made into JSON."""

    made: list[str] = []

    def __init__(self, row_id: str) -> None:
        self.id = row_id

    def to_json(self) -> dict[str, Any]:
        self.made.append(self.id)
        return {"id": self.id, "note": f"row {self.id}\nof three"}


@pytest.mark.parametrize(("fmt", "ahead"), [("json", 1), ("csv", 0)])
def test_json_and_csv_rows_are_made_as_they_are_written(fmt: str, ahead: int) -> None:
    """Every row of a large answer is never held at once: a row is made when the text before it
    has been written (the CSV header needs no row)."""
    from pakru.cli.options import OutputFormat
    from pakru.cli.render import Listing, Section, render
    from pakru.domain.records import FactStore

    rows = [_CountedRow(f"r{i}") for i in range(3)]
    listing = Listing("Rows", "none", (), [Section(None, rows)], ("id", "note"), cites=False)
    _CountedRow.made.clear()
    pieces = iter(render(listing, OutputFormat(fmt), FactStore()))
    first = next(pieces)
    assert _CountedRow.made == ["r0"][:ahead]
    text = first + "".join(pieces)
    assert _CountedRow.made == ["r0", "r1", "r2"]
    if fmt == "json":
        assert json.loads(text) == [
            {"id": f"r{i}", "note": f"row r{i}\nof three"} for i in range(3)
        ]
    else:
        assert list(csv.DictReader(io.StringIO(text)))[2] == {
            "id": "r2",
            "note": "row r2\nof three",
        }


class _Label(str):
    """Text of a subclass of str, as an enum's value can be."""


# Values JSON rows can hold, and some they never should but must still come out as json writes
# them: empty containers, nesting, text that needs escapes, every kind of number, a subclass of
# str, a key that is not text.
_AWKWARD_ROWS = [
    {"id": "plain", "n": 3, "x": 2.5, "ok": True, "no": False, "none": None},
    {"id": "empty", "list": [], "object": {}, "nested": [[], {}, [[]]]},
    {"id": "text", "s": 'quote " back \\ tab \t nul \x00 line\nsep \u2028 é Фёдоров 🙂'},
    {"id": "numbers", "big": 10**30, "neg": -7, "tiny": 1e-300, "nan": float("nan")},
    {"id": "inf", "values": [float("inf"), float("-inf"), 0.1 + 0.2]},
    {"id": "deep", "sources": [{"source": "s", "says": "x", "more": [1, {"a": [None]}]}]},
    {"id": "subclass", "label": _Label("signed"), "labels": [_Label("a"), "b"]},
    {"id": "keys", "by": {1: "one", None: "none"}},
]


def test_json_rows_are_written_as_the_json_module_writes_them() -> None:
    """JSON rows are written by pakru's own indenting writer: the text is the json module's,
    byte for byte, whatever the row holds."""
    from pakru.cli.options import OutputFormat
    from pakru.cli.render import data_text

    text = data_text(("id",), _AWKWARD_ROWS, OutputFormat.JSON)
    assert text == json.dumps(_AWKWARD_ROWS, ensure_ascii=False, indent=2)
    assert data_text(("id",), [], OutputFormat.JSON) == "[]"
