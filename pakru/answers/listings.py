"""Listing answers: the filters a command resolved, turned into the page of records that match,
how many match in all, and the records they cite or name (for names, titles and citations);
also the checks `conflicts` lists and the actors, sources and topics catalogues.

Every filter, the order and the page are decided by the compiled store's SQL
(`pakru.store.compiled`); this module asks, and gathers what the answer shows. It never filters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from pakru.domain.filters import Filters
from pakru.domain.records import FactStore, Record
from pakru.domain.types import Period
from pakru.store.compiled import Compiled


class Page(NamedTuple):
    """The records of an answer's page, in its order; how many match in all; a store of them
    with the records they cite or name; and which of them later reports supersede (asked for
    only when the answer lists earlier reports too, `superseded`)."""

    records: list[Any]
    total: int
    store: FactStore
    superseded: frozenset[str] = frozenset()


def dated(
    compiled: Compiled,
    record_types: Sequence[str],
    filters: Filters,
    limit: int | None,
    *,
    superseded: bool = False,
) -> Page:
    """Events, agreements or both (a timeline), in date order: the first `limit` (None: all)."""
    ids, total = compiled.first_dated_ids(record_types, filters, limit, superseded=superseded)
    store = compiled.subset(ids)
    return Page(_in_order(ids, store), total, store, _superseded(compiled, ids, superseded))


class FiguresPage(NamedTuple):
    figures: list[Any]
    conflicts: list[Any]  # the conflicts the figures take part in
    store: FactStore
    superseded: frozenset[str] = frozenset()  # as in Page


def figures(compiled: Compiled, filters: Filters, *, superseded: bool = False) -> FiguresPage:
    """Every figure that matches, in period order, with the conflicts they take part in."""
    ids = compiled.figure_ids(filters, superseded=superseded)
    conflicts = compiled.checks(ids, conflicts_only=True)
    store = compiled.subset([*ids, *figures_named((), conflicts)])
    return FiguresPage(
        _in_order(ids, store), conflicts, store, _superseded(compiled, ids, superseded)
    )


class TradePage(NamedTuple):
    figures: list[Any]  # the reported figures shown
    derived: list[Any]  # then the derived ones
    conflicts: list[Any]  # that those take part in
    total: int  # reported and derived figures that match, in all
    store: FactStore
    superseded: frozenset[str] = frozenset()  # as in Page


def trade(
    compiled: Compiled,
    window: Period | None,
    reported: Sequence[str],
    derived: Sequence[str],
    limit: int | None,
    *,
    superseded: bool = False,
    source: str | None = None,
) -> TradePage:
    """Reported figures of these metrics (citing `source`, if given) whose period could fall in
    the window, then derived ones of these metrics: the first `limit` rows in all (None: every
    one), chosen and counted in the store's indexes; and the conflicts they take part in."""
    ids, matched = compiled.first_figure_ids(
        window, reported, limit, superseded=superseded, source=source
    )
    room = None if limit is None else limit - len(ids)  # derived figures follow the reported
    made, derivable = compiled.derived(window, derived, room) if derived else ([], 0)
    conflicts = compiled.checks([*ids, *(d.id for d in made)], conflicts_only=True)
    store = compiled.subset([*ids, *figures_named(made, conflicts)])
    return TradePage(
        _in_order(ids, store), made, conflicts, matched + derivable, store,
        _superseded(compiled, ids, superseded),
    )  # fmt: skip


class ChecksPage(NamedTuple):
    checks: list[Any]  # the first checks, by period and figures
    total: int  # how many there are in all
    store: FactStore  # the figures they compare, for names and citations


def conflicts(
    compiled: Compiled, record_id: str | None, limit: int | None, *, passed: bool = False
) -> ChecksPage:
    """The first `limit` (None: all) disagreements between figures (with `passed`, every check),
    of all figures or, given an id, those this figure takes part in (for a source or an actor,
    the figures that cite or name it); a usage error naming the closest ids for an unknown one."""
    from pakru.answers.lookup import one_record

    figures = None
    if record_id is not None:
        record, _ = one_record(compiled, record_id)
        figures = [record.id, *compiled.referring_ids(record.id)]
    chosen, total = compiled.first_checks(figures, conflicts_only=not passed, limit=limit)
    return ChecksPage(chosen, total, compiled.subset(figures_named((), chosen)))


class Catalogue(NamedTuple):
    """Records of one vocabulary-like type (actors, sources, topics) in their order, how many
    facts back or carry each (by id; empty for actors), and a store of them."""

    records: list[Any]
    counts: dict[str, int]
    store: FactStore


def actors(compiled: Compiled, name: str | None) -> Catalogue:
    """Every actor, or those whose names, roles or descriptions hold `name`, closest first."""
    from pakru.answers import query

    store = compiled.subset([a.id for a in compiled.of_type("actor")])
    return Catalogue(list(query.actors(store, name)), {}, store)


def sources(compiled: Compiled) -> Catalogue:
    """Every source, with how many facts each one backs."""
    store = compiled.subset(s.id for s in compiled.of_type("source"))
    return Catalogue(list(store.sources), compiled.counts("sources"), store)


def topics(compiled: Compiled) -> Catalogue:
    """The topic vocabulary, with how many facts carry each topic."""
    store = compiled.subset(())
    return Catalogue(list(store.topics), compiled.counts("topics"), store)


def figures_named(derived: Iterable[Any], checks: Iterable[Any]) -> list[str]:
    """Every reported figure that derived figures and checks rest on: their sources are cited."""
    from pakru.domain.consistency import reported_ids

    sides = [*derived, *(side for c in checks for side in (c.a, c.b))]
    return [i for figure in sides for i in reported_ids(figure)]


def _superseded(compiled: Compiled, ids: Sequence[str], asked: bool) -> frozenset[str]:
    """Which of these reports later ones supersede, when earlier reports are listed too (else
    none is listed, and none need be marked)."""
    return frozenset(compiled.superseded_among(ids)) if asked else frozenset()


def _in_order(ids: Sequence[str], store: FactStore) -> list[Record]:
    return [store.by_id[i] for i in ids]
