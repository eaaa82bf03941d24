"""The compiled store: a validated store kept in SQLite, so that questions never re-read YAML.

The YAML files stay the source of truth. The first question about a store reads and validates all
of it into a SQLite file in the user's cache directory; later questions compare each file's size
and modification time with what was compiled, and read again only the files that changed. Checks
that span records (unique ids, references, dates against sources) run in SQL, over the whole store
on a full build and over what a change can affect on an update. Figures derived from others, and
the checks between figures, are computed when the store is compiled.

A full build writes a new file and renames it into place; an update is one SQLite transaction.
Either way a reader sees the old store or the new one, never half of each. A compiled file that is
missing, unreadable, from another pakru version or for another folder is rebuilt, never trusted.
If the cache cannot be written, the store is compiled in memory for this one question.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, NamedTuple

from pakru import __version__, records
from pakru.errors import Problem, StoreError
from pakru.layout import StoreFile, store_files
from pakru.records import FactStore, Figure, FigureKey, Record, Topic
from pakru.types import Period

# Bump when the layout of the compiled file, or what is kept in it, changes. The code that writes
# and reads it is fingerprinted too, so that a development install never trusts a file that an
# earlier state of the code wrote.
_LAYOUT = 3
_WRITERS = ("compiled.py", "records.py", "consistency.py", "types.py", "models.py", "load.py")


def _format() -> str:
    here = Path(__file__).parent
    stamp = ",".join(f"{(s := (here / name).stat()).st_size}:{s.st_mtime_ns}" for name in _WRITERS)
    python = f"py{sys.version_info[0]}.{sys.version_info[1]}m{marshal.version}"
    return f"{__version__}/{_LAYOUT}/{python}/{zlib.crc32(stamp.encode()):08x}"


FORMAT = _format()

# Bodies are marshal data (see _pack); derived figures' inputs and the figures a check involves are
# ids separated by spaces.
_TABLES = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE files(name TEXT PRIMARY KEY, kind TEXT, size INT, mtime INT, readable INT, ord INT);
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
CREATE TABLE derived(id TEXT, first TEXT, last TEXT, inputs TEXT, body BLOB);
CREATE TABLE checks(a TEXT, b TEXT, agrees INT, first TEXT, last TEXT, figures TEXT, body BLOB);
CREATE VIRTUAL TABLE fts USING fts5(body, tokenize='unicode61 remove_diacritics 2');
"""
# Made after a full build has inserted every row: one sort each, instead of an update per row.
# The questions asked on every answer (records by date, by metric, by what they name) are answered
# from the indexes alone, without reading the rows with their bodies.
_CHECK_INDEXES = """
CREATE INDEX IF NOT EXISTS records_id ON records(id, type, first, last);
CREATE INDEX IF NOT EXISTS ids_id ON ids(topic, id);
CREATE INDEX IF NOT EXISTS refs_record ON refs(record, wanted, target);
"""  # what the checks across records look rows up by; `pakru check` makes only these
_INDEXES = (
    _CHECK_INDEXES
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
"""
)

_KIND_OF_TYPE = {
    "source": "sources",
    "actor": "actors",
    "event": "events",
    "agreement": "agreements",
    "figure": "figures",
    "topic": "topics",
}
_KINDS_SQL = ", ".join(f"'{kind}'" for kind in _KIND_OF_TYPE.values())


def cache_dir() -> Path:
    """Where compiled stores live: PAKRU_CACHE_DIR, or the user's cache directory."""
    configured = os.environ.get("PAKRU_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs  # only here: it is not needed to answer from memory

    return Path(platformdirs.user_cache_dir("pakru", appauthor=False))


def cache_path(root: Path) -> Path:
    # Any two folders that share a name are told apart by the root kept inside the file.
    resolved = str(root.resolve())
    key = f"{zlib.crc32(resolved.encode()):08x}"
    return cache_dir() / f"store-{root.resolve().name[:40]}-{key}.sqlite"


# --- opening -------------------------------------------------------------------------------------


def open_store(root: Path, *, use_cache: bool = True) -> Compiled:
    """The compiled form of the store in `root`, brought up to date; raises `StoreError` (with every
    problem) if the store is not valid."""
    if not root.is_dir():
        raise StoreError([Problem(str(root), None, "", "the fact store folder does not exist")])
    files, fingerprints = _fingerprint(root)
    db = _open_cached(root, fingerprints) if use_cache else None
    if db is None:
        db = _compile(root, files, fingerprints, use_cache)
    compiled = Compiled(db)
    problems = compiled.problems()
    if problems:
        raise StoreError(problems)
    return compiled


def _fingerprint(root: Path) -> tuple[Any, dict[str, tuple[int, int]]]:
    files, _ = store_files(root)
    return files, {file.name: file.fingerprint for file in files}


def _open_cached(root: Path, fingerprints: dict[str, tuple[int, int]]) -> sqlite3.Connection | None:
    """The cached compiled store if it is current, else None (it will be updated or rebuilt)."""
    path = cache_path(root)
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != FORMAT or meta.get("root") != str(root.resolve()):
            db.close()
            return None
        compiled = {
            name: (size, mtime)
            for name, size, mtime in db.execute("SELECT name, size, mtime FROM files")
        }
        if compiled == fingerprints and meta.get("complete") == "1":
            return db
        db.close()
    except sqlite3.DatabaseError:  # not a database, truncated, or locked by a crashed writer
        return None
    return None


def compile_in_memory(
    root: Path, *, only_check: bool = False, quotes: bool = False
) -> tuple[Compiled, Kept]:
    """Compile the whole store afresh in memory; also return what checking quotes needs (the
    sources and citations, when `quotes`).

    `only_check` leaves out what answering needs but validating does not: the records' bodies,
    the full-text index, the table of names, and derived figures and figure checks.
    """
    files, fingerprints = _fingerprint(root)
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.executescript(_TABLES)
    builder = Builder(db, root, only_check=only_check, quotes=quotes)
    kept = builder.sync(files, fingerprints, full=True)
    return Compiled(db), kept


def _compile(
    root: Path, files: Sequence[Any], fingerprints: dict[str, tuple[int, int]], use_cache: bool
) -> sqlite3.Connection:
    """Bring the cached store up to date (updating or rebuilding it), or compile in memory."""
    if use_cache:
        with suppress(OSError, sqlite3.Error):
            return _compile_cached(root, files, fingerprints)
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.executescript(_TABLES)
    Builder(db, root).sync(files, fingerprints, full=True)
    return db


def _compile_cached(
    root: Path, files: Sequence[Any], fingerprints: dict[str, tuple[int, int]]
) -> sqlite3.Connection:
    path = cache_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = _open_for_update(path, root)
    if db is not None:
        try:
            db.execute("BEGIN IMMEDIATE")  # one writer at a time; others wait, then see its work
            Builder(db, root).sync(files, fingerprints, full=False)
            db.execute("COMMIT")
            return db
        except sqlite3.Error:
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            db.close()
    return _rebuild(path, root, files, fingerprints)


def _open_for_update(path: Path, root: Path) -> sqlite3.Connection | None:
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=30)
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") == FORMAT and meta.get("root") == str(root.resolve()):
            return db
        db.close()
    except sqlite3.DatabaseError:
        pass
    return None


def _rebuild(
    path: Path, root: Path, files: Sequence[Any], fingerprints: dict[str, tuple[int, int]]
) -> sqlite3.Connection:
    """Compile from scratch into a new file beside the old one, then rename it into place."""
    import tempfile

    _sweep(path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".store-", suffix=".tmp")
    os.close(handle)
    try:
        db = sqlite3.connect(temporary, isolation_level=None)
        db.executescript(_TABLES)
        db.execute("BEGIN")
        Builder(db, root).sync(files, fingerprints, full=True)
        db.execute("COMMIT")
        db.close()
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    return sqlite3.connect(path, isolation_level=None, timeout=30)


def _sweep(folder: Path, older_than: float = 600.0) -> None:
    """Remove what builds killed before their rename left behind (never trusted, only litter)."""
    import time

    for leftover in folder.glob(".store-*.tmp"):
        with suppress(OSError):
            if time.time() - leftover.stat().st_mtime > older_than:
                leftover.unlink()


# --- building ------------------------------------------------------------------------------------


class Tables(NamedTuple):
    """One file's rows for each table of the compiled store, ready to insert (records without
    their rowid; full-text bodies by the index of their record)."""

    file: tuple[str, str, int, int, int]
    problems: list[tuple[str, int | None, str, str]]
    ids: list[tuple[str, int, str, str | None, str, int | None, int]]
    records: list[tuple[Any, ...]]
    texts: list[tuple[int, str]]
    refs: list[tuple[str, str, str, int | None, str, str]]
    reported: list[tuple[str, str, str, int | None, str | None, str]]
    names: list[tuple[str, str, str]]


class Kept(NamedTuple):
    """What building and checking need of the files read, beyond the tables: the figures (for
    derived figures and checks; not kept by a check), and the sources and citations (for
    checking quotes; kept only when quotes are to be checked)."""

    figures: list[Figure]
    sources: list[Any]  # pakru.load.Row, with the lines of its fields
    citations: list[tuple[str, int | None, str, Any]]  # (file, line, field, Citation)


class Read(NamedTuple):
    """One file, read: what goes into the compiled store, and what is kept besides."""

    tables: Tables
    kept: Kept


# Below this much YAML, starting processes costs more than it saves.
PARALLEL_BYTES = 2_000_000


def read_all(
    files: Sequence[StoreFile], *, only_check: bool = False, quotes: bool = False
) -> Iterator[Read]:
    """Read and validate files, in order: a large batch in one process per core, since parsing YAML
    is most of the work; here when there is one core, little to read, or processes cannot start."""
    workers = _cores() if sum(f.fingerprint[0] for f in files) >= PARALLEL_BYTES else 1
    done = 0
    if workers > 1 and len(files) > 1:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool
        from itertools import repeat

        try:
            pool = ProcessPoolExecutor(workers, mp_context=_process_context())
        except OSError:  # no processes here (a sandbox, a limit)
            pool = None
        if pool is not None:
            chunk = max(1, len(files) // (workers * 8))
            try:
                reads = pool.map(
                    read_one, files, repeat(only_check), repeat(quotes), chunksize=chunk
                )
                for read in reads:
                    yield read
                    done += 1
            except (OSError, BrokenProcessPool):  # the workers could not start, or died
                pass
            finally:  # (when the build stops early, what is still queued is dropped)
                pool.shutdown(cancel_futures=True)
    for file in files[done:]:
        yield read_one(file, only_check, quotes)


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _process_context() -> Any:
    import multiprocessing

    # Forked workers start at once, with pakru already imported; elsewhere, the platform's way.
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def read_one(file: StoreFile, only_check: bool = False, quotes: bool = False) -> Read:
    """One file read and validated, as rows for the compiled store's tables (in a worker process
    when many files are read at once: what it returns is cheap to send back)."""
    from pakru.load import read_file  # YAML and pydantic: only when something changed
    from pakru.query import fold_name

    result = read_file(file)
    name = file.name
    size, mtime = file.fingerprint
    kept = Kept([], [], [])
    tables = Tables(
        (name, file.kind, size, mtime, int(result.readable)),
        [(p.file, p.line, p.field, p.message) for p in result.problems],
        [
            (i, int(kind == "topics"), kind, sub, name, line, position)
            for i, kind, line, sub, position in result.ids
        ],
        [],
        [],
        [],
        [],
        [],
    )
    for index, row in enumerate(result.rows):
        record = row.record
        # A check keeps no bodies: nothing is answered from what it compiles.
        storage = None if only_check else record.to_storage()
        tables.records.append(
            (record.id, record.record_type, name, row.position, row.line)
            + _index_columns(record)
            + (None if storage is None else _pack(storage),)
        )
        if storage is not None and record.record_type != "topic":
            tables.texts.append((index, _text_of(storage)))
        tables.refs.extend((r.record, name, r.field, r.line, r.target, r.wanted) for r in row.refs)
        if row.reported is not None:
            field, line, period = row.reported
            tables.reported.append((record.id, name, field, line, _iso(period.first), str(period)))
        if isinstance(record, records.Actor) and not only_check:
            spellings = (*record.names, record.id.replace("-", " "))
            tables.names.extend((fold_name(n), record.id, name) for n in spellings)
        if isinstance(record, Figure) and not only_check:
            kept.figures.append(record)
        elif isinstance(record, records.Source) and quotes:
            kept.sources.append(row)
        if quotes:
            kept.citations.extend((name, line, field, c) for field, line, c in row.citations)
    return Read(tables, kept)


class Builder:
    """Reads changed files into the compiled store and checks the store as a whole."""

    def __init__(
        self, db: sqlite3.Connection, root: Path, *, only_check: bool = False, quotes: bool = False
    ) -> None:
        self.db = db
        self.root = root
        self.only_check = only_check
        self.quotes = quotes

    def sync(
        self, files: Sequence[Any], fingerprints: dict[str, tuple[int, int]], *, full: bool
    ) -> Kept:
        """Read what changed; return what `pakru check` checks quotes with."""
        db = self.db
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        was_valid = meta.get("valid") == "1" and not full
        known = {
            name: (size, mtime)
            for name, size, mtime in db.execute("SELECT name, size, mtime FROM files")
        }
        changed = [f for f in files if known.get(f.name) != fingerprints[f.name]]
        gone = [name for name in known if name not in fingerprints]
        touched = [f.name for f in changed] + gone
        window = self._figure_span(touched)
        old_ids = self._ids_in(touched)
        old_numbers = self._figure_numbers(touched)
        self._forget(touched)
        kept = Kept([], [], [])
        for read in read_all(changed, only_check=self.only_check, quotes=self.quotes):
            self._insert(read.tables)
            kept.figures.extend(read.kept.figures)
            kept.sources.extend(read.kept.sources)
            kept.citations.extend(read.kept.citations)
        if full:  # (not executescript: it would commit the transaction a rebuild runs in)
            indexes = _CHECK_INDEXES if self.only_check else _INDEXES
            for statement in indexes.strip().split(";\n"):
                db.execute(statement)
        db.executemany(
            "UPDATE files SET ord = ? WHERE name = ?",
            [(order, file.name) for order, file in enumerate(files)],
        )
        window = _widen(window, self._figure_span([f.name for f in changed]))
        _, top_problems = store_files(self.root)
        scope = (set(touched), old_ids | self._ids_in(touched)) if was_valid else None
        store_problems = top_problems + self._cross_problems(scope)
        if self.only_check:
            pass
        elif full:  # every figure was just read: no need to read them back from the database
            self._consistency(None, kept.figures)
        elif not was_valid:
            self._consistency(None)
        elif window is not None and self._figure_numbers(touched) != old_numbers:
            self._consistency(window)  # (an edit to notes or other records leaves them as they are)
        db.execute("DELETE FROM store_problems")
        db.executemany(
            "INSERT INTO store_problems VALUES (?, ?, ?, ?)",
            [(p.file, p.line, p.field, p.message) for p in store_problems],
        )
        valid = (
            not store_problems and not db.execute("SELECT 1 FROM file_problems LIMIT 1").fetchone()
        )
        self._set_meta(valid)
        return kept

    def _set_meta(self, valid: bool) -> None:
        values = {
            "format": FORMAT,
            "root": str(self.root.resolve()),
            "valid": "1" if valid else "0",
            "complete": "1",
        }
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", values.items())

    def _ids_in(self, files: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(files):
            marks = ",".join("?" * len(chunk))
            found |= {
                row[0]
                for row in self.db.execute(f"SELECT id FROM ids WHERE file IN ({marks})", chunk)
            }
        return found

    def _figure_numbers(self, files: Sequence[str]) -> list[str]:
        """What derived figures and figure checks depend on, for the figures in these files:
        everything but their notes and topics. Equal before and after an edit, nothing to redo."""
        numbers: list[str] = []
        for chunk in _chunks(files):
            marks = ",".join("?" * len(chunk))
            for (body,) in self.db.execute(
                f"SELECT body FROM records WHERE type = 'figure' AND file IN ({marks})", chunk
            ):
                data = _unpack(body)
                for ignored in ("note", "date_note", "topics"):
                    data.pop(ignored, None)
                numbers.append(repr(sorted(data.items())))
        return sorted(numbers)

    def _figure_span(self, files: Sequence[str]) -> tuple[str, str] | None:
        """The first and last day of the figures in these files, to re-check what is near them."""
        span = None
        for chunk in _chunks(files):
            marks = ",".join("?" * len(chunk))
            low, high = self.db.execute(
                f"SELECT MIN(COALESCE(first, last)), MAX(COALESCE(last, first)) FROM records "
                f"WHERE type = 'figure' AND file IN ({marks})",
                chunk,
            ).fetchone()
            if low is not None or high is not None:
                span = _widen(span, (low or "0001-01-01", high or "9999-12-31"))
        return span

    def _forget(self, files: Sequence[str]) -> None:
        db = self.db
        for chunk in _chunks(files):
            marks = ",".join("?" * len(chunk))
            db.execute(
                "DELETE FROM fts WHERE rowid IN "
                f"(SELECT rowid FROM records WHERE file IN ({marks}))",
                chunk,
            )
            for table in ("records", "ids", "refs", "reported", "names", "file_problems"):
                column = "name" if table == "files" else "file"
                db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)
            db.execute(f"DELETE FROM files WHERE name IN ({marks})", chunk)

    def _insert(self, tables: Tables) -> None:
        db = self.db
        db.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, 0)", tables.file)
        db.executemany("INSERT INTO file_problems VALUES (?, ?, ?, ?)", tables.problems)
        db.executemany("INSERT INTO ids VALUES (?, ?, ?, ?, ?, ?, ?)", tables.ids)
        (start,) = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM records").fetchone()
        db.executemany(
            "INSERT INTO records(rowid, id, type, file, position, line, first, last, metric, "
            "label, basis, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(rowid, *row) for rowid, row in enumerate(tables.records, start=start + 1)],
        )
        db.executemany(
            "INSERT INTO fts(rowid, body) VALUES (?, ?)",
            [(start + 1 + i, text) for i, text in tables.texts],
        )
        db.executemany("INSERT INTO refs VALUES (?, ?, ?, ?, ?, ?)", tables.refs)
        db.executemany("INSERT INTO reported VALUES (?, ?, ?, ?, ?, ?)", tables.reported)
        db.executemany("INSERT INTO names VALUES (?, ?, ?)", tables.names)

    # --- checks across records, in SQL ---

    def _cross_problems(self, scope: tuple[set[str], set[str]] | None) -> list[Problem]:
        """Duplicate ids, dangling references, non-country countries, dates after their sources.

        With a scope (the files that changed, and the ids they defined before and after), only what
        the change can have broken is checked: the store was valid before it.
        """
        db = self.db
        db.execute("DROP TABLE IF EXISTS temp.scope_files")
        db.execute("DROP TABLE IF EXISTS temp.scope_ids")
        db.execute("CREATE TEMP TABLE scope_files(name TEXT PRIMARY KEY)")
        db.execute("CREATE TEMP TABLE scope_ids(id TEXT PRIMARY KEY)")
        if scope is not None:
            db.executemany("INSERT OR IGNORE INTO scope_files VALUES (?)", [(f,) for f in scope[0]])
            db.executemany("INSERT OR IGNORE INTO scope_ids VALUES (?)", [(i,) for i in scope[1]])
        # Scoped, each check starts from the rows an index finds for the changed files and ids;
        # (an OR of the two in one WHERE would have SQLite read every row of the table).
        everywhere = scope is None
        problems: list[Problem] = []
        duplicates = db.execute(
            """
            SELECT d.file, d.line, d.kind, d.position, d.id, f.file, f.line FROM ids d
            JOIN files df ON df.name = d.file
            JOIN ids f ON f.topic = d.topic AND f.id = d.id
            JOIN files ff ON ff.name = f.file
            WHERE (ff.ord, f.line) < (df.ord, d.line) {in_scope}
              AND NOT EXISTS (
                SELECT 1 FROM ids e JOIN files ef ON ef.name = e.file
                WHERE e.topic = d.topic AND e.id = d.id AND (ef.ord, e.line) < (ff.ord, f.line))
            """.format(
                in_scope=""
                if everywhere
                else "AND d.topic IN (0, 1) AND d.id IN (SELECT id FROM scope_ids)"
            )
        )
        for file, line, kind, position, record_id, first_file, first_line in duplicates:
            where = f"{first_file}:{first_line}"
            message = f"duplicate id {record_id!r} (first at {where})"
            problems.append(Problem(file, line, f"{kind}[{position}].id", message))
        unreadable = {kind for (kind,) in db.execute("SELECT kind FROM files WHERE readable = 0")}
        dangling = db.execute(
            """
            SELECT * FROM (
                SELECT r.file, r.line, r.field, r.target, r.wanted,
                       COALESCE(
                           (SELECT i.kind FROM ids i WHERE i.topic = (r.wanted = 'topics')
                            AND i.id = r.target AND i.kind = r.wanted LIMIT 1),
                           (SELECT i.kind FROM ids i WHERE i.topic = (r.wanted = 'topics')
                            AND i.id = r.target LIMIT 1)
                       ) AS found,
                       CASE WHEN r.field LIKE '%.country' THEN
                           (SELECT i.subkind FROM ids i WHERE i.topic = 0 AND i.id = r.target
                            AND i.kind = 'actors' LIMIT 1)
                       END AS subkind
                FROM refs r {in_scope})
            -- only what may be a problem: a reference that finds nothing of its kind, or a country
            WHERE found IS NOT wanted OR (field LIKE '%.country' AND subkind IS NOT 'country')
            """.format(
                in_scope=""
                if everywhere
                else f"""WHERE r.rowid IN (
                    SELECT rowid FROM refs WHERE file IN (SELECT name FROM scope_files)
                    UNION SELECT rowid FROM refs WHERE wanted IN ({_KINDS_SQL})
                        AND target IN (SELECT id FROM scope_ids))"""
            )
        )
        for file, line, field, target, wanted, found, subkind in dangling:
            if found == wanted:
                if field.endswith(".country") and subkind != "country":
                    problems.append(Problem(file, line, field, f"{target!r} is not a country"))
                continue
            if found is None and wanted in unreadable:
                continue  # it may be in the file that could not be read: no false alarm
            what = wanted.removesuffix("s")
            hint = f"; it is a {found.removesuffix('s')}" if found else ""
            problems.append(Problem(file, line, field, f"no {what} with id {target!r}{hint}"))
        late = db.execute(
            """
            SELECT p.file, p.line, p.field, p.notation, MAX(s.last)
            FROM reported p  -- CROSS JOIN: start from the reported dates, which may be few
            CROSS JOIN refs c ON c.record = p.record AND c.wanted = 'sources'
            JOIN records s ON s.id = c.target AND s.type = 'source'
            {in_scope}
            GROUP BY p.record, p.file, p.line, p.field, p.first, p.notation
            HAVING p.first > MAX(s.last)
            """.format(
                in_scope=""
                if everywhere
                else """WHERE p.rowid IN (
                    SELECT rowid FROM reported WHERE file IN (SELECT name FROM scope_files)
                    UNION SELECT q.rowid FROM refs k JOIN reported q ON q.record = k.record
                        WHERE k.wanted = 'sources' AND k.target IN (SELECT id FROM scope_ids))"""
            )
        )
        for file, line, field, notation, latest in late:
            problems.append(
                Problem(
                    file,
                    line,
                    field,
                    f"{notation} begins after its latest source was published ({latest}); "
                    "a scheduled or expected fact needs that status",
                )
            )
        return problems

    # --- derived figures and checks between figures ---

    def _consistency(
        self, window: tuple[str, str] | None, known: list[Figure] | None = None
    ) -> None:
        """Recompute derived figures and figure checks: all of them, or those near a change."""
        from pakru import consistency

        db = self.db
        if window is None:
            if known is None:
                rows = db.execute("SELECT body FROM records WHERE type = 'figure' ORDER BY rowid")
                known = [_figure(body) for (body,) in rows]
            figures = known
            db.execute("DELETE FROM derived")
            db.execute("DELETE FROM checks")
        else:
            start, end = _year_around(window)
            rows = db.execute(
                "SELECT body FROM records WHERE type = 'figure' "
                "AND COALESCE(first, '0001-01-01') <= ? AND COALESCE(last, '9999-12-31') >= ? "
                "ORDER BY rowid",
                (end, start),
            )
            figures = [_figure(body) for (body,) in rows]
            inside = {f.id for f in figures}
            for table in ("derived", "checks"):
                column = "inputs" if table == "derived" else "figures"
                stale = [
                    (rowid,)
                    for rowid, ids in db.execute(
                        f"SELECT rowid, {column} FROM {table} WHERE "
                        "COALESCE(first, '0001-01-01') <= ? AND COALESCE(last, '9999-12-31') >= ?",
                        (end, start),
                    )
                    if set(ids.split()) <= inside
                ]
                db.executemany(f"DELETE FROM {table} WHERE rowid = ?", stale)
        derived = consistency.derive(figures)
        db.executemany(
            "INSERT INTO derived VALUES (?, ?, ?, ?, ?)",
            [
                (
                    d.id,
                    _iso(d.period.first),
                    _iso(d.period.last),
                    " ".join(f.id for f in d.inputs),
                    _pack(d.to_storage()),
                )
                for d in derived
            ],
        )
        check_rows: list[tuple[Any, ...]] = []
        for check in consistency.checks(figures, derived):
            involved = sorted(
                {*consistency.reported_ids(check.a), *consistency.reported_ids(check.b)}
            )
            periods = [p for p in (check.a.period, check.b.period) if p is not None]
            check_rows.append(
                (
                    check.a.id,
                    check.b.id,
                    int(check.agrees),
                    min((_iso(p.first) or "0001-01-01" for p in periods), default=None),
                    max((_iso(p.last) or "9999-12-31" for p in periods), default=None),
                    " ".join(involved),
                    _pack(check.to_storage()),
                )
            )
        db.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?)", check_rows)


