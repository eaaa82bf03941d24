"""The SQLite export holds the whole store, opens with plain sqlite3, and never half-writes a file."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest

import pakru
from pakru.cli.options import default_facts_dir
from pakru.domain import records
from pakru.domain.errors import UsageError
from pakru.domain.records import FactStore
from pakru.store import export
from pakru.store.compiled import Compiled, compile_in_memory
from pakru.store.export import export_sqlite
from pakru.store.rows import insert_sql, rows_of, vocabulary_rows
from pakru.store.schema import TABLES
from tests.conftest import Invoke

TINY_DB, _ = compile_in_memory(Path(__file__).parent / "data" / "facts")
SHIPPED_DB, _ = compile_in_memory(default_facts_dir())
TINY, SHIPPED = TINY_DB.everything(), SHIPPED_DB.everything()


def compiled(store: FactStore) -> Compiled:
    """A store's compiled form: the shipped and tiny stores as pakru compiles them; a store
    made in a test, its records written as a build writes them."""
    known = {id(TINY): TINY_DB, id(SHIPPED): SHIPPED_DB}
    if id(store) in known:
        return known[id(store)]
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.executescript(TABLES)
    db.execute("INSERT INTO files(name, ord) VALUES ('made.yaml', 0)")
    for table, made in vocabulary_rows().items():
        db.executemany(insert_sql(table), made)
    for position, record in enumerate([*store.records(), *store.topics]):
        indexed = (record.id, record.record_type, None, None, None, None, None, None)
        tables, crc = rows_of(record, indexed)
        for table, made in tables.items():
            db.executemany(insert_sql(table), made)
        db.execute(
            "INSERT INTO _records(id, type, file, position, crc) VALUES (?, ?, 'made.yaml', ?, ?)",
            (record.id, record.record_type, position, crc),
        )
    return Compiled(db)


STORES = pytest.mark.parametrize("store", [TINY, SHIPPED], ids=["tiny", "shipped"])


@pytest.fixture(scope="module")
def shipped_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("shipped") / "pakru.db"
    export_sqlite(compiled(SHIPPED), path, fingerprint="tests")
    return str(path)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """The tiny store exported and opened."""
    path = tmp_path / "pakru.db"
    export_sqlite(compiled(TINY), path, fingerprint="tests")
    with open_db(path) as connection:
        yield connection


def open_db(path: Path) -> closing[sqlite3.Connection]:
    """Read-only, as a user's tool would open it, and closed after the `with`."""
    return closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True))


def citation_count(store: FactStore) -> int:
    """Every citation: each record's own, and those of each actor role."""
    own = [
        *(actor.sources for actor in store.actors),
        *(role.sources for actor in store.actors for role in actor.roles),
        *(event.sources for event in store.events),
        *(agreement.sources for agreement in store.agreements),
        *(figure.sources for figure in store.figures),
    ]
    return sum(len(citations) for citations in own)


@STORES
def test_row_counts_match_the_store(store: FactStore, tmp_path: Path) -> None:
    path = tmp_path / "pakru.db"
    counts = export_sqlite(compiled(store), path, fingerprint="tests")
    expected = {
        "sources": len(store.sources),
        "actors": len(store.actors),
        "actor_roles": sum(len(actor.roles) for actor in store.actors),
        "events": len(store.events),
        "agreements": len(store.agreements),
        "figures": len(store.figures),
        "topics": len(store.topics),
        "citations": citation_count(store),
        "event_actors": sum(len(set(event.actors)) for event in store.events),
        "agreement_parties": sum(len(set(a.parties)) for a in store.agreements),
    }
    with open_db(path) as connection:
        for table, count in expected.items():
            assert counts[table] == count, table
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone() == (count,)


