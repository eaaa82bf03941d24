"""The typed records of the fact store: sources, actors, events, agreements, figures and topics.

Each model checks what can be known from one record alone. Whether a reference points at a real
record, or an id is unique, needs the whole store and is checked in `pakru.store.load`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from pakru.domain import records
from pakru.domain.errors import PeriodError
from pakru.domain.types import (
    AMOUNT_PATTERN,
    STORE_PERIOD_FORMS,
    STORE_PERIOD_PATTERN,
    Period,
    parse_amount,
)


def _period(value: object) -> Period:
    if isinstance(value, Period):
        return value
    try:
        return Period.parse(value)
    except PeriodError as error:  # pydantic reports ValueError with the field's location
        raise ValueError(error.message) from None


def _amount_to_json(value: Decimal) -> int | str:
    # A whole amount is a JSON number; a fractional one is its exact decimal text, because a JSON
    # float would lose digits. The output contract (pakru.domain.records) gives it as a number.
    return int(value) if value == value.to_integral_value() else format(value, "f")


def _field_error(field: str, message: str, value: object) -> ValidationError:
    """A problem a model validator finds in one field, reported at that field (and its line)."""
    error = PydanticCustomError("value_error", message)
    return ValidationError.from_exception_data(
        "field", [InitErrorDetails(type=error, loc=(field,), input=value)]
    )


class _OneOf:
    """A check that a text is one of a vocabulary's words (the vocabularies live in records), which
    the JSON Schema gives as its `enum`, so that editors offer the words as people type."""

    def __init__(self, values: tuple[str, ...]) -> None:
        self.values = values
        self.accepted = ", ".join(repr(value) for value in values[:-1]) + f" or {values[-1]!r}"

    def check(self, value: str) -> str:
        if value not in self.values:
            raise ValueError(f"Input should be {self.accepted}")
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "enum": list(self.values)}


def _one_of(values: tuple[str, ...]) -> _OneOf:
    return _OneOf(values)


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# Each type's description is what editors show over a field and `pakru new` writes beside it.
Slug = Annotated[
    str,
    StringConstraints(strict=True, pattern=SLUG_PATTERN),
    Field(description="an id: a-z, 0-9 and single hyphens"),
]
# Strict, so YAML's `no` (a bool) or `007` (an int) is an error rather than a silently changed text.
# What no text may hold (control and bidi characters), or how long it may be, is refused for every
# field at once, as the store is read (`pakru.store.load`).
Text = Annotated[str, StringConstraints(strict=True, pattern=r"\S"), Field(description="text")]
FileName = Annotated[
    str,
    StringConstraints(strict=True, pattern=r"^[^/\\.][^/\\]*$"),
    Field(description="a file name, no folder"),
]
# What editors check a period against: YAML reads a bare year as a number, the rest as text.
_PERIOD_SCHEMA = {
    "anyOf": [
        {"type": "integer", "minimum": 1, "maximum": 9999},
        {"type": "string", "pattern": STORE_PERIOD_PATTERN},
    ],
    "description": f"a date or period: {STORE_PERIOD_FORMS}",
}
PeriodValue = Annotated[
    Period,
    PlainValidator(_period),
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema(_PERIOD_SCHEMA),
]
Url = Annotated[
    str,
    StringConstraints(strict=True, pattern=r"^https?://[^\s/]+\.[^\s]*$"),
    Field(description="a web address: http:// or https://"),
]
Language = Annotated[
    str,
    StringConstraints(strict=True, pattern=r"^[a-z]{2,3}$"),
    Field(description="an ISO 639 language code: en, ur, ru"),
]
SourceKind = Annotated[str, StringConstraints(strict=True), _one_of(records.SOURCE_KINDS)]
ActorKind = Annotated[str, StringConstraints(strict=True), _one_of(records.ACTOR_KINDS)]
EventStatus = Annotated[str, StringConstraints(strict=True), _one_of(records.EVENT_STATUSES)]
AgreementKind = Annotated[str, StringConstraints(strict=True), _one_of(records.AGREEMENT_KINDS)]
AgreementStatus = Annotated[
    str, StringConstraints(strict=True), _one_of(records.AGREEMENT_STATUSES)
]
Metric = Annotated[str, StringConstraints(strict=True), _one_of(records.METRICS)]
Unit = Annotated[str, StringConstraints(strict=True), _one_of(records.UNITS)]
Qualifier = Annotated[str, StringConstraints(strict=True), _one_of(records.QUALIFIERS)]
Basis = Annotated[str, StringConstraints(strict=True), _one_of(records.BASES)]
Amount = Annotated[
    Decimal,
    BeforeValidator(parse_amount),
    # A float is refused (see parse_amount): a whole number, or a decimal quoted as text.
    WithJsonSchema(
        {
            "anyOf": [{"type": "integer"}, {"type": "string", "pattern": f"^{AMOUNT_PATTERN}$"}],
            "description": "a whole number, or a decimal quoted as text: '1.81'",
        }
    ),
    PlainSerializer(_amount_to_json, return_type=int | str, when_used="json"),
]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    def to_record(self) -> records.Record:
        """The plain record the rest of pakru answers from (see `pakru.domain.records`)."""
        kind = self.record_type  # type: ignore[attr-defined]
        values = {name: _plain(getattr(self, name)) for name in type(self).model_fields}
        record: records.Record = records.RECORD_CLASSES[kind](**values)
        return record


def _plain(value: Any) -> Any:
    """A validated value as the plain records hold it: citations and roles as their own tuples."""
    if isinstance(value, Citation):
        return records.Citation(value.source, value.quote, value.says)
    if isinstance(value, Role):
        return records.Role(
            value.title, value.organisation, value.attested, _plain(value.sources), value.date_note
        )
    if isinstance(value, tuple) and not isinstance(value, Period):  # a Period is a tuple too
        return tuple(_plain(item) for item in value)
    return value


class Citation(Model):
    """What a source says for a fact: a verbatim `quote` from a source whose text is kept, or
    `says`, the fact in the store's own words."""

    source: Slug
    quote: Text | None = None
    says: Text | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Citation:
        if (self.quote is None) == (self.says is None):
            raise ValueError(
                "a citation has either `quote` (verbatim, from a source whose text is kept) or "
                "`says` (the fact in the store's own words), not both or neither"
            )
        return self


