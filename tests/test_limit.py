"""Long answers: a table shows its first rows and says how many there are; CSV and JSON keep all."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from pakru.cli.options import TABLE_ROWS
from tests.conftest import DATA_FACTS, Invoke

EXTRA_EVENTS = 60


@pytest.fixture(scope="module")
def busy_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test store with 60 more steel meetings, one a day from 1 June 2025."""
    root = tmp_path_factory.mktemp("busy") / "facts"
    shutil.copytree(DATA_FACTS, root)
    (root / "events").mkdir()
    first = date(2025, 6, 1)
    items = [
        f"""- id: steel-meeting-{i:02d}
  date: {first + timedelta(days=i)}
  title: Steel meeting number {i}
  place: Moscow
  actors: [russia, pakistan]
  status: scheduled
  topics: [steel]
  sources:
    - source: gazette-2025-03-14
      quote: Officials signed a protocol on steel cooperation in Moscow last month.
"""
        for i in range(EXTRA_EVENTS)
    ]
    (root / "events" / "meetings.yaml").write_text("".join(items), encoding="utf-8")
    return root


def _csv_ids(text: str) -> list[str]:
    return [row["id"] for row in csv.DictReader(io.StringIO(text))]


def _meetings(text: str) -> list[int]:
    """The numbers of the steel meetings a table shows, top to bottom."""
    return [int(number) for number in re.findall(r"Steel meeting number (\d+)", text)]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_a_table_shows_the_first_rows_and_how_many_there_are(
    invoke: Invoke, busy_store: Path
) -> None:
    result = invoke("events", "--since", "2025-06", facts=busy_store)
    assert result.exit_code == 0, result.output
    assert _meetings(result.stdout) == list(range(TABLE_ROWS))  # the earliest, in date order
    assert (
        f"Showing the first {TABLE_ROWS} of {EXTRA_EVENTS} rows: --limit N shows more, "
        "--limit 0 every row." in _one_line(result.stdout)
    )


def test_limit_zero_shows_every_row_and_says_nothing_of_more(
    invoke: Invoke, busy_store: Path
) -> None:
    out = invoke("events", "--since", "2025-06", "--limit", "0", facts=busy_store).stdout
    assert _meetings(out) == list(range(EXTRA_EVENTS))
    assert "Showing" not in out


@pytest.mark.parametrize("option", ["--limit", "-n"])
def test_a_limit_cuts_a_table_and_csv_alike(invoke: Invoke, busy_store: Path, option: str) -> None:
    table = invoke("events", "--since", "2025-06", option, "3", facts=busy_store).stdout
    assert _meetings(table) == [0, 1, 2]
    assert f"Showing the first 3 of {EXTRA_EVENTS} rows" in _one_line(table)
    text = invoke("events", "--since", "2025-06", "-f", "csv", option, "3", facts=busy_store).stdout
    assert _csv_ids(text) == ["steel-meeting-00", "steel-meeting-01", "steel-meeting-02"]


@pytest.mark.parametrize("command", ["events", "timeline", "agreements"])
def test_the_first_rows_read_from_the_store_are_the_first_of_the_whole_answer(
    invoke: Invoke, busy_store: Path, command: str
) -> None:
    whole = _csv_ids(invoke(command, "-f", "csv", "--limit", "0", facts=busy_store).stdout)
    assert whole
    for limit in (1, 5, 30):
        text = invoke(command, "-f", "csv", "--limit", str(limit), facts=busy_store).stdout
        assert _csv_ids(text) == whole[:limit]


def test_csv_and_json_carry_every_row_by_default(invoke: Invoke, busy_store: Path) -> None:
    rows = json.loads(invoke("timeline", "-f", "json", facts=busy_store).stdout)
    assert len(rows) > EXTRA_EVENTS
    text = invoke("events", "--since", "2025-06", "-f", "csv", facts=busy_store).stdout
    assert len(_csv_ids(text)) == EXTRA_EVENTS


