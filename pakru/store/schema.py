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
from pakru.domain.records import SEARCHED_TYPES
from pakru.store.layout import KINDS

# Bump when the layout of the compiled file, or what is kept in it, changes.
_LAYOUT = 7
FORMAT = f"{__version__}/{_LAYOUT}/py{sys.version_info[0]}.{sys.version_info[1]}"

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


# The records' tables: what `pakru export` copies, and what Datasette and sqlite-utils open. A table
# per record type with typed columns, primary and foreign keys declared; lists become link tables
# (`event_actors`, `agreement_parties`, `record_topics`), except the names an actor or topic is
# also known by and the topics a fact is on, which are also JSON array text (what Datasette facets
# on). Every citation, an actor role's included, is a row of `citations`, linked by foreign key to
# the record it backs and to its source. A period is its EDTF text as written plus ISO
# `_start`/`_end` days (NULL for an open end) for filtering in SQL, and the year it starts in.
# Positions count from 0, as the loader's `sources[0]` does. The vocabularies (metrics, units,
# statuses, kinds, qualifiers, bases) are tables too, written from `pakru.domain.records`.
PUBLIC_TABLES = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE metrics (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
CREATE TABLE units (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
CREATE TABLE metric_units (
    metric TEXT NOT NULL REFERENCES metrics(id),
    unit TEXT NOT NULL REFERENCES units(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (metric, unit)
);
CREATE TABLE statuses (
    record_type TEXT NOT NULL,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    done INTEGER NOT NULL,
    PRIMARY KEY (record_type, id)
);
CREATE TABLE kinds (
    record_type TEXT NOT NULL,
    id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (record_type, id)
);
CREATE TABLE qualifiers (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
CREATE TABLE bases (
    id TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    publisher TEXT,
    author TEXT,
    published TEXT NOT NULL,
    published_start TEXT,
    published_end TEXT,
    year INTEGER,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    url TEXT,
    accessed TEXT,
    accessed_start TEXT,
    accessed_end TEXT,
    text_file TEXT,
    section TEXT,
    date_note TEXT,
    note TEXT
);
CREATE TABLE actors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    aliases TEXT NOT NULL,
    country TEXT REFERENCES actors(id),
    note TEXT
);
CREATE TABLE actor_roles (
    actor_id TEXT NOT NULL REFERENCES actors(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    organisation TEXT REFERENCES actors(id),
    attested TEXT NOT NULL,
    attested_start TEXT,
    attested_end TEXT,
    date_note TEXT,
    PRIMARY KEY (actor_id, position)
);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    date_start TEXT,
    date_end TEXT,
    year INTEGER,
    title TEXT NOT NULL,
    place TEXT,
    status TEXT NOT NULL,
    topics TEXT NOT NULL,
    date_note TEXT,
    note TEXT
);
CREATE TABLE agreements (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    date_start TEXT,
    date_end TEXT,
    year INTEGER,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    place TEXT,
    status TEXT NOT NULL,
    topics TEXT NOT NULL,
    event TEXT REFERENCES events(id),
    count INTEGER,
    date_note TEXT,
    note TEXT
);
-- NUMERIC keeps a whole `value` an INTEGER and any other a REAL, so it sorts as a number;
-- `value_exact` is the decimal as written, which a REAL cannot always hold.
CREATE TABLE figures (
    id TEXT PRIMARY KEY,
    metric TEXT NOT NULL REFERENCES metrics(id),
    subject TEXT NOT NULL,
    value NUMERIC NOT NULL,
    value_exact TEXT NOT NULL,
    unit TEXT NOT NULL REFERENCES units(id),
    stated TEXT NOT NULL,
    period TEXT,
    period_start TEXT,
    period_end TEXT,
    year INTEGER,
    qualifier TEXT NOT NULL REFERENCES qualifiers(id),
    basis TEXT NOT NULL REFERENCES bases(id),
    topics TEXT NOT NULL,
    reported_by TEXT REFERENCES actors(id),
    commodity TEXT,
    date_note TEXT,
    note TEXT
);
CREATE TABLE topics (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    synonyms TEXT NOT NULL
);
-- The record a row is about is named by its type and id, and again in the one column of its type
-- (the others NULL): a foreign key names one table, and it is the keys that let Datasette list a
-- figure's citations on the figure's page.
CREATE TABLE citations (
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    actor TEXT REFERENCES actors(id),
    event TEXT REFERENCES events(id),
    agreement TEXT REFERENCES agreements(id),
    figure TEXT REFERENCES figures(id),
    role_position INTEGER,
    position INTEGER NOT NULL,
    source TEXT NOT NULL REFERENCES sources(id),
    quote TEXT,  -- verbatim, checked against the source's text
    says TEXT  -- or what the source says, in the store's own words
);
-- A later report of a fact and the earlier one it supersedes (both kept).
CREATE TABLE supersessions (
    record_id TEXT NOT NULL,
    record_type TEXT NOT NULL,
    supersedes TEXT NOT NULL,
    PRIMARY KEY (record_id, supersedes)
);
CREATE TABLE event_actors (
    event_id TEXT NOT NULL REFERENCES events(id),
    actor_id TEXT NOT NULL REFERENCES actors(id),
    PRIMARY KEY (event_id, actor_id)
);
CREATE TABLE agreement_parties (
    agreement_id TEXT NOT NULL REFERENCES agreements(id),
    actor_id TEXT NOT NULL REFERENCES actors(id),
    PRIMARY KEY (agreement_id, actor_id)
);
CREATE TABLE record_topics (
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    event TEXT REFERENCES events(id),
    agreement TEXT REFERENCES agreements(id),
    figure TEXT REFERENCES figures(id),
    topic_id TEXT NOT NULL REFERENCES topics(id),
    PRIMARY KEY (record_id, topic_id)
);
-- SQLite does not index the referring side of a foreign key; these serve "everything about X".
CREATE INDEX citations_record ON citations(record_id);
CREATE INDEX citations_source ON citations(source);
CREATE INDEX actor_roles_organisation ON actor_roles(organisation);
CREATE INDEX event_actors_actor ON event_actors(actor_id);
CREATE INDEX agreement_parties_actor ON agreement_parties(actor_id);
CREATE INDEX record_topics_topic ON record_topics(topic_id);
"""

# pakru's own bookkeeping, beside the records' tables in the compiled store and never exported.
# `_records` has a row per record read: where it stands, what answers are looked up and ordered by
# (`place` folded as pakru.domain.names.fold_name folds names, its words one space apart), and the
# checksum of its rows (see `pakru.store.rows`). Derived figures' inputs and the figures a
# check involves are ids separated by spaces. A side of a check that is a derived figure (not
# always one `derived` lists: a sum of exports and imports is made only to compare) is a row of
# `derived` whose `owner` is the check's rowid, with `a_derived`/`b_derived` set on the check;
# derived figures of their own have no owner.
PRIVATE_TABLES = """
CREATE TABLE _meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files(
    name TEXT PRIMARY KEY, kind TEXT, size INT, mtime INT, ctime INT, readable INT, ord INT
);
CREATE TABLE _records(
    id TEXT, type TEXT, file TEXT, position INT, line INT,
    first TEXT, last TEXT, metric TEXT, label TEXT, basis TEXT, place TEXT, crc INT
);
CREATE TABLE ids(id TEXT, topic INT, kind TEXT, subkind TEXT, file TEXT, line INT, position INT);
CREATE TABLE refs(record TEXT, file TEXT, field TEXT, line INT, target TEXT, wanted TEXT);
CREATE TABLE reported(record TEXT, file TEXT, field TEXT, line INT, first TEXT, notation TEXT);
CREATE TABLE names(folded TEXT, actor TEXT, file TEXT);
CREATE TABLE file_problems(file TEXT, line INT, field TEXT, message TEXT);
CREATE TABLE store_problems(file TEXT, line INT, field TEXT, message TEXT);
CREATE TABLE derived(
    id TEXT, first TEXT, last TEXT, metric TEXT, inputs TEXT, subject TEXT, low TEXT, high TEXT,
    value TEXT, unit TEXT, period TEXT, formula TEXT, crc INT, owner INT
);
CREATE TABLE checks(
    a TEXT, b TEXT, agrees INT, first TEXT, last TEXT, figures TEXT, kind TEXT, reason TEXT,
    gap TEXT, a_derived INT, b_derived INT, crc INT
);
CREATE TABLE search(pos INTEGER PRIMARY KEY, type TEXT, id TEXT, file TEXT);
CREATE VIRTUAL TABLE fts USING fts5(
    heavy, middle, light, tokenize = "ascii tokenchars ''''", columnsize = 0
);
"""
TABLES = PUBLIC_TABLES + PRIVATE_TABLES
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


# Where a reference to an earlier report stands, as `pakru.store.load` names it:
# events[3].supersedes[0].
SUPERSEDES_FIELD = "%.supersedes[%"

# Made after a full build has inserted every row: one sort each, instead of an update per row.
# The questions asked on every answer (records by date, by metric, by what they name) are answered
# from the indexes alone, without reading the records themselves.
CHECK_INDEXES = """
CREATE INDEX IF NOT EXISTS _records_id ON _records(id, type, first, last);
CREATE INDEX IF NOT EXISTS ids_id ON ids(topic, id);
CREATE INDEX IF NOT EXISTS refs_record ON refs(record, wanted, target);
"""  # what the checks across records look rows up by; `pakru check` makes only these
INDEXES = (
    CHECK_INDEXES
    + f"""
CREATE INDEX IF NOT EXISTS _records_type_first ON _records(type, first, last, id);
-- a window's start is a range in reach (how far a record runs: an open end, all the way)
CREATE INDEX IF NOT EXISTS _records_reach
    ON _records(type, COALESCE(last, '9999-12-31'), first, last, id);
CREATE INDEX IF NOT EXISTS _records_metric
    ON _records(type, metric, COALESCE(last, '9999-12-31'), first, last, id, label, basis);
CREATE INDEX IF NOT EXISTS _records_file ON _records(file);
CREATE INDEX IF NOT EXISTS ids_file ON ids(file);
CREATE INDEX IF NOT EXISTS refs_target ON refs(wanted, target, record);
CREATE INDEX IF NOT EXISTS refs_file ON refs(file);
-- the few references that supersede, looked up on every listing
CREATE INDEX IF NOT EXISTS refs_supersedes ON refs(wanted, target)
    WHERE field LIKE '{SUPERSEDES_FIELD}';
CREATE INDEX IF NOT EXISTS record_topics_records ON record_topics(topic_id, record_type, record_id);
CREATE INDEX IF NOT EXISTS reported_record ON reported(record);
CREATE INDEX IF NOT EXISTS reported_file ON reported(file);
CREATE INDEX IF NOT EXISTS names_folded ON names(folded);
CREATE INDEX IF NOT EXISTS names_file ON names(file);
CREATE INDEX IF NOT EXISTS file_problems_file ON file_problems(file);
CREATE INDEX IF NOT EXISTS derived_first ON derived(first);
CREATE INDEX IF NOT EXISTS derived_own ON derived(metric, last, first, id) WHERE owner IS NULL;
CREATE INDEX IF NOT EXISTS derived_owner ON derived(owner) WHERE owner IS NOT NULL;
CREATE INDEX IF NOT EXISTS checks_a ON checks(a);
CREATE INDEX IF NOT EXISTS checks_b ON checks(b);
-- in the order conflicts are listed, so that a page stops after its rows
CREATE INDEX IF NOT EXISTS conflicts_order
    ON checks(COALESCE(first, ''), COALESCE(last, ''), a, b, kind, reason) WHERE agrees = 0;
CREATE INDEX IF NOT EXISTS search_id ON search(type, id, pos);
CREATE INDEX IF NOT EXISTS search_file ON search(file);
"""
)

T = TypeVar("T")

KINDS_SQL = ", ".join(f"'{kind}'" for kind in KINDS)


def chunks(items: Sequence[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


class Damaged(sqlite3.DatabaseError):
    """A compiled store whose rows cannot be read back (a row that fails its checksum, or data no
    record is made of): it is compiled again, never believed and never an error."""


# Each record's rows (its own and those of its citations, roles, actors and so on), each derived
# figure's and each check's, are kept with the CRC-32 of their values, checked whenever they are
# read: a row damaged on disk (a bit flipped, a page half written, a value changed behind pakru's
# back) fails it, and the store is compiled again rather than shown. The values (a tuple of the
# rows as SQLite gives them back) are encoded for the checksum with marshal's version 0, which
# writes every string, number and tuple by its value alone (no references, no interning marks):
# built in, and four times as fast as their repr. Nothing is stored in that form. A checksum
# guards against accidents, not people (whoever can write the file can compute one), which is
# why only files of this user's own are read at all (see "whose cache" in pakru.store.compiled).
def checksum(values: Any) -> int:
    return zlib.crc32(marshal.dumps(values, 0))


def verified(values: Any, crc: int) -> None:
    if checksum(values) != crc:
        raise Damaged("a stored row fails its checksum")


def stored(make: Callable[..., T], *data: Any) -> T:
    """A value made from stored data; data it cannot be made from is damage, not a bug to show."""
    try:
        return make(*data)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise Damaged(f"a stored row is not what was written: {error!r}") from error


def iso(day: Any) -> str | None:
    return None if day is None else day.isoformat()
