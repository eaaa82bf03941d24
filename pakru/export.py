"""Writing a whole store to one SQLite file that Datasette and sqlite-utils open as it is.

A table per kind of record, plain columns, primary and foreign keys declared; lists become link
tables (`event_actors`, `agreement_parties`, `record_topics`), except the names an actor or topic
is also known by, which are JSON array text. Every citation, an actor role's included, is a row of
`citations`. A period is its EDTF text as written plus ISO `_first`/`_last` days (NULL for an open
end) for filtering in SQL. Positions count from 0, as the loader's `sources[0]` does.

The file is built under a temporary name beside the target and renamed into place, so `path` is
either the old file or the complete new one, never half of either.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from pakru import __version__
from pakru.errors import UsageError, shown

if TYPE_CHECKING:  # pydantic stays out of `import pakru.export`; cli imports it lazily anyway
    from pakru.records import Agreement, Citation, Event, Fact, FactStore, Record
    from pakru.types import Period

SqlValue = str | int | float | None
Row = Mapping[str, SqlValue]

_SCHEMA = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    publisher TEXT,
    author TEXT,
    published TEXT NOT NULL,
    published_first TEXT,
    published_last TEXT,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    url TEXT,
    accessed TEXT,
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
    attested_first TEXT,
    attested_last TEXT,
    date_note TEXT,
    PRIMARY KEY (actor_id, position)
);
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    date_first TEXT,
    date_last TEXT,
    title TEXT NOT NULL,
    place TEXT,
    status TEXT NOT NULL,
    date_note TEXT,
    note TEXT
);
CREATE TABLE agreements (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    date_first TEXT,
    date_last TEXT,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    place TEXT,
    status TEXT NOT NULL,
    event TEXT REFERENCES events(id),
    count INTEGER,
    date_note TEXT,
    note TEXT
);
-- `value` is the exact decimal as text; `value_number` is the same as REAL, for sorting and sums.
CREATE TABLE figures (
    id TEXT PRIMARY KEY,
    metric TEXT NOT NULL,
    subject TEXT NOT NULL,
    value TEXT NOT NULL,
    value_number REAL NOT NULL,
    unit TEXT NOT NULL,
    stated TEXT NOT NULL,
    period TEXT,
    period_first TEXT,
    period_last TEXT,
    qualifier TEXT NOT NULL,
    basis TEXT NOT NULL,
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
-- No primary key: role_position is NULL for a record's own citations, and NULL never compares
-- equal, so (record_id, role_position, position) could not be one.
CREATE TABLE citations (
    record_id TEXT NOT NULL,
    record_type TEXT NOT NULL,
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
    record_id TEXT NOT NULL,
    record_type TEXT NOT NULL,
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

_FTS_MODULE = "fts5"  # a name, so a test can stand in a module SQLite lacks
_FTS_TABLE = "search_fts"


def export_sqlite(
    store: FactStore, path: Path, *, fingerprint: str, force: bool = False
) -> dict[str, int]:
    """Write `store` to a new SQLite database at `path`; return the number of rows per table.

    `fingerprint` names the store the records came from (`pakru --version` prints the same one).

    An existing regular file is replaced only with `force`; nothing else (a device, a FIFO, a
    symbolic link) ever is. `search_fts` counts 0 when this SQLite has no FTS5, in which case the
    full-text index is left out.
    """
    from pakru.compiled import _sweep

    folder, named = path.parent, _named(path)
    if not stat.S_ISDIR(_mode(folder, follow=True) or 0):
        raise UsageError(f"the folder {_named(folder)} does not exist", "--sqlite")
    mode = _mode(path)
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise UsageError(f"{named} is a folder; give a file name inside it", "--sqlite")
        if not force:
            raise UsageError(f"{named} already exists; pass --force to replace it", "--sqlite")
        if not stat.S_ISREG(mode):
            # Renaming onto it would put a file where a device, a FIFO or a link was (run as root,
            # onto /dev/null); a link is not followed either, as its target may be anyone's.
            raise UsageError(
                f"{named} is {_KINDS.get(stat.S_IFMT(mode), 'not a regular file')}; "
                "--force replaces only a regular file",
                "--sqlite",
            )
    _sweep(folder, prefix=_PREFIX)  # what earlier exports, killed mid-write, left here
    try:
        handle, name = tempfile.mkstemp(dir=folder, prefix=_PREFIX, suffix=".tmp")
    except OSError as error:
        raise UsageError(
            f"cannot write in {_named(folder)}: {error.strerror}", "--sqlite"
        ) from None
    temporary = Path(name)
    try:
        # Held while this export writes (and let go by the system if it is killed): how a later
        # export's sweep tells a write under way from what a dead one left.
        fcntl.flock(handle, fcntl.LOCK_EX)
        # mkstemp makes the file private (0600); give the database the mode any new file gets.
        temporary.chmod(0o666 & ~_umask())
        counts = _write(store, temporary, fingerprint)
        os.replace(temporary, path)
    except (OSError, sqlite3.Error) as error:  # a full disk, a file system refusing the rename
        temporary.unlink(missing_ok=True)
        reason = getattr(error, "strerror", None) or error
        raise UsageError(f"cannot write {named}: {reason}", "--sqlite") from None
    except BaseException:  # Ctrl-C too: leave nothing behind
        temporary.unlink(missing_ok=True)
        raise
    finally:
        os.close(handle)
    return counts


_PREFIX = ".pakru-"
_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
}


def _named(path: Path) -> str:
    """A path quoted for a message: escapes shown, and cut past any real path's length (a name
    of 100,000 characters is refused by the system, and echoed whole it would fill the screen)."""
    return shown(str(path), limit=200)


def _mode(path: Path, *, follow: bool = False) -> int | None:
    """The type and mode of `path` (of a link itself unless `follow`); None if nothing is there.

    Any other failure (a name too long, a folder that cannot be searched) is the user's to fix.
    """
    try:
        return os.stat(path, follow_symlinks=follow).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        raise UsageError(f"cannot write {_named(path)}: {error.strerror}", "--sqlite") from None


def _umask() -> int:
    mask = os.umask(0)  # the only portable way to read it is to set it and put it back
    os.umask(mask)
    return mask


def _write(store: FactStore, file: Path, fingerprint: str) -> dict[str, int]:
    connection = sqlite3.connect(file)
    try:
        connection.executescript(_SCHEMA)
        tables: dict[str, Iterable[Row]] = {
            "meta": _meta_rows(fingerprint),
            "sources": _source_rows(store),
            "actors": _actor_rows(store),
            "actor_roles": _role_rows(store),
            "events": _event_rows(store),
            "agreements": _agreement_rows(store),
            "figures": _figure_rows(store),
            "topics": _topic_rows(store),
            "citations": _citation_rows(store),
            "supersessions": _supersession_rows(store),
            "event_actors": _event_actor_rows(store),
            "agreement_parties": _party_rows(store),
            "record_topics": _record_topic_rows(store),
        }
        if _create_fts(connection):
            tables[_FTS_TABLE] = _fts_rows(store)
        for table, rows in tables.items():
            _insert(connection, table, rows)
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:  # a store from load_store has every reference checked; a hand-built one may not
            raise ValueError(f"unresolved references (table, rowid, to table, key): {broken}")
        connection.commit()
        counts = {table: _count(connection, table) for table in tables}
    finally:
        connection.close()
    counts.setdefault(_FTS_TABLE, 0)
    return counts


def _create_fts(connection: sqlite3.Connection) -> bool:
    try:
        connection.execute(
            f"CREATE VIRTUAL TABLE {_FTS_TABLE} USING {_FTS_MODULE}"
            "(id UNINDEXED, type UNINDEXED, title, body,"
            " tokenize='unicode61 remove_diacritics 2')"
        )
    except sqlite3.OperationalError:  # "no such module: fts5": SQLite built without it
        return False
    return True


def _insert(connection: sqlite3.Connection, table: str, rows: Iterable[Row]) -> None:
    listed = list(rows)
    if not listed:
        return
    columns = list(listed[0])
    connection.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + column for column in columns)})",
        listed,
    )


def _count(connection: sqlite3.Connection, table: str) -> int:
    (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(count)


def _period(name: str, period: Period | None) -> dict[str, SqlValue]:
    first = period.first if period else None
    last = period.last if period else None
    return {
        name: str(period) if period else None,
        f"{name}_first": first.isoformat() if first else None,
        f"{name}_last": last.isoformat() if last else None,
    }


def _json_list(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _meta_rows(fingerprint: str) -> Iterator[Row]:
    # What the file was made from, not when: the same store exports to the same bytes.
    yield {"key": "pakru_version", "value": __version__}
    yield {"key": "store_fingerprint", "value": fingerprint}


def _source_rows(store: FactStore) -> Iterator[Row]:
    for source in store.sources:
        yield {
            "id": source.id,
            "title": source.title,
            "publisher": source.publisher,
            "author": source.author,
            **_period("published", source.published),
            "kind": source.kind,
            "language": source.language,
            "url": source.url,
            "accessed": None if source.accessed is None else str(source.accessed),
            "text_file": source.text_file,
            "section": source.section,
            "date_note": source.date_note,
            "note": source.note,
        }


def _actor_rows(store: FactStore) -> Iterator[Row]:
    for actor in store.actors:
        yield {
            "id": actor.id,
            "name": actor.name,
            "kind": actor.kind,
            "aliases": _json_list(actor.aliases),
            "country": actor.country,
            "note": actor.note,
        }


def _role_rows(store: FactStore) -> Iterator[Row]:
    for actor in store.actors:
        for position, role in enumerate(actor.roles):
            yield {
                "actor_id": actor.id,
                "position": position,
                "title": role.title,
                "organisation": role.organisation,
                **_period("attested", role.attested),
                "date_note": role.date_note,
            }


def _event_rows(store: FactStore) -> Iterator[Row]:
    for event in store.events:
        yield {
            "id": event.id,
            **_period("date", event.date),
            "title": event.title,
            "place": event.place,
            "status": event.status,
            "date_note": event.date_note,
            "note": event.note,
        }


def _agreement_rows(store: FactStore) -> Iterator[Row]:
    for agreement in store.agreements:
        yield {
            "id": agreement.id,
            **_period("date", agreement.date),
            "title": agreement.title,
            "kind": agreement.kind,
            "place": agreement.place,
            "status": agreement.status,
            "event": agreement.event,
            "count": agreement.count,
            "date_note": agreement.date_note,
            "note": agreement.note,
        }


def _figure_rows(store: FactStore) -> Iterator[Row]:
    for figure in store.figures:
        yield {
            "id": figure.id,
            "metric": figure.metric,
            "subject": figure.subject,
            "value": format(figure.value, "f"),  # "f": never exponent notation such as 1E+9
            "value_number": float(figure.value),
            "unit": figure.unit,
            "stated": figure.stated,
            **_period("period", figure.period),
            "qualifier": figure.qualifier,
            "basis": figure.basis,
            "reported_by": figure.reported_by,
            "commodity": figure.commodity,
            "date_note": figure.date_note,
            "note": figure.note,
        }


def _topic_rows(store: FactStore) -> Iterator[Row]:
    for topic in store.topics:
        yield {"id": topic.id, "name": topic.name, "synonyms": _json_list(topic.synonyms)}


def _facts(store: FactStore) -> tuple[Fact, ...]:
    return (*store.events, *store.agreements, *store.figures)


def _cited(store: FactStore) -> Iterator[tuple[Record, int | None, tuple[Citation, ...]]]:
    """Each list of citations with the record it belongs to and, for a role, the role's position."""
    for actor in store.actors:
        yield actor, None, actor.sources
        for position, role in enumerate(actor.roles):
            yield actor, position, role.sources
    for fact in _facts(store):
        yield fact, None, fact.sources


