"""The compiled store: a validated store kept in SQLite, so that questions never re-read YAML.

The YAML files stay the source of truth. The first question about a store reads and validates all
of it into a SQLite file in the user's cache directory; later questions compare each file's size
and modification time with what was compiled, and have `pakru.store.build` read again only the files
that changed. This module finds, opens and answers from the compiled file; building it is
`pakru.store.build`'s job, imported only when something has to be read.

A full build writes a new file and renames it into place; an update is one SQLite transaction.
Either way a reader sees the old store or the new one, never half of each. A compiled file that is
missing, unreadable, written by other code (another version, or any change to a file of the
package) or for another folder is rebuilt, never trusted; so is one with a stored row that fails
its checksum when it is read. An update that fails is a rebuild, said on stderr under PAKRU_DEBUG.
If the cache cannot be written, the store is compiled in memory for this one question.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import zlib
from collections.abc import Iterable, Sequence
from contextlib import suppress
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pakru.domain import records
from pakru.domain.errors import Problem, StoreError, shown
from pakru.domain.records import FactStore, Record, Topic
from pakru.domain.types import Period
from pakru.store import rows
from pakru.store.layout import KINDS, StoreFile, fingerprints, store_files
from pakru.store.schema import (
    FORMAT,
    KINDS_SQL,
    SUPERSEDES_FIELD,
    TABLES,
    chunks,
    code_stamp,
    same_code,
    search_span,
)

if TYPE_CHECKING:
    from pakru.domain.filters import Filters
    from pakru.domain.search import IndexTerm
    from pakru.store.build import Kept


def cache_dir() -> Path:
    """Where compiled stores live: PAKRU_CACHE_DIR, or the user's cache directory."""
    configured = os.environ.get("PAKRU_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("pakru", appauthor=False))


def cache_path(root: Path) -> Path:
    # Any two folders that share a name are told apart by the root kept inside the file.
    resolved = root.resolve()
    key = f"{zlib.crc32(str(resolved).encode()):08x}"
    return cache_dir() / f"store-{resolved.name[:40]}-{key}.sqlite"


# --- opening -------------------------------------------------------------------------------------


def open_store(
    root: Path, *, use_cache: bool = True, rebuild: bool = False, snapshot: bool = False
) -> Compiled:
    """The compiled form of the store in `root`, brought up to date (compiled afresh when
    `rebuild`); raises `StoreError` (with every problem) if the store is not valid.

    With `snapshot`, every question asked of it until `Compiled.close` reads the store as it was
    at one moment (one read transaction), whatever another process updates meanwhile: an answer
    asks several questions, and ids one gives must be found by the next. Another process's update
    then waits for it to close, so an answer opens it this way and closes it when done."""
    if not root.is_dir():
        raise StoreError([Problem(str(root), None, "", "the fact store folder does not exist")])
    files = store_files(root)
    folder, note = _private_folder() if use_cache else (None, None)
    db = None
    if folder is not None:
        path = cache_path(root)
        distrust = _not_owned(path)
        if distrust is not None:  # our folder, someone else's file: replaced, never read
            note = f"pakru: {shown(str(path), 200)} {distrust}; compiled it again"
            rebuild = True
        if not rebuild:
            db = _open_cached(path, root, files)
    if db is None:
        db, failed = _compile(root, files, folder is not None, rebuild)
        note = note or failed
    compiled = Compiled(db, note)
    if snapshot:
        db.execute("BEGIN")  # (deferred: the first read takes the store as it is, and keeps it)
    problems = compiled.problems()
    if problems:
        compiled.close()
        raise StoreError(problems)
    return compiled


# --- whose cache ---------------------------------------------------------------------------------
# A compiled store is trusted as the YAML it was built from: whoever can write it can put any
# figure or quote in an answer. So it is read only where no one but this user can have written
# it: a folder this user owns and no one else can write to (created 0700), holding a file this
# user owns and no one else can write to. Anything else is left alone and the store is compiled in
# memory (a folder) or afresh (a file in our own folder), and the answer says why on stderr.


def _private_folder() -> tuple[Path | None, str | None]:
    """The cache folder if it is this user's alone (created so when missing), else None; and why
    it is not used, when that is worth saying (a folder that cannot be created is not)."""
    folder = cache_dir()
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        try:
            folder.mkdir(mode=0o700, parents=True)
            info = os.stat(folder)
        except OSError:  # a read-only disk, a file in the way: compiled in memory, as it must be
            return None, None
    except OSError:
        return None, None
    why = "is not a folder" if not stat.S_ISDIR(info.st_mode) else _not_private(info)
    if why is None:
        return folder, None
    place = shown(str(folder), 200)
    return None, f"pakru: not using the cache folder {place}: it {why}; compiled in memory"


def _not_owned(path: Path) -> str | None:
    """Why a compiled file may hold what someone else wrote, or None (it is ours, or absent)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return _not_private(info)


def _not_private(info: os.stat_result) -> str | None:
    if info.st_uid != os.geteuid():
        return f"belongs to another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "can be written by other users"
    return None


def _open_cached(path: Path, root: Path, files: Sequence[StoreFile]) -> sqlite3.Connection | None:
    """The cached compiled store if it is current, else None (it will be updated or rebuilt)."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
        meta = dict(db.execute("SELECT key, value FROM _meta").fetchall())
        if meta.get("format") != FORMAT or meta.get("root") != str(root.resolve()):
            db.close()
            return None
        current = meta.get("files") == fingerprints(files) and meta.get("complete") == "1"
        if current and meta.get("code_stamp") == code_stamp():
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

    `only_check` leaves out what answering needs but validating does not: the records' own tables,
    the full-text index, the table of names, and derived figures and figure checks.
    """
    files = store_files(root)
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.executescript(TABLES)
    from pakru.store.build import Builder  # YAML and pydantic: only when something is read

    builder = Builder(db, root, only_check=only_check, quotes=quotes)
    kept = builder.sync(files, full=True)
    return Compiled(db), kept


def _compile(
    root: Path, files: Sequence[StoreFile], use_cache: bool, rebuild: bool = False
) -> tuple[sqlite3.Connection, str | None]:
    """Bring the cached store up to date (updating or rebuilding it), or compile in memory; and
    what to say of an update that failed, under PAKRU_DEBUG."""
    if use_cache:
        with suppress(OSError, sqlite3.Error):
            return _compile_cached(root, files, rebuild)
    from pakru.store.build import Builder

    db = sqlite3.connect(":memory:", isolation_level=None)
    db.executescript(TABLES)
    Builder(db, root).sync(files, full=True)
    return db, None


# Who may write the compiled file, and when: an update is one SQLite transaction on the file at
# the cache path, and SQLite keeps its journal beside it under the path's name. So a new build is
# renamed into place only by a process holding the write lock of the file already there (no update
# of it is then under way, and a journal a crashed one left has been rolled back into it), and an
# update writes only once it holds the lock of the file that is still at the path. A journal can
# then never outlive its file and be rolled into another.


def _compile_cached(
    root: Path, files: Sequence[StoreFile], rebuild: bool, attempts: int = 3
) -> tuple[sqlite3.Connection, str | None]:
    from pakru.store.build import Builder

    path = cache_path(root)
    opened = None if rebuild else _open_for_update(path, root)
    failed = None
    if opened is not None:
        db, identity = opened
        try:
            db.execute("BEGIN IMMEDIATE")  # one writer at a time; others wait, then see its work
            if _identity(path) != identity:  # replaced by a rebuild since: update that one
                db.execute("ROLLBACK")
                db.close()
                if attempts <= 1:
                    raise sqlite3.OperationalError("the compiled file keeps being replaced")
                return _compile_cached(root, files, rebuild, attempts - 1)
            Builder(db, root).sync(files, full=False)
            db.execute("COMMIT")
            return db, None
        except BaseException as error:  # Ctrl-C too: rolled back, so no journal is left behind
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            db.close()
            if not isinstance(error, sqlite3.Error) or _busy(error):
                raise  # (busy: another pakru is writing it; never replaced under its feet)
            failed = _update_failed(error)
    return _rebuild(path, root, files), failed


class UpdateFailed(RuntimeError):
    """An update of the compiled store failed on its own SQL, under PAKRU_STRICT (which the tests
    set): a broken update must fail the tests that run it, not pass them by compiling afresh."""


def _update_failed(error: sqlite3.Error) -> str | None:
    """After an update failed: raises `UpdateFailed` if it is a bug and PAKRU_STRICT is set; what
    to say of it on stderr under PAKRU_DEBUG (users get the rebuild's answer, and no word)."""
    code = getattr(error, "sqlite_errorcode", 0)
    # Its own SQL: a column or table it names that is not there, a constraint it breaks, values it
    # binds wrongly. Anything else (damage found in the file, a full disk, a full-text index with
    # no room left, a rebuild racing it) is what compiling afresh is the cure for.
    own = code in _SQL_ERRORS or isinstance(error, _BINDING_ERRORS)
    if own and os.environ.get("PAKRU_STRICT"):
        raise UpdateFailed(f"the compiled store's update failed: {error}") from error
    if not os.environ.get("PAKRU_DEBUG"):
        return None
    why = " ".join(f"{type(error).__name__}: {error}".split())
    return f"pakru: updating the compiled store failed ({why}); compiled it afresh"


_SQL_ERRORS = {
    sqlite3.SQLITE_ERROR, sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_RANGE
}  # fmt: skip
_BINDING_ERRORS = (sqlite3.ProgrammingError, sqlite3.InterfaceError)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _busy(error: BaseException) -> bool:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _open_for_update(
    path: Path, root: Path
) -> tuple[sqlite3.Connection, tuple[int, int] | None] | None:
    """The compiled file opened for writing, and which file it is (taken before it was opened:
    if another is at the path once it is locked, it was replaced meanwhile); None if there is
    none of this format and folder."""
    identity = _identity(path)
    if identity is None:
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None, timeout=30)
        # An update touches pages all over a large file (every index of every table it writes),
        # and SQLite keeps up to 2 MB of them by default: 512 kB does as well, the rest being in
        # the operating system's cache already, and keeps the first answer after an edit smaller.
        db.execute("PRAGMA cache_size = -512")
        meta = dict(db.execute("SELECT key, value FROM _meta").fetchall())
        same = meta.get("format") == FORMAT and meta.get("root") == str(root.resolve())
        if same and same_code(meta):
            return db, identity
        db.close()
    except sqlite3.DatabaseError as error:
        if _busy(error):
            raise
    return None


def _rebuild(path: Path, root: Path, files: Sequence[StoreFile]) -> sqlite3.Connection:
    """Compile from scratch into a new file beside the old one, then rename it into place."""
    import fcntl
    import tempfile

    from pakru.store.build import Builder

    _sweep(path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".store-", suffix=".tmp")
    db = None
    try:
        # Held while this build lives (and let go by the system if it is killed): how a sweep
        # tells a build under way from what a dead one left.
        fcntl.flock(handle, fcntl.LOCK_EX)
        db = sqlite3.connect(temporary, isolation_level=None)
        # No journal: nothing reads the file until it is whole and renamed, so there is nothing to
        # roll back, and no journal to leave behind that could apply to another file.
        db.execute("PRAGMA journal_mode = OFF")
        db.executescript(TABLES)
        db.execute("BEGIN")
        Builder(db, root).sync(files, full=True)
        db.execute("COMMIT")
        db.close()
        _put_in_place(temporary, path)
    except BaseException:
        if db is not None:
            db.close()
        with suppress(OSError):
            os.unlink(temporary)
        raise
    finally:
        os.close(handle)
    return sqlite3.connect(path, isolation_level=None, timeout=30)


def _put_in_place(temporary: str, path: Path) -> None:
    """Rename a new build to `path`, holding the write lock of the compiled file there if any (see
    above); raises if it stays locked (another pakru is writing it: answer from memory instead)."""
    while True:
        identity = _identity(path)
        journal = f"{path}-journal"  # left by an update of a file now gone: never for ours
        if identity is None:
            with suppress(FileNotFoundError):
                os.unlink(journal)
            with suppress(FileExistsError):  # only if still none: one may have appeared
                os.link(temporary, path)
                os.unlink(temporary)
                return
            continue
        old = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None, timeout=30)
        try:
            # A read under the lock rolls back what a crashed update left in its journal.
            old.execute("BEGIN IMMEDIATE")
            old.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as error:
            if _busy(error):
                old.close()
                raise
            # Not a database at all: nothing can be writing it, nor have a journal for it.
        try:
            if _identity(path) == identity:
                # Under the lock no update is under way, and a journal a crashed one left has
                # just been rolled back; what remains would not be hot, but is removed rather
                # than left beside a file it was never for.
                with suppress(FileNotFoundError):
                    os.unlink(journal)
                os.replace(temporary, path)
                return
        finally:
            old.close()


