"""Writing a whole store to one SQLite file that Datasette and sqlite-utils open as it is.

The file is a copy of the compiled store's records' tables (`pakru.store.schema.PUBLIC_TABLES`,
the one declaration of them; `pakru.store.rows` fills them) and its vocabularies, without pakru's
own bookkeeping, plus `meta`: what made the file.

Each table with text worth searching has its own full-text index, `<table>_fts`, an FTS5 table
over the table's own columns (`content="<table>"`, kept in step by triggers): the form
`sqlite-utils enable-fts --create-triggers` makes, which `sqlite-utils search` and Datasette's
search box both find.

The file is built under a temporary name beside the target and renamed into place, so `path` is
either the old file or the complete new one, never half of either.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import stat
import tempfile
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from pakru import __version__
from pakru.domain.errors import UsageError, shown
from pakru.store.rows import COLUMNS, TABLE_OF_TYPE, VOCABULARY_TABLES
from pakru.store.schema import PUBLIC_TABLES

if TYPE_CHECKING:
    from pakru.store.compiled import Compiled


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
    compiled: Compiled, path: Path, *, fingerprint: str, force: bool = False
) -> dict[str, int]:
    """Copy a compiled store's records' tables to a new SQLite database at `path`, with a
    full-text index per table; return the number of rows per table.

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
        counts = _write(compiled.db, temporary, fingerprint)
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


def _write(db: sqlite3.Connection, file: Path, fingerprint: str) -> dict[str, int]:
    """Copy the compiled store's records' tables (`db`) into a new database at `file`."""
    with closing(sqlite3.connect(file)) as made:
        made.executescript(PUBLIC_TABLES)
    compiled = _file_of(db)
    # A compiled file may be open read-only, and nothing can attach a file to write to such a
    # connection: it is opened again (the copy reads it as it is at one moment, in a transaction).
    # Compiled in memory, only its own connection can read it.
    connection = db
    if compiled is None and db.in_transaction:
        # An answer's snapshot (see open_store): in memory no other process can write, so it
        # holds nothing, and the copy needs a transaction of its own to reach the file.
        db.execute("COMMIT")
    if compiled is not None:
        uri = f"file:{quote(compiled)}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
    connection.execute("ATTACH DATABASE ? AS export", (str(file),))
    try:
        # One transaction for the whole file: outside one, each statement waits for the disk;
        # and the compiled store is read as it is at one moment, whatever updates it meanwhile.
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO export.meta VALUES (?, ?)", _meta_rows(fingerprint))
        for table in COLUMNS:
            if table != "meta":
                connection.execute(_copy_sql(table))
        _index(connection)
        broken = connection.execute("PRAGMA export.foreign_key_check").fetchall()
        if broken:  # a valid store has every reference checked
            raise ValueError(f"unresolved references (table, rowid, to table, key): {broken}")
        connection.execute("COMMIT")
        counts = {table: _count(connection, table) for table in COLUMNS}
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        if connection is db:
            connection.execute("DETACH DATABASE export")
        else:
            connection.close()
    return counts


def _file_of(db: sqlite3.Connection) -> str | None:
    """The file a connection's main database is in (None in memory)."""
    for _, name, file in db.execute("PRAGMA database_list"):
        if name == "main":
            return str(file) or None
    return None


def _copy_sql(table: str) -> str:
    """Copy a table, its rows in the order of the store (each record where its file and position
    put it, a list's rows after it in the order they were written): two exports of one store are
    the same bytes, however the compiled store was updated."""
    columns = ", ".join(f"t.{c}" for c in COLUMNS[table])
    into = f"INSERT INTO export.{table} ({', '.join(COLUMNS[table])}) SELECT {columns} "
    owner = _OWNER.get(table)
    if owner is None:
        return into + f"FROM main.{table} t ORDER BY t.rowid"
    key, record_type = owner
    same_type = f"'{record_type}'" if record_type else "t.record_type"
    return into + (
        f"FROM main.{table} t JOIN main._records r ON r.id = t.{key} "
        f"AND r.type = {same_type} JOIN main.files f ON f.name = r.file "
        "ORDER BY f.ord, r.position, t.rowid"
    )


# The records' tables, and the column of each that names its record, and that record's type
# (None: named in the row's `record_type`); the vocabularies are copied in the order written.
_OWNER: dict[str, tuple[str, str | None]] = {
    **{table: ("id", record_type) for record_type, table in TABLE_OF_TYPE.items()},
    "actor_roles": ("actor_id", "actor"),
    "event_actors": ("event_id", "event"),
    "agreement_parties": ("agreement_id", "agreement"),
    "citations": ("record_id", None),
    "supersessions": ("record_id", None),
    "record_topics": ("record_id", None),
}


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
                f"CREATE VIRTUAL TABLE export.{table}_fts USING {_FTS_MODULE} ({listed}, "
                f"tokenize='unicode61 remove_diacritics 2', content=\"{table}\")"
            )
        except sqlite3.OperationalError:  # "no such module: fts5": SQLite built without it
            return
        connection.execute(f"INSERT INTO export.{table}_fts ({table}_fts) VALUES ('rebuild')")
        # One statement a call: executescript would commit, and each commit waits for the disk.
        for trigger in (
            f"CREATE TRIGGER export.{table}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {table}_fts (rowid, {listed}) VALUES (new.rowid, {new}); END",
            f"CREATE TRIGGER export.{table}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {table}_fts ({table}_fts, rowid, {listed}) "
            f"VALUES ('delete', old.rowid, {old}); END",
            f"CREATE TRIGGER export.{table}_au AFTER UPDATE ON {table} BEGIN "
            f"INSERT INTO {table}_fts ({table}_fts, rowid, {listed}) "
            f"VALUES ('delete', old.rowid, {old}); "
            f"INSERT INTO {table}_fts (rowid, {listed}) VALUES (new.rowid, {new}); END",
        ):
            connection.execute(trigger)


def _count(connection: sqlite3.Connection, table: str) -> int:
    (count,) = connection.execute(f"SELECT count(*) FROM export.{table}").fetchone()
    return int(count)


def _meta_rows(fingerprint: str) -> list[tuple[str, str]]:
    # What the file was made from, not when: the same store exports to the same bytes.
    return [("pakru_version", __version__), ("store_fingerprint", fingerprint)]


# Tables whose rows come with pakru rather than from the store.
FIXED_TABLES = ("meta", *VOCABULARY_TABLES)
