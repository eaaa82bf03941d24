"""What a listing is narrowed to: each filter written once, with the record field it reads.

A command resolves what the user typed into `Filters`: a topic, an actor or a source found in the
store (`pakru.answers.query`), a status, kind, metric, unit or basis checked against its vocabulary
in `pakru.domain.records`. The compiled store narrows the candidates by the filters its index holds
(the window, topic, actor, source and metric); `Filters.admits` then decides every filter on the
records themselves. A record without the field a filter reads does not match it: `--kind` keeps
agreements only, `--place` keeps no figure.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from pakru.domain.records import (
    Actor,
    Agreement,
    Figure,
    Record,
    Source,
    Topic,
)
from pakru.domain.types import Period


class Filters(NamedTuple):
    """The filters asked for, resolved; None where one was not asked for."""

    window: Period | None = None  # the date or period could fall in it
    topic: Topic | None = None
    actor: Actor | None = None  # among an event's actors or an agreement's parties
    source: Source | None = None  # among the sources cited
    status: str | None = None
    kind: str | None = None  # an agreement's kind
    place: str | None = None  # as typed: every word of it starts a word of the place
    metric: str | None = None
    unit: str | None = None
    basis: str | None = None

    @property
    def beyond_index(self) -> bool:
        """Whether a filter is asked for that only the records can answer: every candidate the
        index gives is then read, and none can be left for a later page unread."""
        exact = (self.status, self.kind, self.place, self.unit, self.basis)
        return any(value is not None for value in exact)

    def admits(self, record: Record) -> bool:
        """Whether the record matches every filter asked for."""
        return (
            (self.window is None or _within(record, self.window))
            and (self.topic is None or self.topic.id in (_field(record, "topics") or ()))
            and (self.actor is None or self.actor.id in _actors(record))
            and (self.source is None or self.source.id in _sources(record))
            and (self.status is None or _field(record, "status") == self.status)
            and (self.kind is None or (isinstance(record, Agreement) and record.kind == self.kind))
            and (self.place is None or _at(record, self.place))
            and (self.metric is None or _figure(record, "metric") == self.metric)
            and (self.unit is None or _figure(record, "unit") == self.unit)
            and (self.basis is None or _figure(record, "basis") == self.basis)
        )

    def described(self, actor_label: str = "with") -> str:
        """The filters in words, for a listing's title and its "nothing matched" line."""
        parts = []
        if self.window is not None:
            first, last = self.window.notation.split("/")
            if first != "..":
                parts.append(f"since {first}")
            if last != "..":
                parts.append(f"until {last}")
        named = (
            ("on", self.topic and self.topic.name),
            (actor_label, self.actor and self.actor.name),
            ("from", self.source and self.source.id),
            ("status", self.status),
            ("kind", self.kind),
            ("at", self.place),
            ("metric", self.metric),
            ("in", self.unit),
            ("basis", self.basis),
        )
        parts += [f"{label} {value}" for label, value in named if value is not None]
        return ", ".join(parts)


def _field(record: Record, name: str) -> Any:
    return getattr(record, name, None) if name in record.fields else None


def _within(record: Record, window: Period) -> bool:
    when = _field(record, "date") or _field(record, "period")
    return when is not None and when.overlaps(window)


def _actors(record: Record) -> tuple[str, ...]:
    return (_field(record, "actors") or ()) + (_field(record, "parties") or ())


def _sources(record: Record) -> set[str]:
    return {citation.source for citation in _field(record, "sources") or ()}


def _at(record: Record, place: str) -> bool:
    from pakru.domain.names import fold_name  # as names are folded: in any script

    where = _field(record, "place")
    if not where:
        return False
    words = fold_name(where).split()
    return all(any(word.startswith(asked) for word in words) for asked in fold_name(place).split())


def _figure(record: Record, name: str) -> Any:
    return getattr(record, name) if isinstance(record, Figure) else None
