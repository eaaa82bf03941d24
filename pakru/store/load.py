"""Reading store files: YAML → records checked one by one, each problem with file, line and field.

What needs more than one record — unique ids, references, dates against sources — is checked over
the whole store by `pakru.store.compiled`, which keeps what this module reads. Nothing is skipped: a
record that does not validate, or a file that cannot be read, is a `Problem`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from pydantic import ValidationError

from pakru.domain import records
from pakru.domain.errors import Problem, shown
from pakru.domain.types import Period
from pakru.store.layout import StoreFile
from pakru.store.models import (
    Actor,
    Agreement,
    Citation,
    Event,
    Figure,
    Model,
    Source,
    Topic,
)

KINDS: dict[str, type[Model]] = {
    records.KIND_OF_TYPE[model.record_type]: model
    for model in (Source, Actor, Event, Agreement, Figure, Topic)
}

# The only tags a store may use: the ones YAML gives plain scalars, lists and mappings by itself.
# Anything else (`!!python/object/apply`, `!!binary`, custom tags) is refused before construction.
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}

try:  # the C parser is several times faster; PyYAML built without libyaml falls back to Python
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

Location = tuple[str | int, ...]

# Limits no honest store comes near (its longest text is about 500 characters, its largest file
# about 60 kB), so that a crafted or runaway value cannot make every search take minutes.
MOST_CHARACTERS = 50_000  # in one text
MOST_FILE_BYTES = 10 * 2**20
# What no text of a store may hold, in any field: control characters (terminal escapes, carriage
# returns, bells), which could restyle or hide what a terminal shows, and Unicode's bidi
# embeddings, overrides and isolates, which reorder a line as it is shown, in a CSV or JSON answer
# as much as in a table. Refusing them here, where every text of every file is built, decides it
# once for every field and every output. Line breaks and tabs are text.
_REFUSED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# An int as people write it, its digits grouped in threes by '_' or not at all; YAML 1.1 also
# reads 010 as 8, 0x10 as 16, 1_5 as 15 and 1:30 as 90.
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*|[1-9][0-9]{0,2}(?:_[0-9]{3})+)")
_MOST_DIGITS = 30  # more than any number a store holds (a figure is at most 10^15)


@dataclass
class _Entry:
    """One item of a store file, with where each of its fields stands in the file."""

    kind: str
    file: str
    index: int
    lines: dict[Location, int]
    raw: Any
    record: Model | None = None

    def problem(self, location: Location, message: str) -> Problem:
        return Problem(self.file, self._line(location), self._field(location), message)

    def _line(self, location: Location) -> int | None:
        return _line_of(self.lines, location)

    def _field(self, location: Location) -> str:
        return _field_name(self.kind, (self.index, *location))


def _line_of(lines: dict[Location, int], location: Location) -> int | None:
    """The line of the value at `location`, or of the nearest enclosing value that has one."""
    for end in range(len(location), -1, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return None


def _field_name(kind: str, location: Location) -> str:
    """`events[3].sources[0].quote` for the location (3, "sources", 0, "quote") in events."""
    text = kind
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part).isprintable() and len(str(part)) <= 60:
            text += f".{part}"
        else:  # a key no field has, holding what must not reach a terminal, or very long
            text += f"[{shown(part)}]"
    return text


def _read_file(kind: str, path: str, name: str, problems: list[Problem]) -> list[_Entry] | None:
    """The items of one file, or None when the file cannot be read as a list of items."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MOST_FILE_BYTES + 1)  # no further: the file is refused anyway
    except OSError as error:
        problems.append(Problem(name, None, "", f"cannot read the file: {error.strerror or error}"))
        return None
    if len(data) > MOST_FILE_BYTES:
        message = (
            f"larger than {MOST_FILE_BYTES // 2**20} MB, which no store file needs; split it "
            f"into several files in a folder {kind}/"
        )
        problems.append(Problem(name, None, "", message))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.append(
            Problem(
                name, line, "", f"not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8"
            )
        )
        return None
    loader = _Loader(text)
    try:
        if "&" in text and _refuse_anchors(text, name, problems):
            return None
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problems.append(
            Problem(
                name, mark.line + 1 if mark else None, "", f"invalid YAML: {error.problem or error}"
            )
        )
        return None
    except yaml.reader.ReaderError as error:  # a character YAML refuses anywhere, e.g. NUL
        line = text.count("\n", 0, error.position) + 1
        message = f"{_character(chr(error.character))} is not allowed in a store"
        problems.append(Problem(name, line, "", message))
        return None
    except yaml.YAMLError as error:
        problems.append(Problem(name, None, "", f"invalid YAML: {' '.join(str(error).split())}"))
        return None
    finally:
        loader.dispose()
    if root is None:
        problems.append(
            Problem(name, None, "", f"empty file; write a list of {kind}, or [] for none")
        )
        return None
    if root.tag not in _PLAIN_TAGS:
        problems.append(_tag_problem(root, name))
        return None
    if not isinstance(root, yaml.SequenceNode):
        message = f"the file must be a list of {kind} (items starting with '- ')"
        problems.append(Problem(name, root.start_mark.line + 1, "", message))
        return None
    builder = _Builder(kind, name, problems)
    entries = [
        _Entry(kind, name, index, lines, raw)
        for index, node in enumerate(root.value)
        for raw, lines in (builder.item(index, node),)
    ]
    return entries if builder.ok else None


