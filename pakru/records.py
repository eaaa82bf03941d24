"""The records pakru answers from: plain frozen dataclasses, cheap to import and to build.

`pakru.models` validates a store with pydantic when it is compiled; every question afterwards is
answered from these records, read back from the compiled store, so answering never imports pydantic.
Field names and order are those of the models, which is what the JSON output and the store use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, ClassVar

from pakru.types import Period

TRADE_METRICS = ("trade_total", "exports", "imports", "trade_growth")


@dataclass(frozen=True, slots=True)
class Citation:
    """A verbatim quote from a source document."""

    source: str
    quote: str


@dataclass(frozen=True, slots=True)
class Role:
    """A position an actor is attested to hold."""

    title: str
    organisation: str | None
    attested: Period
    sources: tuple[Citation, ...]
    date_note: str | None = None


class Record:
    """What every record shares: an id, a type name, and its JSON forms."""

    __slots__ = ()
    record_type: ClassVar[str]
    id: str

    def to_json(self) -> dict[str, Any]:
        """The record as pakru's JSON output gives it: `id`, `type`, then its fields."""
        data: dict[str, Any] = {"id": self.id, "type": self.record_type}
        for item in fields(self):  # type: ignore[arg-type]
            if item.name != "id":
                data[item.name] = _to_json(getattr(self, item.name), exact=False)
        return data

    def to_storage(self) -> dict[str, Any]:
        """The record for the compiled store: like the JSON, but amounts as exact decimal text."""
        return {item.name: _to_json(getattr(self, item.name), exact=True) for item in fields(self)}  # type: ignore[arg-type]

    @classmethod
    def from_storage(cls, data: dict[str, Any]) -> Any:
        return cls(**{name: _READERS.get(name, _same)(value) for name, value in data.items()})


def _to_json(value: Any, *, exact: bool) -> Any:
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return format(value, "f") if exact else float(value)
    if isinstance(value, tuple):
        return [_to_json(item, exact=exact) for item in value]
    if isinstance(value, Citation | Role):
        return {
            item.name: _to_json(getattr(value, item.name), exact=exact) for item in fields(value)
        }
    return value


def _same(value: Any) -> Any:
    return value


def _period(value: Any) -> Period | None:
    return None if value is None else Period.parse(value)


def _citations(value: Any) -> tuple[Citation, ...]:
    return tuple(Citation(**item) for item in value)


def _roles(value: Any) -> tuple[Role, ...]:
    return tuple(
        Role(
            **{
                **item,
                "attested": Period.parse(item["attested"]),
                "sources": _citations(item["sources"]),
            }
        )
        for item in value
    )


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(value)


# How each stored field is read back; a field not named here is stored as it is.
_READERS: dict[str, Callable[[Any], Any]] = {
    "published": _period,
    "date": _period,
    "period": _period,
    "value": lambda text: Decimal(str(text)),
    "sources": _citations,
    "roles": _roles,
    "aliases": _strings,
    "actors": _strings,
    "parties": _strings,
    "topics": _strings,
    "synonyms": _strings,
}


@dataclass(frozen=True, slots=True)
class Source(Record):
    record_type: ClassVar[str] = "source"
    id: str
    title: str
    publisher: str | None
    author: str | None
    published: Period
    text_file: str | None = None
    section: str | None = None
    date_note: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Actor(Record):
    record_type: ClassVar[str] = "actor"
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    roles: tuple[Role, ...] = ()
    sources: tuple[Citation, ...] = ()
    note: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Event(Record):
    record_type: ClassVar[str] = "event"
    id: str
    date: Period
    title: str
    place: str | None
    actors: tuple[str, ...]
    status: str
    topics: tuple[str, ...]
    sources: tuple[Citation, ...]
    date_note: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Agreement(Record):
    record_type: ClassVar[str] = "agreement"
    id: str
    title: str
    kind: str
    date: Period
    place: str | None
    parties: tuple[str, ...]
    status: str
    topics: tuple[str, ...]
    sources: tuple[Citation, ...]
    event: str | None = None
    count: int | None = None
    date_note: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Figure(Record):
    record_type: ClassVar[str] = "figure"
    id: str
    metric: str
    subject: str
    value: Decimal
    unit: str
    stated: str
    period: Period | None
    qualifier: str
    basis: str
    topics: tuple[str, ...]
    sources: tuple[Citation, ...]
    date_note: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Topic(Record):
    record_type: ClassVar[str] = "topic"
    id: str
    name: str
    synonyms: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, self.name, *self.synonyms)


RECORD_CLASSES: dict[str, type[Record]] = {
    cls.record_type: cls for cls in (Source, Actor, Event, Agreement, Figure, Topic)
}
Fact = Event | Agreement | Figure


@dataclass(frozen=True)
class FactStore:
    """Records of a valid store: all of it, or the part a question needs."""

    sources: tuple[Source, ...] = ()
    actors: tuple[Actor, ...] = ()
    events: tuple[Event, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    figures: tuple[Figure, ...] = ()
    topics: tuple[Topic, ...] = ()
    by_id: dict[str, Record] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for record in self.records():
            self.by_id.setdefault(record.id, record)

    def records(self) -> Iterator[Record]:
        yield from self.sources
        yield from self.actors
        yield from self.events
        yield from self.agreements
        yield from self.figures

    def source(self, source_id: str) -> Source:
        record = self.by_id[source_id]
        assert isinstance(record, Source)
        return record