def _sweep(folder: Path, prefix: str = ".store-") -> None:
    """Remove what builds killed before their rename left behind (never trusted, only litter):
    a temporary file (named as mkstemp names them) that no live build holds locked, and a
    journal whose file is gone. Exports sweep theirs with this rule, under their own prefix."""
    import fcntl

    for leftover in folder.glob(f"{prefix}????????.tmp"):
        with suppress(OSError):
            handle = os.open(leftover, os.O_RDONLY)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while its writer lives
                leftover.unlink()
            finally:
                os.close(handle)
    for journal in folder.glob(f"{prefix}????????.tmp-journal"):
        if not journal.with_name(journal.name.removesuffix("-journal")).exists():
            with suppress(OSError):
                journal.unlink()


def damaged(error: BaseException) -> bool:
    """Whether an error while answering comes from a compiled file that cannot be read (corrupt,
    missing a table, a row that is no record), rather than from another process's lock."""
    return isinstance(error, sqlite3.DatabaseError) and not _busy(error)


# --- reading -------------------------------------------------------------------------------------


class Compiled:
    """A compiled, valid store, and the questions that are answered in SQL."""

    def __init__(self, db: sqlite3.Connection, note: str | None = None) -> None:
        self.db = db
        self.note = note  # why the cache was not used, for stderr

    def close(self) -> None:
        """End the snapshot, if any, and let go of the compiled file."""
        self.db.close()

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

    def everything(self) -> FactStore:
        found = [pair for t in records.RECORD_CLASSES for pair in rows.read(self.db, t)]
        return _store(record for _, record in sorted(found, key=lambda pair: pair[0]))

    def of_type(self, record_type: str) -> list[Record]:
        return rows.read_all(self.db, record_type)

    def derived_from(self, figure_id: str) -> list[Any]:
        found = self.db.execute(
            f"SELECT {rows.DERIVED_COLUMNS} FROM derived "
            "WHERE owner IS NULL AND ' ' || inputs || ' ' LIKE ? ORDER BY rowid",
            (f"% {figure_id} %",),
        ).fetchall()
        return rows.derived_of(self.db, [row for row in found if figure_id in row[4].split()])

    def counts_by_kind(self) -> dict[str, int]:
        rows = self.db.execute("SELECT type, COUNT(*) FROM _records GROUP BY type")
        return {records.KIND_OF_TYPE[kind]: count for kind, count in rows}

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

    def _in(self, sql: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for chunk in chunks(values):
            rows += self.db.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall()
        return rows

    def _by_ids(self, ids: Sequence[str]) -> list[Record]:
        """The records with these ids, in the order of the store's files."""
        return rows.read_ids(self.db, ids)

    def ids(self, sql: str, parameters: Sequence[Any] = ()) -> list[str]:
        return [row[0] for row in self.db.execute(sql, parameters)]

    def first_dated_ids(
        self,
        record_types: Sequence[str],
        filters: Filters,
        limit: int | None,
        *,
        superseded: bool = False,
    ) -> tuple[list[str], int]:
        """The records of these types that match every filter and, unless `superseded`, that no
        later report supersedes: the first `limit` of them (None: all) in date order (imprecise
        dates at the start of their span, as `Period.sort_key` orders them; then by type and
        id), and how many there are in all. Decided and counted in SQL: no record is read."""
        selects, parameters = [], []
        for record_type in record_types:
            sql, values = _listing_sql(record_type, filters, superseded=superseded)
            selects.append(f"SELECT r.id, r.type, r.first, r.last {sql}")
            parameters += values
        return self._page(
            " UNION ALL ".join(selects),
            parameters,
            "COALESCE(first, last, '0001-01-01'), COALESCE(last, '9999-12-31'), type, id",
            (),
            limit,
        )

    def _page(
        self,
        found: str,
        parameters: Sequence[Any],
        order: str,
        order_parameters: Sequence[Any],
        limit: int | None,
    ) -> tuple[list[str], int]:
        """The ids of the first `limit` rows (None: all) that a SELECT finds, in this order, and
        how many it finds. Counted apart from the page: a count reads only the index, and a page
        keeps its first rows as it goes, where COUNT(*) OVER () would sort every row found."""
        (total,) = self.db.execute(f"SELECT COUNT(*) FROM ({found})", parameters).fetchone()
        if limit == 0 or total == 0:
            return [], total
        rows = self.db.execute(
            f"SELECT id FROM ({found}) ORDER BY {order} LIMIT ?",
            (*parameters, *order_parameters, _sql_limit(limit)),
        )
        return [record_id for (record_id,) in rows], total

    def figure_ids(self, filters: Filters, *, superseded: bool = False) -> list[str]:
        """Every figure that matches the filters, by period (figures without one last), metric
        and id."""
        sql, parameters = _listing_sql("figure", filters, superseded=superseded)
        rows = self.db.execute(
            f"SELECT r.id {sql} ORDER BY r.label IS NULL, COALESCE(r.first, r.last, "
            "'0001-01-01'), COALESCE(r.last, '9999-12-31'), r.metric, r.id",
            parameters,
        )
        return [record_id for (record_id,) in rows]

    def matching(self, ids: Sequence[str], filters: Filters) -> set[str]:
        """Which of these records (of any type) match every filter."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS _matched(id TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM _matched")
        self.db.executemany("INSERT OR IGNORE INTO _matched VALUES (?)", ((i,) for i in ids))
        found: set[str] = set()
        for record_type in records.SEARCHED_TYPES:
            sql, parameters = _listing_sql(record_type, filters, superseded=True)
            found |= set(self.ids(f"SELECT r.id {sql} AND r.id IN temp._matched", parameters))
        return found

    def first_figure_ids(
        self,
        window: Period | None,
        metrics: Sequence[str],
        limit: int | None,
        *,
        superseded: bool = False,
        source: str | None = None,
    ) -> tuple[list[str], int]:
        """Figures of these metrics (citing this source, if any) whose period could fall in the
        window, in the order a trade answer shows them: those for exactly the window first, then
        by where their period starts and ends (an open end sorting as far as it reaches), metric
        (in the order given), basis and id. The first `limit` of them (None: all), and how many
        there are: chosen and counted in the index, without reading any figure."""
        if not metrics:
            return [], 0
        from pakru.domain.filters import Filters

        sql, parameters = _listing_sql(
            "figure", Filters(window=window), metrics, superseded=superseded, source=source
        )
        rank = " ".join(f"WHEN ? THEN {i}" for i in range(len(metrics)))
        return self._page(
            f"SELECT DISTINCT r.id, r.first, r.last, r.metric, r.label, r.basis {sql}",
            parameters,
            "label IS NOT ?, COALESCE(first, last, '0001-01-01'), COALESCE(last, '9999-12-31'), "
            f"CASE metric {rank} END, basis, id",
            (str(window) if window else None, *metrics),
            limit,
        )

    def search_ids(
        self, terms: Sequence[IndexTerm], types: Sequence[str] | None, limit: int | None
    ) -> tuple[list[tuple[str, int]], int]:
        """The records (of these types) that have every term, best first, as (id, score): the
        first `limit` of them (None: all); and how many there are.

        A term weighs 3 where a record's heavy column has it, else 2 where its middle one does,
        else 1 (`pakru.domain.search.index_columns` says which texts go where); a record scores
        the sum. Records of one score come in index order (record type, then id: `search_span`).
        Up to three terms, a page of some of the matches is read a score at a time, best first,
        so that no more records are read than it holds. Past three terms (the kinds of score are
        then too many to ask for one by one), or for every match (one query then costs less than
        one per score), every match is scored at once and sorted."""
        if not terms:
            return [], 0
        span = _type_span(types)
        every = " AND ".join(_fts(term) for term in terms)
        (total,) = self.db.execute(
            f"SELECT COUNT(*) FROM fts WHERE fts MATCH ? {span}", (every,)
        ).fetchone()
        wanted = total if limit is None else min(limit, total)
        if wanted == 0:
            return [], total
        places: list[tuple[int, int]] = []
        if len(terms) > 3 or wanted == total:
            places = self._scored(terms, every, span, wanted)
        else:
            for score, level in _score_levels(terms):
                places += [
                    (place, score)
                    for (place,) in self.db.execute(
                        f"SELECT rowid FROM fts WHERE fts MATCH ? {span} ORDER BY rowid LIMIT ?",
                        (level, _sql_limit(wanted - len(places))),
                    )
                ]
                if len(places) >= wanted:
                    break
        found: dict[int, str] = dict(
            self._in("SELECT pos, id FROM search WHERE pos IN ({})", [p for p, _ in places])
        )
        return [(found[place], score) for place, score in places], total

    def _scored(
        self, terms: Sequence[IndexTerm], every: str, span: str, wanted: int
    ) -> list[tuple[int, int]]:
        """The best `wanted` matches as (place, score), every match scored in one query: a term
        weighs that of the heaviest columns that have it."""
        *heavier, (light, _) = _weighed_columns()
        weights = [
            "(CASE "
            + " ".join(
                f"WHEN rowid IN (SELECT rowid FROM fts WHERE fts MATCH ? {span}) THEN {weight}"
                for weight, _ in heavier
            )
            + f" ELSE {light} END)"
            for _ in terms
        ]
        found = [f"{columns} : {_fts(term)}" for term in terms for _, columns in heavier]
        rows = self.db.execute(
            f"SELECT rowid, {' + '.join(weights)} AS score FROM fts WHERE fts MATCH ? {span} "
            "ORDER BY score DESC, rowid LIMIT ?",
            (*found, every, wanted),
        )
        return [(place, score) for place, score in rows]

    def referring_ids(self, target: str) -> list[str]:
        # Naming every kind lets SQLite use the (wanted, target) index instead of reading refs.
        return self.ids(
            f"SELECT DISTINCT record FROM refs WHERE wanted IN ({KINDS_SQL}) AND target = ?",
            (target,),
        )

    def superseded_among(self, ids: Sequence[str]) -> set[str]:
        """Which of these records a later report supersedes."""
        rows = self._in(
            f"SELECT DISTINCT target FROM refs WHERE wanted IN ({KINDS_SQL}) "
            f"AND target IN ({{}}) AND field LIKE '{SUPERSEDES_FIELD}'",
            list(ids),
        )
        return {target for (target,) in rows}

    def history_ids(self, record_id: str) -> list[str]:
        """Every report in a record's chain of supersession, earlier and later, itself included."""
        seen = {record_id}
        frontier = [record_id]
        while frontier:
            earlier = self._in(
                "SELECT target FROM refs WHERE record IN ({}) "
                f"AND field LIKE '{SUPERSEDES_FIELD}'",
                frontier,
            )
            later = self._in(
                f"SELECT record FROM refs WHERE wanted IN ({KINDS_SQL}) AND target IN ({{}}) "
                f"AND field LIKE '{SUPERSEDES_FIELD}'",
                frontier,
            )
            frontier = [i for (i,) in [*earlier, *later] if i not in seen]
            seen.update(frontier)
        return sorted(seen)

    def actors_named(self, folded: str) -> list[str]:
        return self.ids("SELECT DISTINCT actor FROM names WHERE folded = ?", (folded,))

    def counts(self, wanted: str) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT target, COUNT(DISTINCT record) FROM refs WHERE wanted = ? GROUP BY target",
            (wanted,),
        )
        return {target: count for target, count in rows}

    def counts_by_start(self, types: Sequence[str]) -> list[tuple[str, str | None, int]]:
        """How many records of each type start in each year: (type, year as YYYY or None when
        undated, count), a type and year possibly in several rows. A record starts where its
        date, period or publication does; one open at its start, where it ends (as timelines
        place it). The (type, first) index is walked a year at a time, one range counted per
        year that has records: on 100,000 facts a quarter of the time of grouping them all."""
        rows: list[tuple[str, str | None, int]] = []
        for kind in types:
            (year,) = self.db.execute(
                "SELECT substr(MIN(first), 1, 4) FROM _records WHERE type = ?", (kind,)
            ).fetchone()
            while year is not None:
                # Every day of a year sorts between "YYYY-" and "YYYY." ("." follows "-").
                (count,) = self.db.execute(
                    "SELECT COUNT(*) FROM _records WHERE type = ? AND first >= ? AND first < ?",
                    (kind, f"{year}-", f"{year}."),
                ).fetchone()
                rows.append((kind, year, count))
                (year,) = self.db.execute(
                    "SELECT substr(MIN(first), 1, 4) FROM _records WHERE type = ? AND first >= ?",
                    (kind, f"{year}."),
                ).fetchone()
            rows += self.db.execute(
                "SELECT type, substr(last, 1, 4), COUNT(*) FROM _records "
                "WHERE type = ? AND first IS NULL GROUP BY 2",
                (kind,),
            ).fetchall()
        return rows

    def topic_counts_by_type(
        self, topics: Sequence[str], types: Sequence[str]
    ) -> list[tuple[str, str, int]]:
        """How many records of each type carry each topic: (topic id, record type, count).
        Counted in the full-text index, which holds a record's topics as tokens and each record
        type in a span of its own: joining the topics' references to the records' types reads
        every reference and costs fifteen times as long."""
        from pakru.domain.search import topic_token

        rows = []
        for kind in types:
            span = _type_span([kind])
            for topic in topics:
                (count,) = self.db.execute(
                    f"SELECT COUNT(*) FROM fts WHERE fts MATCH ? {span}",
                    (f'"{topic_token(topic)}"',),
                ).fetchone()
                rows.append((topic, kind, count))
        return rows

    def titled_ids(self, record_type: str, topic: str, word: str) -> list[str]:
        """Ids of records of a type, on a topic, with a word starting with `word` in their
        title, name or subject (the index's heavy column)."""
        from pakru.domain.search import index_words, topic_token

        words = " + ".join(f'"{w}"*' for w in index_words(word))
        rows = self.db.execute(
            "SELECT s.id FROM search s JOIN (SELECT rowid AS place FROM fts "
            f"WHERE fts MATCH ? {_type_span([record_type])}) m ON s.pos = m.place ORDER BY s.pos",
            (f'(heavy : {words}) AND "{topic_token(topic)}"',),
        )
        return [record_id for (record_id,) in rows]

    def earliest_start(self, record_type: str, metrics: Sequence[str]) -> str | None:
        """The first day (ISO) on which any record of this type and these metrics starts."""
        marks = ",".join("?" * len(metrics))
        (first,) = self.db.execute(
            f"SELECT MIN(first) FROM _records WHERE type = ? AND metric IN ({marks})",
            (record_type, *metrics),
        ).fetchone()
        return str(first) if first is not None else None

    def fiscal_years_with(self, metric: str, basis: str) -> set[int]:
        """The fiscal years (by the calendar year they start in) for which a figure of this
        metric and basis covers exactly the year, 1 July to 30 June, however it is written."""
        # No DISTINCT: with it SQLite reads every figure in date order instead of this metric's.
        rows = self.db.execute(
            "SELECT first FROM _records WHERE type = 'figure' AND metric = ? AND basis = ? "
            "AND substr(first, 6) = '07-01' AND last = date(first, '+1 year', '-1 day')",
            (metric, basis),
        )
        return {int(first[:4]) for (first,) in rows}

    def derived(
        self,
        window: Period | None,
        metrics: Sequence[str] = (),
        limit: int | None = None,
    ) -> tuple[list[Any], int]:
        """Derived figures (of these metrics, if any are named) whose period overlaps the window,
        by period, metric (as records.DERIVED_TRADE_METRICS orders them) and id (an order that
        does not depend on which edits re-derived which
        rows, so an updated store answers as a fresh build does): the first `limit` (None: all),
        and how many there are."""
        where, parameters = ["owner IS NULL"], []
        if window is not None:
            for condition, values in _in_window(window, "derived"):
                where.append(condition)
                parameters += values
        if metrics:
            where.append(f"metric IN ({','.join('?' * len(metrics))})")
            parameters += metrics
        condition = " AND ".join(where)
        (count,) = self.db.execute(
            f"SELECT COUNT(*) FROM derived WHERE {condition}", parameters
        ).fetchone()
        if limit == 0 or count == 0:
            return [], count
        rank = " ".join(f"WHEN ? THEN {i}" for i in range(len(records.DERIVED_TRADE_METRICS)))
        found = self.db.execute(
            f"SELECT {rows.DERIVED_COLUMNS} FROM derived WHERE {condition} "
            f"ORDER BY first, last, CASE metric {rank} END, id LIMIT ?",
            (*parameters, *records.DERIVED_TRADE_METRICS, _sql_limit(limit)),
        ).fetchall()
        return rows.derived_of(self.db, found), count

    def checks(
        self, ids: Iterable[str] | None = None, *, conflicts_only: bool = False
    ) -> list[Any]:
        """Checks between figures: all of them, or those involving any of these ids."""
        return self.first_checks(ids, conflicts_only=conflicts_only)[0]

    def first_checks(
        self,
        ids: Iterable[str] | None = None,
        *,
        conflicts_only: bool = False,
        limit: int | None = None,
    ) -> tuple[list[Any], int]:
        """Checks between figures (all of them, or those involving any of these ids), by period
        and figures: the first `limit` (None: all), and how many there are. Only the checks
        returned are read and made."""
        where: list[str] = ["1"]
        parameters: list[Any] = []
        if conflicts_only:
            where.append("agrees = 0")
        if ids is not None:
            # However many ids there are, they are one table to SQLite (a list of parameters has
            # a limit); a temporary table lives beside the store, which stays read-only.
            self.db.execute("CREATE TEMP TABLE IF NOT EXISTS asked(id TEXT PRIMARY KEY)")
            self.db.execute("DELETE FROM asked")
            self.db.executemany("INSERT OR IGNORE INTO asked VALUES (?)", ((i,) for i in ids))
            where.append("(a IN (SELECT id FROM asked) OR b IN (SELECT id FROM asked))")
        condition = " AND ".join(where)
        (count,) = self.db.execute(
            f"SELECT COUNT(*) FROM checks WHERE {condition}", parameters
        ).fetchone()
        if limit == 0 or count == 0:
            return [], count
        # By period and figures, then what they say (two checks of the same figures are of two
        # kinds), not by row: an update rewrites the checks of what it touched, and an updated
        # store must list them as a fresh build does. (A NULL period sorts first, as the empty
        # text it stands for.)
        found = self.db.execute(
            f"SELECT rowid, {rows.CHECK_COLUMNS} FROM checks WHERE {condition} "
            "ORDER BY COALESCE(first, ''), COALESCE(last, ''), a, b, kind, reason LIMIT ?",
            (*parameters, _sql_limit(limit)),
        ).fetchall()
        return rows.checks_of(self.db, found), count


