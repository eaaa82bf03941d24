"""Building the compiled store: files read into its tables, and the checks across records.

`pakru.store.compiled` opens a compiled store and answers from it; this module is imported only when
something has to be read: a first build, files that changed, or `pakru check`. Files are read and
validated by `pakru.store.load`, a large batch of them in one process per core, and turned into rows
for each table where they are read. Checks that span records (unique ids, references, dates against
sources) run in SQL, over the whole store on a full build and over what a change can affect on an
update; figures derived from others, and the checks between figures, are computed here too.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from pakru.domain import records
from pakru.domain.errors import Problem, shown
from pakru.domain.records import Figure, Record
from pakru.domain.search import index_columns
from pakru.domain.types import Period
from pakru.store.layout import StoreFile, fingerprints, stray_files
from pakru.store.rows import (
    CHECK_COLUMNS,
    DERIVED_COLUMNS,
    check_row,
    delete_sql,
    derived_row,
    insert_sql,
    rows_of,
    tables_of,
    vocabulary_rows,
)
from pakru.store.rows import read as read_rows
from pakru.store.rows import read_all as read_all_of
from pakru.store.schema import (
    CHECK_INDEXES,
    FORMAT,
    INDEXES,
    KINDS_SQL,
    chunks,
    code_key,
    iso,
    search_span,
)


class Tables(NamedTuple):
    """One file's rows for each table of the compiled store, ready to insert (records without
    their rowid; the full-text index's columns by the index of their record)."""

    file: tuple[str, str, int | None, int | None, int | None, int]
    problems: list[tuple[str, int | None, str, str]]
    ids: list[tuple[str, int, str, str | None, str, int | None, int]]
    records: list[tuple[Any, ...]]
    rows: dict[str, list[tuple[Any, ...]]]  # the records' own tables' rows, by table
    texts: list[tuple[int, tuple[str, str, str]]]
    refs: list[tuple[str, str, str, int | None, str, str]]
    reported: list[tuple[str, str, str, int | None, str | None, str]]
    names: list[tuple[str, str, str]]


class Unindexed(NamedTuple):
    """A record read, and its columns for the full-text index, not yet given a place there."""

    type: str
    id: str
    file: str
    columns: tuple[str, str, str]


class IndexFull(sqlite3.DatabaseError):
    """No place is left in the full-text index between two records: a rebuild spreads them out
    again (an edit rolls back, and the store is compiled afresh)."""


# A full build spreads each record type's records over its span of places (search_span) at this
# distance, leaving room for 32 records added between two of them, or 2**24 after the last,
# before a rebuild.
_INDEX_GAP = 1 << 32


class Kept(NamedTuple):
    """What building and checking need of the files read, beyond the tables: the figures (for
    derived figures and checks; not kept by a check), and the sources and citations (for
    checking quotes; kept only when quotes are to be checked)."""

    figures: list[Figure]
    sources: list[Any]  # pakru.store.load.Row, with the lines of its fields
    citations: list[tuple[str, int | None, str, Any]]  # (file, line, field, Citation)
    cited: Counter[str]  # citations by kind (quote, says), counted by a check


class Read(NamedTuple):
    """One file, read: what goes into the compiled store, and what is kept besides."""

    tables: Tables
    kept: Kept


# Below this much YAML, starting processes costs more than it saves.
PARALLEL_BYTES = 2_000_000
# Past this many workers, this process (which inserts what they read) is the bottleneck.
MAX_WORKERS = 8


def read_all(
    files: Sequence[StoreFile], *, only_check: bool = False, quotes: bool = False
) -> Iterator[Read]:
    """Read and validate files, in order: a large batch in one process per core, since parsing YAML
    is most of the work; here when there is one core, little to read, or processes cannot start."""
    big = sum(f.fingerprint[0] for f in files) >= PARALLEL_BYTES
    workers = min(_cores(), len(files), MAX_WORKERS) if big else 1
    done = 0
    if workers > 1 and len(files) > 1:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool
        from itertools import repeat

        try:
            pool = ProcessPoolExecutor(
                workers,
                mp_context=_process_context(),
                initializer=_worker_start,
                initargs=(os.getpid(),),
            )
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