# The scalars YAML types by itself are built by PyYAML's own rules; text, lists and mappings (nearly
# every node of a store) are built here, in the same walk that notes lines.
_SCALAR_BUILDERS: dict[str, Callable[[yaml.ScalarNode], object]] = {
    f"tag:yaml.org,2002:{name}": getattr(
        yaml.constructor.SafeConstructor(), f"construct_yaml_{name}"
    )
    for name in ("int", "float", "bool", "null", "timestamp")
}
_STR = "tag:yaml.org,2002:str"
_NODE_WORDS = {
    yaml.ScalarNode: "a value",
    yaml.SequenceNode: "a list",
    yaml.MappingNode: "a mapping",
}
_MAP = "tag:yaml.org,2002:map"
_INT = "tag:yaml.org,2002:int"
_SEQ = "tag:yaml.org,2002:seq"
# The deepest a value may stand in an item: the deepest field goes 5 levels (roles[0].sources[0].
# quote); far deeper nesting (`[[[[…]]]]`) would exhaust Python's stack while it is built.
_MAX_DEPTH = 16


class _Builder:
    """Builds the items of a composed YAML file into plain values, noting the line of each value
    (keyed by its path within its item), in one walk that also refuses what a store must not
    hold: tags beyond YAML's plain ones, keys given twice, values YAML cannot build.

    Aliases cannot reach it: they need anchors, which `_read_file` refuses before composing, so
    a "billion laughs" file is never expanded.
    """

    def __init__(self, kind: str, name: str, problems: list[Problem]) -> None:
        self.kind = kind
        self.name = name
        self.problems = problems
        self.index = 0  # of the item being built
        self.ok = True  # False: a problem was found, and the file's items are not to be used

    def item(self, index: int, node: yaml.Node) -> tuple[Any, dict[Location, int]]:
        """One item of the file, and the line of each of its values by path."""
        self.index = index
        lines: dict[Location, int] = {}
        return self.build(node, (), lines), lines

    def build(self, node: yaml.Node, path: Location, lines: dict[Location, int]) -> Any:
        line = node.start_mark.line + 1
        lines[path] = line
        if len(path) > _MAX_DEPTH:  # named by the item's field it is in: the full path is long
            message = f"nested more than {_MAX_DEPTH} levels deep; no field of a store goes so deep"
            self._problem(line, path[:1], message)
            return None
        tag = node.tag
        scalar = isinstance(node, yaml.ScalarNode)
        if tag == _STR and scalar:
            return self._text(node.value, line, path)
        if tag == _MAP and isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, lines)
        if tag == _SEQ and isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i), lines) for i, child in enumerate(node.value)]
        builder = _SCALAR_BUILDERS.get(tag) if scalar else None
        if builder is None:
            if tag in _PLAIN_TAGS:  # a plain tag on the wrong kind of node: `!!str {a: 1}`
                message = f"YAML tag {tag!r} does not fit {_NODE_WORDS[type(node)]}"
                self._problem(line, path, message)
            else:
                self.problems.append(_tag_problem(node, self.name))
                self.ok = False
            return None
        misread = _misread_int(node) if isinstance(node, yaml.ScalarNode) and tag == _INT else None
        if misread:
            self._problem(line, path, misread)
            return None
        try:
            return builder(node)  # type: ignore[arg-type]
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            self._problem(line, path, _unbuilt(node))
            return None

    def _text(self, text: str, line: int, path: Location) -> str | None:
        """A text of the store, or None (and a problem) when it holds what no store may."""
        if len(text) > MOST_CHARACTERS:
            message = (
                f"a text of {len(text):,} characters; a store holds at most {MOST_CHARACTERS:,} "
                "in one field"
            )
            self._problem(line, path, message)
            return None
        found = _REFUSED.search(text)
        if found:
            where = f"at position {found.start()}; a store holds plain text only"
            self._problem(line, path, f"{_character(found.group())} {where}")
            return None
        return text

    def _mapping(
        self, node: yaml.MappingNode, path: Location, lines: dict[Location, int]
    ) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_line, path, "a key must be a plain name, not a list or a mapping")
                continue
            key = self.build(key_node, (*path, key_node.value), {})
            if key in mapping:
                self._problem(key_line, (*path, key), "key given twice")
            mapping[key] = self.build(value_node, (*path, key), lines)
            lines[(*path, key)] = key_line
        return mapping

    def _problem(self, line: int, path: Location, message: str) -> None:
        field = _field_name(self.kind, (self.index, *path))
        self.problems.append(Problem(self.name, line, field, message))
        self.ok = False


