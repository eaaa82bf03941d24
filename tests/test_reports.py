"""Sources read online, citations in the store's own words, later reports superseding earlier
ones, and conflicts asked of one record, as a user meets them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Invoke

SOURCES = """\
- id: gazette-2024-11-01
  title: Commission to meet in Islamabad
  publisher: The Gazette
  author: null
  published: 2024-11-01
  kind: news
  language: en
  url: https://gazette.example/2024/11/01/commission
  accessed: 2026-12-03
- id: wire-2025-11-28
  title: Commission ends its tenth session
  publisher: Wire Agency
  author: Jane Roe
  published: 2025-11-28
  kind: wire
  language: en
  url: https://wire.example/tenth-session
  accessed: 2026-12-03
"""
TOPICS = "- id: trade\n  name: Trade\n- id: igc\n  name: Commission\n"
ACTORS = """\
- id: pakistan
  name: Pakistan
  kind: country
  sources:
    - source: gazette-2024-11-01
      says: "Pakistan will host the commission."
- id: russia
  name: Russia
  kind: country
  sources:
    - source: gazette-2024-11-01
      says: "Russia sends its delegation."
"""
EVENTS = """\
- id: session-10-scheduled
  date: 2025
  title: Tenth session of the commission
  place: Islamabad
  actors: [pakistan, russia]
  status: scheduled
  topics: [igc]
  sources:
    - source: gazette-2024-11-01
      says: "The tenth session is to be held in Islamabad in 2025."
- id: session-10-held
  date: 2025-11-25/2025-11-27
  title: Tenth session of the commission
  place: Islamabad
  actors: [pakistan, russia]
  status: occurred
  topics: [igc]
  sources:
    - source: wire-2025-11-28
      says: "The tenth session met in Islamabad from 25 to 27 November 2025."
  supersedes: [session-10-scheduled]
"""
AGREEMENTS = """\
- id: offer-refit
  title: Offer to refit the power stations
  kind: offer
  date: 2024-11
  place: null
  parties: [russia, pakistan]
  status: declined
  topics: [igc]
  sources:
    - source: gazette-2024-11-01
      says: "Russia offered a refit; Pakistan did not take it up."
"""
FIGURES = """\
- id: total-fy24-first
  metric: trade_total
  subject: Pakistan–Russia trade
  value: 1000000000
  unit: USD
  stated: "$1 billion"
  period: FY2023-24
  qualifier: about
  basis: reported
  topics: [trade]
  sources:
    - source: gazette-2024-11-01
      says: "Trade was about $1 billion in 2023-24."
- id: total-fy24-final
  metric: trade_total
  subject: Pakistan–Russia trade
  value: 1810000000
  unit: USD
  stated: "$1.81 billion"
  period: FY2023-24
  qualifier: exact
  basis: reported
  reported_by: pakistan
  topics: [trade]
  sources:
    - source: wire-2025-11-28
      says: "Final figures put 2023-24 trade at $1.81 billion."
  supersedes: [total-fy24-first]
