"""Every filter of a listing, decided once (in the compiled store's SQL), against the tiny store:
the rows each filter keeps, in the listing's order, and the count a page reports."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Invoke


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # every word typed starts a word of the place, in any case or script
        (["timeline", "--place", "mosc"], ["steel-protocol-2025-02", "steel-talks-2025-02"]),
        (["events", "--place", "MOSCOW"], ["steel-talks-2025-02"]),
        (["timeline", "--place", "oscow"], []),
        (["timeline", "--status", "occurred"], ["steel-talks-2025-02"]),
        (["timeline", "--kind", "protocol"], ["steel-protocol-2025-02"]),  # agreements only
        (["agreements", "--place", "moscow", "--kind", "mou"], []),
        # an event's actors and an agreement's parties
        (["timeline", "--actor", "russia"], ["steel-protocol-2025-02", "ministerial-visit-2025-05"]),
        (["timeline", "--source", "wire-2025-03-20-trade"], ["steel-talks-2025-02"]),
        (["timeline", "--topic", "steel"], ["steel-protocol-2025-02", "steel-talks-2025-02"]),
        (["timeline", "--since", "2025-03"], ["ministerial-visit-2025-05"]),
        (["timeline", "--until", "2025-02-10"], ["steel-protocol-2025-02", "steel-talks-2025-02"]),
        # figures by period, then metric and id
        (
            ["figures", "--source", "bulletin-2025-04-02"],
            ["trade-total-2023-07-2024-05", "trade-total-fy2023-24-bulletin"],
        ),
        (["figures", "--metric", "exports", "--basis", "reported", "--unit", "USD"],
         ["exports-fy2023-24"]),
        (["figures", "--basis", "target"], []),
        (["figures", "--unit", "percent"], []),
        (["search", "steel", "--status", "occurred"], ["steel-talks-2025-02"]),
        (["search", "steel", "--actor", "ivan-petroff"], ["steel-talks-2025-02"]),
    ],
)  # fmt: skip
def test_each_filter_keeps_the_rows_it_names(
    invoke: Invoke, args: list[str], expected: list[str]
) -> None:
    result = invoke(*args, "-f", "json")
    assert result.exit_code == 0, result.output
    assert [row["id"] for row in json.loads(result.stdout)] == expected


@pytest.mark.parametrize("option", ["--place", "--status", "--kind"])
def test_a_filtered_page_counts_every_match(invoke: Invoke, option: str) -> None:
    """Filters once decided on the records only are decided with the rest: a page of one says
    how many match in all."""
    value = {"--place": "moscow", "--status": "signed", "--kind": "protocol"}[option]
    wide = invoke("timeline", "--topic", "steel", "--limit", "1")
    assert "Showing the first 1 of 2 rows" in wide.stdout
    narrowed = invoke("timeline", "--topic", "steel", option, value, "--limit", "1")
    assert narrowed.exit_code == 0, narrowed.output
    if option == "--place":
        assert "Showing the first 1 of 2 rows" in narrowed.stdout
    else:  # only the agreement is signed, and a protocol
        assert "Showing the first" not in narrowed.stdout
        assert "Protocol on steel cooperation" in narrowed.stdout