def _misread_int(node: yaml.ScalarNode) -> str | None:
    """Why an unquoted whole number cannot be taken as written, or None when it can."""
    text = node.value
    if _PLAIN_INT.fullmatch(text):
        digits = len(text.lstrip("+-").replace("_", ""))
        return (
            None
            if digits <= _MOST_DIGITS
            else f"a number of {digits:,} digits is beyond any value a store holds"
        )
    try:  # octal, hex, base 60, or '_' out of place: YAML reads another number than it shows
        read = _SCALAR_BUILDERS[_INT](node) if len(text) <= _MOST_DIGITS else "another number"
    except ValueError:
        return None  # not a number at all (`!!int soon`): said where it fails to build
    return (
        f"{shown(text)} is read by YAML as {read}; write the number in plain digits, "
        "or quote it if it is text"
    )


def _unbuilt(node: yaml.Node) -> str:
    """Why YAML cannot build a value, with advice that fits how it came to have its type."""
    what = _TYPE_WORDS.get(node.tag, node.tag)
    implicit = (True, False)  # how YAML would type it untagged and unquoted
    if _RESOLVER.resolve(yaml.ScalarNode, node.value, implicit) != node.tag:  # type: ignore[no-untyped-call]
        # Tagged by hand (`!!int soon`): quoting would not help, the tag decides.
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        return f"{shown(node.value)} is not {what}, as its tag {tag} says"
    # Typed by YAML from how it looks (2024-02-30): a slip in a date, or text that looks like one.
    return f"{shown(node.value)} is not {what}; correct it, or quote it if it is text"