"""


@pytest.fixture
def reported(tmp_path: Path) -> Path:
    store = tmp_path / "facts"
    store.mkdir()
    for kind, text in {
        "sources": SOURCES,
        "topics": TOPICS,
        "actors": ACTORS,
        "events": EVENTS,
        "agreements": AGREEMENTS,
        "figures": FIGURES,
    }.items():
        (store / f"{kind}.yaml").write_text(text, encoding="utf-8")
    return store


def test_check_counts_quotes_and_says(invoke: Invoke, reported: Path) -> None:
    result = invoke("check", facts=reported)
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith(
        "citations: 0 quotes (give --sources-dir to check them verbatim), "
        "7 in the store's own words (says)."
    )


def test_a_citation_is_a_quote_or_says_never_both(invoke: Invoke, reported: Path) -> None:
    events = (reported / "events.yaml").read_text(encoding="utf-8")
    (reported / "events.yaml").write_text(
        events.replace(
            '      says: "The tenth session is to be held in Islamabad in 2025."',
            '      says: "The tenth session is to be held in Islamabad in 2025."\n'
            '      quote: "to be held in Islamabad"',
        ),
        encoding="utf-8",
    )
    result = invoke("check", facts=reported)
    assert result.exit_code == 1
    assert "facts/events.yaml:9: events[0].sources[0]: " in result.stdout
    assert "either `quote`" in result.stdout


def test_answers_show_the_latest_report_and_say_an_earlier_one_exists(
    invoke: Invoke, reported: Path
) -> None:
    rows = json.loads(invoke("events", "-f", "json", facts=reported).stdout)
    assert [(r["id"], r["superseded"]) for r in rows] == [("session-10-held", False)]
    table = invoke("events", facts=reported).stdout
    assert "⟳" in table
    assert "⟳ a later report that supersedes an earlier one; --all lists it too" in table


def test_all_lists_both_reports_and_marks_the_earlier(invoke: Invoke, reported: Path) -> None:
    rows = json.loads(invoke("events", "--all", "-f", "json", facts=reported).stdout)
    assert [(r["id"], r["status"], r["superseded"]) for r in rows] == [
        ("session-10-scheduled", "scheduled", True),
        ("session-10-held", "occurred", False),
    ]
    table = invoke("timeline", "--all", facts=reported).stdout
    assert "⊘ an earlier report, superseded by a later one." in table


def test_trade_shows_the_revised_figure_and_no_conflict_with_its_first_report(
    invoke: Invoke, reported: Path
) -> None:
    rows = json.loads(invoke("trade", "FY24", "-f", "json", facts=reported).stdout)
    assert [(r["id"], r["disagrees_with"]) for r in rows] == [("total-fy24-final", [])]
    both = json.loads(invoke("trade", "FY24", "--all", "-f", "json", facts=reported).stdout)
    assert {r["id"] for r in both} == {"total-fy24-first", "total-fy24-final"}
    assert invoke("conflicts", "-f", "json", facts=reported).stdout.strip() == "[]"
    assert "Pakistan–Russia trade, per Pakistan" in invoke("trade", "FY24", facts=reported).stdout


def test_show_prints_the_history_with_who_reported_when(invoke: Invoke, reported: Path) -> None:
    result = invoke("show", "session-10-scheduled", facts=reported)
    assert result.exit_code == 0, result.output
    history = [line for line in result.stdout.splitlines() if "history" in line]
    assert len(history) == 2
    assert "session-10-scheduled: 2025 Tenth session" in history[0]
    assert "[scheduled] — The Gazette," in history[0]
    assert "session-10-held: 2025-11-25/2025-11-27" in history[1]
    wide = invoke("show", "session-10-scheduled", facts=reported, env={"COLUMNS": "300"}).stdout
    assert "[scheduled] — The Gazette, 2024-11-01 (this record) — superseded" in wide
    assert "[occurred] — Wire Agency, 2025-11-28" in wide


def test_show_prints_each_citation_with_publisher_date_and_url(
    invoke: Invoke, reported: Path
) -> None:
    out = invoke("show", "session-10-held", facts=reported, env={"COLUMNS": "300"}).stdout
    assert (
        "says: The tenth session met in Islamabad from 25 to 27 November 2025. — Commission "
        "ends its tenth session — Wire Agency, Jane Roe, 2025-11-28 "
        "https://wire.example/tenth-session (wire-2025-11-28)"
    ) in out


def test_rows_resting_only_on_says_are_marked(invoke: Invoke, reported: Path) -> None:
    out = invoke("agreements", facts=reported).stdout
    assert "[1] †" in out
    assert "† rests only on what its sources say, in pakru's words" in out


def test_json_citations_carry_publisher_date_and_url(invoke: Invoke, reported: Path) -> None:
    (row,) = json.loads(invoke("agreements", "-f", "json", facts=reported).stdout)
    assert row["status"] == "declined"
    assert row["sources"] == [
        {
            "source": "gazette-2024-11-01",
            "says": "Russia offered a refit; Pakistan did not take it up.",
            "title": "Commission to meet in Islamabad",
            "publisher": "The Gazette",
            "published": "2024-11-01",
            "url": "https://gazette.example/2024/11/01/commission",
        }
    ]


def test_declined_is_a_status_to_filter_by(invoke: Invoke, reported: Path) -> None:
    rows = json.loads(
        invoke("agreements", "--status", "declined", "-f", "json", facts=reported).stdout
    )
    assert [r["id"] for r in rows] == ["offer-refit"]
    bad = invoke("agreements", "--status", "refused", facts=reported)
    assert bad.exit_code == 2
    assert "refused" in bad.stderr


def test_conflicts_of_one_record(invoke: Invoke, reported: Path) -> None:
    figures = (reported / "figures.yaml").read_text(encoding="utf-8")
    (reported / "figures.yaml").write_text(
        figures.replace("  supersedes: [total-fy24-first]\n", ""), encoding="utf-8"
    )
    rows = json.loads(invoke("conflicts", "total-fy24-final", "-f", "json", facts=reported).stdout)
    assert [[f["id"] for f in r["figures"]] for r in rows] == [
        ["total-fy24-final", "total-fy24-first"]  # the better-stated first
    ]
    by_source = json.loads(
        invoke("conflicts", "wire-2025-11-28", "-f", "json", facts=reported).stdout
    )
    assert len(by_source) == 1
    none = json.loads(invoke("conflicts", "offer-refit", "-f", "json", facts=reported).stdout)
    assert none == []
    unknown = invoke("conflicts", "total-fy25", facts=reported)
    assert unknown.exit_code == 2
    assert "total-fy24" in unknown.stderr  # the closest ids


def test_a_source_read_online_needs_its_url_or_a_full_reference(
    invoke: Invoke, reported: Path
) -> None:
    sources = (reported / "sources.yaml").read_text(encoding="utf-8")
    # The wire report names its author and publisher: a full reference, found again without a URL.
    without_wire_url = sources.replace("  url: https://wire.example/tenth-session\n", "")
    (reported / "sources.yaml").write_text(without_wire_url, encoding="utf-8")
    assert invoke("check", facts=reported).exit_code == 0
    # The gazette piece has no author: without its URL nobody could find it again.
    (reported / "sources.yaml").write_text(
        without_wire_url.replace("  url: https://gazette.example/2024/11/01/commission\n", ""),
        encoding="utf-8",
    )
    result = invoke("check", facts=reported)
    assert result.exit_code == 1
    assert (
        "facts/sources.yaml:1: sources[0]: a source needs a `url`, a `text_file`, or both "
        "`publisher` and `author`"
    ) in result.stdout


def test_a_supersedes_reference_must_name_a_record_of_its_kind(
    invoke: Invoke, reported: Path
) -> None:
    events = (reported / "events.yaml").read_text(encoding="utf-8")
    (reported / "events.yaml").write_text(
        events.replace("supersedes: [session-10-scheduled]", "supersedes: [offer-refit]"),
        encoding="utf-8",
    )
    result = invoke("check", facts=reported)
    assert result.exit_code == 1
    assert "supersedes[0]: no event with id 'offer-refit'; it is a agreement" in result.stdout