def test_the_timeline_counts_events_and_agreements_together(
    invoke: Invoke, busy_store: Path
) -> None:
    total = len(json.loads(invoke("timeline", "-f", "json", facts=busy_store).stdout))
    out = invoke("timeline", facts=busy_store).stdout
    assert f"Showing the first {TABLE_ROWS} of {total} rows" in _one_line(out)


def test_a_negative_limit_is_refused_in_one_line(invoke: Invoke, busy_store: Path) -> None:
    result = invoke("events", "--limit", "-1", facts=busy_store)
    assert result.exit_code == 2
    assert "--limit" in result.stderr and "-1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_search_shows_its_best_rows_and_how_many_match(invoke: Invoke, busy_store: Path) -> None:
    every = json.loads(invoke("search", "steel", "-f", "json", facts=busy_store).stdout)
    assert len(every) > TABLE_ROWS
    out = invoke("search", "steel", "-n", "2", facts=busy_store).stdout
    assert f"Showing the first 2 of {len(every)} rows" in _one_line(out)
    ids = [
        row["id"]
        for row in json.loads(
            invoke("search", "steel", "-f", "json", "-n", "2", facts=busy_store).stdout
        )
    ]
    assert ids == [row["id"] for row in every[:2]]


@pytest.fixture(scope="module")
def busy_trade_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test store with 60 more reports of Pakistan's exports: a year's and each month's."""
    root = tmp_path_factory.mktemp("busy-trade") / "facts"
    shutil.copytree(DATA_FACTS, root)
    (root / "figures").mkdir()
    months = [f"{2023 + (6 + i) // 12}-{(6 + i) % 12 + 1:02d}" for i in range(12)]
    periods = ["FY2023-24"] * 12 + months * 2 + months[::-1] * 2
    items = [
        f"""- id: exports-report-{i:02d}
  metric: exports
  subject: Pakistan's exports to Russia
  value: 400000000
  unit: USD
  stated: $400 million
  period: {period}
  qualifier: exact
  basis: reported
  topics: [trade]
  sources:
    - source: gazette-2025-03-14
      quote: Exports from Pakistan stood at $400 million
"""
        for i, period in enumerate(periods)
    ]
    (root / "figures" / "exports.yaml").write_text("".join(items), encoding="utf-8")
    return root


def test_trade_reads_only_the_rows_it_shows_yet_shows_the_first_ones(
    invoke: Invoke, busy_trade_store: Path
) -> None:
    whole = _csv_ids(
        invoke("trade", "2023-24", "-f", "csv", "-n", "0", facts=busy_trade_store).stdout
    )
    derived = [i for i in whole if i.startswith("derived-")]
    assert len(whole) > TABLE_ROWS and len(derived) >= 2 and whole[-len(derived) :] == derived
    for limit in (1, 13, 30, len(whole) - 1):  # the last reaches into the derived rows
        text = invoke(
            "trade", "2023-24", "-f", "csv", "-n", str(limit), facts=busy_trade_store
        ).stdout
        assert _csv_ids(text) == whole[:limit]
    table = _one_line(invoke("trade", "2023-24", facts=busy_trade_store).stdout)
    assert f"Showing the first {TABLE_ROWS} of {len(whole)} rows" in table


def test_trade_shows_the_period_asked_first_then_by_period_then_metric(
    invoke: Invoke, busy_trade_store: Path
) -> None:
    text = invoke("trade", "2023-24", "-f", "csv", "-n", "0", facts=busy_trade_store).stdout
    rows = [row for row in csv.DictReader(io.StringIO(text)) if row["basis"] != "derived"]
    exact = [row["period"] == "FY2023-24" for row in rows]
    assert exact == sorted(exact, reverse=True) and exact.count(True) > 12
    # The monthly reports were written out of order (a year's months, then backwards).
    rest = [row for row in rows if row["period"] != "FY2023-24"]
    metric_order = ["trade_total", "exports", "imports", "trade_growth"]
    keys = [(row["period"], metric_order.index(row["metric"]), row["id"]) for row in rest]
    assert len(rest) >= 48 and keys == sorted(keys)
    assert rest[0]["period"] == "2023-07" and rest[-1]["period"] == "2024-06"


