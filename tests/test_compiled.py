"""The compiled store: the same answers as reading the YAML, kept current, never trusted blindly."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pakru.cli.options import default_facts_dir
from pakru.domain.errors import StoreError
from pakru.store import build
from pakru.store.check import check_store
from pakru.store.compiled import cache_path, compile_in_memory, open_store
from tests.conftest import DATA_FACTS

ROOT = Path(__file__).parent.parent


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A copy of the tiny test store that a test may edit."""
    copy = tmp_path / "facts"
    shutil.copytree(DATA_FACTS, copy)
    return copy


def json_of(store_records: object) -> list[dict[str, object]]:
    return [record.to_json() for record in store_records.records()]  # type: ignore[attr-defined]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    # A new mtime even on file systems whose clock ticks coarsely.
    stamp = time.time_ns() + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


@pytest.mark.parametrize("root", [DATA_FACTS, default_facts_dir()], ids=["tiny", "shipped"])
def test_cached_and_fresh_compilations_answer_the_same(root: Path) -> None:
    cached = open_store(root)  # builds the cache
    again = open_store(root)  # reads it
    fresh, _ = compile_in_memory(root)
    assert (
        json_of(cached.everything()) == json_of(fresh.everything()) == json_of(again.everything())
    )
    assert cached.checks() == fresh.checks()
    assert cached.derived(None)[0] == fresh.derived(None)[0]


def test_a_changed_file_is_read_again_and_only_it(store: Path) -> None:
    open_store(store)
    path = cache_path(store)
    with sqlite3.connect(path) as db:
        before = dict(db.execute("SELECT file, rowid FROM _records WHERE id = 'pakistan'"))
    edit(store / "figures.yaml", "value: 1500000000", "value: 1600000000")
    edit(store / "figures.yaml", "stated: $1.5 billion", "stated: $1.6 billion")
    edit(
        store / "figures.yaml", "reached $1.5 billion in 2023–24", "reached $1.6 billion in 2023–24"
    )
    figures = {f.id: f for f in open_store(store).everything().figures}
    assert figures["trade-total-fy2023-24-gazette"].value == 1_600_000_000
    with sqlite3.connect(path) as db:
        after = dict(db.execute("SELECT file, rowid FROM _records WHERE id = 'pakistan'"))
    assert after == before  # actors.yaml was not read again


def test_derived_figures_follow_an_edit(store: Path) -> None:
    def balance() -> object:
        (derived,) = [d for d in open_store(store).derived(None)[0] if d.metric == "trade_balance"]
        return derived.value

    assert balance() == -700_000_000
    edit(store / "figures.yaml", "value: 400000000", "value: 500000000")
    edit(store / "figures.yaml", "stated: $400 million", "stated: $500 million")
    edit(store / "figures.yaml", "stood at $400 million", "stood at $500 million")
    assert balance() == -600_000_000


def test_an_edit_that_breaks_a_reference_is_caught_and_its_fix_seen(store: Path) -> None:
    open_store(store)
    edit(store / "events.yaml", "actors: [russia, pakistan]", "actors: [russia, pakistann]")
    with pytest.raises(StoreError) as error:
        open_store(store)
    assert [str(p) for p in error.value.problems] == [
        "facts/events.yaml:5: events[0].actors[1]: no actor with id 'pakistann'"
    ]
    edit(store / "events.yaml", "actors: [russia, pakistann]", "actors: [russia, pakistan]")
    assert len(open_store(store).everything().events) == 2


def test_removing_a_record_others_cite_is_caught(store: Path) -> None:
    open_store(store)
    edit(store / "sources.yaml", "- id: bulletin-2025-04-02", "- id: bulletin-renamed")
    with pytest.raises(StoreError) as error:
        open_store(store)
    messages = [p.message for p in error.value.problems]
    assert messages == ["no source with id 'bulletin-2025-04-02'"] * 2


def test_a_new_file_in_a_kind_folder_is_picked_up(store: Path) -> None:
    open_store(store)
    (store / "events").mkdir()
    text = (store / "events.yaml").read_text(encoding="utf-8")
    (store / "events.yaml").write_text("[]\n", encoding="utf-8")
    (store / "events" / "2025.yaml").write_text(text, encoding="utf-8")
    assert {e.id for e in open_store(store).everything().events} == {
        "ministerial-visit-2025-05",
        "steel-talks-2025-02",
    }


@pytest.mark.parametrize(
    "damage",
    [
        b"this is not a database at all",
        b"SQLite format 3\x00" + b"\x00" * 200,  # a header and nothing else
        b"",
    ],
    ids=["garbage", "truncated", "empty"],
)
def test_a_damaged_compiled_file_is_rebuilt(store: Path, damage: bytes) -> None:
    open_store(store)
    path = cache_path(store)
    path.write_bytes(damage)
    assert len(open_store(store).everything().figures) == 5
    with sqlite3.connect(path) as db:  # and the rebuilt file is whole again
        assert db.execute("SELECT value FROM _meta WHERE key = 'complete'").fetchone() == ("1",)