@STORES
def test_every_foreign_key_resolves(store: FactStore, tmp_path: Path) -> None:
    path = tmp_path / "pakru.db"
    export_sqlite(compiled(store), path, fingerprint="tests")
    with open_db(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        declared = connection.execute(
            'SELECT "from", "table" FROM pragma_foreign_key_list(\'citations\') ORDER BY 1'
        ).fetchall()
    assert declared == [
        ("actor", "actors"),
        ("agreement", "agreements"),
        ("event", "events"),
        ("figure", "figures"),
        ("source", "sources"),
    ]


def test_a_citation_links_back_to_the_record_it_backs(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "SELECT record_type, record_id, actor, event, agreement, figure, source FROM citations "
        "WHERE record_id IN ('trade-total-2023-07-2024-05', 'ivan-petroff') AND position = 0 "
        "AND role_position IS NULL ORDER BY record_type"
    ).fetchall()
    assert rows == [
        ("actor", "ivan-petroff", "ivan-petroff", None, None, None, "gazette-2025-03-14"),
        (
            "figure",
            "trade-total-2023-07-2024-05",
            None,
            None,
            None,
            "trade-total-2023-07-2024-05",
            rows[1][-1],
        ),
    ]
    assert db.execute(
        "SELECT count(*) FROM citations JOIN figures ON figures.id = citations.figure"
    ).fetchone() == (sum(len(figure.sources) for figure in TINY.figures),)


def test_a_figure_keeps_its_exact_value_and_its_period(db: sqlite3.Connection) -> None:
    row = db.execute(
        "SELECT value, typeof(value), value_exact, unit, stated, period, period_start, period_end,"
        " year FROM figures WHERE id = 'trade-total-2023-07-2024-05'"
    ).fetchone()
    assert row == (
        1200000000,
        "integer",
        "1200000000",
        "USD",
        "$1.2 billion",
        "2023-07/2024-05",
        "2023-07-01",
        "2024-05-31",
        2023,
    )
    fiscal = db.execute(
        "SELECT id FROM figures WHERE period = 'FY2023-24' "
        "AND period_start = '2023-07-01' AND period_end = '2024-06-30' ORDER BY value"
    ).fetchall()
    assert [i for (i,) in fiscal] == [
        "exports-fy2023-24",
        "imports-fy2023-24",
        "trade-total-fy2023-24-bulletin",
        "trade-total-fy2023-24-gazette",
    ]


def test_decimal_text_is_exact_where_the_real_column_is_not(tmp_path: Path) -> None:
    figure = TINY.figures[0].replace(value=Decimal("1234567890123456789.50"))
    store = FactStore(
        sources=TINY.sources, actors=TINY.actors, topics=TINY.topics, figures=(figure,)
    )
    path = tmp_path / "pakru.db"
    export_sqlite(compiled(store), path, fingerprint="tests")
    with open_db(path) as connection:
        value, number = connection.execute("SELECT value_exact, value FROM figures").fetchone()
    assert value == "1234567890123456789.50"
    assert Decimal(value) == figure.value != Decimal(number)


def test_figures_sort_by_value_as_numbers(tmp_path: Path) -> None:
    values = ("8", "640", "846000000", "2.5", "12.75")
    figure = TINY.figures[0]
    figures = tuple(
        figure.replace(id=f"figure-{n}", value=Decimal(value), supersedes=())
        for n, value in enumerate(values)
    )
    store = FactStore(sources=TINY.sources, actors=TINY.actors, topics=TINY.topics, figures=figures)
    path = tmp_path / "pakru.db"
    export_sqlite(compiled(store), path, fingerprint="tests")
    with open_db(path) as connection:
        rows = connection.execute(
            "SELECT value, typeof(value) FROM figures ORDER BY value"
        ).fetchall()
    assert rows == [
        (2.5, "real"),
        (8, "integer"),
        (12.75, "real"),
        (640, "integer"),
        (846000000, "integer"),
    ]


def test_dates_can_be_filtered_in_sql_and_open_ends_are_null(tmp_path: Path) -> None:
    path = tmp_path / "pakru.db"
    export_sqlite(compiled(SHIPPED), path, fingerprint="tests")
    with open_db(path) as connection:
        open_end = connection.execute(
            "SELECT date, date_start, date_end FROM agreements "
            "WHERE id = 'new-steel-mill-karachi-agreement-expected'"
        ).fetchone()
        in_july = connection.execute(
            "SELECT id FROM agreements WHERE date_start >= '2025-07-01' AND date_end <= '2025-07-31'"
        ).fetchall()
    assert open_end == ("2025-07/..", "2025-07-01", None)
    assert ("protocol-psm-2025-07-11",) in in_july


def test_an_agreements_parties_come_through_the_link_table(db: sqlite3.Connection) -> None:
    parties = db.execute(
        "SELECT actors.name FROM agreement_parties "
        "JOIN actors ON actors.id = agreement_parties.actor_id "
        "WHERE agreement_id = 'steel-protocol-2025-02' ORDER BY actors.name"
    ).fetchall()
    assert parties == [("Pakistan",), ("Russia",)]
    assert db.execute(
        "SELECT event, date, date_start, date_end FROM agreements "
        "WHERE id = 'steel-protocol-2025-02'"
    ).fetchone() == ("steel-talks-2025-02", "2025-02", "2025-02-01", "2025-02-28")


def test_actors_keep_aliases_roles_and_role_citations(db: sqlite3.Connection) -> None:
    (aliases,) = db.execute("SELECT aliases FROM actors WHERE id = 'ivan-petroff'").fetchone()
    assert json.loads(aliases) == ["Ivan Petrov"]
    assert db.execute(
        "SELECT actor_id, position, title, organisation, attested FROM actor_roles"
    ).fetchall() == [("ivan-petroff", 0, "Minister", "russia", "2025-03-14")]
    assert db.execute(
        "SELECT role_position, position, source, quote FROM citations "
        "WHERE record_id = 'ivan-petroff' ORDER BY role_position IS NOT NULL, position"
    ).fetchall() == [
        (
            None,
            0,
            "gazette-2025-03-14",
            "Minister Ivan Petroff, also spelled Ivan Petrov, led the Russian side.",
        ),
        (0, 0, "gazette-2025-03-14", "Minister Ivan Petroff"),
    ]


def test_topics_are_linked_to_the_facts_they_tag(db: sqlite3.Connection) -> None:
    steel = db.execute(
        "SELECT record_type, record_id FROM record_topics WHERE topic_id = 'steel' ORDER BY 1"
    ).fetchall()
    assert steel == [("agreement", "steel-protocol-2025-02"), ("event", "steel-talks-2025-02")]
    (synonyms,) = db.execute("SELECT synonyms FROM topics WHERE id = 'steel'").fetchone()
    assert json.loads(synonyms) == ["steel mill", "PSM"]


def test_vocabularies_are_tables_in_their_order(shipped_db: str) -> None:
    path = Path(shipped_db)
    with open_db(path) as connection:
        metrics = [m for (m,) in connection.execute("SELECT id FROM metrics ORDER BY position")]
        units = connection.execute(
            "SELECT unit FROM metric_units WHERE metric = 'capacity' ORDER BY position"
        ).fetchall()
        statuses = connection.execute(
            "SELECT id, done FROM statuses WHERE record_type = 'event' ORDER BY position"
        ).fetchall()
        kinds = connection.execute(
            "SELECT id FROM kinds WHERE record_type = 'agreement' ORDER BY position"
        ).fetchall()
        qualifiers = connection.execute("SELECT id FROM qualifiers ORDER BY position").fetchall()
    assert metrics == list(records.METRICS)
    assert [u for (u,) in units] == list(records.UNITS_OF_METRIC["capacity"])
    assert statuses == [(s, int(s in records.DONE_STATUSES)) for s in records.EVENT_STATUSES]
    assert [k for (k,) in kinds] == list(records.AGREEMENT_KINDS)
    assert [q for (q,) in qualifiers] == list(records.QUALIFIERS)


SEARCHED = ["events", "agreements", "figures", "actors", "sources", "topics", "citations"]


@pytest.mark.parametrize("table", SEARCHED)
def test_each_searchable_table_has_the_index_sqlite_utils_and_datasette_detect(
    table: str, shipped_db: str
) -> None:
    sqlite_utils = pytest.importorskip("sqlite_utils")
    detect_fts = pytest.importorskip("datasette.utils").detect_fts

    with open_db(Path(shipped_db)) as connection:
        assert detect_fts(connection, table) == f"{table}_fts"
    assert sqlite_utils.Database(shipped_db)[table].detect_fts() == f"{table}_fts"


def test_sqlite_utils_finds_the_steel_events(shipped_db: str) -> None:
    sqlite_utils = pytest.importorskip("sqlite_utils")
    found = sqlite_utils.Database(shipped_db)["events"].search("steel", columns=["id"])
    ids = {row["id"] for row in found}
    steel = {event.id for event in SHIPPED.events if "steel" in event.topics}
    assert "psm-inaugurated-1985" in ids
    assert steel <= ids


def test_the_sqlite_utils_search_command_finds_the_steel_protocol(shipped_db: str) -> None:
    cli = pytest.importorskip("sqlite_utils.cli").cli
    from click.testing import CliRunner

    result = CliRunner().invoke(
        cli, ["search", shipped_db, "agreements", "steel", "-c", "id", "--csv"]
    )
    assert result.exit_code == 0, result.output
    assert "protocol-psm-2025-07-11" in result.output.splitlines()


def test_full_text_search_covers_notes_aliases_quotes_and_ignores_diacritics(
    db: sqlite3.Connection,
) -> None:
    def search(table: str, query: str) -> list[str]:
        return [
            i
            for (i,) in db.execute(
                f"SELECT {table}.rowid FROM {table}_fts JOIN {table} "
                f"ON {table}.rowid = {table}_fts.rowid WHERE {table}_fts MATCH ? ORDER BY 1",
                (query,),
            )
        ]

    def ids(table: str, query: str) -> list[str]:
        rowids = search(table, query)
        key = "record_id" if table == "citations" else "id"
        return sorted(
            i
            for (i,) in db.execute(
                f"SELECT {key} FROM {table} WHERE rowid IN ({', '.join('?' * len(rowids))})",
                rowids,
            )
        )

    # only the date_notes say "in an article of 14 March 2025"
    assert ids("events", "march") == ["ministerial-visit-2025-05", "steel-talks-2025-02"]
    assert ids("agreements", "march") == ["steel-protocol-2025-02"]
    assert ids("actors", "petrov") == ["ivan-petroff"]
    assert ids("actors", "pétrov") == ["ivan-petroff"]
    assert ids("topics", "psm") == ["steel"]
    assert ids("citations", "russian side") == ["ivan-petroff"]


def test_an_edit_in_the_exported_file_is_found_by_search(tmp_path: Path) -> None:
    """The triggers sqlite-utils writes keep each index in step with its table."""
    sqlite_utils = pytest.importorskip("sqlite_utils")
    path = tmp_path / "pakru.db"
    export_sqlite(compiled(TINY), path, fingerprint="tests")
    db = sqlite_utils.Database(path)
    db["events"].update("steel-talks-2025-02", {"title": "Zirconium talks"})

    def found(words: str) -> list[str]:
        return [row["id"] for row in db["events"].search(words, columns=["id"])]

    assert found("zirconium") == ["steel-talks-2025-02"]
    assert found("talks steel") == ["steel-talks-2025-02"]  # its topic is still steel
    assert found("steel talks") == found("talks steel")
    db["events"].delete("steel-talks-2025-02")
    assert found("zirconium") == []


def test_without_fts5_the_index_is_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "_FTS_MODULE", "no_such_module")
    path = tmp_path / "pakru.db"
    counts = export_sqlite(compiled(TINY), path, fingerprint="tests")
    assert counts["events"] == len(TINY.events)
    with open_db(path) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    assert "events" in tables
    assert not any("_fts" in name for name in tables)


