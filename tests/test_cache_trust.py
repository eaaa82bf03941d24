"""The compiled store under attack and accident: whose cache is read, and what a damaged, crashed
or concurrently written one can never do (give a wrong answer, an internal error, litter)."""

from __future__ import annotations

import os
import shutil
import signal
import site
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pakru.store.compiled import cache_path, open_store
from tests.conftest import DATA_FACTS, Invoke

# The stress test's size: saves of the store and processes answering at once. The defaults keep
# the suite quick; PAKRU_STRESS=5 runs it on a store five times as large, longer (40 saves, 32 at once).
_STRESS = max(1, int(os.environ.get("PAKRU_STRESS", "1")))
STRESS_SAVES = 8 * _STRESS
STRESS_WAVE = 16 * min(_STRESS, 2)

ROOT = Path(__file__).parent.parent
FORGED = "trade-total-fy2023-24-bulletin"  # the figure `trade 2023-24` shows first


@pytest.fixture
def store(tmp_path: Path) -> Path:
    copy = tmp_path / "facts"
    shutil.copytree(DATA_FACTS, copy)
    return copy


def pakru(
    store: Path,
    cache: Path,
    *args: str,
    user: int | None = None,
    python: str = sys.executable,
    code: Path = ROOT,
) -> subprocess.CompletedProcess[str]:
    """pakru run in a process of its own, with the package found in `code`."""
    env = {**os.environ, "PAKRU_CACHE_DIR": str(cache), "PYTHONPATH": str(code), "COLUMNS": "100"}
    env.pop("PAKRU_FACTS", None)
    if python != sys.executable:  # another interpreter of this version, given our packages
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *site.getsitepackages()])
    return subprocess.run(
        [python, "-m", "pakru", "--facts", str(store), *args],
        cwd=code,  # (`-m` looks in the current folder first)
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        user=user,
        group=user,
        extra_groups=[] if user is not None else None,
        umask=0o022,  # the usual one, under which files are readable by all
    )


def compiled_file(store: Path, cache: Path) -> Path:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PAKRU_CACHE_DIR", str(cache))
        return cache_path(store)


def forge(path: Path) -> None:
    """What an attacker with write access does: a figure's value and its "verbatim" quote (and
    the rows' checksum, which anyone can compute)."""
    from pakru.store import rows

    with sqlite3.connect(path) as db:
        ((_, figure),) = rows.read(db, "figure", "r.id = ?", (FORGED,))
        quote = figure.sources[0]._replace(quote="Bilateral trade was a forged $9.99 billion")
        forged = figure.replace(value=Decimal(9_990_000_000), sources=(quote,))
        indexed = db.execute(
            f"SELECT {', '.join(rows.INDEXED)} FROM _records WHERE id = ?", (FORGED,)
        ).fetchone()
        made, crc = rows.rows_of(forged, indexed)
        db.execute("DELETE FROM figures WHERE id = ?", (FORGED,))
        db.execute("DELETE FROM citations WHERE record_id = ?", (FORGED,))
        for table in ("figures", "citations"):
            db.executemany(rows.insert_sql(table), made[table])
        db.execute("UPDATE _records SET crc = ? WHERE id = ?", (crc, FORGED))
    db.close()


def long_ago(store: Path) -> None:
    """The store's files as written an hour ago."""
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for file in store.rglob("*.yaml"):
        os.utime(file, ns=(an_hour_ago, an_hour_ago))


def trade_answer(store: Path, cache: Path, code: Path = ROOT) -> subprocess.CompletedProcess[str]:
    result = pakru(store, cache, "trade", "2023-24", "-f", "json", code=code)
    assert result.returncode == 0, result.stderr
    return result