def _in_window(window: Period, table: str) -> list[tuple[str, list[str]]]:
    """The conditions (with their parameters) under which a row of `table` with a `first` and a
    `last` day (None for an open end) could fall in the window: the one rule for listings and
    derived figures. An undated row is in no window; an open end reaches as far as it can."""
    dated = f"({table}.first IS NOT NULL OR {table}.last IS NOT NULL)"
    conditions: list[tuple[str, list[str]]] = [(dated, [])]
    if window.last is not None:
        conditions.append(
            (f"({table}.first IS NULL OR {table}.first <= ?)", [window.last.isoformat()])
        )
    if window.first is not None:  # as _records_reach holds it, a range in that index
        conditions.append(
            (f"COALESCE({table}.last, '9999-12-31') >= ?", [window.first.isoformat()])
        )
    return conditions


def _listing_sql(
    record_type: str,
    filters: Filters,
    metrics: Sequence[str] = (),
    *,
    superseded: bool = False,
    source: str | None = None,
) -> tuple[str, list[Any]]:
    """The FROM and WHERE of the records of a type that match every filter (of these metrics,
    if any are named instead of the filter's; citing `source`, given by id instead of the
    filter's), and its parameters: each filter decided here, over the compiled store's typed
    columns, and nowhere else. A record without the field a filter reads does not match it:
    `kind` keeps agreements only, `place` no figure. A record that a later report supersedes is
    left out unless `superseded`."""
    table = rows.TABLE_OF_TYPE[record_type]
    columns = rows.COLUMNS[table]
    dated = record_type in records.FACT_TYPES
    where = ["r.type = ?"]
    parameters: list[Any] = [record_type]

    def check(applies: bool, condition: str, *values: Any) -> None:
        where.append(condition if applies else "0")
        parameters.extend(values if applies else ())

    if filters.window is not None:
        for condition, values in _in_window(filters.window, "r"):
            check(dated, condition, *values)
    if filters.topic is not None:
        check(
            dated,
            "r.id IN (SELECT record_id FROM record_topics WHERE record_type = ? AND topic_id = ?)",
            record_type,
            filters.topic.id,
        )
    if filters.actor is not None:  # an event's actors, an agreement's parties
        links = [
            c for c in rows.CHILDREN[record_type] if c in ("event_actors", "agreement_parties")
        ]
        link = links[0] if links else "event_actors"
        check(
            bool(links),
            f"r.id IN (SELECT {rows.KEY_OF_CHILD[link]} FROM {link} WHERE actor_id = ?)",
            filters.actor.id,
        )
    cited = source if source is not None else filters.source.id if filters.source else None
    if cited is not None:  # among the record's own citations (not an actor's roles')
        check(
            "citations" in rows.CHILDREN[record_type],
            "r.id IN (SELECT record_id FROM citations WHERE record_type = ? AND source = ? "
            "AND role_position IS NULL)",
            record_type,
            cited,
        )
    if filters.status is not None:
        check(
            "status" in columns,
            f"r.id IN (SELECT id FROM {table} WHERE status = ?)",
            filters.status,
        )
    if filters.kind is not None:
        check(
            table == "agreements",
            "r.id IN (SELECT id FROM agreements WHERE kind = ?)",
            filters.kind,
        )
    if filters.place is not None:
        from pakru.domain.names import fold_name  # the place asked, folded as places are stored

        words = fold_name(filters.place).split()
        check("place" in columns, "r.place IS NOT NULL")
        for word in words:
            check("place" in columns, "instr(' ' || r.place, ?) > 0", f" {word}")
    figure = table == "figures"
    chosen = metrics or ((filters.metric,) if filters.metric is not None else ())
    if chosen:
        check(figure, f"r.metric IN ({','.join('?' * len(chosen))})", *chosen)
    if filters.unit is not None:
        check(figure, "r.id IN (SELECT id FROM figures WHERE unit = ?)", filters.unit)
    if filters.basis is not None:
        check(figure, "r.basis = ?", filters.basis)
    if not superseded:
        # The few superseded ids are gathered once (refs_supersedes), not looked up per record.
        where.append(
            "r.id NOT IN (SELECT target FROM refs WHERE wanted = ? AND target IS NOT NULL "
            f"AND field LIKE '{SUPERSEDES_FIELD}')"
        )
        parameters.append(records.KIND_OF_TYPE[record_type])
    return "FROM _records r WHERE " + " AND ".join(where), parameters


