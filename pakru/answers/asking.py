"""What a listing was asked for, made into `Filters`: each value from a closed vocabulary checked
before the store is read (so a typo costs no store), then the topic, actor and source named found
in the compiled store, with the closest names suggested when one is not there.

Every listing command resolves its options here, the same way; the command line only parses them.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from pakru.domain.types import Period
from pakru.store.compiled import Compiled


def checked(
    window: Period | None = None,
    *,
    status: str | None = None,
    statuses: Sequence[str] = ANY_STATUS,
    kind: str | None = None,
    place: str | None = None,
    metric: str | None = None,
    metrics: Sequence[str] = METRICS,
    unit: str | None = None,
    basis: str | None = None,
) -> Filters:
    """The filters whose values a vocabulary decides, each checked (a usage error naming the
    option and what it accepts); `statuses` and `metrics` are those the command accepts."""
    return Filters(
        window=window,
        status=query.check_choice(status, statuses, "status", "--status"),
        kind=query.check_choice(kind, AGREEMENT_KINDS, "kind", "--kind"),
        place=nonempty(place, "--place"),
        metric=query.check_choice(metric, metrics, "metric", "--metric"),
        unit=query.check_choice(unit, UNITS, "unit", "--unit"),
        basis=query.check_choice(basis, BASES, "basis", "--basis"),
    )


def resolved(
    compiled: Compiled,
    filters: Filters,
    *,
    topic: str | None = None,
    actor: str | None = None,
    actor_option: str = "--actor",
    source: str | None = None,
) -> Filters:
    """The filters with the topic, actor (or party) and source named found in the store."""
    return filters._replace(
        topic=topic_named(compiled, topic) if topic is not None else None,
        actor=actor_named(compiled, actor, actor_option) if actor is not None else None,
        source=source_named(compiled, source) if source is not None else None,
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
