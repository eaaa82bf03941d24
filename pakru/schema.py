"""The compiled store's layout: its tables and indexes, how rows hold records, and the stamp
that says which code wrote it; shared by the code that writes it (`pakru.build`) and the code
that reads it (`pakru.compiled`), so that neither imports the other's side.
"""

from __future__ import annotations

import marshal
import sqlite3
import sys
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pakru import __version__
from pakru.layout import KINDS
from pakru.records import SEARCHED_TYPES, Figure

# Bump when the layout of the compiled file, or what is kept in it, changes. The code that writes
# and reads it is fingerprinted too, so that a development install never trusts a file that an
# earlier state of the code wrote.
_LAYOUT = 4
_WRITERS = (
    "compiled.py", "build.py", "records.py", "consistency.py", "types.py", "models.py", "load.py",
    "search.py", "names.py", "schema.py",
)  # fmt: skip


def _format() -> str:
    here = Path(__file__).parent
    stamp = ",".join(f"{(s := (here / name).stat()).st_size}:{s.st_mtime_ns}" for name in _WRITERS)
    python = f"py{sys.version_info[0]}.{sys.version_info[1]}m{marshal.version}"
    return f"{__version__}/{_LAYOUT}/{python}/{zlib.crc32(stamp.encode()):08x}"


FORMAT = _format()

# Bodies are marshal data (see pack); derived figures' inputs and the figures a check involves are
# ids separated by spaces.
TABLES = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files(
    name TEXT PRIMARY KEY, kind TEXT, size INT, mtime INT, ctime INT, readable INT, ord INT
);
CREATE TABLE records(
    id TEXT, type TEXT, file TEXT, position INT, line INT,
    first TEXT, last TEXT, metric TEXT, label TEXT, basis TEXT, body BLOB
);
CREATE TABLE ids(id TEXT, topic INT, kind TEXT, subkind TEXT, file TEXT, line INT, position INT);
CREATE TABLE refs(record TEXT, file TEXT, field TEXT, line INT, target TEXT, wanted TEXT);
CREATE TABLE reported(record TEXT, file TEXT, field TEXT, line INT, first TEXT, notation TEXT);
CREATE TABLE names(folded TEXT, actor TEXT, file TEXT);
CREATE TABLE file_problems(file TEXT, line INT, field TEXT, message TEXT);
CREATE TABLE store_problems(file TEXT, line INT, field TEXT, message TEXT);
CREATE TABLE derived(id TEXT, first TEXT, last TEXT, metric TEXT, inputs TEXT, body BLOB);
CREATE TABLE checks(a TEXT, b TEXT, agrees INT, first TEXT, last TEXT, figures TEXT, body BLOB);
CREATE TABLE search(pos INTEGER PRIMARY KEY, type TEXT, id TEXT, file TEXT);
CREATE VIRTUAL TABLE fts USING fts5(
    heavy, middle, light, tokenize = "ascii tokenchars ''''", columnsize = 0
);
"""
# The full-text index (fts) holds each record's searchable words in three columns, those of its
# fields of weight 3, 2 and 1, as pakru.search.index_columns folds them; the tokenizer splits
# them where pakru.search splits words (at spaces and ASCII punctuation but the apostrophe). Its
# rowid is the record's place in search order (`search`): each record type has a span of places,
# in the order ties are broken, and places within it follow ids, so an index query in rowid order
# meets its matches in the order ties are broken, and can stop at the first page.
_TYPE_SPAN = 1 << 56


def search_span(record_type: str) -> tuple[int, int]:
    """The places in search order a record type has: from its first to just past its last."""
    start = SEARCHED_TYPES.index(record_type) * _TYPE_SPAN
    return start, start + _TYPE_SPAN


# Made after a full build has inserted every row: one sort each, instead of an update per row.
# The questions asked on every answer (records by date, by metric, by what they name) are answered
# from the indexes alone, without reading the rows with their bodies.
CHECK_INDEXES = """
CREATE INDEX IF NOT EXISTS records_id ON records(id, type, first, last);
CREATE INDEX IF NOT EXISTS ids_id ON ids(topic, id);
CREATE INDEX IF NOT EXISTS refs_record ON refs(record, wanted, target);
"""  # what the checks across records look rows up by; `pakru check` makes only these
INDEXES = (
    CHECK_INDEXES
    + """
CREATE INDEX IF NOT EXISTS records_type_first ON records(type, first, last, id);
CREATE INDEX IF NOT EXISTS records_metric ON records(type, metric, last, first, id, label, basis);
CREATE INDEX IF NOT EXISTS records_file ON records(file);
CREATE INDEX IF NOT EXISTS ids_file ON ids(file);
CREATE INDEX IF NOT EXISTS refs_target ON refs(wanted, target, record);
CREATE INDEX IF NOT EXISTS refs_file ON refs(file);
CREATE INDEX IF NOT EXISTS reported_record ON reported(record);
CREATE INDEX IF NOT EXISTS reported_file ON reported(file);
CREATE INDEX IF NOT EXISTS names_folded ON names(folded);
CREATE INDEX IF NOT EXISTS names_file ON names(file);
CREATE INDEX IF NOT EXISTS file_problems_file ON file_problems(file);
CREATE INDEX IF NOT EXISTS derived_first ON derived(first);
CREATE INDEX IF NOT EXISTS checks_a ON checks(a);
CREATE INDEX IF NOT EXISTS checks_b ON checks(b);
CREATE INDEX IF NOT EXISTS search_id ON search(type, id, pos);
CREATE INDEX IF NOT EXISTS search_file ON search(file);
"""
)

T = TypeVar("T")

KINDS_SQL = ", ".join(f"'{kind}'" for kind in KINDS)


def chunks(items: Sequence[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


# Bodies are stored as marshal data: it is built into the interpreter (nothing to import before an
# answer) and faster to read than JSON. Its format changes between Python versions, which FORMAT
# names, so a compiled store is never read by another one.
def pack(data: Any) -> bytes:
    return marshal.dumps(data)


class Damaged(sqlite3.DatabaseError):
    """A compiled store whose rows cannot be read back (a body cut short or not marshal data, or
    data no record is made of): it is compiled again, never believed and never an error."""


def unpack(blob: bytes) -> Any:
    try:
        return marshal.loads(blob)
    except (EOFError, ValueError, TypeError) as error:  # (EOFError would read as Ctrl-C to Click)
        raise Damaged(f"a stored body cannot be read: {error}") from error


def stored(make: Callable[..., T], *data: Any) -> T:
    """A value made from stored data; data it cannot be made from is damage, not a bug to show."""
    try:
        return make(*data)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise Damaged(f"a stored body is not what was written: {error!r}") from error


def iso(day: Any) -> str | None:
    return None if day is None else day.isoformat()


def figure_of(body: bytes) -> Figure:
    figure: Figure = stored(Figure.from_storage, unpack(body))
    return figure