def _worker_start(parent: int) -> None:
    """A worker leaves Ctrl-C to the process that started it (which stops the build and says
    so), and dies with it: killed with -9, it would otherwise leave workers reading on for ever."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        import ctypes

        set_parent_death_signal = 1  # PR_SET_PDEATHSIG
        ctypes.CDLL(None).prctl(set_parent_death_signal, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _process_context() -> Any:
    import multiprocessing

    # Forked workers start at once, with pakru already imported; elsewhere, the platform's way.
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def read_one(file: StoreFile, only_check: bool = False, quotes: bool = False) -> Read:
    """One file read and validated, as rows for the compiled store's tables (in a worker process
    when many files are read at once: what it returns is cheap to send back)."""
    from pakru.domain.names import fold_name
    from pakru.store.load import read_file  # YAML and pydantic: only when something changed

    result = read_file(file)
    name = file.name
    # A file that could not be read keeps no fingerprint, so that it is read again next time: a
    # file made readable again (chmod) keeps its size and modification time.
    size, mtime, ctime = file.fingerprint if result.readable else (None, None, None)
    kept = Kept([], [], [], Counter())
    tables = Tables(
        (name, file.kind, size, mtime, ctime, int(result.readable)),
        [(p.file, p.line, p.field, p.message) for p in result.problems],
        [
            (i, int(kind == "topics"), kind, sub, name, line, position)
            for i, kind, line, sub, position in result.ids
        ],
        [],
        {},
        [],
        [],
        [],
        [],
    )
    for index, row in enumerate(result.rows):
        record = row.record
        crc = None
        first, last, metric, label, basis = _index_columns(record)
        where = getattr(record, "place", None)
        place = " ".join(fold_name(where).split()) if where else None
        if not only_check:  # a check keeps no records: nothing is answered from what it compiles
            indexed = (record.id, record.record_type, first, last, metric, label, basis, place)
            own, crc = rows_of(record, indexed)
            for table, made in own.items():
                tables.rows.setdefault(table, []).extend(made)
        tables.records.append(
            (record.id, record.record_type, name, row.position, row.line)
            + (first, last, metric, label, basis, place, crc)
        )
        if not only_check and record.record_type != "topic":
            tables.texts.append((index, index_columns(record)))
        tables.refs.extend((r.record, name, r.field, r.line, r.target, r.wanted) for r in row.refs)
        if row.reported is not None:
            field, line, period = row.reported
            tables.reported.append((record.id, name, field, line, iso(period.first), str(period)))
        if isinstance(record, records.Actor) and not only_check:
            spellings = (*record.names, record.id.replace("-", " "))
            tables.names.extend((fold_name(n), record.id, name) for n in spellings)
        if isinstance(record, Figure) and not only_check:
            kept.figures.append(record)
        elif isinstance(record, records.Source) and quotes:
            kept.sources.append(row)
        if quotes:
            kept.citations.extend((name, line, field, c) for field, line, c in row.citations)
        if only_check:
            kept.cited.update(c.kind for _, _, c in row.citations)
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
        self.unindexed: list[Unindexed] = []  # records read, not yet in the full-text index

    def sync(self, files: Sequence[StoreFile], *, full: bool) -> Kept:
        """Read what changed; return what `pakru check` checks quotes with."""
        db = self.db
        meta = dict(db.execute("SELECT key, value FROM _meta").fetchall())
        was_valid = meta.get("valid") == "1" and not full
        present = {f.name for f in files}
        known = {
            name: (size, mtime, ctime)
            for name, size, mtime, ctime in db.execute("SELECT name, size, mtime, ctime FROM files")
        }
        changed = [f for f in files if known.get(f.name) != f.fingerprint]
        changed += self._sharing_ids(files, changed, [n for n in known if n not in present])
        recorded = _settled(files, {f.name for f in changed})
        racy = {f.name for f in recorded if f.fingerprint[1] == RACY}
        gone = [name for name in known if name not in present]
        touched = [f.name for f in changed] + gone
        window = self._figure_span(touched)
        old_ids = self._ids_in(touched)
        old_numbers = self._figure_numbers(touched)
        freed = self._forget(touched)
        kept = Kept([], [], [], Counter())
        for read in read_all(changed, only_check=self.only_check, quotes=self.quotes):
            if read.tables.file[0] in racy:
                name, kind, size, _, ctime, readable = read.tables.file
                read = read._replace(
                    tables=read.tables._replace(file=(name, kind, size, RACY, ctime, readable))
                )
            self._insert(read.tables)
            kept.figures.extend(read.kept.figures)
            kept.sources.extend(read.kept.sources)
            kept.citations.extend(read.kept.citations)
            kept.cited.update(read.kept.cited)
        self._index(freed, full)
        if full:
            for table, rows in vocabulary_rows().items():
                db.executemany(insert_sql(table), rows)
            # (not executescript: it would commit the transaction a rebuild runs in)
            indexes = CHECK_INDEXES if self.only_check else INDEXES
            for statement in indexes.strip().split(";\n"):
                db.execute(statement)
        db.executemany(
            "UPDATE files SET ord = ? WHERE name = ?",
            [(order, file.name) for order, file in enumerate(files)],
        )
        window = _widen(window, self._figure_span([f.name for f in changed]))
        top_problems = stray_files(self.root)
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
        unread = db.execute("SELECT 1 FROM files WHERE readable = 0 LIMIT 1").fetchone()
        self._set_meta(valid, None if unread else recorded)
        return kept

    def _set_meta(self, valid: bool, files: Sequence[StoreFile] | None) -> None:
        """`files`: None when some could not be read: no list of files reads "unread", so the next
        reader updates the store, and reads them again."""
        values = {
            "format": FORMAT,
            **code_key(),
            "root": str(self.root.resolve()),
            "valid": "1" if valid else "0",
            "complete": "1",
            # what a reader compares the store's files with
            "files": "unread" if files is None else fingerprints(files),
        }
        self.db.executemany("INSERT OR REPLACE INTO _meta VALUES (?, ?)", values.items())

    def _sharing_ids(
        self, files: Sequence[StoreFile], changed: Sequence[StoreFile], gone: Sequence[str]
    ) -> list[StoreFile]:
        """The files, not among those changed, that define an id one of those (or one gone)
        defines, and so on: a record's rows are kept once per id (the store has a problem until
        one is left), so that every file defining it is read again when one of them changes."""
        names = {f.name for f in changed} | set(gone)
        frontier = set(names)
        while frontier:
            found: set[str] = set()
            for chunk in chunks(sorted(self._ids_in(sorted(frontier)))):
                marks = ",".join("?" * len(chunk))
                found |= {
                    file
                    for (file,) in self.db.execute(
                        f"SELECT DISTINCT file FROM ids WHERE topic IN (0, 1) AND id IN ({marks})",
                        chunk,
                    )
                }
            frontier = found - names
            names |= frontier
        was_changed = {f.name for f in changed}
        return [f for f in files if f.name in names and f.name not in was_changed]

    def _ids_in(self, files: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunks(files):
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
        for chunk in chunks(files):
            marks = ",".join("?" * len(chunk))
            for _, figure in read_rows(self.db, "figure", f"r.file IN ({marks})", chunk):
                ignored = ("note", "date_note", "topics")
                kept = [(n, getattr(figure, n)) for n in figure.fields if n not in ignored]
                numbers.append(repr(kept))
        return sorted(numbers)

    def _figure_span(self, files: Sequence[str]) -> tuple[str, str] | None:
        """The first and last day of the figures in these files, to re-check what is near them."""
        span = None
        for chunk in chunks(files):
            marks = ",".join("?" * len(chunk))
            low, high = self.db.execute(
                f"SELECT MIN(COALESCE(first, last)), MAX(COALESCE(last, first)) FROM _records "
                f"WHERE type = 'figure' AND file IN ({marks})",
                chunk,
            ).fetchone()
            if low is not None or high is not None:
                span = _widen(span, (low or "0001-01-01", high or "9999-12-31"))
        return span

    def _forget(self, files: Sequence[str]) -> dict[tuple[str, str], list[int]]:
        """Remove what these files put in the store; return the places in the full-text index
        their records had, by type and id, for the records read again to take back."""
        db = self.db
        freed: dict[tuple[str, str], list[int]] = {}
        for chunk in chunks(files):
            marks = ",".join("?" * len(chunk))
            for record_type, record_id, position in db.execute(
                f"SELECT type, id, pos FROM search WHERE file IN ({marks}) ORDER BY pos", chunk
            ):
                freed.setdefault((record_type, record_id), []).append(position)
            db.execute(
                f"DELETE FROM fts WHERE rowid IN (SELECT pos FROM search WHERE file IN ({marks}))",
                chunk,
            )
            db.execute(f"DELETE FROM search WHERE file IN ({marks})", chunk)
            for record_type in records.RECORD_CLASSES:
                selection = f"SELECT id FROM _records WHERE type = ? AND file IN ({marks})"
                for table in tables_of(record_type):
                    sql = delete_sql(record_type, table, selection)
                    shared = [record_type] if "record_type = ?" in sql else []
                    db.execute(sql, [*shared, record_type, *chunk])
            for table in ("_records", "ids", "refs", "reported", "names", "file_problems"):
                db.execute(f"DELETE FROM {table} WHERE file IN ({marks})", chunk)
            db.execute(f"DELETE FROM files WHERE name IN ({marks})", chunk)
        return freed

    def _insert(self, tables: Tables) -> None:
        db = self.db
        db.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, 0)", tables.file)
        db.executemany("INSERT INTO file_problems VALUES (?, ?, ?, ?)", tables.problems)
        db.executemany("INSERT INTO ids VALUES (?, ?, ?, ?, ?, ?, ?)", tables.ids)
        db.executemany(
            "INSERT INTO _records(id, type, file, position, line, first, last, metric, label, "
            "basis, place, crc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            tables.records,
        )
        for table, rows in tables.rows.items():
            db.executemany(insert_sql(table), rows)
        name = tables.file[0]
        for index, columns in tables.texts:
            record_id, record_type = tables.records[index][:2]
            self.unindexed.append(Unindexed(record_type, record_id, name, columns))
        db.executemany("INSERT INTO refs VALUES (?, ?, ?, ?, ?, ?)", tables.refs)
        db.executemany("INSERT INTO reported VALUES (?, ?, ?, ?, ?, ?)", tables.reported)
        db.executemany("INSERT INTO names VALUES (?, ?, ?)", tables.names)

    # --- the full-text index ---

    def _index(self, freed: dict[tuple[str, str], list[int]], full: bool) -> None:
        """Put the records read into the full-text index, each at its place in search order
        (record type, then id; see `pakru.store.compiled.Compiled.search_ids`): on a full build,
        places spread evenly; after an edit, the place a record had if it was there before, else one
        between its neighbours. With no place left between them, `IndexFull` is raised and the
        compiled store rebuilt."""
        unindexed, self.unindexed = self.unindexed, []
        if full:
            starts = {u.type: search_span(u.type)[0] for u in unindexed}
            unindexed.sort(key=lambda u: (starts[u.type], u.id))  # stable: file order for a tie
            counts = dict.fromkeys(starts, 0)
            rows = []
            for u in unindexed:
                counts[u.type] += 1
                rows.append((starts[u.type] + counts[u.type] * _INDEX_GAP, u))
            self.db.executemany(
                "INSERT INTO search VALUES (?, ?, ?, ?)",
                [(place, u.type, u.id, u.file) for place, u in rows],
            )
        else:  # records back in their old places first: new ones are placed among them
            back = [u for u in unindexed if freed.get((u.type, u.id))]
            new = [u for u in unindexed if not freed.get((u.type, u.id))]
            rows = [(self._place(u, freed), u) for u in back + new]
        self.db.executemany(
            "INSERT INTO fts(rowid, heavy, middle, light) VALUES (?, ?, ?, ?)",
            [(position, *u.columns) for position, u in rows],
        )

    def _place(self, record: Unindexed, freed: dict[tuple[str, str], list[int]]) -> int:
        """The record's place in search order, taken in the table of places."""
        taken_back = freed.get((record.type, record.id))
        place = taken_back.pop(0) if taken_back else self._free_place(record)
        self.db.execute(
            "INSERT INTO search VALUES (?, ?, ?, ?)", (place, record.type, record.id, record.file)
        )
        return place

    def _free_place(self, record: Unindexed) -> int:
        low, high = search_span(record.type)
        (before,) = self.db.execute(
            "SELECT MAX(pos) FROM search WHERE type = ? AND id <= ?", (record.type, record.id)
        ).fetchone()
        (after,) = self.db.execute(
            "SELECT MIN(pos) FROM search WHERE type = ? AND id > ?", (record.type, record.id)
        ).fetchone()
        if after is None:  # the last of its type, the usual case: a full gap after the one before
            place = (before or low) + _INDEX_GAP
        elif before is None:
            place = max(after - _INDEX_GAP, (low + after) // 2)
        else:
            place = (before + after) // 2
        if not (before or low) < place < (after or high):
            raise IndexFull(f"no place left in the full-text index for {record.id!r}")
        return place

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
            message = f"duplicate id {shown(record_id)} (first at {where})"
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
                    UNION SELECT rowid FROM refs WHERE wanted IN ({KINDS_SQL})
                        AND target IN (SELECT id FROM scope_ids))"""
            )
        )
        for file, line, field, target, wanted, found, subkind in dangling:
            if found == wanted:
                if field.endswith(".country") and subkind != "country":
                    problems.append(Problem(file, line, field, f"{shown(target)} is not a country"))
                continue
            if found is None and wanted in unreadable:
                continue  # it may be in the file that could not be read: no false alarm
            what = wanted.removesuffix("s")
            hint = f"; it is a {found.removesuffix('s')}" if found else ""
            problems.append(Problem(file, line, field, f"no {what} with id {shown(target)}{hint}"))
        late = db.execute(
            """
            SELECT p.file, p.line, p.field, p.notation, MAX(s.last)
            FROM reported p  -- CROSS JOIN: start from the reported dates, which may be few
            CROSS JOIN refs c ON c.record = p.record AND c.wanted = 'sources'
            JOIN _records s ON s.id = c.target AND s.type = 'source'
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
        from pakru.domain import consistency

        db = self.db
        if window is None:
            if known is None:
                known = [f for f in read_all_of(db, "figure") if isinstance(f, Figure)]
            figures = known
            db.execute("DELETE FROM derived")
            db.execute("DELETE FROM checks")
        else:
            start, end = _year_around(window)
            near = read_rows(
                db,
                "figure",
                "COALESCE(r.first, '0001-01-01') <= ? AND COALESCE(r.last, '9999-12-31') >= ?",
                (end, start),
            )
            figures = [
                f for _, f in sorted(near, key=lambda pair: pair[0]) if isinstance(f, Figure)
            ]
            inside = {f.id for f in figures}
            for table in ("derived", "checks"):
                column = "inputs" if table == "derived" else "figures"
                own = " AND owner IS NULL" if table == "derived" else ""  # (a check's go with it)
                stale = [
                    (rowid,)
                    for rowid, ids in db.execute(
                        f"SELECT rowid, {column} FROM {table} WHERE "
                        "COALESCE(first, '0001-01-01') <= ? AND COALESCE(last, '9999-12-31') >= ?"
                        + own,
                        (end, start),
                    )
                    if set(ids.split()) <= inside
                ]
                db.executemany(f"DELETE FROM {table} WHERE rowid = ?", stale)
                if table == "checks":
                    db.executemany("DELETE FROM derived WHERE owner = ?", stale)
        derived = consistency.derive(figures)
        insert_derived = f"INSERT INTO derived ({DERIVED_COLUMNS}, owner) VALUES ({'?, ' * 13}?)"
        db.executemany(insert_derived, [(*derived_row(d), None) for d in derived])
        insert_check = f"INSERT INTO checks ({CHECK_COLUMNS}) VALUES ({', '.join('?' * 12)})"
        for check in consistency.checks(figures, derived):
            owner = db.execute(insert_check, check_row(check)).lastrowid
            for side in (check.a, check.b):
                if isinstance(side, consistency.Derived):
                    db.execute(insert_derived, (*derived_row(side), owner))


# A file whose modification time is this close to the build (or later) may yet be changed again
# within the same tick of its file system's clock (2 s on FAT, 1 s on HFS+ and some network file
# systems, a few ms on ext4) and keep its size and time: git calls such an entry "racily clean".
# (Its change time is not watched so: only a tool that sets the time back, twice within a tick of
# a build, could keep that too.)
# Its time is kept as RACY, which no file has, so the next question reads it again, until it is
# old enough to be sure of.
RACY_NS = 2_000_000_000
RACY = -1


def _settled(files: Sequence[StoreFile], read: set[str]) -> list[StoreFile]:
    """The files as they are recorded: those read now that are too recent to be sure of marked
    RACY (a file not read now keeps what was recorded of it, being unchanged since)."""
    recent = time.time_ns() - RACY_NS
    return [
        f._replace(fingerprint=(f.fingerprint[0], RACY, f.fingerprint[2]))
        if f.name in read and f.fingerprint[1] >= recent
        else f
        for f in files
    ]


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
    return iso(period.first), iso(period.last), metric, str(period), basis
