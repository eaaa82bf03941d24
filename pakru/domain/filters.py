"""What a listing is narrowed to: the filters a command takes, resolved against the store.

A command resolves what the user typed into `Filters`: a topic, an actor or a source found in the
store (`pakru.answers.query`), a status, kind, metric, unit or basis checked against its vocabulary
in `pakru.domain.records`. The compiled store decides every filter in SQL over its typed columns
(`pakru.store.compiled`), once; `pakru.answers.listings` asks it for a page. A record without the
field a filter reads does not match it: `--kind` keeps agreements only, `--place` keeps no figure.
"""

from __future__ import annotations

from typing import NamedTuple

from pakru.domain.records import (
    Actor,
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