def _sql_limit(limit: int | None) -> int:
    """A LIMIT for SQLite, which reads a negative one as none and holds at most 64 bits."""
    return -1 if limit is None or limit >= 2**63 else limit


def _type_span(types: Sequence[str] | None) -> str:
    """The condition that keeps matches to these record types (their spans of places)."""
    if types is None:
        return ""
    spans = [f"rowid BETWEEN {low} AND {high - 1}" for low, high in (search_span(t) for t in types)]
    return "AND (" + " OR ".join(spans) + ")"


def _fts(term: IndexTerm) -> str:
    """An FTS5 query for a term: its words in a row, each the start of a word, or a topic."""
    words = " + ".join(f'"{word}"*' for word in term.words)
    topics = "".join(f' OR "{token}"' for token in term.topics)
    return f"({words}{topics})"


# The index's columns as the schema names them, in the order of `index_columns`: heaviest first.
_INDEX_COLUMNS = ("heavy", "middle", "light")


def _weighed_columns() -> list[tuple[int, str | None]]:
    """Each weight a term can have in a record, heaviest first, with the FTS5 filter of the
    columns it must be found in to weigh at least that much (None: in any)."""
    from pakru.domain.search import INDEX_WEIGHTS

    filters = ["{" + " ".join(_INDEX_COLUMNS[: n + 1]) + "}" for n in range(len(_INDEX_COLUMNS))]
    return [
        (weight, None if n == len(filters) - 1 else filters[n])
        for n, weight in enumerate(INDEX_WEIGHTS)
    ]