def _widen(span: tuple[str, str] | None, other: tuple[str, str] | None) -> tuple[str, str] | None:
    if span is None:
        return other
    if other is None:
        return span
    return min(span[0], other[0]), max(span[1], other[1])


def _year_around(span: tuple[str, str]) -> tuple[str, str]:
    """The span widened by a year each way: growth and containment reach that far."""
    start, end = span
    start_year = max(int(start[:4]) - 1, 1)
    end_year = min(int(end[:4]) + 1, 9999)
    return f"{start_year:04d}{start[4:]}", f"{end_year:04d}{end[4:]}"


def _chunks(items: Sequence[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


# Bodies are stored as marshal data: it is built into the interpreter (nothing to import before an
# answer) and faster to read than JSON. Its format changes between Python versions, which FORMAT
# names, so a compiled store is never read by another one.
def _pack(data: Any) -> bytes:
    return marshal.dumps(data)


def _unpack(blob: bytes) -> Any:
    return marshal.loads(blob)


def _iso(day: Any) -> str | None:
    return None if day is None else day.isoformat()


def _index_columns(
    record: Record,
) -> tuple[str | None, str | None, str | None, str | None, str | None]:
    """The first and last day of a record's main date, its metric, that date as written, and its
    basis: what answers are looked up and ordered by without reading the record itself."""
    period: Period | None = getattr(record, "date", None) or getattr(record, "period", None)
    if isinstance(record, records.Source):
        period = record.published
    metric, basis = getattr(record, "metric", None), getattr(record, "basis", None)
    if period is None:
        return None, None, metric, None, basis
    return _iso(period.first), _iso(period.last), metric, str(period), basis


def _text_of(storage: dict[str, Any]) -> str:
    """Everything searchable in a record, for the full-text index that finds candidates."""
    parts: list[str] = []
    for value in storage.values():
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    parts.append(item)
                elif isinstance(item, dict):
                    parts.extend(str(v) for v in item.values() if isinstance(v, str))
                    parts.extend(
                        str(c.get("quote", ""))
                        for c in item.get("sources", ())
                        if isinstance(c, dict)
                    )
    return "\n".join(parts)


def _figure(body: bytes) -> Figure:
    figure: Figure = Figure.from_storage(_unpack(body))
    return figure


def _record(kind: str, body: bytes) -> Record:
    record: Record = records.RECORD_CLASSES[kind].from_storage(_unpack(body))
    return record


# --- reading -------------------------------------------------------------------------------------


class Compiled:
    """A compiled, valid store, and the questions that are answered in SQL."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def problems(self) -> list[Problem]:
        rows = self.db.execute(
            """
            SELECT p.file, p.line, p.field, p.message FROM (
                SELECT file, line, field, message, 0 AS pass FROM file_problems
                UNION ALL SELECT file, line, field, message, 1 FROM store_problems) p
            LEFT JOIN files f ON f.name = p.file
            ORDER BY COALESCE(f.ord, -1), p.pass, p.line, p.field
            """
        )
        return [Problem(file, line, field, message) for file, line, field, message in rows]

    def _bodies(self, sql: str, parameters: Sequence[Any] = ()) -> list[Record]:
        return [_record(kind, body) for kind, body in self.db.execute(sql, parameters)]

    def everything(self) -> FactStore:
        return _store(
            self._bodies(
                "SELECT type, body FROM records "
                "ORDER BY (SELECT ord FROM files WHERE name = file), position"
            )
        )

    def of_type(self, record_type: str) -> list[Record]:
        return self._bodies(
            "SELECT type, body FROM records WHERE type = ? "
            "ORDER BY (SELECT ord FROM files WHERE name = file), position",
            (record_type,),
        )

    def derived_from(self, figure_id: str) -> list[Any]:
        from pakru.consistency import Derived

        rows = self.db.execute(
            "SELECT body, inputs FROM derived WHERE ' ' || inputs || ' ' LIKE ?",
            (f"% {figure_id} %",),
        )
        return [
            Derived.from_storage(_unpack(body))
            for body, inputs in rows
            if figure_id in inputs.split()
        ]

    def counts_by_kind(self) -> dict[str, int]:
        rows = self.db.execute("SELECT type, COUNT(*) FROM records GROUP BY type")
        return {_KIND_OF_TYPE[kind]: count for kind, count in rows}

    def topics(self) -> list[Topic]:
        return [r for r in self.of_type("topic") if isinstance(r, Topic)]

    def subset(self, ids: Iterable[str], *, named: bool = True) -> FactStore:
        """The records with these ids, with every topic and (unless not `named`) the sources,
        actors and events they name, so that answers can show names, titles and citations."""
        wanted = list(dict.fromkeys(ids))
        found = self._by_ids(wanted)
        if not named:
            return _store([*found, *self.topics()])
        targets = {
            target
            for (target,) in self._in(
                "SELECT DISTINCT target FROM refs WHERE wanted != 'topics' AND record IN ({})",
                wanted,
            )
        }
        extra = self._by_ids(sorted(targets - set(wanted)))
        return _store([*found, *extra, *self.topics()])

    def _in(self, sql: str, values: Sequence[str]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for chunk in _chunks(values):
            rows += self.db.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall()
        return rows

    def _by_ids(self, ids: Sequence[str]) -> list[Record]:
        """The records with these ids, in the order of the store's files."""
        rows = self._in(
            "SELECT f.ord, r.position, r.type, r.body FROM records r "
            "JOIN files f ON f.name = r.file WHERE r.type != 'topic' AND r.id IN ({})",
            ids,
        )
        return [_record(kind, body) for _, _, kind, body in sorted(rows, key=lambda row: row[:2])]

    def ids(self, sql: str, parameters: Sequence[Any] = ()) -> list[str]:
        return [row[0] for row in self.db.execute(sql, parameters)]

    def dated_ids(
        self,
        record_type: str,
        window: Period | None,
        topic: str | None = None,
        actor: str | None = None,
        metrics: Sequence[str] = (),
    ) -> list[str]:
        """Ids of records of a type whose date could fall in the window, on a topic, naming an
        actor: the candidates that `pakru.query` then filters exactly."""
        sql, parameters = _dated_sql(record_type, window, topic, actor, metrics)
        return self.ids(f"SELECT DISTINCT r.id {sql}", parameters)

    def first_dated_ids(
        self,
        record_type: str,
        window: Period | None,
        topic: str | None,
        actor: str | None,
        limit: int,
    ) -> tuple[list[str], int]:
        """The first `limit` of `dated_ids`, in date order (imprecise dates at the start of their
        span, as `Period.sort_key` orders them), and how many there are in all: a long answer is
        shown a page at a time, and reading the rest would cost more than showing it."""
        sql, parameters = _dated_sql(record_type, window, topic, actor)
        rows = self.db.execute(
            f"SELECT id, COUNT(*) OVER () FROM (SELECT DISTINCT r.id, r.first, r.last {sql}) "
            "ORDER BY COALESCE(first, last, '0001-01-01'), COALESCE(last, '9999-12-31'), id "
            "LIMIT ?",
            (*parameters, limit),
        ).fetchall()
        return [row[0] for row in rows], rows[0][1] if rows else 0

    def figure_keys(self, window: Period | None, metrics: Sequence[str]) -> list[FigureKey]:
        """What orders the figures of these metrics whose period could fall in the window, read
        from an index: enough to choose the rows to show before reading any of them."""
        sql, parameters = _dated_sql("figure", window, None, None, metrics)
        return [
            FigureKey(*row)
            for row in self.db.execute(
                f"SELECT DISTINCT r.id, r.first, r.last, r.metric, r.label, r.basis {sql}",
                parameters,
            )
        ]

    def text_ids(self, groups: Sequence[Sequence[str]], limit: int | None = None) -> list[str]:
        """Records whose text has, for every group, one of its alternatives (a word, or words in
        a row, the last of which may be the start of a longer word): search candidates, the
        `limit` best by the index's own ranking (bm25) when there are more."""
        if not groups:
            return []
        match = " AND ".join(
            "(" + " OR ".join(dict.fromkeys(_phrase(alternative) for alternative in group)) + ")"
            for group in groups
        )
        if limit is None:
            best = "SELECT rowid FROM fts WHERE fts MATCH ?"
        else:  # ranked and cut in the index, before any record is looked up
            best = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT ?"
        parameters = (match,) if limit is None else (match, limit)
        return self.ids(
            f"SELECT r.id FROM ({best}) b JOIN records r ON r.rowid = b.rowid", parameters
        )

    def referring_ids(self, target: str) -> list[str]:
        # Naming every kind lets SQLite use the (wanted, target) index instead of reading refs.
        return self.ids(
            f"SELECT DISTINCT record FROM refs WHERE wanted IN ({_KINDS_SQL}) AND target = ?",
            (target,),
        )

    def actors_named(self, folded: str) -> list[str]:
        return self.ids("SELECT DISTINCT actor FROM names WHERE folded = ?", (folded,))

    def counts(self, wanted: str) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT target, COUNT(DISTINCT record) FROM refs WHERE wanted = ? GROUP BY target",
            (wanted,),
        )
        return {target: count for target, count in rows}

    def derived(self, window: Period | None) -> list[Any]:
        from pakru.consistency import Derived

        sql, parameters = "SELECT body FROM derived", []
        if window is not None:
            sql += " WHERE (first IS NULL OR first <= ?) AND (last IS NULL OR last >= ?)"
            parameters = [_iso(window.last) or "9999-12-31", _iso(window.first) or "0001-01-01"]
        return [Derived.from_storage(_unpack(body)) for (body,) in self.db.execute(sql, parameters)]

    def checks(
        self, ids: Iterable[str] | None = None, *, conflicts_only: bool = False
    ) -> list[Any]:
        """Checks between figures: all of them, or those involving any of these ids."""
        from pakru.consistency import Check, stored_ids

        agrees = " AND agrees = 0" if conflicts_only else ""
        if ids is None:
            rows = self.db.execute(f"SELECT rowid, body FROM checks WHERE 1 {agrees}").fetchall()
        else:
            rows = []
            wanted = list(dict.fromkeys(ids))
            for chunk in _chunks(wanted):
                marks = ",".join("?" * len(chunk))
                rows += self.db.execute(
                    "SELECT rowid, body FROM checks "
                    f"WHERE (a IN ({marks}) OR b IN ({marks})) {agrees}",
                    [*chunk, *chunk],
                ).fetchall()
        unique = dict(rows)
        stored = [_unpack(unique[rowid]) for rowid in sorted(unique)]
        named = sorted({i for data in stored for i in stored_ids(data)})
        figures = {r.id: r for r in self._by_ids(named) if isinstance(r, Figure)}
        return [Check.from_storage(data, figures) for data in stored]


def _dated_sql(
    record_type: str,
    window: Period | None,
    topic: str | None,
    actor: str | None,
    metrics: Sequence[str] = (),
) -> tuple[str, list[Any]]:
    """The FROM and WHERE of a question about dated records, and its parameters."""
    sql = ["FROM records r"]
    where = ["r.type = ?"]
    parameters: list[Any] = [record_type]
    if topic is not None:
        sql.append("JOIN refs t ON t.record = r.id AND t.wanted = 'topics' AND t.target = ?")
        parameters.insert(0, topic)
    if actor is not None:
        sql.append("JOIN refs a ON a.record = r.id AND a.wanted = 'actors' AND a.target = ?")
        parameters.insert(1 if topic is not None else 0, actor)
    if window is not None:  # an undated record is in no window (an open end has the other)
        where.append("(r.first IS NOT NULL OR r.last IS NOT NULL)")
    if window is not None and window.last is not None:
        where.append("(r.first IS NULL OR r.first <= ?)")
        parameters.append(window.last.isoformat())
    if window is not None and window.first is not None:
        where.append("(r.last IS NULL OR r.last >= ?)")
        parameters.append(window.first.isoformat())
    if metrics:
        where.append(f"r.metric IN ({','.join('?' * len(metrics))})")
        parameters.extend(metrics)
    return " ".join(sql) + " WHERE " + " AND ".join(where), parameters


def _phrase(words: str) -> str:
    """An FTS5 phrase for these words in a row, the last one matching as a prefix."""
    return '"' + words.replace('"', '""') + '"*'


def _store(found: Iterable[Record]) -> FactStore:
    grouped: dict[str, list[Record]] = {kind: [] for kind in _KIND_OF_TYPE.values()}
    for record in found:
        grouped[_KIND_OF_TYPE[record.record_type]].append(record)
    return FactStore(**{kind: tuple(items) for kind, items in grouped.items()})  # type: ignore[arg-type]
