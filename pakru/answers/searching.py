"""The search question: what the user typed, found, ranked, counted and paged by the compiled
store's full-text index (`Compiled.search_ids`), and each record of the page described for display
(`pakru.domain.search.described`: the fields that matched, a snippet, where to highlight it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from pakru.domain import search as find
from pakru.domain.filters import Filters
from pakru.domain.records import FactStore
from pakru.domain.search import Hit, IndexTerm, Query
from pakru.store.compiled import Compiled


class Searched(NamedTuple):
    """A page of matches, best first, how many match in all, and the records of the page."""

    hits: list[Hit]
    total: int
    store: FactStore  # the records of the page and every topic; a search cites nothing


def search(
    compiled: Compiled,
    asked: Query,
    types: Sequence[str] | None = None,
    limit: int | None = None,
    filters: Filters | None = None,
) -> Searched:
    """The records (of these types, meeting these filters) that match every term of the query
    (`pakru.domain.search.parse_query`), the first `limit` of them (None: all) in the index's
    order, each with what it matched where."""
    terms = find.index_terms(asked, compiled.topics())
    found, total = _matching(compiled, filters or Filters(), terms, types, limit)
    store = compiled.subset([record_id for record_id, _ in found], named=False)
    topics = {topic.id: topic for topic in store.topics}
    hits = [
        find.described(store.by_id[record_id], score, asked, topics) for record_id, score in found
    ]
    return Searched(hits, total, store)


def _matching(
    compiled: Compiled,
    filters: Filters,
    terms: Sequence[IndexTerm],
    types: Sequence[str] | None,
    limit: int | None,
) -> tuple[list[tuple[str, int]], int]:
    """The first `limit` matches that meet the filters, as (id, score), and how many there are."""
    if not any(filters):
        return compiled.search_ids(terms, types, limit)
    found, _ = compiled.search_ids(terms, types, None)
    admitted = compiled.matching([record_id for record_id, _ in found], filters)
    kept = [(record_id, score) for record_id, score in found if record_id in admitted]
    return kept[:limit] if limit is not None else kept, len(kept)