def _score_levels(terms: Sequence[IndexTerm]) -> list[tuple[int, str]]:
    """Each score a record can have, best first, with an FTS5 query for the records that score
    it: those whose terms weigh that much in all."""
    levels: dict[int, list[str]] = {}
    for weights in product(*(_weighing(term) for term in terms)):
        found = " AND ".join(f"({query})" for _, query in weights)
        levels.setdefault(sum(weight for weight, _ in weights), []).append(f"({found})")
    return [(score, " OR ".join(levels[score])) for score in sorted(levels, reverse=True)]


def _weighing(term: IndexTerm) -> list[tuple[int, str]]:
    """Each weight a term can have in a record, with an FTS5 query for the records in which it
    weighs that much: found in that weight's columns and not in the heavier ones'."""
    found = _fts(term)
    weighing = []
    heavier: str | None = None  # the columns of all heavier weights, as each holds the one before
    for weight, columns in _weighed_columns():
        here = found if columns is None else f"({columns} : {found})"
        weighing.append((weight, here if heavier is None else f"{here} NOT {heavier}"))
        heavier = here
    return weighing


def _store(found: Iterable[Record]) -> FactStore:
    grouped: dict[str, list[Record]] = {kind: [] for kind in KINDS}
    for record in found:
        grouped[records.KIND_OF_TYPE[record.record_type]].append(record)
    return FactStore(**{kind: tuple(items) for kind, items in grouped.items()})  # type: ignore[arg-type]
