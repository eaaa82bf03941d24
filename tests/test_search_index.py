"""The compiled store's full-text index finds, ranks, counts and pages the matches of a search.

The ranking is written once, in SQL (`Compiled.search_ids`): each term weighs 3 where a record has
it in a title, name or subject, 2 in an alias or a topic, 1 elsewhere, a record scores the sum,
and ties go by record type, then id. Tiny stores with known answers pin that rule; properties
check what must hold of any answer: after an edit as after a fresh build, a page is the start of
the whole answer, and a record's score is the sum of what each term alone scores it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pakru.domain import search as find
from pakru.store.compiled import Compiled, cache_path, open_store
from tests.conftest import DATA_FACTS

EVENT = {
    "date": "2025-02",
    "place": None,
    "actors": ["pakistan"],
    "status": "occurred",
    "topics": [],
}


def write(root: Path, kind: str, items: list[dict[str, object]]) -> None:
    # JSON is YAML: the texts need no quoting rules of their own.
    (root / kind).mkdir(exist_ok=True)
    (root / kind / "more.yaml").write_text(json.dumps(items, ensure_ascii=False), "utf-8")


def event(
    record_id: str, title: str, quote: str = "as reported", **more: object
) -> dict[str, object]:
    return {
        **EVENT,
        "id": record_id,
        "title": title,
        "sources": [{"source": "gazette-2025-03-14", "quote": quote}],
        **more,
    }


def found(
    compiled: Compiled, text: str, types: list[str] | None = None, limit: int | None = None
) -> tuple[list[tuple[str, int]], int]:
    terms = find.index_terms(find.parse_query(text), compiled.topics())
    return compiled.search_ids(terms, types, limit)


def ranked(compiled: Compiled, text: str, types: list[str] | None = None) -> list[str]:
    return [record_id for record_id, _ in found(compiled, text, types)[0]]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "facts"
    shutil.copytree(DATA_FACTS, copy)
    return copy


# --- the rule, on stores with known answers -----------------------------------------------------


def test_steel_in_the_tiny_store() -> None:
    compiled = open_store(DATA_FACTS)
    # Both have steel in the title (3); the agreement comes first on its record type.
    assert found(compiled, "steel") == (
        [("steel-protocol-2025-02", 3), ("steel-talks-2025-02", 3)],
        2,
    )
    assert found(compiled, "steel", limit=1) == ([("steel-protocol-2025-02", 3)], 2)
    assert found(compiled, "steel", limit=0) == ([], 2)
    assert found(compiled, "steel", ["event", "actor"]) == ([("steel-talks-2025-02", 3)], 1)
    assert found(compiled, "zanzibar") == ([], 0)


def test_a_score_counts_each_term_once_at_its_heaviest(root: Path) -> None:
    write(
        root,
        "events",
        [
            event("e-a", "Talks", quote="steel steel steel mill"),  # 1 + 1
            event("e-b", "Steel", quote="mill"),  # 3 + 1
            event("e-c", "Steel mill", quote="nothing"),  # 3 + 3
            event("e-d", "Mill", quote="steel"),  # 1 + 3, after e-b on its id
        ],
    )
    compiled = open_store(root)
    # The test store's steel talks: steel in the title (3), mill in the synonym "steel mill" of
    # their topic (2).
    assert found(compiled, "steel mill", ["event"]) == (
        [("e-c", 6), ("steel-talks-2025-02", 5), ("e-b", 4), ("e-d", 4), ("e-a", 2)],
        5,
    )
    assert found(compiled, "steel mill", ["event"], 2) == (
        [("e-c", 6), ("steel-talks-2025-02", 5)],
        5,
    )


def test_ties_go_by_record_type_then_id(root: Path) -> None:
    write(root, "events", [event("a-event", "Zinc talks")])
    agreement = {
        "kind": "protocol",
        "date": "2025",
        "place": None,
        "parties": [],
        "status": "signed",
        "topics": [],
        "sources": [{"source": "gazette-2025-03-14", "quote": "as reported"}],
    }
    write(
        root,
        "agreements",
        [{**agreement, "id": i, "title": "Zinc talks"} for i in ("z-agreement", "y-agreement")],
    )
    assert found(open_store(root), "zinc") == (
        [("y-agreement", 3), ("z-agreement", 3), ("a-event", 3)],
        3,
    )


def test_a_title_outranks_an_alias_or_topic_which_outranks_a_quote(root: Path) -> None:
    write(
        root,
        "events",
        [
            event("a-quote", "Talks", quote="They spoke of commerce."),  # 1
            event("b-topic", "Talks", topics=["trade"]),  # commerce names the trade topic: 2
            event("c-title", "Commerce talks"),  # 3
        ],
    )
    assert found(open_store(root), "commerce", ["event"]) == (
        [("c-title", 3), ("b-topic", 2), ("a-quote", 1)],
        3,
    )


def test_more_than_three_terms_are_ranked_by_the_same_rule(root: Path) -> None:
    """Past three terms every match is scored in one query rather than a score at a time."""
    write(
        root,
        "events",
        [
            event("e-all-quoted", "Talks", quote="zinc lead tin copper"),  # 1+1+1+1
            event("e-two-titled", "Zinc and lead", quote="tin copper"),  # 3+3+1+1
            event("e-one-titled", "Copper", quote="zinc lead tin"),  # 1+1+1+3
            event("e-three-titled", "Zinc lead tin", quote="copper"),  # 3+3+3+1
            event("e-missing-one", "Zinc lead tin"),  # no copper: not found
        ],
    )
    compiled = open_store(root)
    expected = [("e-three-titled", 10), ("e-two-titled", 8), ("e-one-titled", 6)]
    assert found(compiled, "zinc lead tin copper") == ([*expected, ("e-all-quoted", 4)], 4)
    assert found(compiled, "zinc lead tin copper", limit=3) == (expected, 4)
    assert found(compiled, "zinc lead tin copper", ["agreement"]) == ([], 0)


def test_a_phrase_needs_its_words_together_and_in_order(root: Path) -> None:
    write(
        root, "events", [event("e-apart", "The mill makes zinc"), event("e-together", "Zinc mill")]
    )
    compiled = open_store(root)
    assert ranked(compiled, "zinc mill") == ["e-apart", "e-together"]
    assert ranked(compiled, '"zinc mill"') == ["e-together"]
    assert ranked(compiled, '"mill zinc"') == []


def test_the_index_finds_numbers_and_units_apart_and_together(root: Path) -> None:
    titles = {
        "e-plant": "A 640MW plant",
        "e-trade": "Trade of $1.81bn",
        "e-rise": "Up 50%",
        "e-other": "Talks on 1640 MWe units",
    }
    write(root, "events", [event(key, title) for key, title in titles.items()])
    compiled = open_store(root)
    for text, expected in [
        ("640", ["e-plant"]),
        ("MW", ["e-other", "e-plant"]),
        ("640 MW", ["e-plant"]),
        ('"640 MW"', ["e-plant"]),  # not 1640 MWe
        ("640MW", ["e-plant"]),
        ("1.81", ["e-trade"]),
        ("bn", ["e-trade"]),
        ("$1.81bn", ["e-trade"]),
        ("50", ["e-rise"]),
        ("50%", ["e-rise"]),
    ]:
        assert ranked(compiled, text, ["event"]) == expected, text


def test_case_accents_and_typography_are_folded_alike(root: Path) -> None:
    write(
        root,
        "events",
        [event("e-turkiye", "Talks in Türkiye"), event("e-russia", "Russia’s co‑operation")],
    )
    compiled = open_store(root)
    for text in ("TURKIYE", "türkiye", "Tu\u0308rkiye"):
        assert ranked(compiled, text) == ["e-turkiye"], text
    for text in ("Russia's", "Russia’s", "co-operation", '"co operation"'):
        assert ranked(compiled, text) == ["e-russia"], text


@pytest.mark.parametrize(("added", "rebuilt"), [(10, False), (40, True)])
def test_a_crowded_place_in_the_index_rebuilds_the_store(
    root: Path, added: int, rebuilt: bool
) -> None:
    """Ids added between two neighbours halve the room left there each time; past thirty-two of
    them the store is compiled afresh (a new file), and still answers right."""
    write(root, "events", [event("e-a", "Steel talks"), event("e-b", "Steel talks")])
    open_store(root)
    inode = cache_path(root).stat().st_ino
    crowd = [event(f"e-a-{n:02d}", "Steel talks") for n in range(added)]
    write(root, "events", [event("e-a", "Steel talks"), *crowd, event("e-b", "Steel talks")])
    compiled = open_store(root)
    assert (cache_path(root).stat().st_ino != inode) == rebuilt
    expected = ["e-a", *(str(c["id"]) for c in crowd), "e-b", "steel-talks-2025-02"]
    assert ranked(compiled, "steel", ["event"]) == expected


# --- what holds of every answer --------------------------------------------------------------

# Words that start one another, fold together, hold an apostrophe or a dash, or name a topic.
VOCABULARY = [
    "steel", "steelmaking", "Steel", "mill", "mills", "Karachi", "trade", "Russia’s", "russia",
    "Türkiye", "turkiye", "co-operation", "PSM", "commerce", "visit", "talks", "ﬁnance", "2024",
]  # fmt: skip
QUERIES = [
    "ste", "steel", "mill", "russia's", "Russia", "turk", "co", "operation", "psm", "commerce",
    "visit", "talks", "finance", "2024", "k",
]  # fmt: skip

phrases = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=5).map(" ".join)


@st.composite
def events(draw: st.DrawFn) -> list[dict[str, object]]:
    ids = draw(st.lists(st.from_regex(r"[a-f]{1,3}", fullmatch=True), max_size=12, unique=True))
    return [
        event(
            f"e-{record_id}",
            draw(phrases),
            draw(phrases),
            place=draw(st.one_of(st.none(), phrases)),
            topics=draw(st.lists(st.sampled_from(["steel", "trade", "diplomacy"]), unique=True)),
            note=draw(st.one_of(st.none(), phrases)),
        )
        for record_id in ids
    ]


@st.composite
def queries(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(QUERIES), min_size=1, max_size=5))
    if draw(st.booleans()) and len(words) > 1:
        return f'"{words[0]} {words[1]}" ' + " ".join(words[2:])
    return " ".join(words)


def check_answer(compiled: Compiled, fresh: Compiled, text: str) -> None:
    """The answer is that of a store compiled afresh; scores never rise down the list, and one
    score's records come in index order (record type, then id); a page is the start of it; a
    record's score is what its terms score it one by one."""
    whole, total = found(compiled, text)
    assert (whole, total) == found(fresh, text), text
    assert total == len(whole)
    rank = {record_type: i for i, record_type in enumerate(find.RECORD_TYPES)}
    types = dict(compiled.db.execute("SELECT id, type FROM search"))
    order = [(-score, rank[types[record_id]], record_id) for record_id, score in whole]
    assert order == sorted(order), text
    assert found(compiled, text, limit=2) == (whole[:2], total), text
    events = [(record_id, score) for record_id, score in whole if types[record_id] == "event"]
    assert found(compiled, text, ["event"]) == (events, len(events)), text
    alone = []
    for term in find.parse_query(text).terms:
        words = " ".join(term.words)
        alone.append(dict(found(compiled, f'"{words}"')[0]))
    assert whole == sorted(
        [(i, sum(scores[i] for scores in alone)) for i in set.intersection(*map(set, alone))],
        key=lambda hit: (-hit[1], rank[types[hit[0]]], hit[0]),
    ), text


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=events(), after=events(), asked=st.lists(queries(), min_size=1, max_size=3))
def test_every_answer_is_ranked_by_the_rule_before_and_after_an_edit(
    root: Path, before: list[dict[str, object]], after: list[dict[str, object]], asked: list[str]
) -> None:
    write(root, "events", before)
    compiled = open_store(root)
    for text in asked:
        check_answer(compiled, open_store(root, use_cache=False), text)
    write(root, "events", after)  # some ids kept, some new between them, some gone
    compiled = open_store(root)
    for text in asked:
        check_answer(compiled, open_store(root, use_cache=False), text)