Citations = Annotated[tuple[Citation, ...], Field(min_length=1)]


class Record(Model):
    """Anything with a store-wide id."""

    record_type: ClassVar[str]
    id: Slug

    def to_json(self) -> dict[str, Any]:
        """The record as the JSON contract gives it (made by `pakru.domain.records`, the one
        place)."""
        data: dict[str, Any] = self.to_record().to_json()
        return data


class Source(Record):
    """A document that facts are taken from."""

    record_type = "source"
    title: Text
    publisher: Text | None
    author: Text | None
    published: PeriodValue
    kind: SourceKind
    language: Language  # ISO 639 code of the text's language
    url: Url | None = None
    accessed: PeriodValue | None = None  # when the curator read the page at `url`
    text_file: FileName | None = None  # the file's name in the folder of source texts
    section: Text | None = None
    date_note: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _findable(self) -> Source:
        # A reader must be able to find the source again: its text is kept beside the store, it is
        # online, or it has a full reference (who wrote it and who published it).
        if self.url is None and self.text_file is None and not (self.publisher and self.author):
            raise ValueError(
                "a source needs a `url`, a `text_file`, or both `publisher` and `author`"
            )
        if self.url is not None and self.accessed is None:
            raise ValueError("a source with a `url` needs `accessed`: the date it was read")
        return self


class Role(Model):
    """A position an actor is attested to hold."""

    title: Text
    organisation: Slug | None = None  # the actor id of the organisation or country served
    attested: PeriodValue
    sources: Citations
    date_note: Text | None = None


