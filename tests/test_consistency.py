"""Whether two figures can both be true, given how precisely each was stated."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pakru.domain.consistency import (
    checks,
    comparable,
    disagreements,
    ranges_meet,
    stated_precision,
    value_range,
)
from pakru.domain.records import Figure
from pakru.store import models

USD = {"metric": "trade_total", "unit": "USD"}
PERCENT = {"metric": "trade_growth", "unit": "percent"}


def figure(
    stated: str,
    value: int | str,
    *,
    qualifier: str = "exact",
    period: str | None = "FY2024-25",
    kind: dict[str, str] = USD,
    subject: str = "Pakistan–Russia trade",
    basis: str = "reported",
    id: str = "figure",
    **more: str,
) -> Figure:
    return models.Figure.model_validate(
        {
            "id": id,
            "subject": subject,
            "value": value,
            "stated": stated,
            "period": period,
            "qualifier": qualifier,
            "basis": basis,
            "topics": ["trade"],
            "sources": [{"source": "some-source", "quote": f"trade was {stated}"}],
        }
        | kind
        | more
    ).to_record()  # type: ignore[return-value]


# --- stated_precision -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stated", "value", "kind", "half_unit"),
    [
        ("$1.81 billion", 1810000000, USD, Decimal(5_000_000)),
        ("$1.8 billion", 1800000000, USD, Decimal(50_000_000)),
        ("$1.0 billion", 1000000000, USD, Decimal(50_000_000)),
        ("$1 billion", 1000000000, USD, Decimal(500_000_000)),
        ("one billion", 1000000000, USD, Decimal(500_000_000)),
        ("$1,234 million", 1234000000, USD, Decimal(500_000)),
        ("287", 287, {"metric": "count", "unit": "count"}, Decimal("0.5")),
        ("60 percent", 60, PERCENT, Decimal("0.5")),
        ("12.5%", "12.5", PERCENT, Decimal("0.05")),
        (
            "three million tons",
            3000000,
            {"metric": "steel_supply_gap", "unit": "tonnes"},
            Decimal(500_000),
        ),
        ("double", 100, PERCENT, Decimal(0)),  # a word naming an exact ratio
        ("0 percent", 0, PERCENT, Decimal(0)),
    ],
)
def test_stated_precision_is_half_a_unit_of_the_last_digit_given(stated, value, kind, half_unit):
    assert stated_precision(figure(stated, value, kind=kind)) == half_unit


# --- value_range ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stated", "value", "qualifier", "low", "high"),
    [
        ("$1.81 billion", 1810000000, "exact", 1805000000, 1815000000),
        ("$1.8 billion", 1800000000, "about", 1750000000, 1850000000),
        ("more than $1 billion", 1000000000, "more than", 1000000000, None),
        ("over $1 billion", 1000000000, "over", 1000000000, None),
        ("at least $1 billion", 1000000000, "at least", 1000000000, None),
        ("up to $2 billion", 2000000000, "up to", None, 2500000000),
    ],
)
def test_value_range(stated, value, qualifier, low, high):
    assert value_range(figure(stated, value, qualifier=qualifier)) == (
        None if low is None else Decimal(low),
        None if high is None else Decimal(high),
    )


# --- disagreements ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("$1.8 billion", 1800000000), ("$1.81 billion", 1810000000)),
        (("about $1.8 billion", 1800000000), ("$1.81 billion", 1810000000)),
        (("$2 billion", 2000000000), ("$1.81 billion", 1810000000)),  # 1.5 to 2.5 billion
        (("$1.81 billion", 1810000000), ("$1,810 million", 1810000000)),
    ],
)
def test_figures_that_agree_within_their_stated_precision(a, b):
    first, second = figure(*a, id="first"), figure(*b, id="second")

    assert ranges_meet(first, second)
    assert disagreements([first, second]) == []


@pytest.mark.parametrize(
    "other",
    [("$1.0 billion", 1000000000), ("one billion", 1000000000), ("$1.7 billion", 1700000000)],
)
def test_figures_that_disagree(other):
    reported = figure("$1.81 billion", 1810000000, id="reported")
    lower = figure(*other, id="lower")

    assert disagreements([reported, lower]) == [(reported, lower)]


def test_more_than_100_percent_disagrees_with_60_percent():
    more_than = figure("more than 100 percent", 100, qualifier="more than", kind=PERCENT, id="a")
    sixty = figure("60 percent", 60, kind=PERCENT, id="b")

    # the better-stated (an exact figure) first, whatever order they come in
    assert disagreements([more_than, sixty]) == [(sixty, more_than)]
    assert disagreements([sixty, more_than]) == [(sixty, more_than)]


@pytest.mark.parametrize(("stated", "value"), [("150 percent", 150), ("100.2 percent", "100.2")])
def test_more_than_100_percent_agrees_with_anything_above(stated, value):
    more_than = figure("more than 100 percent", 100, qualifier="more than", kind=PERCENT, id="a")

    assert disagreements([more_than, figure(stated, value, kind=PERCENT, id="b")]) == []


def test_up_to_disagrees_only_with_more():
    up_to = figure("up to $2 billion", 2000000000, qualifier="up to", id="a")

    assert disagreements([up_to, figure("$1.81 billion", 1810000000, id="b")]) == []
    assert disagreements([up_to, figure("$3 billion", 3000000000, id="c")]) == []  # 2.5 to 3.5
    assert len(disagreements([up_to, figure("$3.5 billion", 3500000000, id="d")])) == 1


@pytest.mark.parametrize(
    ("period_a", "period_b"),
    [
        ("FY2024-25", "FY2023-24"),
        ("FY2024-25", "2024-07/2025-06"),  # the same days, but not stated as the same period
        ("FY2024-25", "2025"),
        ("FY2024-25", None),
        (None, None),
    ],
)
def test_different_periods_are_never_compared(period_a, period_b):
    a = figure("$1.81 billion", 1810000000, period=period_a, id="a")
    b = figure("$1.0 billion", 1000000000, period=period_b, id="b")

    assert not comparable(a, b)
    assert disagreements([a, b]) == []


def test_different_metrics_and_bases_are_never_compared():
    total = figure("$1.81 billion", 1810000000, id="total")
    exports = figure("$1.0 billion", 1000000000, kind={"metric": "exports", "unit": "USD"}, id="x")
    target = figure("$1.0 billion", 1000000000, basis="target", id="target")

    assert disagreements([total, exports, target]) == []


def test_trade_totals_compare_whatever_words_their_subjects_use():
    a = figure("$1.81 billion", 1810000000, subject="bilateral trade", id="a")
    b = figure("$1.0 billion", 1000000000, subject="Pakistan–Russia trade volume", id="b")

    assert comparable(a, b)
    assert disagreements([a, b]) == [(a, b)]


def test_exports_compare_only_for_the_same_subject():
    kind = {"metric": "exports", "unit": "USD"}
    to_russia = figure("$500 million", 500000000, kind=kind, subject="Exports to Russia", id="a")
    same = figure("$300 million", 300000000, kind=kind, subject="exports to russia", id="b")
    other = figure("$300 million", 300000000, kind=kind, subject="Exports from Russia", id="c")

    assert disagreements([to_russia, same, other]) == [(to_russia, same)]


def test_every_disagreeing_pair_is_listed_once_in_order():
    a = figure("$1.81 billion", 1810000000, id="a")
    b = figure("$1.8 billion", 1800000000, id="b")
    c = figure("$1.0 billion", 1000000000, id="c")

    assert [(x.id, y.id) for x, y in disagreements([a, b, c])] == [("a", "c"), ("b", "c")]


# --- at the scale of real data ------------------------------------------------------------------


def test_two_equal_falls_do_not_conflict() -> None:
    # "12.4 percent" stated for a fall of 12.4: the tolerance is a magnitude, never negative.
    falls = [
        figure("12.4 percent", "-12.4", kind=PERCENT, id=f"fall-{n}", period="FY2022-23")
        for n in (1, 2)
    ]
    assert stated_precision(falls[0]) == Decimal("0.05")
    assert disagreements(falls) == []
    assert disagreements([*falls, figure("12.0 percent", "-12.0", kind=PERCENT, id="fall-3",
                                         period="FY2022-23")])  # fmt: skip


def test_a_commodity_figure_is_not_the_whole_flow() -> None:
    exports = {"metric": "exports", "unit": "USD"}
    store = [
        figure("$920 million", 920_000_000, id="total", period="FY2022-23"),
        figure("$74 million", 74_000_000, kind=exports, id="exports", period="FY2022-23"),
        figure("$846 million", 846_000_000, kind={"metric": "imports", "unit": "USD"},
               id="imports", period="FY2022-23"),
        figure("$400 million", 400_000_000, kind={"metric": "imports", "unit": "USD"},
               id="wheat", period="FY2022-23", commodity="wheat"),
        figure("$20 million", 20_000_000, kind=exports, id="kinnow", period="FY2022-23",
               commodity="kinnow"),
    ]  # fmt: skip
    found = checks(store)
    assert [c for c in found if not c.agrees] == []
    assert {c.reason for c in found} == {"the total equals exports plus imports"}


def test_a_part_of_a_year_must_leave_a_plausible_rest() -> None:
    year = figure("$1.81 billion", 1_810_000_000, id="year", period="FY2023-24")
    eleven_months = figure("$1.04 billion", 1_040_000_000, id="part", period="2023-07/2024-05")
    (check,) = [c for c in checks([year, eleven_months]) if c.kind == "part and whole"]
    assert not check.agrees
    assert check.reason == (
        "$1.04 bn over 2023-07/2024-05 implies $770 m in June 2024 alone: 42.5% of FY2023-24 "
        "in 1 month, against $95 m a month over 2023-07/2024-05"
    )
    steady = figure("$1.65 billion", 1_650_000_000, id="steady", period="2023-07/2024-05")
    (fine,) = [c for c in checks([year, steady]) if c.kind == "part and whole"]
    assert fine.agrees


def test_a_calendar_year_and_a_fiscal_year_are_different_periods() -> None:
    calendar = figure("$1.1 billion", 1_100_000_000, id="calendar", period="2023")
    fiscal = figure("$1.81 billion", 1_810_000_000, id="fiscal", period="FY2023-24")
    assert not comparable(calendar, fiscal)
    assert [c for c in checks([calendar, fiscal]) if not c.agrees] == []


def test_a_revised_figure_is_not_a_disagreement() -> None:
    first = figure("$1.0 billion", 1_000_000_000, id="first", period="FY2023-24")
    revised = figure("$1.81 billion", 1_810_000_000, id="revised", period="FY2023-24",
                     supersedes=["first"])  # type: ignore[arg-type]  # fmt: skip
    assert disagreements([first, revised]) == []


def _cited(figure_: Figure, *sources: str) -> Figure:
    """The figure as cited by these sources (each citation says the stated number)."""
    from pakru.domain.records import Citation

    cited = tuple(Citation(s, says=f"it was {figure_.stated}") for s in sources)
    return figure_.replace(sources=cited)


def test_figures_are_derived_within_one_report_when_bodies_disagree() -> None:
    # FY2022-23 as the store has it: an opinion piece, the commerce ministry and the chambers.
    exports = {"metric": "exports", "unit": "USD"}
    imports = {"metric": "imports", "unit": "USD"}
    store = [
        _cited(figure("$1.13 billion", 1_130_000_000, id="total-op", period="FY2022-23"), "op"),
        _cited(figure("$920 million", 920_000_000, id="total-moc", period="FY2022-23"), "nation"),
        _cited(figure("$666.85 million", 666_850_000, id="total-fp", period="FY2022-23"), "fp"),
        _cited(figure("$287 million", 287_000_000, kind=exports, id="out-op", period="FY2022-23"),
               "op"),
        _cited(figure("$74 million", 74_000_000, kind=exports, id="out-moc", period="FY2022-23"),
               "nation"),
        _cited(figure("$846 million", 846_000_000, kind=imports, id="in", period="FY2022-23"),
               "op", "nation"),
    ]  # fmt: skip
    from pakru.domain.consistency import derive

    shares = {d.formula: d.value for d in derive(store) if d.metric == "share"}
    assert shares == {
        "out-op ÷ total-op × 100": Decimal("25.4"),
        "out-moc ÷ total-moc × 100": Decimal("8.0"),
        "in ÷ total-op × 100": Decimal("74.9"),
        "in ÷ total-moc × 100": Decimal("92.0"),
    }
    sums = [c for c in checks(store) if c.reason.startswith("the total")]
    assert {(c.a.id, c.agrees) for c in sums} == {("total-op", True), ("total-moc", True)}
