"""The records pakru answers from: plain immutable objects, cheap to import and to build.

`pakru.store.models` validates a store with pydantic when it is compiled; every question afterwards
is answered from these records, read back from the compiled store, so answering never imports
pydantic. Field names and order are those of the models, which is what the JSON output and the store
use.

The store's vocabularies (metrics with their labels and units, units, statuses, kinds, qualifiers,
bases, record types) are written here and nowhere else; tests/test_vocabulary.py fails on a second
list of them in any other module.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple

from pakru.domain.types import Period

# --- the store's vocabularies: written once here, checked by pakru.store.models, offered by the CLI
# ---

SOURCE_KINDS = ("news", "wire", "government", "statistics", "opinion", "reference")
ACTOR_KINDS = ("person", "organisation", "government-body", "country", "grouping")
EVENT_STATUSES = (
    "occurred",
    "scheduled",
    "expected",
    "proposed",
    "pending",
    "postponed",
    "cancelled",
)
AGREEMENT_KINDS = (
    "protocol",
    "agreement",
    "mou",
    "roadmap",
    "commitment",
    "resolution",
    "proposal",
    "offer",
    "contract",
    "declaration",
)
AGREEMENT_STATUSES = (
    "signed",
    "agreed",
    "reaffirmed",
    "implemented",
    "planned",
    "expected",
    "proposed",
    "declined",
    "cancelled",
)
# The statuses each record type may have; a listing of several types accepts any of theirs.
STATUSES_OF_TYPE = {"event": EVENT_STATUSES, "agreement": AGREEMENT_STATUSES}
KINDS_OF_TYPE = {"source": SOURCE_KINDS, "actor": ACTOR_KINDS, "agreement": AGREEMENT_KINDS}
ANY_STATUS = tuple(dict.fromkeys(s for statuses in STATUSES_OF_TYPE.values() for s in statuses))
# Statuses that say the thing happened (at its date): anything else is marked in timelines, and a
# date that lies after every source of a fact with one of these is a problem.
DONE_STATUSES = ("occurred", "signed", "agreed", "reaffirmed", "implemented")
QUALIFIERS = ("exact", "over", "more than", "about", "at least", "up to")
# Qualifiers that bound a value from below only ("over $1 bn" may be any amount above it).
LOWER_BOUND_QUALIFIERS = ("over", "more than", "at least")
BASES = ("reported", "target", "estimate", "potential")
# Kinds of source published as articles, which citations name as newspaper articles.
ARTICLE_SOURCE_KINDS = ("news", "wire", "opinion")


class Metric(NamedTuple):
    """What a figure may measure: all pakru needs to know of a metric is declared with it."""

    label: str  # how tables name it
    units: tuple[str, ...]  # the units it may be measured in; derived figures use the first
    stored: bool = True  # False for what only pakru derives (a balance, a share): no fact has it


METRIC_OF: dict[str, Metric] = {
    "trade_total": Metric("total", ("USD",)),
    "exports": Metric("exports", ("USD",)),
    "imports": Metric("imports", ("USD",)),
    "trade_growth": Metric("growth", ("percent",)),
    "export_target": Metric("export target", ("USD",)),
    "export_potential": Metric("export potential", ("USD",)),
    "cost": Metric("cost", ("USD",)),
    "investment": Metric("investment", ("USD",)),
    "steel_supply_gap": Metric("steel supply gap", ("tonnes",)),
    "capacity": Metric("capacity", ("MW", "tonnes", "cubic metres")),
    "volume": Metric("volume", ("tonnes", "barrels", "cubic metres")),
    "length": Metric("length", ("km",)),
    "count": Metric("count", ("count",)),
    "trade_balance": Metric("balance", ("USD",), stored=False),
    "share": Metric("share", ("percent",), stored=False),
}
# The metrics a stored figure may have, and the units each may be measured in.
UNITS_OF_METRIC = {name: metric.units for name, metric in METRIC_OF.items() if metric.stored}
METRICS = tuple(UNITS_OF_METRIC)
UNITS = tuple(dict.fromkeys(unit for units in UNITS_OF_METRIC.values() for unit in units))
# The largest size a figure may have in each unit: far beyond any real figure (the world's yearly
# output is about $10^14, its steel about 2 × 10^9 tonnes), so only a slip or a crafted store
# reaches it, and every stored amount stays cheap to print and to add up.
LARGEST_OF_UNIT: dict[str, int] = {
    "USD": 10**15,
    "percent": 10**6,
    "tonnes": 10**13,
    "MW": 10**8,
    "cubic metres": 10**15,
    "barrels": 10**13,
    "km": 10**6,
    "count": 10**12,
}

TRADE_METRICS = ("trade_total", "exports", "imports", "trade_growth")
# What pakru derives about trade: the balance and shares besides the reported metrics.
DERIVED_TRADE_METRICS = (*TRADE_METRICS, "trade_balance", "share")
# Flows summed over their period: a total over eleven months must not be read as a year's.
FLOW_METRICS = ("trade_total", "exports", "imports", "trade_balance")
# The field `pakru extract` marks each record it proposes with (`draft: true`); a store holding
# one is refused, so nothing unreviewed is answered from.
DRAFT_FLAG = "draft"
# What belongs to a thing rather than to a period (a plant's capacity, a pipeline's length): a
# figure of these is stated without one.
TIMELESS_METRICS = ("capacity", "length")
# Figures about bilateral trade as a whole are comparable whatever words their subjects use.
WHOLE_TRADE_METRICS = ("trade_total", "trade_growth")


def metric_label(metric: str) -> str:
    """How tables name a metric (its id, for one this version of pakru does not know)."""
    known = METRIC_OF.get(metric)
    return known.label if known is not None else metric


class Citation(NamedTuple):
    """What a source says for a fact: a verbatim `quote` (checked against the source's text), or
    `says`, the fact in the store's own words for a source whose text is not kept."""

    source: str
    quote: str | None = None
    says: str | None = None

    @property
    def text(self) -> str:
        return self.quote if self.quote is not None else self.says or ""

    @property
    def kind(self) -> str:
        return "quote" if self.quote is not None else "says"


class Role(NamedTuple):
    """A position an actor is attested to hold."""

    title: str
    organisation: str | None
    attested: Period
    sources: tuple[Citation, ...]
    date_note: str | None = None


class Record:
    """What every record shares: a type name, immutable fields, and its JSON forms.

    A subclass declares its fields as annotations, with defaults as class attributes. This is a
    hand-rolled cousin of a frozen dataclass because pakru defines these classes on every start,
    and a dataclass takes a millisecond or more to define.
    """

    record_type: ClassVar[str]
    fields: ClassVar[tuple[str, ...]]
    # The field that dates the record: JSON gives its first and last day beside it.
    dated_by: ClassVar[str | None] = None
    json_keys: ClassVar[tuple[str, ...]]  # of `to_json`, in order
    id: str

    def __init_subclass__(cls) -> None:
        cls.fields = tuple(name for name in cls.__annotations__ if name != "record_type")
        keys = ["id", "type"]
        for name in cls.fields:
            keys += [] if name == "id" else [name]
            keys += ["start", "end"] if name == cls.dated_by else []
        cls.json_keys = tuple(keys)

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(self.fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        for name in self.fields:
            if name in values:
                object.__setattr__(self, name, values[name])
            elif not hasattr(type(self), name):
                raise TypeError(f"{type(self).__name__} needs a value for {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.fields)

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if type(other) is not type(self) or other.id != self.id:
            return False  # the cheap test first: this runs in the figure checks' inner loops
        return other._values() == self._values()

    def __hash__(self) -> int:
        return hash((self.record_type, self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.fields)
        return f"{type(self).__name__}({shown})"

    def replace(self, **changes: Any) -> Any:
        return type(self)(**{name: getattr(self, name) for name in self.fields} | changes)

    def to_store(self) -> dict[str, Any]:
        """The record as a store file writes it: its fields in order, amounts that are not whole as
        exact decimal text (a YAML float would not be)."""
        return {name: _to_json(getattr(self, name), exact=True) for name in self.fields}

    def to_json(self) -> dict[str, Any]:
        """The record as pakru's JSON output gives it: `id`, `type`, then its fields, with the
        ISO `start` and `end` of its date after the date itself."""
        made: dict[str, str | None] = {"type": self.record_type}
        if self.dated_by is not None:
            made |= iso_span(getattr(self, self.dated_by))
        return {
            key: made[key] if key in made else _to_json(getattr(self, key))
            for key in self.json_keys
        }


def iso_span(period: Period | None) -> dict[str, str | None]:
    """The first and last day a date or period can mean, as ISO dates that any tool parses
    (None for an open end, or no period at all)."""
    first = period.first if period is not None else None
    last = period.last if period is not None else None
    return {
        "start": first.isoformat() if first is not None else None,
        "end": last.isoformat() if last is not None else None,
    }


def json_number(value: Decimal) -> int | float:
    """An amount as a JSON number: a whole one as an integer (1810000000, not 1.81e9)."""
    return int(value) if value == value.to_integral_value() else float(value)


# Values that are their own JSON: most of a record, so they are told apart first (every row of a
# large answer passes through here).
_PLAIN = frozenset((str, int, float, bool, type(None)))


def _to_json(value: Any, *, exact: bool = False) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, Decimal):
        return (
            format(value, "f")
            if exact and value != value.to_integral_value()
            else json_number(value)
        )
    if isinstance(value, Citation):  # before tuple: a citation is a tuple too
        return {"source": value.source, value.kind: value.text}
    if isinstance(value, Role):
        return {name: _to_json(getattr(value, name), exact=exact) for name in value._fields}
    if isinstance(value, tuple):
        return [item if type(item) in _PLAIN else _to_json(item, exact=exact) for item in value]
    return value


class Source(Record):
    record_type = "source"
    dated_by = "published"
    id: str
    title: str
    publisher: str | None
    author: str | None
    published: Period
    kind: str
    language: str
    url: str | None = None
    accessed: Period | None = None
    text_file: str | None = None
    section: str | None = None
    date_note: str | None = None
    note: str | None = None


class Actor(Record):
    record_type = "actor"
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


class Event(Record):
    record_type = "event"
    dated_by = "date"
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
    supersedes: tuple[str, ...] = ()


class Agreement(Record):
    record_type = "agreement"
    dated_by = "date"
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
    supersedes: tuple[str, ...] = ()


class Figure(Record):
    record_type = "figure"
    dated_by = "period"
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
    reported_by: str | None = None
    commodity: str | None = None
    date_note: str | None = None
    note: str | None = None
    supersedes: tuple[str, ...] = ()


class Topic(Record):
    record_type = "topic"
    id: str
    name: str
    synonyms: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, self.name, *self.synonyms)


Fact = Event | Agreement | Figure
RECORD_CLASSES: dict[str, Any] = {
    cls.record_type: cls for cls in (Source, Actor, Event, Agreement, Figure, Topic)
}
FACT_TYPES = tuple(cls.record_type for cls in (Event, Agreement, Figure))
# The record types a timeline lists together, in date order.
TIMELINE_TYPES = (Event.record_type, Agreement.record_type)
# The record types search finds, in the order its ties are broken: the most specific first.
SEARCHED_TYPES = tuple(cls.record_type for cls in (Figure, Agreement, Event, Actor, Source))
# Each record type and the kind of store file that holds it, in the order a store is read.
KIND_OF_TYPE = {record_type: f"{record_type}s" for record_type in RECORD_CLASSES}


class FactStore:
    """Records of a valid store: all of it, or the part a question needs."""

    __slots__ = ("sources", "actors", "events", "agreements", "figures", "topics", "by_id")

    def __init__(
        self,
        sources: tuple[Source, ...] = (),
        actors: tuple[Actor, ...] = (),
        events: tuple[Event, ...] = (),
        agreements: tuple[Agreement, ...] = (),
        figures: tuple[Figure, ...] = (),
        topics: tuple[Topic, ...] = (),
    ) -> None:
        self.sources = sources
        self.actors = actors
        self.events = events
        self.agreements = agreements
        self.figures = figures
        self.topics = topics
        self.by_id: dict[str, Record] = {}
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
