"""Writing a whole store to one SQLite file that Datasette and sqlite-utils open as it is.

A table per kind of record, typed columns, primary and foreign keys declared; lists become link
tables (`event_actors`, `agreement_parties`, `record_topics`), except the names an actor or topic
is also known by and the topics a fact is on, which are also JSON array text (what Datasette
facets on). Every citation, an actor role's included, is a row of `citations`, linked by foreign
key to the record it backs and to its source. A period is its EDTF text as written plus ISO
`_start`/`_end` days (NULL for an open end) for filtering in SQL, and the year it starts in.
Positions count from 0, as the loader's `sources[0]` does. The vocabularies (metrics, units,
statuses, kinds, qualifiers, bases) are tables too, written from `pakru.domain.records`.

Each table with text worth searching has its own full-text index, `<table>_fts`, an FTS5 table
over the table's own columns (`content="<table>"`, kept in step by triggers): the form
`sqlite-utils enable-fts --create-triggers` makes, which `sqlite-utils search` and Datasette's
search box both find.

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
from pakru.domain.errors import UsageError, shown
from pakru.domain.records import (
    BASES,
    DONE_STATUSES,
    FACT_TYPES,
    KINDS_OF_TYPE,
    METRICS,
    QUALIFIERS,
    STATUSES_OF_TYPE,
    UNITS,
    UNITS_OF_METRIC,
    iso_span,
    json_number,
)

if TYPE_CHECKING:
    from pakru.domain.records import Citation, Fact, FactStore, Record
    from pakru.domain.types import Period

SqlValue = str | int | float | None
Row = Mapping[str, SqlValue]

_SCHEMA = """
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

# What each table holds and what its less obvious columns mean, for a reader of the file
# (`pakru browse` shows them in Datasette); a test holds every name here to the schema.
DESCRIPTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "meta": (
        "The pakru version that wrote this file and the fingerprint of the store it holds.",
        {},
    ),
    "sources": (
        "What the facts are taken from: articles, releases, statistics.",
        {
            "published": "The publication date as EDTF: a year, month or day, or an interval.",
            "published_start": "The first day the publication date can mean (ISO).",
            "published_end": "The last day the publication date can mean (ISO).",
            "year": "The year of publication (of its first day).",
            "accessed": "When the page at url was read (EDTF).",
            "text_file": "The source's text kept beside the store; quotes are checked against it.",
        },
    ),
    "actors": (
        "Countries, bodies and people that take part in events and agreements.",
        {
            "aliases": "Other names and spellings, as a JSON array.",
            "country": "The country actor this actor belongs to.",
        },
    ),
    "actor_roles": (
        "Offices an actor held, as a source attests them.",
        {"attested": "When a source says the actor held the role (EDTF)."},
    ),
    "events": (
        "Visits, talks, meetings and other things that happened or are expected.",
        {
            "date": "The date as EDTF: a year, month or day, an interval, or an uncertain date.",
            "date_start": "The first day the date can mean (ISO); empty for an open start.",
            "date_end": "The last day the date can mean (ISO); empty for an open end.",
            "year": "The year the date starts in.",
            "status": "Whether it happened (occurred) or is scheduled, expected, cancelled...",
            "topics": "The topics it is on, as a JSON array of topic ids.",
            "date_note": "How the date was worked out from the sources.",
        },
    ),
    "agreements": (
        "Protocols, agreements, memoranda, offers and proposals between the parties.",
        {
            "date": "The date as EDTF: a year, month or day, an interval, or an uncertain date.",
            "date_start": "The first day the date can mean (ISO); empty for an open start.",
            "date_end": "The last day the date can mean (ISO); empty for an open end.",
            "year": "The year the date starts in.",
            "status": "Whether it was signed, agreed, implemented, or only proposed, declined...",
            "topics": "The topics it is on, as a JSON array of topic ids.",
            "event": "The event at which it was signed or agreed.",
            "count": "How many documents it stands for, when the sources give a number.",
        },
    ),
    "figures": (
        "Amounts the sources report: trade totals, exports, imports, growth, costs, capacities.",
        {
            "value": "The amount as a number, in unit (sorts numerically).",
            "value_exact": "The amount as an exact decimal.",
            "stated": "The amount as the source wrote it.",
            "period": "The period the amount is for, as EDTF, or FY2023-24 for a fiscal year.",
            "period_start": "The first day of the period (ISO).",
            "period_end": "The last day of the period (ISO).",
            "year": "The year the period starts in.",
            "qualifier": "How the amount is hedged: exact, about, over, up to...",
            "basis": "Whether it is reported, a target, an estimate or a potential.",
            "topics": "The topics it is on, as a JSON array of topic ids.",
            "reported_by": "The body or person whose number it is.",
        },
    ),
    "topics": (
        "Subjects facts are filed under.",
        {"synonyms": "Other words for the topic, as a JSON array."},
    ),
    "citations": (
        "Each source a record cites, with the quote or statement it rests on.",
        {
            "record_type": "The type of record the citation backs.",
            "record_id": "The id of the record the citation backs.",
            "role_position": "For an actor's role, its position among the actor's roles.",
            "position": "The citation's position among the record's citations, from 0.",
            "quote": "The source's words, verbatim.",
            "says": "What the source says, in the store's own words, where there is no quote.",
        },
    ),
    "supersessions": ("A later report of a fact and the earlier report it replaces.", {}),
    "event_actors": ("The actors taking part in each event.", {}),
    "agreement_parties": ("The parties to each agreement.", {}),
    "record_topics": ("The topics each event, agreement and figure is on.", {}),
    "metrics": ("The measures a figure can be of.", {}),
    "units": ("The units a figure can be in.", {}),
    "metric_units": ("The units each metric can be measured in; position 0 is the usual one.", {}),
    "statuses": (
        "The statuses of events and agreements.",
        {"done": "1 for a status that says the thing happened."},
    ),
    "kinds": ("The kinds of sources, actors and agreements.", {}),
    "qualifiers": ("How a figure's amount is hedged.", {}),
    "bases": ("What a figure's amount rests on.", {}),
}