class Actor(Record):
    """A person, organisation, government body, country or grouping."""

    record_type = "actor"
    name: Text
    kind: ActorKind
    aliases: tuple[Text, ...] = ()
    country: Slug | None = None
    roles: tuple[Role, ...] = ()
    sources: Citations  # quotes that name the actor, under its name and each alias
    note: Text | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class Event(Record):
    """Something that happened, or is scheduled, expected, proposed or pending."""

    record_type = "event"
    date: PeriodValue
    title: Text
    place: Text | None
    actors: tuple[Slug, ...]
    status: EventStatus
    topics: tuple[Slug, ...]
    sources: Citations
    date_note: Text | None = None
    note: Text | None = None
    supersedes: tuple[Slug, ...] = ()  # earlier reports of the same event, kept as its history


class Agreement(Record):
    """A protocol, agreement, MoU, roadmap, commitment, resolution, proposal or offer."""

    record_type = "agreement"
    title: Text
    kind: AgreementKind
    date: PeriodValue
    place: Text | None
    parties: tuple[Slug, ...]
    status: AgreementStatus
    topics: tuple[Slug, ...]
    sources: Citations
    event: Slug | None = None  # the event it was signed or agreed at
    count: Annotated[int, Field(strict=True, ge=2)] | None = None  # one record for several texts
    date_note: Text | None = None
    note: Text | None = None
    supersedes: tuple[Slug, ...] = ()


class Figure(Record):
    """A number, with what it measures, when, how sure, and who says so."""

    record_type = "figure"
    metric: Metric
    subject: Text
    value: Amount
    unit: Unit
    stated: Text  # the number exactly as the quote writes it, e.g. "$1.81 billion"
    period: PeriodValue | None  # null when the text gives none
    qualifier: Qualifier
    basis: Basis
    topics: tuple[Slug, ...]
    sources: Citations
    reported_by: Slug | None = None  # the actor whose number it is, when not the source itself
    commodity: Text | None = None  # the one good it covers, when not the whole flow
    date_note: Text | None = None
    note: Text | None = None
    supersedes: tuple[Slug, ...] = ()

    # Field validators (not one model validator) so that a problem is reported at the field, and
    # its line, that is wrong; `metric` is declared first, so it is known when these run.
    @field_validator("value")
    @classmethod
    def _value_fits_metric(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        metric = info.data.get("metric")
        if value < 0 and metric not in (None, "trade_growth"):
            raise ValueError(f"a {metric} figure cannot be negative ({value})")
        if metric == "count" and value != value.to_integral_value():
            raise ValueError(f"a count must be a whole number, not {value}")
        return value

    @model_validator(mode="after")
    def _value_fits_unit(self) -> Figure:
        # After the fields, as the bound depends on the unit, which comes after the value; the
        # problem is still the value's, at its line. copy_abs(): abs() can overflow (1e99999999).
        largest = records.LARGEST_OF_UNIT[self.unit]
        if self.value.copy_abs() > largest:
            message = (
                f"{self.value:.3g} is beyond any real figure in {self.unit} (at most {largest:,})"
            )
            raise _field_error("value", message, self.value)
        return self

    @field_validator("unit")
    @classmethod
    def _unit_fits_metric(cls, unit: str, info: ValidationInfo) -> str:
        metric = info.data.get("metric")
        units = records.UNITS_OF_METRIC.get(metric) if metric is not None else None
        if units is not None and unit not in units:
            raise ValueError(f"a {metric} figure is measured in {' or '.join(units)}, not {unit}")
        return unit


class Topic(Model):
    """A subject in the vocabulary, with the words users may type for it."""

    record_type: ClassVar[str] = "topic"
    id: Slug
    name: Text
    synonyms: tuple[Text, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = self.to_record().to_json()
        return data

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, self.name, *self.synonyms)
