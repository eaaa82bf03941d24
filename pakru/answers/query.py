"""Questions asked of a `FactStore`: pure functions that return records, never print, never exit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pakru.domain import names
from pakru.domain.errors import UsageError, shown
from pakru.domain.names import fold_name
from pakru.domain.records import (
    Actor,
    Agreement,
    Event,
    FactStore,
    Figure,
    Record,
    Source,
    Topic,
)

_fold = fold_name


# How alike a known name must be to what was typed to be suggested, when any is (difflib's ratio).
_NEAR = 0.6


def closest(wanted: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """The known names nearest to what the user typed, nearest first, for a "did you mean" hint:
    those that are near, or failing any, the nearest there are (a hint of names chosen by their
    order helps nobody). A one-word name typed is compared with each word of a known name too
    ("Sharifzadeh" is near Nawaz Sharif)."""
    import difflib  # only on the way to an error message

    asked = _fold(wanted)
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(asked)
    one_word = len(asked.split()) == 1

    def nearness(folded: str) -> tuple[float, float]:
        matcher.set_seq1(folded)
        whole = best = matcher.ratio()
        for part in folded.split() if one_word else ():
            matcher.set_seq1(part)
            if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                best = max(best, matcher.ratio())
        return best, whole

    by_folded = {_fold(name): name for name in known}
    scored = sorted(
        ((nearness(folded), folded) for folded in by_folded),
        key=lambda pair: (-pair[0][0], -pair[0][1], pair[1]),
    )
    near = [folded for (best, _), folded in scored if best >= _NEAR]
    return [by_folded[folded] for folded in (near or [folded for _, folded in scored])[:limit]]


def _unknown(what: str, wanted: str, known: Sequence[str], option: str) -> UsageError:
    suggestions = closest(wanted, known)
    hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
    return UsageError(f"no {what} matches {shown(wanted)}{hint}", option)


def find_topic(store: FactStore, wanted: str, option: str = "--topic") -> Topic:
    """The topic whose id, name or a synonym is `wanted`, ignoring case and punctuation."""
    folded = _fold(wanted)
    for topic in store.topics:
        if folded and any(_fold(name) == folded for name in topic.names):
            return topic
    names = [name for topic in store.topics for name in (topic.id, *topic.synonyms)]
    raise _unknown("topic", wanted, names, option)


def find_actor(store: FactStore, wanted: str, option: str = "--actor") -> Actor:
    """The one actor `wanted` means, found as `actors` finds them (`pakru.domain.names`): the
    closest match, if no other is as close."""
    if not names.asked_words(wanted):
        raise UsageError("an empty actor name; give an id, a name or an alias", option)
    found = names.ranked(store.actors, wanted, closest_only=True)
    if not found:
        raise _unknown(
            "actor", wanted, [name for actor in store.actors for name in actor.names], option
        )
    best = [actor for match, actor in found if match == found[0][0]]
    if len(best) == 1:
        return best[0]
    listed = ", ".join(f"{a.name} ({a.id})" for a in best[:6])
    raise UsageError(f"{shown(wanted)} could be any of: {listed}; be more specific", option)


def check_choice(wanted: str | None, choices: Sequence[str], what: str, option: str) -> str | None:
    """A value from a closed vocabulary, ignoring case; None stays None."""
    if wanted is None:
        return None
    folded = wanted.strip().casefold()
    by_folded = {choice.casefold(): choice for choice in choices}
    if folded in by_folded:
        return by_folded[folded]
    import difflib

    near = [by_folded[c] for c in difflib.get_close_matches(folded, list(by_folded))]
    hint = f" (closest: {', '.join(near)})" if near else ""
    raise UsageError(
        f"{shown(wanted)} is not a {what}; give one of {', '.join(choices)}{hint}", option
    )


def find_source(store: FactStore, wanted: str, option: str = "--source") -> Source:
    """The source with this id, or a usage error naming the closest ids."""
    source = store.by_id.get(wanted.strip())
    if isinstance(source, Source):
        return source
    raise _unknown("source", wanted, [s.id for s in store.sources], option)


def actors(store: FactStore, wanted: str | None = None) -> tuple[Actor, ...]:
    """Actors whose name, alias, id, role or description holds what was asked, forgiving case,
    accents, script and a small misspelling (`pakru.domain.names`); closest first."""
    if wanted is None:
        return tuple(sorted(store.actors, key=lambda a: (a.kind, a.name)))
    if not names.asked_words(wanted):
        raise UsageError("an empty name; give part of a name, e.g. federov", "QUERY")
    return tuple(actor for _, actor in names.ranked(store.actors, wanted))


def find_record(store: FactStore, record_id: str) -> Record:
    """The record with this id, or a usage error naming the closest ids."""
    record = store.by_id.get(record_id.strip())
    if record is not None:
        return record
    raise _unknown("record", record_id, list(store.by_id), "ID")


def related(
    store: FactStore,
    record: Record,
    derived: Sequence[Any] = (),
    checks: Sequence[Any] = (),
    history: Sequence[str] = (),
) -> dict[str, list[Any]]:
    """Records that point at this one, or that it points at, for `pakru show`; for a figure, the
    figures derived from it and the checks it takes part in, as the compiled store gives them;
    and the reports in its chain of supersession (`history`, ids), earliest first."""
    found: dict[str, list[Any]] = {}
    if len(history) > 1:
        reports = [store.by_id[i] for i in history if i in store.by_id]
        found["history"] = sorted(reports, key=lambda report: reported_when(store, report))
    if isinstance(record, Actor):
        found["event"] = [e for e in store.events if record.id in e.actors]
        found["agreement"] = [a for a in store.agreements if record.id in a.parties]
        found["member"] = [a for a in store.actors if a.country == record.id]
    elif isinstance(record, Agreement):
        found["signed at"] = [store.by_id[record.event]] if record.event else []
        found["party"] = [store.by_id[p] for p in record.parties]
    elif isinstance(record, Event):
        found["agreement"] = [a for a in store.agreements if a.event == record.id]
        found["actor"] = [store.by_id[a] for a in record.actors]
    elif isinstance(record, Figure):
        found["derived"] = list(derived)
        found["check"] = list(checks)
    elif isinstance(record, Source):
        found["cited by"] = [r for r in store.records() if record.id in _cited_sources(r)]
    return {name: items for name, items in found.items() if items}


def reported_when(store: FactStore, record: Record) -> tuple[Any, ...]:
    """When a report was made, to order a history: its latest source's publication, then the
    date it gives."""
    published = [
        source.published.sort_key
        for c in getattr(record, "sources", ())
        if isinstance(source := store.by_id.get(c.source), Source)
    ]
    own = getattr(record, "date", None) or getattr(record, "period", None)
    return (max(published, default=()), own.sort_key if own else (), record.id)


def _cited_sources(record: Record) -> set[str]:
    cited = {c.source for c in getattr(record, "sources", ())}
    for role in getattr(record, "roles", ()):
        cited |= {c.source for c in role.sources}
    return cited
