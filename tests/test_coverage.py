"""`pakru coverage`: what the store covers and the gaps to fill first, counted exactly."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pakru.answers import coverage
from pakru.domain.records import Event
from pakru.domain.types import Period
from tests.conftest import DATA_FACTS, Invoke

TODAY = date(2026, 12, 3)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The series of fiscal years runs to the current one: pin the day it is measured on."""
    monkeypatch.setattr(coverage, "today", lambda: TODAY)


def _rows(invoke: Invoke, *args: str, facts: Path = DATA_FACTS) -> list[dict[str, Any]]:
    result = invoke("coverage", *args, "-f", "json", facts=facts)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def _section(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The rows of one table, with only the fields it fills (not its span's days, tested apart)."""
    return [
        {k: v for k, v in row.items() if k not in ("section", "start", "end") and v is not None}
        for row in rows
        if row["section"] == name
    ]


# --- counts on the test store -----------------------------------------------------------------


def test_facts_per_year_count_each_fact_where_its_date_starts(invoke: Invoke) -> None:
    # Five figures for FY2023-24 or July 2023 – May 2024 start in 2023; 2024 has none.
    assert _section(_rows(invoke), "year") == [
        {"key": "2023", "events": 0, "agreements": 0, "figures": 5, "facts": 5},
        {"key": "2024", "events": 0, "agreements": 0, "figures": 0, "facts": 0},
        {"key": "2025", "events": 2, "agreements": 1, "figures": 0, "facts": 3},
    ]


def test_facts_per_decade(invoke: Invoke) -> None:
    assert _section(_rows(invoke, "--by", "decade"), "decade") == [
        {"key": "2020s", "events": 2, "agreements": 1, "figures": 5, "facts": 8},
    ]
    assert _section(_rows(invoke, "--by", "decade"), "sources") == [{"key": "2020s", "sources": 3}]


def test_facts_per_topic_and_type_and_sources_per_year(invoke: Invoke) -> None:
    rows = _rows(invoke)
    assert _section(rows, "topic") == [
        {"key": "trade", "name": "Trade", "events": 0, "agreements": 0, "figures": 5, "facts": 5},
        {"key": "steel", "name": "Steel", "events": 1, "agreements": 1, "figures": 0, "facts": 2},
        {
            "key": "diplomacy",
            "name": "Diplomacy",
            "events": 1,
            "agreements": 0,
            "figures": 0,
            "facts": 1,
        },
    ]
    assert _section(rows, "type") == [
        {"key": "event", "facts": 2},
        {"key": "agreement", "facts": 1},
        {"key": "figure", "facts": 5},
    ]
    assert _section(rows, "sources") == [{"key": "2025", "sources": 3}]


def test_fiscal_years_without_a_reported_total_are_gaps(invoke: Invoke) -> None:
    gaps = _section(_rows(invoke), "gap")
    # FY2023-24 has its reported totals; every later year up to today's has none.
    assert [gap["key"] for gap in gaps] == ["FY2024-25", "FY2025-26", "FY2026-27"]
    assert gaps[0] == {
        "kind": "trade_total",
        "key": "FY2024-25",
        "detail": "no reported trade_total figure for the fiscal year",
        "ids": [],
    }
    assert gaps[-1]["detail"].endswith("(the current one, not yet over)")


# --- Intergovernmental Commission sessions -----------------------------------------------------

_IGC_EVENTS = """
- id: igc-7th-session
  date: 2021
  title: 7th IGC session held in Islamabad
  place: Islamabad
  actors: [pakistan, russia]
  status: occurred
  topics: [igc]
  sources:
    - source: wire-2025-03-20-trade
      says: The seventh session met in 2021.
- id: igc-ninth-session
  date: 2024-12
  title: Ninth session of the Pakistan–Russia Intergovernmental Commission
  place: Moscow
  actors: [pakistan, russia]
  status: occurred
  topics: [igc]
  sources:
    - source: wire-2025-03-20-trade
      says: The ninth session met in Moscow in December 2024.
- id: igc-tenth-session
  date: 2025-07/2025-12
  title: Tenth session of the Intergovernmental Commission
  place: Islamabad
  actors: [pakistan, russia]
  status: scheduled
  topics: [igc]
  sources:
    - source: wire-2025-03-20-trade
      says: The tenth session is due in the second half of 2025.
- id: igc-working-group
  date: 2025-01
  title: Working group of the commission meets between sessions
  place: Moscow
  actors: [pakistan, russia]
  status: occurred
  topics: [igc]
  sources:
    - source: wire-2025-03-20-trade
      says: A working group met in January 2025.
"""


@pytest.fixture
def igc_store(tmp_path: Path) -> Path:
    store = tmp_path / "facts"
    store.mkdir()
    for path in DATA_FACTS.glob("*.yaml"):
        (store / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with (store / "events.yaml").open("a", encoding="utf-8") as events:
        events.write(_IGC_EVENTS)
    with (store / "topics.yaml").open("a", encoding="utf-8") as topics:
        topics.write("- id: igc\n  name: Intergovernmental Commission\n  synonyms: [IGC]\n")
    return store


def test_missing_and_vaguely_dated_sessions_are_gaps(invoke: Invoke, igc_store: Path) -> None:
    gaps = [
        gap
        for gap in _section(_rows(invoke, facts=igc_store), "gap")
        if gap["kind"] != "trade_total"
    ]
    # Sessions 1-6 and 8 have no event; the 7th is dated only to its year. The 9th (a month) and
    # the 10th (an interval of months) are dated finely enough.
    assert [(gap["kind"], gap["key"]) for gap in gaps] == [
        *(("igc_session", str(n)) for n in (1, 2, 3, 4, 5, 6, 8)),
        ("igc_date", "7"),
    ]
    assert gaps[6]["detail"] == "no event for the 8th session"
    assert gaps[7] == {
        "kind": "igc_date",
        "key": "7",
        "detail": "the 7th session is dated only 2021",
        "ids": ["igc-7th-session"],
    }


def test_no_session_named_is_said_not_guessed(invoke: Invoke) -> None:
    result = invoke("coverage")
    assert result.exit_code == 0, result.output
    assert "The store has no topic 'igc'" in " ".join(result.stdout.split())


@pytest.mark.parametrize(
    ("title", "number"),
    [
        ("Ninth session of the Pakistan-Russia Intergovernmental Commission", 9),
        ("9th IGC session opens in Moscow", 9),
        ("The 10th session of the Inter-Governmental Commission", 10),
        ("Tenth Pakistan–Russia Intergovernmental Commission session", 10),
        ("Twenty-first session", 21),
        ("twenty first session of the commission", 21),
        ("First session of the IGC", 1),
        ("Commission's 2nd session", 2),
        ("First visit since the 9th session", 9),  # the ordinal nearest the word session
        ("Decisions of the 9th meeting of the Intergovernmental Commission", None),
        ("First deputy prime minister visits Moscow", None),
        ("Second round of talks ahead of the next session", None),  # too far from "session"
    ],
)
def test_a_session_is_named_by_its_ordinal(title: str, number: int | None) -> None:
    assert coverage.session_number(title) == number


@pytest.mark.parametrize(
    ("written", "coarse"),
    [
        ("2024-12-05", False),
        ("2024-12", False),
        ("2025-07/2025-12", False),
        ("2024", True),
        ("FY2024-25", True),
        ("202X", True),
        ("2024-01/2024-12", True),
        ("2025-06-30/..", True),
    ],
)
def test_a_date_known_only_to_the_year_is_coarse(written: str, coarse: bool) -> None:
    event = Event(
        id="e",
        date=Period.parse(written),
        title="t",
        place=None,
        actors=(),
        status="occurred",
        topics=(),
        sources=(),
    )
    assert coverage.is_coarse(event) is coarse


# --- the pure computation ------------------------------------------------------------------------


def test_trade_gaps_run_from_the_fiscal_year_of_the_earliest_figure_to_today() -> None:
    # 30 June 2021 lies in FY2020-21; 3 December 2026 in FY2026-27.
    gaps = coverage.trade_gaps("2021-06-30", {2020, 2022, 2023, 2024, 2025}, TODAY)
    assert [gap.key for gap in gaps] == ["FY2021-22", "FY2026-27"]
    assert coverage.trade_gaps(None, set(), TODAY) == []
    assert coverage.trade_gaps("2026-07-01", {2026}, TODAY) == []


def test_periods_fill_empty_years_and_keep_undated_last() -> None:
    starts = [
        ("figure", None, 2),
        ("event", "1979", 1),
        ("agreement", "1981", 3),
        ("source", "1950", 9),
    ]
    assert coverage.periods(starts, "decade") == [
        coverage.Count("1970s", events=1),
        coverage.Count("1980s", agreements=3),
        coverage.Count(None, figures=2),
    ]
    assert [count.key for count in coverage.periods(starts, "year")] == [
        "1979",
        "1980",
        "1981",
        None,
    ]
    assert coverage.sources_per_span(starts, "year") == [("1950", 9)]


# --- formats and exit codes ----------------------------------------------------------------------


def test_coverage_table_matches_golden(invoke: Invoke, golden: Callable[[str, str], None]) -> None:
    result = invoke("coverage")
    assert result.exit_code == 0, result.output
    golden("coverage_table", result.stdout)


def test_csv_has_a_row_per_json_row_with_the_same_fields(invoke: Invoke) -> None:
    result = invoke("coverage", "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(coverage.ROW_FIELDS)
    assert len(rows) == len(_rows(invoke))
    assert rows[0] == {
        "section": "year", "key": "2023", "start": "2023-01-01", "end": "2023-12-31", "name": "",
        "events": "0", "agreements": "0",
        "figures": "5", "facts": "5", "sources": "", "kind": "", "detail": "", "ids": "",
    }  # fmt: skip


def test_markdown_has_a_table_per_section(invoke: Invoke) -> None:
    result = invoke("coverage", "-f", "markdown")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("**") == 2 * 5
    assert (
        "| Year | Events | Agreements | Figures | Facts |\n| --- | ---: | ---: | ---: | ---: |"
        in (result.stdout)
    )
    assert "| trade total, FY2024-25 | no reported trade\\_total figure for the fiscal year |" in (
        result.stdout
    )


def test_a_bad_span_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("coverage", "--by", "month")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "'month' is not one of 'year', 'decade'" in result.stderr


def test_a_broken_store_exits_1(invoke: Invoke, tmp_path: Path) -> None:
    store = tmp_path / "facts"
    store.mkdir()
    for path in DATA_FACTS.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        (store / path.name).write_text(
            text.replace("date: 2025-05", "date: 2025-13"), encoding="utf-8"
        )
    result = invoke("coverage", facts=store)
    assert result.exit_code == 1, result.output
    assert "run `pakru check`" in result.stderr