def test_meta_names_the_version_and_the_store_as_version_does(
    invoke: Invoke, tmp_path: Path
) -> None:
    tiny = Path(__file__).parent / "data" / "facts"
    edited = tmp_path / "edited"
    shutil.copytree(tiny, edited)
    (edited / "events.yaml").write_text(
        (edited / "events.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    said = {}
    for facts in (tiny, edited):
        target = tmp_path / f"{facts.name}.db"
        assert invoke("export", "--sqlite", str(target), facts=facts).exit_code == 0
        with open_db(target) as db:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        assert meta["pakru_version"] == pakru.__version__
        version = invoke("--version", facts=facts).output.splitlines()
        assert version[-1] == f"fingerprint: {meta['store_fingerprint']}"
        said[facts.name] = meta["store_fingerprint"]
    assert said["facts"] != said["edited"]


def test_the_same_store_exports_to_the_same_bytes(invoke: Invoke, tmp_path: Path) -> None:
    tiny = Path(__file__).parent / "data" / "facts"
    copy = tmp_path / "copy"
    shutil.copytree(tiny, copy)  # another path, other file times: the same records
    exports = [tmp_path / "first.db", tmp_path / "second.db", tmp_path / "copy.db"]
    for target, facts in zip(exports, (tiny, tiny, copy), strict=True):
        result = invoke("export", "--sqlite", str(target), facts=facts)
        assert result.exit_code == 0, result.output
    first, second, copied = (path.read_bytes() for path in exports)
    assert first == second == copied
    # Nothing in it that changes from one run to the next, such as the time of the export.
    with open_db(exports[0]) as db:
        assert [key for (key,) in db.execute("SELECT key FROM meta")] == [
            "pakru_version",
            "store_fingerprint",
        ]


def test_an_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    path = tmp_path / "pakru.db"
    path.write_bytes(b"not yours to replace")
    with pytest.raises(UsageError) as caught:
        export_sqlite(compiled(TINY), path, fingerprint="tests")
    assert caught.value.param == "--sqlite"
    assert caught.value.message == f"'{path}' already exists; pass --force to replace it"
    assert path.read_bytes() == b"not yours to replace"
    assert list(tmp_path.iterdir()) == [path]


def test_force_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "pakru.db"
    export_sqlite(compiled(SHIPPED), path, fingerprint="tests")
    counts = export_sqlite(compiled(TINY), path, fingerprint="tests", force=True)
    with open_db(path) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (len(TINY.events),)
    assert counts["events"] == len(TINY.events)
    assert list(tmp_path.iterdir()) == [path]


def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "pakru.db"
    path.write_bytes(b"the previous export")

    copy = export._copy_sql

    def crash(table: str) -> str:
        if table == "citations":
            raise RuntimeError("disk on fire")
        return copy(table)

    monkeypatch.setattr(export, "_copy_sql", crash)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export_sqlite(compiled(TINY), path, fingerprint="tests", force=True)
    assert path.read_bytes() == b"the previous export"
    assert list(tmp_path.iterdir()) == [path]


def test_a_store_with_dangling_references_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pakru.db"
    without_actors = FactStore(sources=TINY.sources, events=TINY.events, topics=TINY.topics)
    with pytest.raises(ValueError, match="unresolved references"):
        export_sqlite(compiled(without_actors), path, fingerprint="tests")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    with pytest.raises(UsageError, match="no-such-folder") as caught:
        export_sqlite(compiled(TINY), missing / "pakru.db", fingerprint="tests")
    assert caught.value.param == "--sqlite"
    assert not missing.exists()


def test_a_folder_is_not_a_database_even_with_force(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        export_sqlite(compiled(TINY), tmp_path, fingerprint="tests", force=True)
    assert list(tmp_path.iterdir()) == []


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pakru.db")
    return folder / "pakru.db"


def _link(folder: Path) -> Path:
    (folder / "theirs.db").write_bytes(b"someone else's file")
    (folder / "pakru.db").symlink_to(folder / "theirs.db")
    return folder / "pakru.db"


def _dangling_link(folder: Path) -> Path:
    (folder / "pakru.db").symlink_to(folder / "nowhere.db")
    return folder / "pakru.db"


def _device(folder: Path) -> Path:
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(folder / "pakru.db", stat.S_IFCHR | 0o666, os.makedev(1, 3))  # /dev/null's
    return folder / "pakru.db"


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (_fifo, "a FIFO"),
        (_link, "a symbolic link"),
        (_dangling_link, "a symbolic link"),
        (_device, "a device"),
    ],
    ids=["fifo", "link", "dangling-link", "device"],
)
def test_force_replaces_only_a_regular_file(
    tmp_path: Path, invoke: Invoke, make: Callable[[Path], Path], kind: str
) -> None:
    """Renamed onto, a device, a FIFO or a link became a regular file (run as root: /dev/null)."""
    target = make(tmp_path)
    before = {path.name: os.lstat(path) for path in tmp_path.iterdir()}
    result = invoke("export", "--sqlite", str(target), "--force")
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"pakru: --sqlite: '{target}' is {kind}; --force replaces only a regular file\n"
    )
    after = {path.name: os.lstat(path) for path in tmp_path.iterdir()}
    assert {name: (s.st_mode, s.st_ino) for name, s in after.items()} == {
        name: (s.st_mode, s.st_ino) for name, s in before.items()
    }