_RESOLVER = yaml.resolver.Resolver()
_TYPE_WORDS = {
    f"tag:yaml.org,2002:{name}": word
    for name, word in (
        ("int", "a whole number"),
        ("float", "a number"),
        ("bool", "true or false"),
        ("null", "null"),
        ("timestamp", "a real date"),
    )
}


def _character(character: str) -> str:
    """A character named so it can be found, whatever it does to a terminal: 'U+202E (RIGHT-TO-
    LEFT OVERRIDE)'."""
    kind = "bidi control" if unicodedata.bidirectional(character) in _BIDI_CLASSES else "control"
    name = unicodedata.name(character, "")
    return f"{kind} character U+{ord(character):04X}" + (f" ({name})" if name else "")


_BIDI_CLASSES = ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI")


def _tag_problem(node: yaml.Node, name: str) -> Problem:
    line = node.start_mark.line + 1
    return Problem(name, line, "", f"YAML tag {shown(node.tag)} is not allowed in a store")


def _refuse_anchors(text: str, name: str, problems: list[Problem]) -> bool:
    """Refuse `&anchor`: a store has no use for them, and they are how aliases start."""
    for event in yaml.parse(text, Loader=_Loader):
        if getattr(event, "anchor", None):
            line = event.start_mark.line + 1 if event.start_mark else None
            problems.append(
                Problem(name, line, "", "YAML anchors (&name) are not allowed in a store")
            )
            return True
    return False


DRAFT_MESSAGE = (
    "an unreviewed draft from `pakru extract`: check it against its quote, correct it, then "
    "remove `draft: true`"
)


def _validate(entry: _Entry, problems: list[Problem]) -> None:
    if not isinstance(entry.raw, dict):
        problems.append(entry.problem((), "each item must be a mapping of field: value"))
        return
    if entry.raw.get(records.DRAFT_FLAG) is True:
        # Refused before validation: one problem per draft, and none of the draft's own, which
        # its review is to settle. A reviewed record no longer carries the flag.
        problems.append(entry.problem((records.DRAFT_FLAG,), DRAFT_MESSAGE))
        return
    model = KINDS[entry.kind]
    try:
        entry.record = model.model_validate(entry.raw)
    except ValidationError as error:
        allowed = ", ".join(model.model_fields)
        details = error.errors(include_url=False)
        locations = [tuple(detail["loc"]) for detail in details]
        for detail, location in zip(details, locations, strict=True):
            # "at least 1 item" on a list whose only item is invalid says nothing new.
            if detail["type"] == "too_short" and any(
                len(other) > len(location) and other[: len(location)] == location
                for other in locations
            ):
                continue
            problems.append(entry.problem(location, _message(detail, allowed)))


def _message(detail: Any, allowed: str) -> str:
    kind = detail["type"]
    if kind == "extra_forbidden":
        return f"unknown field (the fields are: {allowed})"
    if kind == "missing":
        return "missing required field"
    message = str(detail["msg"]).removeprefix("Value error, ")
    value = detail.get("input")
    shown = repr(value)
    if isinstance(value, str | int | float | bool) and len(shown) <= 80 and shown not in message:
        message += f" (got {shown})"
    return message


# Refs and rows are named tuples: a large store has hundreds of thousands, and a frozen dataclass
# is several times slower to make.
class Ref(NamedTuple):
    """A record's reference to another: where it stands and what kind it must name."""

    record: str
    field: str
    line: int | None
    target: str
    wanted: str  # sources, actors, events or topics


class Row(NamedTuple):
    """A record that validated, with what the whole-store checks need to know of it."""

    kind: str
    file: str
    position: int  # its index in the file
    line: int | None
    record: records.Record
    refs: tuple[Ref, ...]
    # The date at which it says something already happened: (field, line, period).
    reported: tuple[str, int | None, Period] | None
    citations: tuple[tuple[str, int | None, records.Citation], ...]  # (field, line, citation)
    lines: dict[Location, int]

    def problem(self, location: Location, message: str) -> Problem:
        field = _field_name(self.kind, (self.position, *location))
        return Problem(self.file, _line_of(self.lines, location), field, message)