def _citation_rows(store: FactStore) -> Iterator[Row]:
    for record, role_position, citations in _cited(store):
        for position, citation in enumerate(citations):
            yield {
                "record_id": record.id,
                "record_type": record.record_type,
                "role_position": role_position,
                "position": position,
                "source": citation.source,
                "quote": citation.quote,
                "says": citation.says,
            }


def _supersession_rows(store: FactStore) -> Iterator[Row]:
    for fact in _facts(store):
        for earlier in dict.fromkeys(fact.supersedes):
            yield {"record_id": fact.id, "record_type": fact.record_type, "supersedes": earlier}


# The loader does not refuse an id listed twice (`actors: [russia, russia]`); it says nothing
# more than once does, so it is kept once rather than breaking the primary key.
def _event_actor_rows(store: FactStore) -> Iterator[Row]:
    for event in store.events:
        for actor_id in dict.fromkeys(event.actors):
            yield {"event_id": event.id, "actor_id": actor_id}


def _party_rows(store: FactStore) -> Iterator[Row]:
    for agreement in store.agreements:
        for actor_id in dict.fromkeys(agreement.parties):
            yield {"agreement_id": agreement.id, "actor_id": actor_id}


def _record_topic_rows(store: FactStore) -> Iterator[Row]:
    for fact in _facts(store):
        for topic_id in dict.fromkeys(fact.topics):
            yield {"record_id": fact.id, "record_type": fact.record_type, "topic_id": topic_id}