def test_a_compiled_file_of_another_version_or_folder_is_rebuilt(store: Path) -> None:
    open_store(store)
    path = cache_path(store)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE _meta SET value = 'pakru-0.0/0' WHERE key = 'format'")
        db.execute("DELETE FROM _records WHERE type = 'figure'")  # what an old version left
    assert len(open_store(store).everything().figures) == 5
    with sqlite3.connect(path) as db:
        db.execute("UPDATE _meta SET value = '/somewhere/else' WHERE key = 'root'")
        db.execute("DELETE FROM _records WHERE type = 'figure'")
    assert len(open_store(store).everything().figures) == 5


def test_an_unwritable_cache_still_answers(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        monkeypatch.setenv("PAKRU_CACHE_DIR", str(locked / "pakru"))
        if os.access(locked, os.W_OK):  # running as root: make the path a file instead
            monkeypatch.setenv("PAKRU_CACHE_DIR", str(store / "sources.yaml"))
        assert len(open_store(store).everything().figures) == 5
    finally:
        locked.chmod(0o700)


def run_pakru(store: Path, cache: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PAKRU_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    env.pop("PAKRU_FACTS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "pakru", "--facts", str(store), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize("processes", [2, 8])
def test_processes_started_together_on_a_changed_store_all_answer(
    store: Path, tmp_path: Path, processes: int
) -> None:
    cache = tmp_path / "cache"
    expected = run_pakru(store, tmp_path / "reference-cache", "trade", "2023-24", "-f", "json")
    reference, _ = expected.communicate(timeout=60)
    open_store(store)  # a compiled form exists...
    edit(store / "figures.yaml", "value: 1100000000", "value: 1150000000")  # ...and goes stale
    edit(store / "figures.yaml", "stated: $1.1 billion", "stated: $1.15 billion")
    edit(store / "figures.yaml", "imports were $1.1 billion", "imports were $1.15 billion")
    running = [run_pakru(store, cache, "trade", "2023-24", "-f", "json") for _ in range(processes)]
    outputs = [process.communicate(timeout=120) for process in running]
    assert [process.returncode for process in running] == [0] * processes, outputs
    assert len({out for out, _ in outputs}) == 1
    assert "1150000000" in outputs[0][0] and reference != outputs[0][0]
    left = [p.name for p in cache.iterdir()]
    assert [name for name in left if name.endswith(".sqlite")] == [cache_path(store).name]


def test_a_build_killed_midway_leaves_nothing_trusted(store: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for attempt in range(5):  # kill at different moments of the build
        process = run_pakru(store, cache, "trade", "2023-24", "-f", "json")
        time.sleep(0.05 * attempt)
        process.kill()
        process.communicate(timeout=60)
        done = run_pakru(store, cache, "trade", "2023-24", "-f", "json")
        out, err = done.communicate(timeout=60)
        assert done.returncode == 0, err
        assert "1500000000" in out


def test_editing_only_a_note_keeps_derived_figures_and_checks(store: Path) -> None:
    before = open_store(store)
    derived = before.derived(None)[0]
    checks = before.checks()

    def rows() -> list[tuple[int, ...]]:
        with sqlite3.connect(cache_path(store)) as db:
            sql = "SELECT rowid FROM derived UNION ALL SELECT rowid FROM checks"
            return db.execute(sql).fetchall()

    kept = rows()
    note = "  basis: reported\n  note: checked again\n"
    edit(store / "figures.yaml", "  basis: reported\n", note)
    after = open_store(store)
    assert any(f.note == "checked again" for f in after.everything().figures)
    assert rows() == kept  # not recomputed: nothing they depend on changed
    # the same, but for the figures' notes, which they now give as they are
    assert [d._replace(inputs=()) for d in after.derived(None)[0]] == [
        d._replace(inputs=()) for d in derived
    ]
    assert [(c.a.id, c.b.id, c._replace(a=None, b=None)) for c in after.checks()] == [
        (c.a.id, c.b.id, c._replace(a=None, b=None)) for c in checks
    ]


@pytest.fixture
def in_parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read every batch of files in worker processes, however small, on however many cores."""
    monkeypatch.setattr(build, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(build, "_cores", lambda: 2)


@pytest.mark.parametrize("root", [DATA_FACTS, default_facts_dir()], ids=["tiny", "shipped"])
def test_files_read_in_worker_processes_compile_to_the_same_store(
    root: Path, in_parallel: None
) -> None:
    parallel, kept = compile_in_memory(root, quotes=True)
    with pytest.MonkeyPatch.context() as undo:
        undo.setattr(build, "PARALLEL_BYTES", 10**12)
        serial, serial_kept = compile_in_memory(root, quotes=True)
    assert json_of(parallel.everything()) == json_of(serial.everything())
    assert parallel.checks() == serial.checks()
    assert kept.citations == serial_kept.citations and len(kept.citations) > 10


def test_a_broken_store_checked_in_worker_processes_lists_the_same_problems(
    store: Path, in_parallel: None
) -> None:
    edit(store / "events.yaml", "status: occurred", "status: happened")
    edit(store / "figures.yaml", "source: gazette-2025-03-14", "source: no-such-source")
    parallel = [str(p) for p in check_store(store).problems]
    with pytest.MonkeyPatch.context() as undo:
        undo.setattr(build, "PARALLEL_BYTES", 10**12)
        serial = [str(p) for p in check_store(store).problems]
    assert parallel == serial
    assert any("events.yaml" in p and "status" in p for p in parallel)
    assert any("no source with id 'no-such-source'" in p for p in parallel)


def test_where_processes_cannot_start_the_files_are_read_here(
    store: Path, in_parallel: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no processes in this sandbox")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    report = check_store(store)
    assert report.problems == []
    assert report.counts["figures"] == len(open_store(store).everything().figures)


class _Recorder:
    """Stands in for the database to note the SQL a builder would run."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def execute(self, sql: str, *args: object) -> list[object]:
        self.statements.append(sql)
        return []

    def executemany(self, sql: str, *args: object) -> None:
        self.statements.append(sql)


def _cross_check_plans(
    store: Path, scope: tuple[set[str], set[str]] | None, *, only_check: bool = False
) -> list[list[str]]:
    """The query plans of the checks across records, on the store's compiled file (or, for
    `pakru check`, on the in-memory form it builds, which has fewer indexes)."""
    recorder = _Recorder()
    builder = build.Builder.__new__(build.Builder)
    builder.db = recorder  # type: ignore[assignment]
    builder._cross_problems(scope)
    queries = [q for q in recorder.statements if q.lstrip().startswith("SELECT") and "(" in q]
    assert len(queries) >= 3
    if only_check:
        db = compile_in_memory(store, only_check=True)[0].db
    else:
        open_store(store)
        db = sqlite3.connect(cache_path(store))
    db.execute("CREATE TEMP TABLE IF NOT EXISTS scope_files(name TEXT PRIMARY KEY)")
    db.execute("CREATE TEMP TABLE IF NOT EXISTS scope_ids(id TEXT PRIMARY KEY)")
    return [[row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")] for sql in queries]


def test_checks_after_an_edit_look_up_rows_instead_of_reading_whole_tables(store: Path) -> None:
    """The plans, not the timings: on a large store a scan of every reference or reported date
    turns an edit's re-check from milliseconds into seconds."""
    for plan in _cross_check_plans(store, (set(), set())):
        scans = [step for step in plan if step.startswith("SCAN") and "subquery" not in step]
        assert scans == [], plan
        assert not any(step.endswith("(wanted=?)") for step in plan), plan


@pytest.mark.parametrize("only_check", [False, True], ids=["build", "pakru check"])
def test_checks_of_a_whole_store_read_each_table_once(store: Path, only_check: bool) -> None:
    """A full check reads its driving table once and looks everything else up: a lookup by kind
    alone, inside a loop over another table, made a build of 100,000 facts take many minutes."""
    for plan in _cross_check_plans(store, None, only_check=only_check):
        scans = [step for step in plan if step.startswith("SCAN") and "subquery" not in step]
        assert len(scans) <= 1, plan
        assert not any(step.endswith("(wanted=?)") for step in plan), plan


def test_pakru_cache_dir_overrides_the_user_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from pakru.store.compiled import cache_dir

    monkeypatch.setenv("PAKRU_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert cache_dir() == tmp_path / "elsewhere"
    assert cache_path(DATA_FACTS).parent == tmp_path / "elsewhere"


def test_after_an_edit_derived_figures_and_checks_come_as_a_fresh_build_gives(
    tmp_path: Path,
) -> None:
    """An edit re-derives the figures of the periods it touches; the answer lists them where a
    fresh build does, not where the update happened to write them."""
    store = tmp_path / "facts"
    shutil.copytree(default_facts_dir(), store)
    open_store(store)  # cached, then updated below
    edit(store / "figures.yaml", "value: 287000000", "value: 288000000")
    edit(store / "figures.yaml", 'stated: "$287 million"', 'stated: "$288 million"')
    edit(store / "figures.yaml", "stood at $287 million", "stood at $288 million")
    cached, fresh = open_store(store), compile_in_memory(store)[0]
    updated = [d.id for d in cached.derived(None)[0]]
    assert updated == [d.id for d in fresh.derived(None)[0]]
    assert any("fig-exports-pk-to-ru-fy2022-23" in i for i in updated)
    # and the checks too: the same pairs, the same way round, in the same order
    assert cached.checks() == fresh.checks()


def test_a_package_file_touched_but_unchanged_keeps_the_compiled_store(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The code's contents key the store, not its files' times: a reinstall or a checkout and
    back does not compile a large store afresh."""
    from pakru.store import schema

    package = tmp_path / "pakru"
    shutil.copytree(ROOT / "pakru", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(schema, "PACKAGE", str(package))
    open_store(store).close()
    path = cache_path(store)
    built = path.stat().st_ino
    stamp = time.time_ns() + 1_000_000_000
    os.utime(package / "cli" / "render.py", ns=(stamp, stamp))
    open_store(store).close()
    assert path.stat().st_ino == built
    (package / "cli" / "render.py").write_text("# another state of the code\n", encoding="utf-8")
    open_store(store).close()
    assert path.stat().st_ino != built
