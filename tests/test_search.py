"""Full-text search: query parsing, matching that ignores case, accents and typography, ranking,
and highlight spans that point into the original text."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, reject, settings
from hypothesis import strategies as st

from pakru.cli.options import default_facts_dir
from pakru.domain.errors import UsageError
from pakru.domain.records import Agreement, Event, FactStore
from pakru.domain.search import Hit, fold, match_spans, parse_query, search
from pakru.store import models
from pakru.store.check import load_store

TINY = Path(__file__).parent / "data" / "facts"


@pytest.fixture(scope="module")
def tiny() -> FactStore:
    return load_store(TINY)


@pytest.fixture(scope="module")
def shipped() -> FactStore:
    return load_store(default_facts_dir())


def find(store: FactStore, text: str, **options: Any) -> list[Hit]:
    return search(store, parse_query(text), **options)


def ids(store: FactStore, text: str, **options: Any) -> list[str]:
    return [hit.record.id for hit in find(store, text, **options)]


def event(id: str, title: str, quote: str = "A quote about nothing.") -> Event:
    return models.Event.model_validate(
        {
            "id": id,
            "date": "2025",
            "title": title,
            "place": None,
            "actors": [],
            "status": "occurred",
            "topics": [],
            "sources": [{"source": "a-source", "quote": quote}],
        }
    ).to_record()  # type: ignore[return-value]


def agreement(id: str, title: str) -> Agreement:
    return models.Agreement.model_validate(
        {
            "id": id,
            "title": title,
            "kind": "protocol",
            "date": "2025",
            "place": None,
            "parties": [],
            "status": "signed",
            "topics": [],
            "sources": [{"source": "a-source", "quote": "A quote about nothing."}],
        }
    ).to_record()  # type: ignore[return-value]


# --- what is found --------------------------------------------------------------------------


def test_steel_finds_the_steel_records_of_the_tiny_store(tiny: FactStore) -> None:
    hits = find(tiny, "steel")
    assert [hit.record.id for hit in hits] == ["steel-protocol-2025-02", "steel-talks-2025-02"]
    assert hits[0].fields == ("title", "topics", "quotes")
    assert hits[0].snippet == "Protocol on steel cooperation"


def test_steel_finds_the_psm_protocol_and_the_mills(shipped: FactStore) -> None:
    found = ids(shipped, "steel")
    assert "protocol-psm-2025-07-11" in found
    assert "pakistan-steel-mills" in found
    # a title that says steel outranks a record that mentions it only in a note
    assert found.index("psm-built-197x") < found.index("russia")


def test_a_title_match_outranks_a_quote_match() -> None:
    # The quote-only event would come first on every tie-break (type is equal, id sorts first),
    # so only the score can put the title match ahead.
    store = FactStore(
        events=(
            event("a-quote-only", "Trade talks", quote="They spoke of steel."),
            event("b-in-the-title", "Steel talks"),
        )
    )
    hits = find(store, "steel")
    assert [hit.record.id for hit in hits] == ["b-in-the-title", "a-quote-only"]
    assert hits[0].score > hits[1].score
    assert hits[1].fields == ("quotes",)
    assert hits[1].snippet == "They spoke of steel."


def test_ties_are_broken_by_record_type_then_id() -> None:
    store = FactStore(
        events=(event("a-event", "Steel talks"),),
        agreements=(
            agreement("z-agreement", "Steel talks"),
            agreement("y-agreement", "Steel talks"),
        ),
    )
    hits = find(store, "steel")
    assert len({hit.score for hit in hits}) == 1
    assert [hit.record.id for hit in hits] == ["y-agreement", "z-agreement", "a-event"]


def test_results_are_ranked_by_score(shipped: FactStore) -> None:
    scores = [hit.score for hit in find(shipped, "pak")]
    assert scores == sorted(scores, reverse=True)


def test_several_words_must_all_match(tiny: FactStore, shipped: FactStore) -> None:
    assert ids(tiny, "karachi") == ["ministerial-visit-2025-05"]
    assert ids(tiny, "steel karachi") == []
    assert set(ids(tiny, "steel moscow")) == {"steel-protocol-2025-02", "steel-talks-2025-02"}
    both = set(ids(shipped, "steel karachi"))
    assert both == set(ids(shipped, "steel")) & set(ids(shipped, "karachi"))
    assert "protocol-psm-2025-07-11" in both


def test_a_quoted_phrase_needs_consecutive_words(shipped: FactStore) -> None:
    store = FactStore(
        events=(
            event("apart", "The mill makes steel"),
            event("together", "A new steel mill"),
        )
    )
    assert set(ids(store, "steel mill")) == {"together", "apart"}
    assert ids(store, '"steel mill"') == ["together"]
    assert ids(store, '"mill steel"') == []
    assert ids(shipped, "mill steel") != []
    assert ids(shipped, '"mill steel"') == []
    assert "new-steel-mill-karachi-agreement-expected" in ids(shipped, '"steel mill"')


def test_case_and_accents_are_ignored(shipped: FactStore) -> None:
    hits = {hit.record.id: hit for hit in find(shipped, "TURKIYE")}
    assert "turkiye" in hits
    assert hits["turkiye"].snippet == "Türkiye"  # the original text, not the folded one
    assert ids(shipped, "türkiye") == ids(shipped, "Tu\u0308rkiye") == list(hits)


def test_a_straight_apostrophe_finds_a_curly_one(shipped: FactStore) -> None:
    hits = {hit.record.id: hit for hit in find(shipped, "Russia's")}
    assert "russia-steel-commitment-2024-09" in hits
    assert hits["russia-steel-commitment-2024-09"].snippet.startswith("Russia’s commitment")
    assert ids(shipped, "Russia’s") == list(hits)


def test_a_word_matches_the_start_of_a_word(tiny: FactStore, shipped: FactStore) -> None:
    assert "pakistan" in ids(tiny, "pak")
    assert ids(tiny, "akistan") == []  # the start of a word, not any part of it
    assert {"pakistan", "pakistan-steel-mills"} <= set(ids(shipped, "pak"))
    assert ids(tiny, "petrov") == ["ivan-petroff"]  # an alias


def test_types_keeps_only_those_kinds(shipped: FactStore) -> None:
    actors = find(shipped, "steel", types={"actor"})
    assert "pakistan-steel-mills" in [hit.record.id for hit in actors]
    assert {hit.record.record_type for hit in actors} == {"actor"}
    kinds = {hit.record.record_type for hit in find(shipped, "steel", types={"event", "source"})}
    assert kinds == {"event", "source"}
    with pytest.raises(UsageError, match="unknown record type events"):
        find(shipped, "steel", types={"events"})


def test_limit_keeps_the_best(shipped: FactStore) -> None:
    everything = find(shipped, "steel")
    assert len(everything) > 3
    assert find(shipped, "steel", limit=3) == everything[:3]
    assert find(shipped, "steel", limit=0) == []
    with pytest.raises(UsageError, match="0 or more"):
        find(shipped, "steel", limit=-1)


def test_no_match_is_an_empty_list(tiny: FactStore) -> None:
    assert find(tiny, "zanzibar") == []


NUMBERS = [
    event("e-plant", "A 640MW power plant"),
    event("e-trade", "Trade of $1.81bn"),
    event("e-rise", "Exports up 50%"),
    event("e-other", "Talks on 1640 MWe units"),
]


def test_numbers_and_units_are_found_apart_and_together() -> None:
    store = FactStore(events=tuple(NUMBERS))
    for query, found in [
        ("640", ["e-plant"]),
        ("MW", ["e-other", "e-plant"]),
        ("640 MW", ["e-plant"]),
        ('"640 MW"', ["e-plant"]),
        ("640MW", ["e-plant"]),  # as written still finds it
        ("1.81", ["e-trade"]),
        ("bn", ["e-trade"]),
        ("$1.81bn", ["e-trade"]),
        ("1.81 bn", ["e-trade"]),
        ("50", ["e-rise"]),
        ("50%", ["e-rise"]),
    ]:
        assert sorted(ids(store, query)) == found, query


def test_the_shipped_640mw_station_is_found_by_its_number_and_unit(shipped: FactStore) -> None:
    for query in ("640 MW", "MW", '"640 MW"'):
        assert "guddu-power-station-commissioned-1974" in ids(shipped, query), query


def test_a_number_is_not_found_inside_a_larger_one() -> None:
    store = FactStore(events=tuple(NUMBERS))
    assert ids(store, '"640 MW"') == ["e-plant"]  # not 1640 MWe
    assert match_spans("A 640MW power plant", parse_query("mw")) == [(5, 7)]


# --- queries --------------------------------------------------------------------------------


def test_parse_query_reads_words_and_phrases() -> None:
    query = parse_query("Steel  “Steel Mill” co-sponsored steel")
    assert [(term.words, term.quoted) for term in query.terms] == [
        (("steel",), False),
        (("steel", "mill"), True),
        (("co", "sponsored"), False),  # a hyphenated word is matched as a phrase
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "nothing to search for"),
        ("   ", "nothing to search for"),
        ("... -- !", "has no letters or digits"),
        ('""', "has no letters or digits"),
        ('"steel mill', "double quote is not closed"),
        ('steel "mill" "', "double quote is not closed"),
    ],
)
def test_bad_queries_say_what_is_wrong_and_what_is_accepted(text: str, problem: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_query(text)
    assert raised.value.param == "TEXT"
    assert problem in raised.value.message
    assert '"phrase in double quotes"' in raised.value.message
    assert "\n" not in str(raised.value)


# --- highlight spans ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "query", "matched"),
    [
        ("Protocol on steel cooperation", "steel", ["steel"]),
        ("Steelmaking and STEEL", "steel", ["Steelmaking", "STEEL"]),
        ("Pakistan, Türkiye, Iran", "turkiye iran", ["Türkiye", "Iran"]),
        ("Pakistan, Tu\u0308rkiye, Iran", "turkiye", ["Tu\u0308rkiye"]),
        ("Café au lait", "cafe", ["Café"]),
        ("A ﬁnal ﬁgure", "final", ["ﬁnal"]),
        ("Russia’s steel industry", "Russia's", ["Russia’s"]),
        ("the Pakistan–Russia trade", "pakistan-russia", ["Pakistan–Russia"]),
        ("a new steel mill, steel and mill", '"steel mill"', ["steel mill"]),
        ("steel mill", 'mill "steel mill"', ["steel mill"]),  # overlapping spans merge
        ("nothing here", "steel", []),
    ],
)
def test_match_spans_slice_the_original_text(text: str, query: str, matched: list[str]) -> None:
    spans = match_spans(text, parse_query(query))
    assert [text[start:end] for start, end in spans] == matched


def test_match_spans_are_sorted_and_apart() -> None:
    spans = match_spans("Iran, Türkiye and Iran", parse_query("iran türkiye"))
    assert spans == [(0, 4), (6, 13), (18, 22)]


_SEPARATORS = [" ", ", ", " – ", "—", "\n", " (", ") ", "; "]
_LETTERS = ["a", "s", "e", "é", "e\u0301", "Ü", "ß", "ﬁ", "İ", "ж", "ك", "7"]
_word = st.lists(st.sampled_from(_LETTERS), min_size=1, max_size=6).map("".join)
_text = st.one_of(st.text(), st.text(alphabet="aSeé\u0301\u0308ﬁßİ’'–—-_ ,.½™\n"))


@given(_text, st.data())
def test_spans_of_a_word_from_the_text_slice_to_that_word(text: str, data: st.DataObject) -> None:
    words = re.findall(r"\w+", text)
    assume(words)
    word = data.draw(st.sampled_from(words))
    try:
        query = parse_query(word)
    except UsageError:
        reject()  # a word of underscores only, say
    folded = fold(word)
    assume([term.words for term in query.terms] == [(folded,)])
    for start, end in match_spans(text, query):
        assert 0 <= start < end <= len(text)
        assert fold(text[start:end]).startswith(folded)


@given(
    st.lists(st.tuples(_word, st.sampled_from(_SEPARATORS)), min_size=1, max_size=8),
    st.data(),
)
def test_every_word_is_found_where_it_stands(
    parts: list[tuple[str, str]], data: st.DataObject
) -> None:
    text = "".join(word + separator for word, separator in parts)
    index = data.draw(st.integers(0, len(parts) - 1))
    word = parts[index][0]
    start = sum(len(w) + len(s) for w, s in parts[:index])
    # Highlights that overlap are merged: "a7a" is also found across "a 7a" just after it.
    spans = match_spans(text, parse_query(word))
    assert any(begin <= start and start + len(word) <= end for begin, end in spans)


@settings(max_examples=100)
@given(
    text=st.text(
        alphabet=st.one_of(
            st.sampled_from("abcXYZ019 '’-–—_.,\"“”\n\tÀéﬁİß½"), st.characters(codec="utf-8")
        ),
        max_size=40,
    )
)
def test_the_index_holds_the_words_matching_sees(text: str) -> None:
    """index_words is a quicker way to the same words, for text that is ASCII once plain."""
    from pakru.domain.search import _words, index_words

    assert index_words(text) == list(_words(fold(text)))