def test_a_figure_without_a_period_is_in_no_period_asked_for(
    invoke: Invoke, tmp_path: Path
) -> None:
    root = tmp_path / "facts"
    shutil.copytree(DATA_FACTS, root)
    (root / "figures").mkdir()
    (root / "figures" / "undated.yaml").write_text(
        """- id: exports-undated
  metric: exports
  subject: Pakistan's exports to Russia
  value: 400000000
  unit: USD
  stated: $400 million
  period: null
  qualifier: exact
  basis: reported
  topics: [trade]
  sources:
    - source: gazette-2025-03-14
      quote: Exports from Pakistan stood at $400 million
""",
        encoding="utf-8",
    )
    for limit in ("0", "3"):
        asked = _csv_ids(invoke("trade", "2023-24", "-f", "csv", "-n", limit, facts=root).stdout)
        assert asked and "exports-undated" not in asked
    assert "exports-undated" in _csv_ids(invoke("trade", "-f", "csv", facts=root).stdout)


@pytest.fixture(scope="module")
def disputed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test store with twelve reports of Pakistan's FY2023-24 exports, no two alike: each
    disagrees with every other (66 conflicts)."""
    root = tmp_path_factory.mktemp("disputed") / "facts"
    shutil.copytree(DATA_FACTS, root)
    (root / "figures").mkdir()
    items = [
        f"""- id: exports-claim-{i:02d}
  metric: exports
  subject: Pakistan's exports to Russia
  value: {400 + 25 * i}000000
  unit: USD
  stated: ${400 + 25 * i} million
  period: FY2023-24
  qualifier: exact
  basis: reported
  topics: [trade]
  sources:
    - source: gazette-2025-03-14
      quote: Exports from Pakistan stood at ${400 + 25 * i} million
"""
        for i in range(12)
    ]
    (root / "figures" / "exports.yaml").write_text("".join(items), encoding="utf-8")
    return root


def _check_keys(text: str) -> list[tuple[str, str, str, str]]:
    return [
        (row["figure"], row["against"], row["kind"], row["reason"])
        for row in csv.DictReader(io.StringIO(text))
    ]


def test_conflicts_shows_its_first_rows_and_how_many_there_are(
    invoke: Invoke, disputed_store: Path
) -> None:
    every = json.loads(invoke("conflicts", "-f", "json", facts=disputed_store).stdout)
    assert len(every) > 66  # and the store's own
    result = invoke("conflicts", facts=disputed_store)
    assert result.exit_code == 0, result.output
    out = _one_line(result.stdout)
    assert f"Showing the first {TABLE_ROWS} of {len(every)} rows" in out
    assert out.count("exports-claim-") <= 2 * TABLE_ROWS
    markdown = invoke("conflicts", "-f", "markdown", "-n", "2", facts=disputed_store).stdout
    assert f"Showing the first 2 of {len(every)} rows" in markdown


def test_the_first_conflicts_read_are_the_first_of_every_one(
    invoke: Invoke, disputed_store: Path
) -> None:
    whole = _check_keys(invoke("conflicts", "--all", "-f", "csv", facts=disputed_store).stdout)
    assert len(whole) > 66
    for limit in (1, 7, 40, len(whole) - 1):
        args = ("conflicts", "--all", "-f", "csv", "-n", str(limit))
        assert _check_keys(invoke(*args, facts=disputed_store).stdout) == whole[:limit]
    one = invoke("conflicts", "exports-claim-03", "-f", "csv", "-n", "0", facts=disputed_store)
    mine = _check_keys(one.stdout)
    assert len(mine) >= 11 and all("exports-claim-03" in key[:2] for key in mine)
    first = invoke("conflicts", "exports-claim-03", "-f", "csv", "-n", "3", facts=disputed_store)
    assert _check_keys(first.stdout) == mine[:3]