def _fts_rows(store: FactStore) -> Iterator[Row]:
    """A row per record and topic: what it is called in `title`, everything else said in `body`."""
    quotes: dict[str, list[str]] = {}
    for record, _, citations in _cited(store):
        quotes.setdefault(record.id, []).extend(citation.text for citation in citations)

    def row(record: Record, title: str, *body: str | None) -> Row:
        said = [*body, *quotes.get(record.id, ())]
        return {
            "id": record.id,
            "type": record.record_type,
            "title": title,
            "body": "\n".join(text for text in said if text),
        }

    for source in store.sources:
        yield row(source, source.title, source.date_note, source.note)
    for actor in store.actors:
        roles = [text for role in actor.roles for text in (role.title, role.date_note)]
        yield row(actor, actor.name, *actor.aliases, *roles, actor.note)
    titled: tuple[Event | Agreement, ...] = (*store.events, *store.agreements)
    for fact in titled:
        yield row(fact, fact.title, fact.date_note, fact.note)
    for figure in store.figures:
        yield row(figure, figure.subject, figure.stated, figure.date_note, figure.note)
    for topic in store.topics:  # a topic is no Record, and its id may equal a record's
        yield {
            "id": topic.id,
            "type": "topic",
            "title": topic.name,
            "body": "\n".join(topic.synonyms),
        }
