"""The compiled store's full-text index finds, ranks and counts what pakru.domain.search matches.

`pakru.domain.search.search` is the rule, read off the records themselves; the index answers from SQL
without reading them. On random stores and queries, before and after edits, the two agree.
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

# Words that start one another, fold together, hold an apostrophe or a dash, or name a topic.
VOCABULARY = [
    "steel", "steelmaking", "Steel", "mill", "mills", "Karachi", "trade", "Russia’s", "russia",
    "Türkiye", "turkiye", "co-operation", "PSM", "commerce", "visit", "talks", "ﬁnance", "2024",
]  # fmt: skip
QUERIES = [
    "ste", "steel", "mill", "russia's", "Russia", "turk", "co", "operation", "psm", "commerce",
    "visit", "talks", "finance", "2024", "k", "zanzibar",
]  # fmt: skip

phrases = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=5).map(" ".join)


@st.composite
def events(draw: st.DrawFn) -> list[dict[str, object]]:
    count = draw(st.integers(min_value=1, max_value=12))
    ids = draw(
        st.lists(
            st.from_regex(r"[a-f]{1,3}", fullmatch=True),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )  # noqa: E501
    return [
        {
            "id": f"e-{record_id}",
            "date": "2025-02",
            "title": draw(phrases),
            "place": draw(st.one_of(st.none(), phrases)),
            "actors": ["pakistan"],
            "status": "occurred",
            "topics": draw(st.lists(st.sampled_from(["steel", "trade", "diplomacy"]), unique=True)),
            "sources": [{"source": "gazette-2025-03-14", "quote": draw(phrases)}],
            "note": draw(st.one_of(st.none(), phrases)),
        }
        for record_id in ids
    ]


@st.composite
def queries(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(QUERIES), min_size=1, max_size=5))
    if draw(st.booleans()) and len(words) > 1:
        return f'"{words[0]} {words[1]}" ' + " ".join(words[2:])
    return " ".join(words)


def write_events(root: Path, items: list[dict[str, object]]) -> None:
    # JSON is YAML: the generated texts need no quoting rules of their own.
    (root / "events").mkdir(exist_ok=True)
    (root / "events" / "more.yaml").write_text(json.dumps(items, ensure_ascii=False), "utf-8")


def agree(compiled: Compiled, text: str, types: list[str] | None = None) -> None:
    asked = find.parse_query(text)
    store = compiled.everything()
    expected = [hit.record.id for hit in find.search(store, asked, types=types and set(types))]
    terms = find.index_terms(asked, store.topics)
    assert compiled.search_ids(terms, types, None) == (expected, len(expected)), text
    assert compiled.search_ids(terms, types, 3) == (expected[:3], len(expected)), text


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "facts"
    shutil.copytree(DATA_FACTS, copy)
    return copy


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=events(), after=events(), asked=st.lists(queries(), min_size=1, max_size=4))
def test_the_index_ranks_as_search_does_before_and_after_an_edit(
    root: Path, before: list[dict[str, object]], after: list[dict[str, object]], asked: list[str]
) -> None:
    write_events(root, before)
    compiled = open_store(root)
    for text in asked:
        agree(compiled, text)
    write_events(root, after)  # some ids kept, some new between them, some gone
    compiled = open_store(root)
    for text in asked:
        agree(compiled, text)
        agree(compiled, text, ["event"])
        agree(compiled, text, ["agreement"])


def test_a_score_counts_each_term_once_at_its_heaviest(root: Path) -> None:
    write_events(
        root,
        [
            {
                "id": f"e-{name}",
                "date": "2025-02",
                "title": title,
                "place": None,
                "actors": ["pakistan"],
                "status": "occurred",
                "topics": [],
                "sources": [{"source": "gazette-2025-03-14", "quote": quote}],
            }
            for name, title, quote in [
                ("a", "Talks", "steel steel steel mill"),  # 1 + 1
                ("b", "Steel", "mill"),  # 3 + 1
                ("c", "Steel mill", "nothing"),  # 3 + 3
                ("d", "Mill", "steel"),  # 1 + 3, after b on its id
            ]
        ],
    )
    compiled = open_store(root)
    terms = find.index_terms(find.parse_query("steel mill"), compiled.topics())
    # The test store's steel talks: steel in the title (3), mill in the synonym "steel mill" of
    # their topic (2).
    ranked = ["e-c", "steel-talks-2025-02", "e-b", "e-d", "e-a"]
    assert compiled.search_ids(terms, ["event"], None) == (ranked, 5)


@pytest.mark.parametrize(("added", "rebuilt"), [(10, False), (40, True)])
def test_a_crowded_place_in_the_index_rebuilds_the_store(
    root: Path, added: int, rebuilt: bool
) -> None:
    """Ids added between two neighbours halve the room left there each time; past thirty-two of
    them the store is compiled afresh (a new file), and still answers right."""
    base = {
        "date": "2025-02",
        "title": "Steel talks",
        "place": None,
        "actors": ["pakistan"],
        "status": "occurred",
        "topics": [],
        "sources": [{"source": "gazette-2025-03-14", "quote": "steel"}],
    }
    write_events(root, [{**base, "id": "e-a"}, {**base, "id": "e-b"}])
    open_store(root)
    inode = cache_path(root).stat().st_ino
    crowd = [{**base, "id": f"e-a-{n:02d}"} for n in range(added)]
    write_events(root, [{**base, "id": "e-a"}, *crowd, {**base, "id": "e-b"}])
    compiled = open_store(root)
    assert (cache_path(root).stat().st_ino != inode) == rebuilt
    terms = find.index_terms(find.parse_query("steel"), compiled.topics())
    expected = ["e-a", *(str(c["id"]) for c in crowd), "e-b", "steel-talks-2025-02"]
    assert compiled.search_ids(terms, ["event"], None) == (expected, len(expected))


def test_the_index_finds_numbers_and_units_apart_and_together(root: Path) -> None:
    base = {
        "date": "2025-02",
        "place": None,
        "actors": ["pakistan"],
        "status": "occurred",
        "topics": [],
        "sources": [{"source": "gazette-2025-03-14", "quote": "as reported"}],
    }
    titles = {"e-plant": "A 640MW plant", "e-trade": "Trade of $1.81bn", "e-rise": "Up 50%"}
    write_events(root, [{**base, "id": key, "title": title} for key, title in titles.items()])
    compiled = open_store(root)
    for text, found in [
        ("640 MW", ["e-plant"]),
        ('"640 MW"', ["e-plant"]),
        ("640MW", ["e-plant"]),
        ("MW", ["e-plant"]),
        ("bn", ["e-trade"]),
        ("1.81", ["e-trade"]),
        ("50", ["e-rise"]),
    ]:
        terms = find.index_terms(find.parse_query(text), compiled.topics())
        assert compiled.search_ids(terms, ["event"], None) == (found, len(found)), text
