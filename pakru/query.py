"""Questions asked of a `FactStore`: pure functions that return records, never print, never exit."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import get_args

from pakru.errors import UsageError
from pakru.models import (
    TRADE_METRICS,
    Actor,
    Agreement,
    Event,
    FactStore,
    Figure,
    Topic,
)
from pakru.types import Period

AGREEMENT_STATUSES: tuple[str, ...] = get_args(Agreement.model_fields["status"].annotation)
_WORD = re.compile(r"\w+")


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def closest(wanted: str, known: Iterable[str], limit: int = 3) -> list[str]:
    """The known names nearest to what the user typed, for a "did you mean" hint."""
    by_folded = {_fold(name): name for name in known}
    matches = difflib.get_close_matches(_fold(wanted), list(by_folded), n=limit, cutoff=0.5)
    return [by_folded[match] for match in matches]


def _unknown(what: str, wanted: str, known: Sequence[str], option: str) -> UsageError:
    suggestions = closest(wanted, known)
    hint = f"closest: {', '.join(suggestions)}" if suggestions else f"known: {', '.join(known[:8])}"
    return UsageError(f"no {what} matches {wanted!r}; {hint}", option)


def find_topic(store: FactStore, wanted: str, option: str = "--topic") -> Topic:
    """The topic whose id, name or a synonym is `wanted`, ignoring case and punctuation."""
    folded = _fold(wanted)
    for topic in store.topics:
        if folded and any(_fold(name) == folded for name in topic.names):
            return topic
    names = [name for topic in store.topics for name in (topic.id, *topic.synonyms)]
    raise _unknown("topic", wanted, names, option)


def find_actor(store: FactStore, wanted: str, option: str = "--actor") -> Actor:
    """The actor named `wanted` by id, name or alias; failing that, the one whose name has all its
    words (so "overchuk" finds "Alexei Overchuk"), if only one does."""
    folded = _fold(wanted)
    if not folded:
        raise UsageError("an empty actor name; give an id, a name or an alias", option)
    for actor in store.actors:
        if folded == actor.id.replace("-", " ") or any(_fold(n) == folded for n in actor.names):
            return actor
    words = set(folded.split())
    candidates = [
        actor
        for actor in store.actors
        if any(words <= set(_fold(name).split()) for name in actor.names)
    ]
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        listed = ", ".join(f"{a.name} ({a.id})" for a in candidates[:6])
        raise UsageError(f"{wanted!r} could be any of: {listed}; be more specific", option)
    raise _unknown(
        "actor", wanted, [name for actor in store.actors for name in actor.names], option
    )


def check_status(wanted: str, statuses: Sequence[str], option: str = "--status") -> str:
    folded = wanted.strip().casefold()
    if folded in statuses:
        return folded
    raise UsageError(
        f"{wanted!r} is not a status; give one of {', '.join(statuses)}"
        + (
            f" (closest: {', '.join(c)})"
            if (c := difflib.get_close_matches(folded, statuses))
            else ""
        ),
        option,
    )


def _in_window(date: Period, window: Period | None) -> bool:
    return window is None or date.overlaps(window)


def trade_figures(store: FactStore, period: Period | None = None) -> tuple[Figure, ...]:
    """Trade totals, exports, imports and growth whose period overlaps `period`, in period order."""
    order = {metric: i for i, metric in enumerate(TRADE_METRICS)}
    matches = [
        figure
        for figure in store.figures
        if figure.metric in order
        and (period is None or (figure.period is not None and figure.period.overlaps(period)))
    ]
    return tuple(
        sorted(matches, key=lambda f: (_period_key(f.period), order[f.metric], f.basis, f.id))
    )


def _period_key(period: Period | None) -> tuple[object, ...]:
    return period.sort_key if period else ()


def events(
    store: FactStore,
    window: Period | None = None,
    topic: Topic | None = None,
    actor: Actor | None = None,
) -> tuple[Event, ...]:
    """Events whose date could fall in `window`, on `topic`, involving `actor`, in date order."""
    matches = [
        event
        for event in store.events
        if _in_window(event.date, window)
        and (topic is None or topic.id in event.topics)
        and (actor is None or actor.id in event.actors)
    ]
    return tuple(sorted(matches, key=lambda e: (e.date.sort_key, e.id)))


def agreements(
    store: FactStore,
    window: Period | None = None,
    topic: Topic | None = None,
    party: Actor | None = None,
    status: str | None = None,
) -> tuple[Agreement, ...]:
    """Agreements matching every filter given, in date order."""
    matches = [
        agreement
        for agreement in store.agreements
        if _in_window(agreement.date, window)
        and (topic is None or topic.id in agreement.topics)
        and (party is None or party.id in agreement.parties)
        and (status is None or agreement.status == status)
    ]
    return tuple(sorted(matches, key=lambda a: (a.date.sort_key, a.id)))
