"""The same filters wherever they apply: every listing whose records have a field takes its filter,
checks it the same way and keeps only the rows that match."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from pakru.options import default_facts_dir
from tests.conftest import Invoke

SHIPPED = default_facts_dir()
STEEL_OPINION = "opinion-2025-07-pakistan-russia-steel"

Row = dict[str, Any]


def rows(invoke: Invoke, *args: str) -> list[Row]:
    result = invoke(*args, "-f", "json", facts=SHIPPED)
    assert result.exit_code == 0, result.output
    found: list[Row] = json.loads(result.stdout)
    return found


def _cites(source: str) -> Callable[[Row], bool]:
    return lambda row: source in [citation["source"] for citation in row["sources"]]


def _at(place: str) -> Callable[[Row], bool]:
    return lambda row: place in (row["place"] or "")


# (filter, value, what every row it keeps shows, the commands whose records have the field)
FILTERS: list[tuple[str, str, Callable[[Row], bool], tuple[str, ...]]] = [
    ("--status", "cancelled", lambda row: row["status"] == "cancelled", ("events", "timeline")),
    ("--status", "signed", lambda row: row["status"] == "signed", ("agreements", "timeline")),
    ("--kind", "mou", lambda row: row.get("kind") == "mou", ("agreements", "timeline")),
    ("--place", "moscow", _at("Moscow"), ("events", "agreements", "timeline")),
    ("--source", STEEL_OPINION, _cites(STEEL_OPINION), ("events", "agreements", "timeline", "figures")),
    ("--unit", "mw", lambda row: row["unit"] == "MW", ("figures",)),
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
    everything = rows(invoke, command)
    kept = rows(invoke, command, option, value)
    assert kept and all(shows(row) for row in kept)
    assert [row for row in everything if shows(row)] == kept


def test_events_take_a_status_and_their_vocabulary_is_checked(invoke: Invoke) -> None:
    assert {row["status"] for row in rows(invoke, "events", "--status", "Scheduled")} == {
        "scheduled"
    }
    result = invoke("events", "--status", "signd", facts=SHIPPED)
    assert result.exit_code == 2
    assert result.stderr == (
        "pakru: --status: 'signd' is not a status; give one of occurred, scheduled, expected, "
        "proposed, pending, postponed, cancelled\n"
    )


def test_filters_combine(invoke: Invoke) -> None:
    kept = rows(invoke, "agreements", "--party", "Russia", "--kind", "mou", "--place", "Moscow")
    assert kept and all(
        row["kind"] == "mou" and "russia" in row["parties"] and "Moscow" in row["place"]
        for row in kept
    )


@pytest.mark.parametrize(
    ("args", "same"),
    [
        (("events", "--party", "Overchuk"), ("events", "--actor", "Overchuk")),
        (("agreements", "--actor", "Russia"), ("agreements", "--party", "Russia")),
    ],
)
def test_actor_and_party_name_the_same_filter(
    invoke: Invoke, args: tuple[str, ...], same: tuple[str, ...]
) -> None:
    assert rows(invoke, *args) == rows(invoke, *same) != []


def test_figures_take_a_window_by_since_and_until_as_well_as_by_period(invoke: Invoke) -> None:
    by_dates = rows(invoke, "figures", "--since", "2023-07-01", "--until", "2024-06-30")
    assert by_dates == rows(invoke, "figures", "--period", "2023-07-01..2024-06-30")
    result = invoke("figures", "--period", "2023-24", "--since", "2024", facts=SHIPPED)
    assert result.exit_code == 2
    assert "give a --period or --since/--until, not both" in result.stderr


def test_an_unknown_source_is_answered_with_the_nearest_ids(invoke: Invoke) -> None:
    result = invoke("events", "--source", "opinion-2025-pakistan-russia-steel", facts=SHIPPED)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "pakru: --source: no source matches 'opinion-2025-pakistan-russia-steel'; "
        f"closest: {STEEL_OPINION}"
    )


def test_a_status_filter_shows_a_page_and_counts_every_match(invoke: Invoke) -> None:
    result = invoke("events", "--status", "occurred", "-n", "2", facts=SHIPPED)
    assert result.exit_code == 0, result.output
    every = len(rows(invoke, "events", "--status", "occurred"))
    assert f"Showing the first 2 of {every} rows" in result.stdout


def test_trade_takes_a_metric_and_a_source(invoke: Invoke) -> None:
    exports = rows(invoke, "trade", "--metric", "exports")
    assert exports and {row["metric"] for row in exports} == {"exports"}
    balances = rows(invoke, "trade", "2022-23", "--metric", "trade_balance")
    assert balances and {row["metric"] for row in balances} == {"trade_balance"}
    cited = rows(invoke, "trade", "--source", STEEL_OPINION)
    # A derived figure is pakru's arithmetic, which no source backs: none is listed.
    assert cited and all(_cites(STEEL_OPINION)(row) for row in cited)


def test_search_takes_the_filters_of_the_records_it_finds(invoke: Invoke) -> None:
    every = rows(invoke, "search", "steel")
    signed = rows(invoke, "search", "steel", "--status", "signed")
    assert signed and all(row["id"] in {r["id"] for r in every} for row in signed)
    statuses = {row["id"]: row for row in rows(invoke, "agreements", "--status", "signed")}
    assert all(row["id"] in statuses for row in signed)
    result = invoke("search", "steel", "--topic", "steel", "-n", "2", facts=SHIPPED)
    assert result.exit_code == 0, result.output
    on_steel = len(rows(invoke, "search", "steel", "--topic", "steel"))
    assert on_steel < len(every)
    assert f"Showing the first 2 of {on_steel} rows" in result.stdout
