"""The shipped store answers the questions users ask of it, and is valid."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pakru.cli.options import default_facts_dir
from pakru.store.check import check_store, load_store
from tests.conftest import Invoke

SOURCES_DIR = Path(__file__).parent.parent.parent / "shared" / "sources"
OPINION = "opinion-2025-07-pakistan-russia-steel"
ARAB_NEWS = "arab-news-2025-07-02-fedorov"


def ids(invoke: Invoke, *args: str) -> list[str]:
    result = invoke(*args, "--format", "json", facts=None)
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


def test_the_shipped_store_covers_the_relationship_from_its_sources() -> None:
    store = check_store(default_facts_dir()).store
    assert store is not None
    assert len(store.sources) >= 80
    assert sum(source.kind in ("news", "wire") for source in store.sources) >= 60
    assert len(store.events) + len(store.agreements) + len(store.figures) >= 400
    for source in store.sources:  # anyone can find each source again
        assert source.url or source.text_file, source.id
    # Only the opinion piece, whose text is kept, names neither its publisher nor its author.
    unnamed = {s.id for s in store.sources if not (s.publisher or s.author)}
    assert unnamed == {"opinion-2025-07-pakistan-russia-steel"}
    decades = {
        fact.date.first.year // 10 * 10
        for fact in (*store.events, *store.agreements)
        if fact.date.first is not None
    }
    assert {1940, 1960, 1970, 1990, 2000, 2010, 2020} <= decades
    topics = {topic for fact in (*store.events, *store.agreements) for topic in fact.topics}
    assert {"defence", "igc", "oil-and-gas", "steel", "agriculture", "transport"} <= topics


def test_the_shipped_store_is_valid() -> None:
    report = check_store(default_facts_dir())
    assert report.problems == []
    store = report.store
    assert store is not None
    assert {a.id for a in store.actors} >= {
        "pakistan",
        "russia",
        "andrey-fedorov",
        "alexei-overchuk",
    }


@pytest.mark.skipif(
    not SOURCES_DIR.is_dir(), reason="the source texts are not beside this checkout"
)
def test_every_quote_is_verbatim_in_its_source() -> None:
    report = check_store(default_facts_dir(), SOURCES_DIR)
    assert report.problems == []
    assert report.quotes_checked > 100


def test_trade_2023_24_is_1_81_billion_from_both_sources(invoke: Invoke) -> None:
    result = invoke("trade", "2023-24", "--format", "json", facts=None)
    assert result.exit_code == 0, result.output
    (total,) = [r for r in json.loads(result.stdout) if r["id"] == "fig-trade-total-fy2023-24"]
    assert (total["value"], total["unit"], total["period"]) == (1810000000, "USD", "FY2023-24")
    assert [c["source"] for c in total["sources"]] == [OPINION, ARAB_NEWS]
    table = invoke("trade", "2023-24", facts=None).stdout
    assert "$1.81 bn   [1] [2]" in table


def test_the_headline_1_8_billion_is_kept_and_agrees_with_1_81(invoke: Invoke) -> None:
    rows = {
        r["id"]: r for r in json.loads(invoke("trade", "FY24", "-f", "json", facts=None).stdout)
    }
    assert rows["fig-trade-total-fy2023-24-headline"]["value"] == 1800000000
    # $1.8 bn and $1.81 bn agree within the precision stated.
    assert (
        "fig-trade-total-fy2023-24-headline"
        not in rows["fig-trade-total-fy2023-24"]["disagrees_with"]
    )
    assert (
        "fig-trade-total-fy2023-24"
        not in rows["fig-trade-total-fy2023-24-headline"]["disagrees_with"]
    )


def test_no_period_is_invented_where_the_source_gives_none(invoke: Invoke) -> None:
    # "Now we have one billion US dollars" names no period; nor does a target "within five years".
    for figure_id in ("fig-trade-total-now-1bn", "fig-export-target-4bn"):
        shown = json.loads(invoke("show", figure_id, "-f", "json", facts=None).stdout)
        assert shown["period"] is None, figure_id
    fy24 = json.loads(invoke("trade", "FY24", "-f", "json", facts=None).stdout)
    assert "fig-trade-total-now-1bn" not in {row["id"] for row in fy24}


def test_fedorov_contradicts_himself_on_five_year_growth(invoke: Invoke) -> None:
    rows = {
        r["id"]: r for r in json.loads(invoke("trade", "2023-24", "-f", "json", facts=None).stdout)
    }
    assert rows["fig-trade-growth-five-years-doubled"]["disagrees_with"] == [
        "fig-trade-growth-five-years-50-percent"
    ]


def test_fy2022_23_exports_and_imports_add_up_to_the_total() -> None:
    store = load_store(default_facts_dir())
    by_id = {f.id: f for f in store.figures}
    exports = by_id["fig-exports-pk-to-ru-fy2022-23"].value
    imports = by_id["fig-imports-pk-from-ru-fy2022-23"].value
    assert (exports, imports) == (Decimal(287_000_000), Decimal(846_000_000))
    assert abs(exports + imports - by_id["fig-trade-total-fy2022-23"].value) < 5_000_000


def test_events_since_september_2024(invoke: Invoke) -> None:
    found = ids(invoke, "events", "--since", "2024-09")
    for expected in (
        "overchuk-visit-islamabad-2024-09",
        "pakistan-trade-investment-forum-moscow-2024-10",
        "igc-9th-session-2024-12",
        "delegation-meets-overchuk-2025-07-09",
        "eco-10th-ministerial-drr-2026-01",
    ):
        assert expected in found
    for earlier in (
        "psm-built-197x",
        "guddu-power-station-commissioned-1974",
        "pakistan-floods-2022",
    ):
        assert earlier not in found
    assert found.index("overchuk-visit-islamabad-2024-09") < found.index("igc-9th-session-2024-12")


def test_steel_agreements(invoke: Invoke) -> None:
    found = ids(invoke, "agreements", "--topic", "steel")
    assert set(found) >= {
        "protocol-psm-2025-07-11",
        "igc-9th-roadmap-karachi-steel-mill-2024-12",
        "russia-steel-commitment-2024-09",
        "new-steel-mill-karachi-agreement-expected",
    }
    assert "barter-trade-agreement-2024-10" not in found
    assert ids(invoke, "agreements", "--topic", "PSM") == found
    assert ids(invoke, "agreements", "--topic", "steel mill") == found


def test_the_protocol_of_11_july_2025(invoke: Invoke) -> None:
    result = invoke(
        "agreements", "--topic", "steel", "--status", "signed", "-f", "json", facts=None
    )
    protocol = next(r for r in json.loads(result.stdout) if r["id"] == "protocol-psm-2025-07-11")
    assert (protocol["date"], protocol["place"], protocol["kind"]) == (
        "2025-07-11",
        "Moscow",
        "protocol",
    )
    assert protocol["sources"][0]["quote"].startswith(
        "Pakistan and Russia signed a protocol on July 11"
    )
    assert "July 11" in protocol["date_note"]


@pytest.mark.parametrize("spelling", ["Fedorov", "Federov", "Andrey V. Federov", "andrey-fedorov"])
def test_both_spellings_of_the_consul_general_find_him(invoke: Invoke, spelling: str) -> None:
    assert "fedorov-arab-news-interview-2025-06-30" in ids(invoke, "events", "--actor", spelling)


def test_relative_dates_are_resolved_and_noted() -> None:
    store = load_store(default_facts_dir())
    overchuk = next(e for e in store.events if e.id == "overchuk-visit-islamabad-2024-09")
    assert str(overchuk.date) == "2024-09"
    assert overchuk.date_note is not None and "September last year" in overchuk.date_note
    eco = next(e for e in store.events if e.id == "eco-10th-ministerial-drr-2026-01")
    assert str(eco.date) == "2026-01-21/2026-01-22"