def test_leftovers_of_killed_exports_are_swept(tmp_path: Path) -> None:
    """An export killed mid-write leaves its temporary file and SQLite's journal beside it; the
    next export into the folder removes them, and nothing a running export holds (it keeps its
    temporary file locked while it writes) or that pakru did not name."""
    import fcntl

    gone = [tmp_path / ".pakru-k1ll3d_a.tmp", tmp_path / ".pakru-k1ll3d_a.tmp-journal"]
    kept = [tmp_path / ".pakru-notes.tmp", tmp_path / "notes.tmp"]  # not names mkstemp gives
    for path in [*gone, *kept]:
        path.write_bytes(b"x" * 1000)
    running = tmp_path / ".pakru-wr1t1ng_.tmp"  # an export writing now
    running.write_bytes(b"being written")
    running_journal = tmp_path / ".pakru-wr1t1ng_.tmp-journal"
    running_journal.write_bytes(b"its journal")
    with running.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        export_sqlite(compiled(TINY), tmp_path / "pakru.db", fingerprint="tests")
    left = {path.name for path in tmp_path.iterdir()}
    assert left == {
        "pakru.db",
        running.name,
        running_journal.name,
        *(path.name for path in kept),
    }


def test_a_file_name_of_100_000_characters_is_one_short_line(
    tmp_path: Path, invoke: Invoke
) -> None:
    target = str(tmp_path / ("a" * 100_000))
    result = invoke("export", "--sqlite", target)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"pakru: --sqlite: cannot write '{tmp_path}/aaa")
    assert result.stderr.endswith(f"aaa' ({len(target)} characters): File name too long\n")
    assert len(result.stderr) < 300


