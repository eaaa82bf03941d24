"""Full-text search: query parsing, matching that ignores case, accents and typography, the
search answer (a page of the index's ranking, each hit with what matched where), and highlight
spans that point into the original text. The ranking itself is tested in test_search_index."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, reject, settings
from hypothesis import strategies as st

from pakru.answers import searching
from pakru.cli.options import default_facts_dir
from pakru.domain.errors import UsageError
from pakru.domain.filters import Filters
from pakru.domain.search import Hit, described, fold, match_spans, parse_query
from pakru.store.compiled import Compiled, open_store

TINY = Path(__file__).parent / "data" / "facts"
TOPICS = {"steel", "trade", "diplomacy"}


@pytest.fixture(scope="module")
def shipped() -> Compiled:
    return open_store(default_facts_dir())


def answer(compiled: Compiled, text: str, **options: Any) -> searching.Searched:
    return searching.search(compiled, parse_query(text), **options)


def ids(compiled: Compiled, text: str) -> list[str]:
    return [hit.record.id for hit in answer(compiled, text).hits]


def row(hit: Hit) -> tuple[str, int, tuple[str, ...], str, list[str]]:
    """A hit as users see it: the id, score, fields matched, snippet and the words highlighted."""
    return (
        hit.record.id,
        hit.score,
        hit.fields,
        hit.snippet,
        [hit.snippet[start:end] for start, end in hit.spans],
    )


# --- what is found, and what it matched where ----------------------------------------------


def test_steel_in_the_tiny_store_with_what_matched_where() -> None:
    found = answer(open_store(TINY), "steel")
    assert found.total == 2
    assert [row(hit) for hit in found.hits] == [
        (
            "steel-protocol-2025-02",
            3,
            ("title", "topics", "quotes"),
            "Protocol on steel cooperation",
            ["steel"],
        ),
        (
            "steel-talks-2025-02",
            3,
            ("title", "topics", "quotes"),
            "Steel talks in Moscow",
            ["Steel"],
        ),
    ]
    assert {hit.record.id for hit in found.hits} == set(found.store.by_id) - TOPICS


def test_the_snippet_is_the_heaviest_field_matched_with_the_most_terms() -> None:
    compiled = open_store(TINY)
    # An alias (2) outweighs a quote (1), though only the quote has both words.
    assert [row(hit) for hit in answer(compiled, "petrov led").hits] == [
        ("ivan-petroff", 3, ("aliases", "quotes"), "Ivan Petrov", ["Petrov"]),
    ]
    # Of fields that weigh alike, the text with the most terms; then the first field listed.
    assert [row(hit) for hit in answer(compiled, "officials moscow").hits] == [
        (
            "steel-talks-2025-02",
            4,
            ("title", "quotes", "place"),
            "Steel talks in Moscow",
            ["Moscow"],
        ),
        (
            "steel-protocol-2025-02",
            2,
            ("quotes", "place"),
            "Officials signed a protocol on steel cooperation in Moscow last month.",
            ["Officials", "Moscow"],
        ),
    ]


def test_a_topic_is_found_by_a_synonym_and_shown_by_it() -> None:
    # The figures carry the trade topic by its id; "commerce" is one of its synonyms.
    found = answer(open_store(TINY), "commerce", limit=1)
    assert [row(hit) for hit in found.hits] == [
        ("exports-fy2023-24", 2, ("topics",), "commerce", ["commerce"]),
    ]
    assert found.total == 5


def test_a_record_that_matched_nowhere_is_shown_by_its_heaviest_text() -> None:
    store = open_store(TINY).everything()
    topics = {topic.id: topic for topic in store.topics}
    hit = described(store.by_id["steel-talks-2025-02"], 1, parse_query("zanzibar"), topics)
    assert (hit.score, hit.fields, hit.snippet, hit.spans) == (1, (), "Steel talks in Moscow", ())


def test_a_page_holds_the_best_and_counts_them_all() -> None:
    compiled = open_store(TINY)
    everything = answer(compiled, "pakistan")
    # Pakistan in a subject, name or title scores 3, in a quote only 1; ties go by record type.
    assert [(hit.record.id, hit.score) for hit in everything.hits] == [
        ("exports-fy2023-24", 3),
        ("imports-fy2023-24", 3),
        ("trade-total-2023-07-2024-05", 3),
        ("trade-total-fy2023-24-bulletin", 3),
        ("trade-total-fy2023-24-gazette", 3),
        ("pakistan", 3),
        ("wire-2025-03-20-trade", 3),
        ("steel-talks-2025-02", 1),
        ("russia", 1),
    ]
    assert everything.total == 9
    page = answer(compiled, "pakistan", limit=2)
    assert ([row(hit) for hit in page.hits], page.total) == (
        [row(hit) for hit in everything.hits[:2]],
        9,
    )
    assert set(page.store.by_id) - TOPICS == {"exports-fy2023-24", "imports-fy2023-24"}
    assert (answer(compiled, "pakistan", limit=0).hits, answer(compiled, "pakistan").total) == (
        [],
        9,
    )
    actors = answer(compiled, "pakistan", types=["actor"])
    assert ([hit.record.id for hit in actors.hits], actors.total) == (["pakistan", "russia"], 2)


def test_the_steel_records_of_the_shipped_store(shipped: Compiled) -> None:
    found = ids(shipped, "steel")
    assert "protocol-psm-2025-07-11" in found
    assert "pakistan-steel-mills" in found
    # a title that says steel outranks a record that mentions it only in a note
    assert found.index("psm-built-197x") < found.index("russia")
    scores = [hit.score for hit in answer(shipped, "pak").hits]
    assert scores == sorted(scores, reverse=True)


def test_several_words_must_all_match_in_the_shipped_store(shipped: Compiled) -> None:
    both = set(ids(shipped, "steel karachi"))
    assert both == set(ids(shipped, "steel")) & set(ids(shipped, "karachi"))
    assert "protocol-psm-2025-07-11" in both
    assert ids(shipped, "mill steel") != []
    assert ids(shipped, '"mill steel"') == []
    assert "new-steel-mill-karachi-agreement-expected" in ids(shipped, '"steel mill"')


def test_the_shipped_store_folds_case_accents_and_apostrophes(shipped: Compiled) -> None:
    hits = {hit.record.id: hit for hit in answer(shipped, "TURKIYE").hits}
    assert hits["turkiye"].snippet == "Türkiye"  # the original text, not the folded one
    assert ids(shipped, "türkiye") == ids(shipped, "Tu\u0308rkiye") == list(hits)
    hits = {hit.record.id: hit for hit in answer(shipped, "Russia's").hits}
    assert hits["russia-steel-commitment-2024-09"].snippet.startswith("Russia’s commitment")
    assert ids(shipped, "Russia’s") == list(hits)


def test_the_shipped_640mw_station_is_found_by_its_number_and_unit(shipped: Compiled) -> None:
    for query in ("640 MW", "MW", '"640 MW"'):
        assert "guddu-power-station-commissioned-1974" in ids(shipped, query), query


def test_a_word_matches_the_start_of_a_word() -> None:
    compiled = open_store(TINY)
    assert "pakistan" in ids(compiled, "pak")
    assert ids(compiled, "akistan") == []  # the start of a word, not any part of it
    assert ids(compiled, "petrov") == ["ivan-petroff"]  # an alias


def test_search_takes_the_filters_of_the_listings() -> None:
    compiled = open_store(TINY)
    signed = Filters(status="signed")
    found = answer(compiled, "steel", filters=signed)
    assert ([hit.record.id for hit in found.hits], found.total) == (["steel-protocol-2025-02"], 1)
    found = answer(compiled, "moscow", limit=0, filters=signed)
    assert (found.hits, found.total) == ([], 1)


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
