"""What a listing was asked for, made into `Filters`: each value from a closed vocabulary checked
before the store is read (so a typo costs no store), then the topic, actor and source named found
in the compiled store, with the closest names suggested when one is not there.

Every listing command resolves its options here, the same way; the command line only parses them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from pakru.answers import query
from pakru.domain.errors import UsageError
from pakru.domain.filters import Filters
from pakru.domain.records import (
    AGREEMENT_KINDS,
    ANY_STATUS,
    BASES,
    METRICS,
    UNITS,
    Actor,
    FactStore,
    Source,
    Topic,
)
from pakru.domain.types import Period, date_window
from pakru.store.compiled import Compiled


class Asked(NamedTuple):
    """A listing's filter options as the user gave them (None: not given). `statuses` and
    `metrics` are those the command accepts; `actor_option` names its actor option."""

    window: Period | None = None  # --period
    since: str | None = None
    until: str | None = None
    topic: str | None = None
    actor: str | None = None
    actor_option: str = "--actor"
    source: str | None = None
    status: str | None = None
    statuses: Sequence[str] = ANY_STATUS
    kind: str | None = None
    place: str | None = None
    metric: str | None = None
    metrics: Sequence[str] = METRICS
    unit: str | None = None
    basis: str | None = None


def checked(asked: Asked) -> Filters:
    """The filters a date or a vocabulary decides, each checked: a usage error names the option
    and what it accepts. Topics, actors and sources wait for the store (`resolved`)."""
    if asked.window is not None and (asked.since is not None or asked.until is not None):
        raise UsageError("give a --period or --since/--until, not both", "--period")
    return Filters(
        window=asked.window or date_window(asked.since, asked.until),
        status=query.check_choice(asked.status, asked.statuses, "status", "--status"),
        kind=query.check_choice(asked.kind, AGREEMENT_KINDS, "kind", "--kind"),
        place=nonempty(asked.place, "--place"),
        metric=query.check_choice(asked.metric, asked.metrics, "metric", "--metric"),
        unit=query.check_choice(asked.unit, UNITS, "unit", "--unit"),
        basis=query.check_choice(asked.basis, BASES, "basis", "--basis"),
    )


def resolved(compiled: Compiled, asked: Asked, filters: Filters) -> Filters:
    """The filters with the topic, actor (or party) and source asked for found in the store."""
    return filters._replace(
        topic=topic_named(compiled, asked.topic) if asked.topic is not None else None,
        actor=(
            actor_named(compiled, asked.actor, asked.actor_option)
            if asked.actor is not None
            else None
        ),
        source=source_named(compiled, asked.source) if asked.source is not None else None,
    )


def nonempty(text: str | None, option: str) -> str | None:
    if text is not None and not text.strip():
        raise UsageError("an empty value; leave the option out to keep every record", option)
    return text.strip() if text is not None else None


def actor_named(compiled: Compiled, wanted: str, option: str = "--actor") -> Actor:
    """The actor named `wanted`: found by name in SQL when it is exact, else among all actors."""
    from pakru.domain.names import fold_name

    exact = compiled.actors_named(fold_name(wanted))
    store = (
        compiled.subset(exact)
        if exact
        else FactStore(actors=tuple(a for a in compiled.of_type("actor") if isinstance(a, Actor)))
    )
    return query.find_actor(store, wanted, option)


def topic_named(compiled: Compiled, wanted: str) -> Topic:
    return query.find_topic(FactStore(topics=tuple(compiled.topics())), wanted)


def source_named(compiled: Compiled, wanted: str) -> Source:
    sources = [s for s in compiled.of_type("source") if isinstance(s, Source)]
    return query.find_source(FactStore(sources=tuple(sources)), wanted)
