"""The typed records: what one record alone may and may not say."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from pakru.domain import records
from pakru.domain.types import Period
from pakru.store.models import Actor, Agreement, Citation, Event, Figure, Source, Topic

CITATION = {"source": "arab-news-2025-07-02", "quote": "trade rose more than 100 percent"}

SOURCE = {
    "id": "arab-news-2025-07-02",
    "title": "Pakistan, Russia trade rises",
    "publisher": "Arab News",
    "author": None,
    "published": "2025-07-02",
    "kind": "news",
    "language": "en",
    "text_file": "arab-news.txt",
}
ACTOR = {
    "id": "russia",
    "name": "Russia",
    "kind": "country",
    "aliases": ["Russian Federation"],
    "sources": [CITATION],
}
EVENT = {
    "id": "ministerial-visit-2024-09",
    "date": "2024-09",
    "title": "Ministerial visit to Moscow",
    "place": "Moscow",
    "actors": ["pakistan", "russia"],
    "status": "occurred",
    "topics": ["trade"],
    "sources": [CITATION],
}
AGREEMENT = {
    "id": "steel-mous-2025-06",
    "title": "Memoranda on steel",
    "kind": "mou",
    "date": "2025-06",
    "place": None,
    "parties": ["pakistan", "russia"],
    "status": "signed",
    "topics": ["steel"],
    "sources": [CITATION],
}
FIGURE = {
    "id": "trade-total-fy2023-24",
    "metric": "trade_total",
    "subject": "Pakistan–Russia trade",
    "value": 1810000000,
    "unit": "USD",
    "stated": "$1.81 billion",
    "period": "FY2023-24",
    "qualifier": "exact",
    "basis": "reported",
    "topics": ["trade"],
    "sources": [CITATION],
}


def errors(model: type, data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Where each validation error stands and what it says (without pydantic's prefix)."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [
        (tuple(error["loc"]), error["msg"].removeprefix("Value error, "))
        for error in caught.value.errors(include_url=False)
    ]


# --- all records ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (Source, SOURCE),
        (Actor, ACTOR),
        (Event, EVENT),
        (Agreement, AGREEMENT),
        (Figure, FIGURE),
        (Topic, {"id": "trade", "name": "Trade", "synonyms": ["commerce"]}),
    ],
)
def test_valid_records_load(model, data):
    record = model.model_validate(data)

    assert record.id == data["id"]


def test_records_are_frozen():
    event = Event.model_validate(EVENT)

    with pytest.raises(ValidationError, match="Instance is frozen"):
        event.title = "Something else"
    assert event.title == "Ministerial visit to Moscow"


def test_unknown_key_is_refused():
    assert errors(Event, EVENT | {"venue": "Moscow"}) == [
        (("venue",), "Extra inputs are not permitted")
    ]


def test_missing_key_is_refused():
    data = {key: value for key, value in EVENT.items() if key != "title"}

    assert errors(Event, data) == [(("title",), "Field required")]


@pytest.mark.parametrize("field", ["id", "name"])
@pytest.mark.parametrize("value", [False, 7])  # what YAML makes of `no` and `7`
def test_strings_are_strict(field, value):
    assert errors(Actor, ACTOR | {field: value}) == [((field,), "Input should be a valid string")]


def test_yaml_no_as_a_quote_is_refused():
    data = EVENT | {"sources": [CITATION, {"source": "arab-news-2025-07-02", "quote": False}]}

    assert errors(Event, data) == [(("sources", 1, "quote"), "Input should be a valid string")]


@pytest.mark.parametrize("slug", ["a", "trade", "fy2023-24", "arab-news-2025-07-02"])
def test_slug_pattern_accepts(slug):
    assert Topic.model_validate({"id": slug, "name": "Name"}).id == slug


@pytest.mark.parametrize("slug", ["Trade", "trade--total", "-trade", "trade-", "trade_total", ""])
def test_slug_pattern_refuses(slug):
    assert errors(Topic, {"id": slug, "name": "Name"}) == [
        (("id",), "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'")
    ]


@pytest.mark.parametrize("reference", ["actors", "topics"])
def test_references_are_slugs(reference):
    located = errors(Event, EVENT | {reference: ["pakistan", "Russia"]})

    assert located == [((reference, 1), "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'")]


@pytest.mark.parametrize("quote", ["", "   ", "\t"])
def test_empty_or_blank_quote_is_refused(quote):
    data = EVENT | {"sources": [{"source": "arab-news-2025-07-02", "quote": quote}]}

    assert (("sources", 0, "quote"), "String should match pattern '\\S'") in errors(Event, data)


@pytest.mark.parametrize("model", [Actor, Event, Agreement, Figure])
def test_at_least_one_citation_is_required(model):
    data = {Actor: ACTOR, Event: EVENT, Agreement: AGREEMENT, Figure: FIGURE}[model]

    assert errors(model, data | {"sources": []}) == [
        (("sources",), "Tuple should have at least 1 item after validation, not 0")
    ]


def test_role_needs_a_citation_too():
    role = {"title": "Minister", "attested": "2025-07", "sources": []}

    assert errors(Actor, ACTOR | {"roles": [role]}) == [
        (("roles", 0, "sources"), "Tuple should have at least 1 item after validation, not 0")
    ]


@pytest.mark.parametrize(
    ("date_value", "message"),
    [
        ("2024-02-30", "'2024-02-30': 2024-02-30 is not a real day of the calendar"),
        ("next week", "'next week' is not a date or period; the store writes 2025-07-11, "),
        (True, "True is not a date or period; write one such as 2024-09"),
    ],
)
def test_bad_date_is_refused_at_its_field(date_value, message):
    [(location, text)] = errors(Event, EVENT | {"date": date_value})

    assert location == ("date",)
    assert text.startswith(message)


def test_dates_are_periods_with_their_precision():
    event = Event.model_validate(EVENT | {"date": date(2024, 9, 15)})

    assert event.date == Period.parse("2024-09-15")


@pytest.mark.parametrize("text_file", ["../secret.txt", "sub/a.txt", "a\\b.txt", ".hidden", ""])
def test_source_text_file_is_a_bare_file_name(text_file):
    [(location, _)] = errors(Source, SOURCE | {"text_file": text_file})

    assert location == ("text_file",)


def test_actor_kind_is_from_the_vocabulary():
    assert errors(Actor, ACTOR | {"kind": "company"}) == [
        (
            ("kind",),
            "Input should be 'person', 'organisation', 'government-body', 'country' or 'grouping'",
        )
    ]


@pytest.mark.parametrize(("count", "message"), [(1, "greater than or equal to 2"), (-3, "greater")])
def test_agreement_count_stands_for_several_documents(count, message):
    [(location, text)] = errors(Agreement, AGREEMENT | {"count": count})

    assert location == ("count",)
    assert message in text


def test_agreement_count_is_a_strict_int():
    assert errors(Agreement, AGREEMENT | {"count": "8"}) == [
        (("count",), "Input should be a valid integer")
    ]
    assert Agreement.model_validate(AGREEMENT | {"count": 8}).count == 8


# --- figures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "unit"),
    [
        ("trade_total", "percent"),
        ("trade_growth", "USD"),
        ("steel_supply_gap", "MW"),
        ("capacity", "km"),
        ("volume", "MW"),
        ("count", "km"),
    ],
)
def test_figure_unit_must_match_its_metric(metric, unit):
    [(location, text)] = errors(Figure, FIGURE | {"metric": metric, "unit": unit})

    assert location == ("unit",)  # reported at the field that is wrong, so the line is right
    assert text.startswith(f"a {metric} figure is measured in ")
    assert text.endswith(f", not {unit}")


def test_figure_unknown_unit_is_refused():
    assert errors(Figure, FIGURE | {"unit": "EUR"}) == [
        (
            ("unit",),
            "Input should be 'USD', 'percent', 'tonnes', 'MW', 'cubic metres', 'barrels', 'km' or 'count'",
        )
    ]


def test_negative_value_is_refused():
    assert errors(Figure, FIGURE | {"value": -5}) == [
        (("value",), "a trade_total figure cannot be negative (-5)")
    ]


def test_negative_growth_is_allowed():
    figure = Figure.model_validate(
        FIGURE | {"metric": "trade_growth", "unit": "percent", "value": "-12.5"}
    )

    assert figure.value == Decimal("-12.5")


def test_count_must_be_whole():
    count = FIGURE | {"metric": "count", "unit": "count"}

    assert errors(Figure, count | {"value": "2.5"}) == [
        (("value",), "a count must be a whole number, not 2.5")
    ]
    assert Figure.model_validate(count | {"value": 8}).value == 8


@pytest.mark.parametrize(
    ("value", "amount"),
    [(1810000000, Decimal(1810000000)), ("1.81", Decimal("1.81")), ("1,810,000", Decimal(1810000))],
)
def test_figure_value_is_an_exact_decimal(value, amount):
    assert Figure.model_validate(FIGURE | {"value": value}).value == amount


def test_figure_value_refuses_a_float_with_the_quoting_hint():
    assert errors(Figure, FIGURE | {"value": 1.81}) == [
        (("value",), "1.81 is a float; quote decimals in YAML, e.g. '1.5'")
    ]


@pytest.mark.parametrize("value", [True, "NaN", "abc"])
def test_figure_value_refuses_what_is_not_a_number(value):
    [(location, _)] = errors(Figure, FIGURE | {"value": value})

    assert location == ("value",)


def test_figure_period_may_be_null():
    assert Figure.model_validate(FIGURE | {"period": None}).period is None


# --- JSON -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "data"),
    [(Source, SOURCE), (Actor, ACTOR), (Event, EVENT), (Agreement, AGREEMENT), (Figure, FIGURE)],
)
def test_json_round_trip(model, data):
    record = model.model_validate(data)

    assert model.model_validate_json(record.model_dump_json()) == record


def test_event_json_round_trip_keeps_an_open_interval():
    event = Event.model_validate(EVENT | {"date": "2025-06-30/.."})

    again = Event.model_validate_json(event.model_dump_json())

    assert again == event
    assert again.date.last is None


def test_figure_json_round_trip_with_a_decimal_value():
    figure = Figure.model_validate(FIGURE | {"value": "1.5"})

    assert Figure.model_validate_json(figure.model_dump_json()) == figure


decimal_values = st.decimals(
    min_value=0, max_value=10**15, allow_nan=False, allow_infinity=False, places=2
)


@given(decimal_values)
def test_figure_value_round_trips_exactly_through_json(value):
    figure = Figure.model_validate(FIGURE | {"value": str(value)})

    again = Figure.model_validate_json(figure.model_dump_json())

    assert again.value == value
    assert again == figure


@given(st.integers(min_value=0, max_value=10**15))  # the most a figure in USD may be
def test_whole_figure_values_round_trip_exactly_through_json(value):
    figure = Figure.model_validate(FIGURE | {"value": value})

    again = Figure.model_validate_json(figure.model_dump_json())

    assert again.value == value
    assert again == figure


def test_to_json_gives_id_type_and_edtf_text():
    event = Event.model_validate(EVENT).to_json()

    assert list(event)[:2] == ["id", "type"]
    assert event["id"] == "ministerial-visit-2024-09"
    assert event["type"] == "event"
    assert event["date"] == "2024-09"
    assert event["sources"] == [CITATION]


def test_figure_to_json_gives_period_as_text_and_value_as_a_number():
    figure = Figure.model_validate(FIGURE).to_json()

    assert figure["type"] == "figure"
    assert figure["period"] == "FY2023-24"
    assert figure["value"] == 1810000000
    assert isinstance(figure["value"], int)
    assert json.loads(json.dumps(figure))["value"] == 1810000000


def test_figure_to_json_gives_a_decimal_value_as_a_json_number():
    growth = Figure.model_validate(
        FIGURE | {"metric": "trade_growth", "unit": "percent", "value": "12.5"}
    )

    assert json.dumps(growth.to_json()["value"]) == "12.5"


def test_to_json_of_other_kinds():
    assert Source.model_validate(SOURCE).to_json()["published"] == "2025-07-02"
    assert Agreement.model_validate(AGREEMENT).to_json()["type"] == "agreement"
    assert Actor.model_validate(ACTOR).to_json()["type"] == "actor"


def test_actor_names_are_name_then_aliases():
    assert Actor.model_validate(ACTOR).names == ("Russia", "Russian Federation")


def test_citation_is_a_model_too():
    assert Citation.model_validate(CITATION).quote == "trade rose more than 100 percent"


def test_plain_records_have_the_fields_of_the_models_in_the_same_order() -> None:
    """pakru.domain.records mirrors the models so that answers need no pydantic; they must not drift."""
    from pakru.domain import records
    from pakru.store import models

    for name in ("Source", "Actor", "Event", "Agreement", "Figure", "Topic"):
        model = getattr(models, name)
        plain = getattr(records, name)
        assert tuple(model.model_fields) == plain.fields, name
        assert model.record_type == plain.record_type, name
    assert tuple(models.Citation.model_fields) == records.Citation._fields
    assert tuple(models.Role.model_fields) == records.Role._fields


def test_every_unit_has_a_largest_value():
    assert set(records.LARGEST_OF_UNIT) == set(records.UNITS)