@dataclass
class FileResult:
    """What one file holds: its valid rows, every id it defines, and its problems."""

    file: StoreFile
    rows: list[Row] = field(default_factory=list)
    # (id, kind, line, actor kind, position) of every item with an id, valid or not, so that a
    # record failing validation does not also make every reference to it dangle.
    ids: list[tuple[str, str, int | None, str | None, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = True


def read_file(file: StoreFile) -> FileResult:
    """Parse and validate one file, record by record."""
    result = FileResult(file)
    if file.refused is not None:  # found, but not to be read (see `pakru.store.layout`)
        result.problems.append(Problem(file.name, None, "", file.refused))
        result.readable = False
        return result
    entries = _read_file(file.kind, file.path, file.name, result.problems)
    if entries is None:
        result.readable = False
        return result
    for entry in entries:
        raw_id = entry.raw.get("id") if isinstance(entry.raw, dict) else None
        if isinstance(raw_id, str):
            kind = entry.raw.get("kind") if file.kind == "actors" else None
            subkind = kind if isinstance(kind, str) else None
            result.ids.append((raw_id, file.kind, entry._line(("id",)), subkind, entry.index))
        _validate(entry, result.problems)
        if entry.record is None:
            continue
        row = _row(entry)
        result.problems.extend(_content_problems(entry, row.record))
        result.rows.append(row)
    return result


def _row(entry: _Entry) -> Row:
    model = entry.record
    assert model is not None
    record_id = str(model.id)  # type: ignore[attr-defined]
    refs = tuple(
        Ref(record_id, entry._field(location), entry._line(location), target, wanted)
        for location, target, wanted in _references(model)
    )
    dated = _reported_date(model)
    reported = (entry._field((dated[0],)), entry._line((dated[0],)), dated[1]) if dated else None
    record = model.to_record()
    citations = tuple(
        (
            entry._field((*location, citation.kind)),
            entry._line((*location, citation.kind)),
            citation,
        )
        for location, citation in _citations(record)
    )
    return Row(
        entry.kind,
        entry.file,
        entry.index,
        entry._line(()),
        record,
        refs,
        reported,
        citations,
        entry.lines,
    )


def _references(record: Model) -> Iterator[tuple[Location, str, str]]:
    """Every id a record refers to, where it stands and what kind of record it must name."""
    for i, citation in enumerate(getattr(record, "sources", ())):
        if isinstance(citation, Citation):
            yield ("sources", i, "source"), citation.source, "sources"
    for name in ("topics",):
        for i, topic in enumerate(
            getattr(record, name, ()) if not isinstance(record, Topic) else ()
        ):
            yield (name, i), topic, "topics"
    for name in ("actors", "parties"):
        for i, actor in enumerate(getattr(record, name, ())):
            if isinstance(actor, str):
                yield (name, i), actor, "actors"
    if isinstance(record, Agreement) and record.event:
        yield ("event",), record.event, "events"
    if isinstance(record, Figure) and record.reported_by:
        yield ("reported_by",), record.reported_by, "actors"
    for i, earlier in enumerate(getattr(record, "supersedes", ())):
        yield ("supersedes", i), earlier, records.KIND_OF_TYPE[record.record_type]  # type: ignore[attr-defined]
    if isinstance(record, Actor):
        if record.country:
            yield ("country",), record.country, "actors"
        for i, role in enumerate(record.roles):
            if role.organisation:
                yield ("roles", i, "organisation"), role.organisation, "actors"
            for j, citation in enumerate(role.sources):
                yield ("roles", i, "sources", j, "source"), citation.source, "sources"


def _content_problems(entry: _Entry, record: records.Record) -> Iterator[Problem]:
    """What a record says against its own citations: its stated number, its names, and that it
    does not supersede itself."""
    if isinstance(record, records.Figure) and not any(
        record.stated in c.text for c in record.sources
    ):
        yield entry.problem(
            ("stated",), f"{shown(record.stated)} does not occur in any of its citations"
        )
    if isinstance(record, records.Actor):
        texts = [c.text for c in record.sources]
        for i, name in enumerate(record.names):
            if not any(name in text for text in texts):
                location: Location = ("name",) if i == 0 else ("aliases", i - 1)
                yield entry.problem(
                    location, f"{shown(name)} does not occur in any of its citations"
                )
    for i, earlier in enumerate(getattr(record, "supersedes", ())):
        if earlier == getattr(record, "id", None):
            yield entry.problem(("supersedes", i), "a record cannot supersede itself")


def _reported_date(record: Model | None) -> tuple[str, Any] | None:
    """The date a record says something already happened at, if it says so."""
    if isinstance(record, Event | Agreement) and record.status in records.DONE_STATUSES:
        return "date", record.date
    if isinstance(record, Figure) and record.basis == "reported" and record.period is not None:
        return "period", record.period
    return None


def check_quotes(
    sources: Sequence[Row],
    citations: Sequence[tuple[str, int | None, str, records.Citation]],
    sources_dir: Path,
) -> tuple[list[Problem], int]:
    """Check that every quote stands, character for character, in its source's text file, and
    cites a source whose text is kept; `citations` are (file, line, field, citation). Returns the
    problems and how many quotes were checked."""
    if not sources_dir.is_dir():
        return [Problem(str(sources_dir), None, "", "the folder of source texts does not exist")], 0
    problems: list[Problem] = []
    texts: dict[str, str | None] = {}
    textless: set[str] = set()
    for row in sources:
        source = row.record
        assert isinstance(source, records.Source)
        if source.text_file is None:
            textless.add(source.id)
        else:
            texts[source.id] = _source_text(row, source, sources_dir, problems)
    found = 0
    for file, line, field_name, citation in citations:
        if citation.quote is None:
            continue
        if citation.source in textless:
            message = (
                f"a quote needs a source whose text is kept, and {shown(citation.source)} has no "
                "text_file; cite it with `says`, in the store's own words"
            )
            problems.append(Problem(file, line, field_name, message))
            continue
        text = texts.get(citation.source)
        if text is None:  # unreadable, or no such source (a problem said elsewhere)
            continue
        found += 1
        if citation.quote not in text:
            problems.append(Problem(file, line, field_name, _quote_mismatch(citation.quote, text)))
    return problems, found


def _source_text(
    row: Row, source: records.Source, sources_dir: Path, problems: list[Problem]
) -> str | None:
    assert source.text_file is not None
    folder = sources_dir.resolve()
    path = (folder / source.text_file).resolve()
    if path.parent != folder or not path.is_file():
        problems.append(
            row.problem(("text_file",), f"no file {shown(source.text_file)} in {sources_dir}")
        )
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(
            row.problem(("text_file",), f"cannot read {shown(source.text_file)}: {error}")
        )
        return None


def _citations(record: records.Record) -> Iterable[tuple[Location, records.Citation]]:
    for i, citation in enumerate(getattr(record, "sources", ())):
        if isinstance(citation, records.Citation):
            yield ("sources", i), citation
    if isinstance(record, records.Actor):
        for i, role in enumerate(record.roles):
            for j, citation in enumerate(role.sources):
                yield ("roles", i, "sources", j), citation


def _quote_mismatch(quote: str, text: str) -> str:
    """Say how far a quote matches its source, so the differing character is easy to find."""
    low, high = 0, len(quote)
    while low < high:  # the longest prefix of the quote that occurs in the text
        middle = (low + high + 1) // 2
        if quote[:middle] in text:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return "quote not found in its source text"
    return (
        f"quote not found verbatim in its source text: it matches as far as {quote[:low][-30:]!r}, "
        f"then the source differs at {quote[low : low + 15]!r}"
    )
