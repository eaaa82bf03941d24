"""The compiled store's layout: its tables and indexes, how rows hold records, and the stamp
that says which code wrote it; shared by the code that writes it (`pakru.store.build`) and the code
that reads it (`pakru.store.compiled`), so that neither imports the other's side.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import sys
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pakru import __version__
from pakru.domain.records import SEARCHED_TYPES, Figure
from pakru.store.layout import KINDS

# Bump when the layout of the compiled file, or what is kept in it, changes.
_LAYOUT = 5
FORMAT = f"{__version__}/{_LAYOUT}/py{sys.version_info[0]}.{sys.version_info[1]}m{marshal.version}"

# A compiled store is also keyed to the code that wrote it: every Python file of the installed
# package, not a list of the modules thought to shape it (such a list falls behind as code moves),
# so that no state of the code answers from rows another one wrote. Each open compares the files'
# paths, sizes and times with those the store recorded (a stat each: microseconds); their contents
# are hashed only when those differ, and a store written by code of the same contents (after a
# reinstall, or a checkout and back) is brought up to date rather than compiled afresh.
PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # (pakru/store/..)


def code_files(folder: str) -> list[os.DirEntry[str]]:
    """Every Python file below a folder of the package, in a stable order (each folder's entries
    by name, a subfolder's files where the subfolder sorts)."""
    found = []
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.endswith(".py"):
            found.append(entry)
        elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
            found += code_files(entry.path)
    return found


def code_stamp() -> str:
    """The package's Python files with their sizes, modification and change times."""
    stamps = []
    for entry in code_files(PACKAGE):
        info = entry.stat()
        relative = entry.path[len(PACKAGE) :]
        stamps.append(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}")
    return "\0".join(stamps)


def code_hash() -> str:
    """A hash of the package's Python files: their paths and contents."""
    import hashlib

    digest = hashlib.sha256()
    for entry in code_files(PACKAGE):
        data = Path(entry.path).read_bytes()
        relative = entry.path[len(PACKAGE) :].encode()
        digest.update(relative + b"\0" + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def code_key() -> dict[str, str]:
    """What a compiled store records of the code that writes it (the stamp taken first: a file
    changed in between then fails the stamp, and is hashed again, rather than pass it)."""
    stamp = code_stamp()
    return {"code_stamp": stamp, "code": code_hash()}


def same_code(meta: dict[str, str]) -> bool:
    """Whether a compiled store's record of its code is of this code."""
    return meta.get("code_stamp") == code_stamp() or meta.get("code") == code_hash()


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
# fields of weight 3, 2 and 1, as pakru.domain.search.index_columns folds them; the tokenizer splits
# them where pakru.domain.search splits words (at spaces and ASCII punctuation but the apostrophe).
# Its rowid is the record's place in search order (`search`): each record type has a span of places,
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
CREATE INDEX IF NOT EXISTS conflicts_order ON checks(first, last, a, b) WHERE agrees = 0;
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
# names, so a compiled store is never read by another one. Each body ends with the CRC-32 of what
# precedes it, checked whenever it is read: a body damaged on disk (a bit flipped, a page half
# written, a value changed behind pakru's back) fails it, and the store is compiled again rather
# than shown. (Appended little-endian, a CRC-32 makes the CRC-32 of the whole a constant, so one
# call checks a body; marshal ignores the bytes after its data.) A checksum guards against
# accidents, not people (whoever can write the file can compute one), which is why only files of
# this user's own are read at all (see "whose cache" in pakru.store.compiled).
def pack(data: Any) -> bytes:
    body = marshal.dumps(data)
    return body + zlib.crc32(body).to_bytes(4, "little")


_CHECKED = zlib.crc32(zlib.crc32(b"").to_bytes(4, "little"))  # the CRC-32 of any checked body


class Damaged(sqlite3.DatabaseError):
    """A compiled store whose rows cannot be read back (a body that fails its checksum, is cut
    short or not marshal data, or data no record is made of): it is compiled again, never
    believed and never an error."""


def unpack(blob: bytes) -> Any:
    try:
        if zlib.crc32(blob) != _CHECKED:
            raise Damaged("a stored body fails its checksum")
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