# --- 1: whose cache ------------------------------------------------------------------------------


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder every user can reach (pytest's own are private to the user running it)."""
    folder = Path(tempfile.mkdtemp(prefix="pakru-shared-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


NOBODY = 65534


def _second_user_or_skip() -> str:
    """An interpreter that uid 65534 can run pakru with (this one may live in root's home)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("a second user needs root to switch to (os.setuid), and this run is not root")
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    found = [shutil.which(name, path=folder) for name in (version, "python3")
             for folder in (None, "/usr/local/bin", "/usr/bin")]  # fmt: skip
    for python in dict.fromkeys([sys.executable, *found]):
        if python is None:
            continue
        check = (
            f"import sys, pakru.cli.commands; assert sys.version_info[:2] == {sys.version_info[:2]}"
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *site.getsitepackages()])}
        try:
            ran = subprocess.run(
                [python, "-c", check], user=NOBODY, group=NOBODY, extra_groups=[], env=env,
                capture_output=True, cwd="/", timeout=60,
            )  # fmt: skip
        except OSError:
            continue
        if ran.returncode == 0:
            return python
    pytest.skip(f"no {version} that uid {NOBODY} may run pakru with")


def test_a_compiled_store_another_user_forged_is_never_read(shared: Path) -> None:
    python = _second_user_or_skip()
    store = shared / "facts"
    shutil.copytree(DATA_FACTS, store)
    cache = shared / "cache"  # shared, as /tmp is: anyone may create files in it
    cache.mkdir()
    cache.chmod(0o1777)
    mine = shared / "mine"
    expected = trade_answer(store, mine).stdout
    # The other user compiles this store into the shared folder first (as pakru before this rule
    # did: the compiled file is the same whoever builds it) and then edits it, as it is theirs.
    theirs = compiled_file(store, cache)
    shutil.copy(compiled_file(store, mine), theirs)
    os.chown(theirs, NOBODY, NOBODY)
    forging = subprocess.run(
        [python, "-c", f"import tests.test_cache_trust as t, pathlib; t.forge(pathlib.Path({str(theirs)!r}))"],
        user=NOBODY, group=NOBODY, extra_groups=[], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *site.getsitepackages()])},
    )  # fmt: skip
    assert forging.returncode == 0, forging.stderr
    answer = trade_answer(store, cache)
    assert answer.stdout == expected
    assert "9990000000" not in answer.stdout and "forged" not in answer.stdout
    [line] = answer.stderr.splitlines()
    assert line.startswith("pakru: not using the cache folder") and "other users" in line


def test_a_compiled_file_of_another_user_in_a_private_folder_is_compiled_again(
    store: Path, tmp_path: Path
) -> None:
    _second_user_or_skip()
    cache = tmp_path / "cache"
    expected = trade_answer(store, cache).stdout
    path = compiled_file(store, cache)
    forge(path)
    os.chown(path, NOBODY, NOBODY)
    answer = trade_answer(store, cache)
    assert answer.stdout == expected
    [line] = answer.stderr.splitlines()
    assert "belongs to another user (uid 65534); compiled it again" in line
    assert path.stat().st_uid == os.geteuid()  # replaced by one of our own
    assert trade_answer(store, cache).stderr == ""


def test_a_cache_folder_others_can_write_to_is_not_used(store: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = trade_answer(store, cache).stdout
    forge(compiled_file(store, cache))
    cache.chmod(0o777)
    answer = trade_answer(store, cache)
    assert answer.stdout == expected
    [line] = answer.stderr.splitlines()
    assert line == (
        f"pakru: not using the cache folder {str(cache)!r}: it can be written by other users; "
        "compiled in memory"
    )


def test_a_compiled_file_others_can_write_to_is_compiled_again(store: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = trade_answer(store, cache).stdout
    path = compiled_file(store, cache)
    forge(path)
    path.chmod(0o666)
    answer = trade_answer(store, cache)
    assert answer.stdout == expected
    assert "can be written by other users; compiled it again" in answer.stderr
    assert stat.S_IMODE(path.stat().st_mode) & 0o022 == 0


def test_a_new_cache_folder_is_private(store: Path, tmp_path: Path) -> None:
    cache = tmp_path / "deep" / "cache"
    trade_answer(store, cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert open_store(store) is not None


# --- 10: a damaged compiled store ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "parameters"),
    [
        ("UPDATE figures SET value_exact = 'not a number' WHERE id = ?", (FORGED,)),
        ("UPDATE figures SET period = 42 WHERE id = ?", (FORGED,)),
        ("DELETE FROM citations WHERE record_id = ?", (FORGED,)),
        ("UPDATE _records SET basis = 'target' WHERE id = ?", (FORGED,)),
        ("UPDATE _records SET crc = NULL WHERE id = ?", (FORGED,)),
        ("UPDATE derived SET value = 'x'", ()),
        ("UPDATE checks SET reason = 'forged'", ()),
        ("DROP TABLE derived", ()),
    ],
    ids=["bad-value", "wrong-type", "missing-citation", "index-column", "no-checksum",
         "bad-derived", "bad-check", "missing-table"],
)  # fmt: skip
def test_a_crafted_or_damaged_compiled_store_is_rebuilt(
    store: Path, tmp_path: Path, sql: str, parameters: tuple[object, ...]
) -> None:
    cache = tmp_path / "cache"
    expected = trade_answer(store, cache).stdout
    with sqlite3.connect(compiled_file(store, cache)) as db:
        db.execute(sql, parameters)
    db.close()
    for _ in range(2):  # rebuilt once, and right from then on
        answer = pakru(store, cache, "trade", "2023-24", "-f", "json")
        assert (answer.returncode, answer.stderr, answer.stdout) == (0, "", expected)


def test_a_value_changed_in_a_stored_row_is_never_shown(store: Path, invoke: Invoke) -> None:
    """A typed column changed on disk still reads as a value: the row's checksum tells."""
    expected = invoke("trade", "2023-24", "-f", "json", facts=store)
    assert expected.exit_code == 0, expected.output
    assert '"value": 1300000000' in expected.stdout
    with sqlite3.connect(cache_path(store)) as db:
        changed = db.execute(
            "UPDATE figures SET value = 1900000000, value_exact = '1900000000', "
            "stated = '$1.9 billion' WHERE id = ? AND value = 1300000000",
            (FORGED,),
        ).rowcount
        assert changed == 1
    db.close()
    answer = invoke("trade", "2023-24", "-f", "json", facts=store)
    assert (answer.exit_code, answer.stderr, answer.stdout) == (0, "", expected.stdout)
    assert "1900000000" not in answer.stdout and "$1.9" not in answer.stdout


# --- the code a compiled store was written by ----------------------------------------------------


def test_a_change_to_any_file_of_the_package_compiles_the_store_afresh(
    store: Path, tmp_path: Path
) -> None:
    """The compiled store is keyed to every file of the package, not to a list of the modules
    thought to shape it: output.py here, which no such list held."""
    code = tmp_path / "code"
    shutil.copytree(ROOT / "pakru", code / "pakru", ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "cache"
    long_ago(store)  # (or the next answer reads them again, as files just written may yet change)
    expected = trade_answer(store, cache, code).stdout
    # Rows as another state of the code may have written them: whole, and not what this one writes.
    forge(compiled_file(store, cache))
    assert "9990000000" in trade_answer(store, cache, code).stdout  # the same code trusts them
    module = code / "pakru" / "cli" / "output.py"
    module.write_bytes(module.read_bytes() + b"\n# another state of the code\n")
    answer = trade_answer(store, cache, code)
    assert (answer.stderr, answer.stdout) == ("", expected)


# --- 21: an edit that keeps size and modification time -------------------------------------------


def test_an_edit_that_keeps_size_and_mtime_is_seen(store: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    figures = store / "figures.yaml"
    figures.write_bytes(figures.read_bytes())  # edited just now, as before any question
    assert "1300000000" in trade_answer(store, cache).stdout
    before = figures.stat()
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace("value: 1300000000", "value: 1400000000"), encoding="utf-8")
    # Within the same tick of a coarse clock, or by a tool that keeps the time.
    os.utime(figures, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert figures.stat().st_size == before.st_size
    answer = trade_answer(store, cache).stdout
    assert "1400000000" in answer and "1300000000" not in answer


def test_an_old_file_rewritten_with_its_size_and_mtime_kept_is_seen(
    store: Path, invoke: Invoke
) -> None:
    """Long after it was compiled (no longer "racily clean"), a file is rewritten and its
    modification time set back, as `touch -r` or `rsync -t` do: its change time tells."""
    figures = store / "figures.yaml"
    long_ago(store)
    assert '"value": 1300000000' in invoke("trade", "2023-24", "-f", "json", facts=store).stdout
    before = figures.stat()
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace("value: 1300000000", "value: 1400000000"), encoding="utf-8")
    os.utime(figures, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = figures.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    answer = invoke("trade", "2023-24", "-f", "json", facts=store)
    assert answer.exit_code == 0, answer.output
    assert '"value": 1400000000' in answer.stdout and "1300000000" not in answer.stdout


# --- 20: one snapshot per answer -----------------------------------------------------------------


def test_an_update_landing_mid_answer_is_not_seen_by_it(
    store: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pakru.store.compiled import Compiled

    expected = invoke("trade", "2023-24", "-f", "json", facts=store)
    assert expected.exit_code == 0, expected.output
    chosen = Compiled.first_figure_ids
    landed = []

    def then_an_update_lands(self: Compiled, *args: Any, **kwargs: Any) -> Any:
        found = chosen(self, *args, **kwargs)
        # Another process commits an update between this answer's questions (it must wait).
        other = sqlite3.connect(cache_path(store), timeout=0.2)
        try:
            with other:
                other.execute("DELETE FROM _records WHERE id = ?", (FORGED,))
            landed.append(True)
        except sqlite3.OperationalError:  # locked: the answer's snapshot holds
            pass
        other.close()
        return found

    monkeypatch.setattr(Compiled, "first_figure_ids", then_an_update_lands)
    answer = invoke("trade", "2023-24", "-f", "json", facts=store)
    assert answer.exit_code == 0, answer.output
    assert answer.stdout == expected.stdout
    assert landed == []


# --- 22: a first build killed or interrupted -----------------------------------------------------

# A first build of the tiny store in worker processes, each file taking a while: long enough to be
# killed midway, whatever the machine.
SLOW_BUILD = """
import sys, time
import pakru.store.build as build
started = sys.argv.pop(1)
build.PARALLEL_BYTES = 0
read_one = build.read_one
def slowly(*args):
    open(started, "w").close()
    time.sleep(0.3)
    return read_one(*args)
build.read_one = slowly
sys.argv[0] = "pakru"
from pakru.__main__ import run
run()
"""


def slow_build(store: Path, cache: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PAKRU_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            SLOW_BUILD,
            str(cache.parent / "build.started"),
            "--facts",
            str(store),
            "trade",
            "2023-24",
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # a process group, as a terminal's Ctrl-C reaches
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )


def reading(process: subprocess.Popen[str], started: Path) -> list[int]:
    """Once the build is reading files: its worker processes, if it has any."""
    for _ in range(400):
        if started.exists():
            break
        time.sleep(0.025)
    else:
        pytest.fail("the build never started reading")
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def test_a_first_build_killed_leaves_no_workers_and_its_leftovers_are_swept(
    store: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    build = slow_build(store, cache)
    workers = reading(build, tmp_path / "build.started")
    if len(workers) < 2:
        pytest.skip("needs Linux's /proc to see a build's worker processes")
    build.kill()
    build.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if alive(pid)] == []
    assert [p.name for p in cache.iterdir() if p.name.startswith(".store-")] != []  # litter...
    trade_answer(store, cache)
    assert [p.name for p in cache.iterdir()] == [compiled_file(store, cache).name]  # ...swept


def test_ctrl_c_during_a_build_is_one_line_exit_130_and_leaves_nothing(
    store: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    trade_answer(store, cache)  # a compiled store, then an edit: the update is interrupted
    figures = store / "figures.yaml"
    figures.write_text(figures.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    for attempt in range(2):  # an update, then (after removing the file) a first build
        started = tmp_path / "build.started"
        started.unlink(missing_ok=True)
        build = slow_build(store, cache)
        reading(build, started)
        os.killpg(build.pid, signal.SIGINT)
        _, err = build.communicate(timeout=60)
        assert (build.returncode, err) == (130, "pakru: interrupted\n")
        left = sorted(p.name for p in cache.iterdir())
        assert left == ([compiled_file(store, cache).name] if attempt == 0 else [])
        compiled_file(store, cache).unlink(missing_ok=True)


# --- 19: a rebuild never lands under an update ---------------------------------------------------

MID_UPDATE = """
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE _records SET line = line + 1")
before = os.stat(sys.argv[1]).st_ino
print("updating", flush=True)
time.sleep(float(sys.argv[2]))
# Whether the file it is writing is still the compiled store: it holds the lock all along.
print("mine" if os.stat(sys.argv[1]).st_ino == before else "replaced", flush=True)
os._exit(9)  # killed mid-update: the journal is left for whoever opens the file next
"""


def test_a_rebuild_waits_for_an_update_under_way_and_its_journal_never_lands_in_it(
    store: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    expected = trade_answer(store, cache).stdout
    path = compiled_file(store, cache)
    forge(path)  # what the file held before; the update's journal keeps it
    with sqlite3.connect(path) as db:  # and it is to be rebuilt (a file of another version)
        db.execute("UPDATE _meta SET value = 'pakru-0.0/0' WHERE key = 'format'")
    db.close()
    writer = subprocess.Popen(
        [sys.executable, "-c", MID_UPDATE, str(path), "2"], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline() == "updating\n"
    for _ in range(3):  # the rebuild, then answers from what it left
        answer = pakru(store, cache, "trade", "2023-24", "-f", "json")
        assert (answer.returncode, answer.stderr) == (0, "")
        assert answer.stdout == expected
    assert writer.stdout.readline() == "mine\n"  # the rebuild waited for the update to end
    writer.wait(timeout=60)
    assert sorted(p.name for p in cache.iterdir()) == [path.name]


# --- 19 and 20: answers while a large store is edited --------------------------------------------


def generated_store(folder: Path, facts: int) -> tuple[Path, Path]:
    """A store of `facts` synthetic facts (bench/bench.py's generator), and the file it edits."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("pakru_bench", ROOT / "bench" / "bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["pakru_bench"] = bench  # (its dataclasses look their module up)
    spec.loader.exec_module(bench)
    topics = (bench.shipped_store() / "topics.yaml").read_text(encoding="utf-8")
    info = bench.ensure_store(folder, facts, bench.DEFAULT_SEED, topics)
    return info.path, info.path / info.edit_file


def test_answers_while_a_large_store_is_edited_are_each_those_of_a_fresh_build(
    tmp_path: Path,
) -> None:
    store, edited = generated_store(tmp_path / "generated", 1000 * _STRESS)
    original = edited.read_text(encoding="utf-8")
    # Figures of 2023 come and go: between an answer's questions, ids would vanish.
    records = original.split("\n- id: ")
    going = [i for i, r in enumerate(records) if r.startswith(("fig-imports-", "fig-exports-"))]
    assert len(going) >= 2

    def version(n: int) -> str:  # the file without the first, second, both or neither figure
        gone = {going[0]} if n & 1 else set()
        gone |= {going[1]} if n & 2 else set()
        return "\n- id: ".join(r for i, r in enumerate(records) if i not in gone)

    # Trade, derived figures and conflicts included: an updated store answers as a fresh build.
    question = ("trade", "2023", "-f", "json", "--limit", "999")
    expected = {}
    for n in range(4):  # each version's answer, from a build of its own
        edited.write_text(version(n), encoding="utf-8")
        answer = pakru(store, tmp_path / f"fresh-{n}", *question)
        assert answer.returncode == 0, answer.stderr
        expected[answer.stdout] = n
    assert len(expected) == 4

    cache = tmp_path / "cache"
    trade_answer(store, cache)  # compiled once; every edit below is an update of it
    env = {**os.environ, "PAKRU_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    editor = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time, pathlib\n"
            "path, texts = pathlib.Path(sys.argv[1]), sys.argv[2:]\n"
            f"for i in range({STRESS_SAVES}):\n"  # each version whole, as an editor saves it
            "    path.with_suffix('.new').write_text(texts[i % len(texts)], encoding='utf-8')\n"
            "    path.with_suffix('.new').replace(path)\n"
            "    time.sleep(0.1)\n"
        ), str(edited), *(version(n) for n in range(4))],
    )  # fmt: skip
    answers = []
    while editor.poll() is None:
        wave = [
            subprocess.Popen(
                [sys.executable, "-m", "pakru", "--facts", str(store), *question],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )  # fmt: skip
            for _ in range(STRESS_WAVE)
        ]
        answers += [(p.wait(timeout=120), *p.communicate()) for p in wave]
    assert editor.wait() == 0
    wrong = [(code, err, out[:200]) for code, out, err in answers if (code, err) != (0, "")]
    assert wrong == []
    assert [out for _, out, _ in answers if out not in expected] == []
    assert len(answers) >= STRESS_WAVE


# --- an update that fails ------------------------------------------------------------------------


def edited_and_broken(store: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store compiled, then a figure edited, and the update that will read it broken (a
    column its SQL names that is not there)."""
    from pakru.store import build

    assert invoke("trade", "2023-24", facts=store).exit_code == 0
    figures = store / "figures.yaml"
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace("value: 1300000000", "value: 1400000000"), encoding="utf-8")
    long_ago(store)  # (else the next answers all read it again, as a file just written may change)
    sync = build.Builder.sync

    def with_a_broken_column(self: build.Builder, files: Any, *, full: bool) -> Any:
        if not full:
            self.db.execute("UPDATE files SET no_such_column = 1")
        return sync(self, files, full=full)

    monkeypatch.setattr(build.Builder, "sync", with_a_broken_column)


def test_an_update_broken_in_its_sql_fails_the_tests(
    store: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pakru.store.compiled import UpdateFailed

    edited_and_broken(store, invoke, monkeypatch)
    with pytest.raises(UpdateFailed, match="no such column: no_such_column"):
        open_store(store)
    answer = invoke("trade", "2023-24", facts=store)
    assert answer.exit_code == 1
    assert "internal error (UpdateFailed" in answer.stderr


def test_for_users_an_update_that_fails_is_a_rebuild_said_only_under_debug(
    store: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAKRU_STRICT")
    edited_and_broken(store, invoke, monkeypatch)
    answer = invoke("trade", "2023-24", "-f", "json", facts=store)
    assert (answer.exit_code, answer.stderr) == (0, "")
    assert '"value": 1400000000' in answer.stdout
    figures = store / "figures.yaml"
    text = figures.read_text(encoding="utf-8")
    figures.write_text(text.replace("value: 1400000000", "value: 1500000000"), encoding="utf-8")
    long_ago(store)
    debug = {"PAKRU_DEBUG": "1"}
    answer = invoke("trade", "2023-24", "-f", "json", facts=store, env=debug)
    assert answer.exit_code == 0, answer.output
    assert '"value": 1500000000' in answer.stdout
    assert answer.stderr.splitlines() == [
        "pakru: updating the compiled store failed "
        "(OperationalError: no such column: no_such_column); compiled it afresh"
    ]
    assert invoke("trade", "2023-24", facts=store, env=debug).stderr == ""  # said once