def test_escapes_in_a_file_name_reach_no_message_raw(tmp_path: Path, invoke: Invoke) -> None:
    target = tmp_path / "x\x1b[2J\x1b]0;owned\x07.db"
    written = invoke("export", "--sqlite", str(target))
    assert written.exit_code == 0, written.output
    assert written.stderr.startswith(f"Wrote {tmp_path}/x\\x1b[2J\\x1b]0;owned\\x07.db: ")
    refused = invoke("export", "--sqlite", str(target))
    assert refused.exit_code == 2, refused.output
    assert "x\\x1b[2J\\x1b]0;owned\\x07.db' already exists" in refused.stderr
    for output in (written.stderr, refused.stderr):
        assert "\x1b" not in output and "\x07" not in output


def test_an_updated_compiled_store_exports_the_bytes_a_fresh_one_does(tmp_path: Path) -> None:
    """The export copies the compiled store's tables in the store's order, not in the order an
    update left its rows: a store edited and edited back exports as it did, and as a build in
    memory does."""
    from pakru.store.compiled import open_store

    root = tmp_path / "facts"
    shutil.copytree(Path(__file__).parent / "data" / "facts", root)
    events = root / "events.yaml"  # not the last file: its rows move after the others' rows
    text = events.read_text(encoding="utf-8")
    exported = []
    for step, content in enumerate(
        [text, text.replace("status: occurred", "status: expected"), text]
    ):
        events.write_text(content, encoding="utf-8")
        stamp = (step + 1) * 10**12  # a new time each step, however coarse the clock
        os.utime(events, ns=(stamp, stamp))
        path = tmp_path / f"export-{step}.db"
        compiled = open_store(root)
        export_sqlite(compiled, path, fingerprint="tests")
        compiled.close()
        exported.append(path.read_bytes())
    fresh = tmp_path / "fresh.db"
    export_sqlite(compile_in_memory(root)[0], fresh, fingerprint="tests")
    assert exported[0] == exported[2] == fresh.read_bytes() != exported[1]


def test_a_store_compiled_in_memory_exports_the_bytes_a_cached_one_does(
    tmp_path: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder others can write to is not used: the answer's store is compiled in memory,
    and the export is copied from there."""
    cached = invoke("export", "--sqlite", str(tmp_path / "cached.db"))
    assert cached.exit_code == 0, cached.output
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("PAKRU_CACHE_DIR", str(shared))
    in_memory = invoke("export", "--sqlite", str(tmp_path / "memory.db"))
    assert in_memory.exit_code == 0, in_memory.output
    assert "compiled in memory" in in_memory.stderr
    assert (tmp_path / "memory.db").read_bytes() == (tmp_path / "cached.db").read_bytes()
