"""Names as people type them: `pakru actors NAME` and every --actor/--party find the actors a name
means across scripts, spellings, roles and descriptions, and only those."""

from __future__ import annotations

import json

import pytest

from pakru.cli.options import default_facts_dir
from tests.conftest import Invoke

SHIPPED = default_facts_dir()


def found(invoke: Invoke, name: str) -> list[str]:
    result = invoke("actors", name, "-f", "json", facts=SHIPPED)
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Фёдоров", ["andrey-fedorov"]),  # Cyrillic, with ё
        ("Оверчук", ["alexei-overchuk"]),
        ("Путин", ["putin"]),
        ("عمران خان", ["imran-khan"]),  # Urdu, which writes few vowels: mrn khn
        ("آصف علی زرداری", ["asif-ali-zardari"]),
        ("پیوٹن", ["putin"]),
        ("Vladimir Putin", ["putin"]),  # the store knows only "Putin"
        ("Aleksei Overchuk", ["alexei-overchuk"]),  # the store spells him Alexei
        ("the Russian envoy", ["andrey-fedorov", "zamir-kabulov"]),  # what the note quotes first
        ("consul-general", ["andrew-fesyun", "andrey-fedorov"]),  # their role titles
        ("SAPM", ["haroon-akhtar-khan", "tariq-fatemi"]),
    ],
)
def test_actors_finds_names_as_people_type_them(
    invoke: Invoke, name: str, expected: list[str]
) -> None:
    assert found(invoke, name) == expected


def test_a_name_finds_its_actor_only_not_everyone_who_mentions_it(invoke: Invoke) -> None:
    # Many actors' quotes and notes name Putin; only he is called so.
    assert found(invoke, "Putin") == ["putin"]
    assert found(invoke, "Pakistan Steel Mills") == ["pakistan-steel-mills"]
    # "consul general" is in Putin's note too, but the roles that say it answer alone.
    assert found(invoke, "consul general") == ["andrew-fesyun", "andrey-fedorov"]


def test_the_whole_name_comes_before_a_word_of_it_and_spelling_variants(invoke: Invoke) -> None:
    for russia in ("Russia", "روس"):
        ids = found(invoke, russia)
        assert ids[0] == "russia" and len(ids) > 1, russia
    alexeys = found(invoke, "Alexey")
    assert alexeys[:3] == ["alexey-dedov", "alexey-gruzdev", "alexey-pavlovsky"]  # as spelled
    assert {"alexei-overchuk", "alexei-kosygin", "aleksey-alekseyenko"} <= set(alexeys)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("events", "--actor", "IGC"), "igc-5th-session-2017-11"),
        (("events", "--actor", "Оверчук"), "overchuk-visit-islamabad-2024-09"),
        (("timeline", "--actor", "Aleksei Overchuk"), "overchuk-visit-islamabad-2024-09"),
    ],
)
def test_actor_filters_match_names_as_the_actors_command_does(
    invoke: Invoke, args: tuple[str, ...], expected: str
) -> None:
    result = invoke(*args, "-f", "json", facts=SHIPPED)
    assert result.exit_code == 0, result.output
    assert expected in [row["id"] for row in json.loads(result.stdout)]


def test_an_ambiguous_actor_filter_names_the_candidates(invoke: Invoke) -> None:
    result = invoke("events", "--actor", "consul-general", facts=SHIPPED)
    assert result.exit_code == 2
    assert result.stderr.startswith("pakru: --actor: 'consul-general' could be any of: ")
    assert "Andrew G Fesyun (andrew-fesyun)" in result.stderr
    assert "(andrey-fedorov)" in result.stderr


def test_an_unknown_actor_is_answered_with_the_nearest_names(invoke: Invoke) -> None:
    result = invoke("events", "--actor", "Sharifzadeh", facts=SHIPPED)
    assert result.exit_code == 2
    assert result.stderr == (
        "pakru: --actor: no actor matches 'Sharifzadeh'; "
        "closest: Nawaz Sharif, Raheel Sharif, Shahbaz Sharif\n"
    )
