"""The same filters wherever they apply: every listing whose records have a field takes its filter,
checks it the same way and keeps only the rows that match (on the tiny store, so that each
command's whole answer is cheap to compare)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Invoke

Row = dict[str, Any]


def rows(invoke: Invoke, *args: str, **options: Any) -> list[Row]:
    result = invoke(*args, "-f", "json", **options)
    assert result.exit_code == 0, result.output
    found: list[Row] = json.loads(result.stdout)
    return found


def _cites(source: str) -> Callable[[Row], bool]:
    return lambda row: source in [citation["source"] for citation in row["sources"]]


# (filter, value, what every row it keeps shows, the commands whose records have the field and
# that did not take it before: agreements --status and figures --metric work as they did)
FILTERS: list[tuple[str, str, Callable[[Row], bool], tuple[str, ...]]] = [
    ("--status", "scheduled", lambda row: row["status"] == "scheduled", ("events", "timeline")),
    ("--status", "signed", lambda row: row["status"] == "signed", ("timeline",)),
    ("--kind", "PROTOCOL", lambda row: row.get("kind") == "protocol", ("agreements", "timeline")),
    ("--place", "moscow", lambda row: row["place"] == "Moscow", ("events", "agreements", "timeline")),
    ("--source", "wire-2025-03-20-trade", _cites("wire-2025-03-20-trade"), ("events", "timeline")),
    ("--source", "gazette-2025-03-14", _cites("gazette-2025-03-14"), ("agreements",)),
    ("--source", "bulletin-2025-04-02", _cites("bulletin-2025-04-02"), ("figures", "trade")),
    ("--unit", "usd", lambda row: row["unit"] == "USD", ("figures",)),
    ("--metric", "exports", lambda row: row["metric"] == "exports", ("trade",)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("command", "option", "value", "shows"),
    [
        (command, option, value, shows)
        for option, value, shows, commands in FILTERS
        for command in commands
    ],
)
def test_each_filter_keeps_only_matching_rows_on_every_command_with_its_field(
    invoke: Invoke, command: str, option: str, value: str, shows: Callable[[Row], bool]
) -> None:
    kept = rows(invoke, command, option, value)
    assert kept and all(shows(row) for row in kept)
    if command != "trade":  # (what pakru derives is no row of the store's)
        assert [row for row in rows(invoke, command) if shows(row)] == kept


def test_events_take_a_status_and_their_vocabulary_is_checked(invoke: Invoke) -> None:
    assert [row["id"] for row in rows(invoke, "events", "--status", "Scheduled")] == [
        "ministerial-visit-2025-05"
    ]
    result = invoke("events", "--status", "signd")
    assert result.exit_code == 2
    assert result.stderr == (
        "pakru: --status: 'signd' is not a status; give one of occurred, scheduled, expected, "
        "proposed, pending, postponed, cancelled\n"
    )


def test_filters_combine(invoke: Invoke) -> None:
    asked = ("--party", "Russia", "--kind", "protocol", "--place", "Moscow", "--status", "signed")
    assert [row["id"] for row in rows(invoke, "agreements", *asked)] == ["steel-protocol-2025-02"]
    assert rows(invoke, "agreements", *asked[:-1], "planned") == []


@pytest.mark.parametrize(
    ("args", "same"),
    [
        (("events", "--party", "Petrov"), ("events", "--actor", "Petrov")),
        (("agreements", "--actor", "Russia"), ("agreements", "--party", "Russia")),
    ],
)
def test_actor_and_party_name_the_same_filter(
    invoke: Invoke, args: tuple[str, ...], same: tuple[str, ...]
) -> None:
    assert rows(invoke, *args) == rows(invoke, *same) != []


def test_figures_take_a_window_by_since_and_until_as_well_as_by_period(invoke: Invoke) -> None:
    by_dates = rows(invoke, "figures", "--since", "2024-06", "--until", "2024-06")
    assert by_dates == rows(invoke, "figures", "--period", "2024-06")
    assert {row["id"] for row in by_dates} == {
        "trade-total-fy2023-24-gazette",
        "trade-total-fy2023-24-bulletin",
        "exports-fy2023-24",
        "imports-fy2023-24",
    }
    result = invoke("figures", "--period", "2023-24", "--since", "2024")
    assert result.exit_code == 2
    assert "give a --period or --since/--until, not both" in result.stderr


def test_an_unknown_source_is_answered_with_the_nearest_ids(invoke: Invoke) -> None:
    result = invoke("events", "--source", "gazette-2025-03")
    assert result.exit_code == 2
    assert result.stderr == (
        "pakru: --source: no source matches 'gazette-2025-03'; closest: gazette-2025-03-14\n"
    )


def test_a_filter_on_the_records_shows_a_page_and_counts_every_match(invoke: Invoke) -> None:
    result = invoke("timeline", "--place", "Moscow", "-n", "1")
    assert result.exit_code == 0, result.output
    assert "Showing the first 1 of 2 rows" in result.stdout


def test_trade_takes_a_derived_metric_and_a_source_leaves_derived_figures_out(
    invoke: Invoke,
) -> None:
    balances = rows(invoke, "trade", "--metric", "trade_balance")
    assert [row["id"] for row in balances] == [
        "derived-balance-exports-fy2023-24-imports-fy2023-24"
    ]
    cited = rows(invoke, "trade", "--source", "bulletin-2025-04-02")
    assert [row["id"] for row in cited] == [
        "trade-total-2023-07-2024-05",
        "trade-total-fy2023-24-bulletin",
    ]


def test_search_takes_the_filters_of_the_records_it_finds(invoke: Invoke) -> None:
    assert [row["id"] for row in rows(invoke, "search", "steel")] == [
        "steel-protocol-2025-02",
        "steel-talks-2025-02",
    ]
    signed = rows(invoke, "search", "steel", "--status", "signed")
    assert [row["id"] for row in signed] == ["steel-protocol-2025-02"]
    with_petrov = rows(invoke, "search", "steel", "--actor", "Petrov", "--since", "2025")
    assert [row["id"] for row in with_petrov] == ["steel-talks-2025-02"]
    result = invoke("search", "steel", "--topic", "steel", "-n", "1")
    assert result.exit_code == 0, result.output
    assert "Showing the first 1 of 2 rows" in result.stdout