# Each table with a full-text index and the columns it indexes (a JSON array column's words too).
SEARCHABLE: dict[str, tuple[str, ...]] = {
    "sources": ("title", "publisher", "author", "note"),
    "actors": ("name", "aliases", "note"),
    "events": ("title", "place", "topics", "date_note", "note"),
    "agreements": ("title", "place", "topics", "date_note", "note"),
    "figures": ("subject", "stated", "commodity", "topics", "date_note", "note"),
    "topics": ("name", "synonyms"),
    "citations": ("quote", "says"),
}

_FTS_MODULE = "fts5"  # a name, so a test can stand in a module SQLite lacks


def export_sqlite(
    store: FactStore, path: Path, *, fingerprint: str, force: bool = False
) -> dict[str, int]:
    """Write `store` to a new SQLite database at `path`; return the number of rows per table.

    `fingerprint` names the store the records came from (`pakru --version` prints the same one).

    An existing regular file is replaced only with `force`; nothing else (a device, a FIFO, a
    symbolic link) ever is. When this SQLite has no FTS5 the full-text indexes are left out.
    """
    from pakru.store.compiled import _sweep

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
        # One transaction for the whole file: outside one, each statement waits for the disk.
        connection.executescript("BEGIN;" + _SCHEMA)
        tables: dict[str, Iterable[Row]] = {
            "meta": _meta_rows(fingerprint),
            **_vocabulary_rows(),
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
        for table, rows in tables.items():
            _insert(connection, table, rows)
        _index(connection)
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:  # a store from load_store has every reference checked; a hand-built one may not
            raise ValueError(f"unresolved references (table, rowid, to table, key): {broken}")
        connection.commit()
        counts = {table: _count(connection, table) for table in tables}
    finally:
        connection.close()
    return counts


def _index(connection: sqlite3.Connection) -> None:
    """A full-text index per searchable table, filled from its rows at once, then triggers to keep
    it in step: the ones sqlite-utils writes, so an edit made in Datasette or sqlite-utils is found.
    """
    for table, columns in SEARCHABLE.items():
        listed = ", ".join(columns)
        new = ", ".join(f"new.{column}" for column in columns)
        old = ", ".join(f"old.{column}" for column in columns)
        try:
            connection.execute(
                f"CREATE VIRTUAL TABLE {table}_fts USING {_FTS_MODULE} ({listed}, "
                f"tokenize='unicode61 remove_diacritics 2', content=\"{table}\")"
            )
        except sqlite3.OperationalError:  # "no such module: fts5": SQLite built without it
            return
        connection.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
        # One statement a call: executescript would commit, and each commit waits for the disk.
        for trigger in (
            f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {table}_fts (rowid, {listed}) VALUES (new.rowid, {new}); END",
            f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {table}_fts ({table}_fts, rowid, {listed}) "
            f"VALUES ('delete', old.rowid, {old}); END",
            f"CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN "
            f"INSERT INTO {table}_fts ({table}_fts, rowid, {listed}) "
            f"VALUES ('delete', old.rowid, {old}); "
            f"INSERT INTO {table}_fts (rowid, {listed}) VALUES (new.rowid, {new}); END",
        ):
            connection.execute(trigger)


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
    span = iso_span(period)
    return {
        name: str(period) if period else None,
        **{f"{name}_{end}": day for end, day in span.items()},
    }


def _dated(name: str, period: Period | None) -> dict[str, SqlValue]:
    """A record's own date or period, and the year it starts in (what Datasette facets on)."""
    first = period.first if period else None
    return {**_period(name, period), "year": first.year if first else None}


def _json_list(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _vocabulary_rows() -> dict[str, Iterable[Row]]:
    numbered = enumerate
    return {
        "metrics": [{"id": metric, "position": n} for n, metric in numbered(METRICS)],
        "units": [{"id": unit, "position": n} for n, unit in numbered(UNITS)],
        "metric_units": [
            {"metric": metric, "unit": unit, "position": n}
            for metric, units in UNITS_OF_METRIC.items()
            for n, unit in numbered(units)
        ],
        "statuses": [
            {"record_type": kind, "id": status, "position": n, "done": status in DONE_STATUSES}
            for kind, statuses in STATUSES_OF_TYPE.items()
            for n, status in numbered(statuses)
        ],
        "kinds": [
            {"record_type": record_type, "id": kind, "position": n}
            for record_type, kinds in KINDS_OF_TYPE.items()
            for n, kind in numbered(kinds)
        ],
        "qualifiers": [{"id": qualifier, "position": n} for n, qualifier in numbered(QUALIFIERS)],
        "bases": [{"id": basis, "position": n} for n, basis in numbered(BASES)],
    }


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
            **_dated("published", source.published),
            "kind": source.kind,
            "language": source.language,
            "url": source.url,
            **_period("accessed", source.accessed),
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
            **_dated("date", event.date),
            "title": event.title,
            "place": event.place,
            "status": event.status,
            "topics": _json_list(event.topics),
            "date_note": event.date_note,
            "note": event.note,
        }


def _agreement_rows(store: FactStore) -> Iterator[Row]:
    for agreement in store.agreements:
        yield {
            "id": agreement.id,
            **_dated("date", agreement.date),
            "title": agreement.title,
            "kind": agreement.kind,
            "place": agreement.place,
            "status": agreement.status,
            "topics": _json_list(agreement.topics),
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
            "value": json_number(figure.value),
            "value_exact": format(figure.value, "f"),  # "f": never exponent notation such as 1E+9
            "unit": figure.unit,
            "stated": figure.stated,
            **_dated("period", figure.period),
            "qualifier": figure.qualifier,
            "basis": figure.basis,
            "topics": _json_list(figure.topics),
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


def _about(record: Record, types: tuple[str, ...] = ("actor", *FACT_TYPES)) -> Row:
    """The record a row is about: its type and id, and its id again under its type's column."""
    return {
        "record_type": record.record_type,
        "record_id": record.id,
        **{kind: record.id if kind == record.record_type else None for kind in types},
    }


def _citation_rows(store: FactStore) -> Iterator[Row]:
    for record, role_position, citations in _cited(store):
        for position, citation in enumerate(citations):
            yield {
                **_about(record),
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
            yield {**_about(fact, FACT_TYPES), "topic_id": topic_id}


# Tables whose rows come with pakru rather than from the store.
FIXED_TABLES = ("meta", *_vocabulary_rows())
