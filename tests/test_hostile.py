"""Hostile input: nothing crashes, nothing leaks onto the terminal, nothing in a store runs."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA_FACTS, Invoke

ROOT = Path(__file__).parent.parent

# Every command with every argument or option that takes free text (paths are tested apart).
SLOTS: list[tuple[str, ...]] = [
    ("trade", "{}"),
    ("figures", "--metric", "{}"),
    ("figures", "--period", "{}"),
    ("figures", "--topic", "{}"),
    ("figures", "--basis", "{}"),
    ("events", "--since", "{}"),
    ("events", "--until", "{}"),
    ("events", "--topic", "{}"),
    ("events", "--actor", "{}"),
    ("agreements", "--topic", "{}"),
    ("agreements", "--party", "{}"),
    ("agreements", "--status", "{}"),
    ("agreements", "--since", "{}"),
    ("timeline", "--since", "{}"),
    ("timeline", "--actor", "{}"),
    ("actors", "{}"),
    ("show", "{}"),
    ("search", "{}"),
    ("search", "steel", "--type", "{}"),
    ("search", "steel", "--limit", "{}"),
    ("trade", "2023-24", "--limit", "{}"),
    ("events", "-n", "{}"),
    ("trade", "2023-24", "--format", "{}"),
]


def assert_handled(result: object, value: str) -> None:
    exit_code = result.exit_code  # type: ignore[attr-defined]
    assert exit_code in (0, 1, 2), (value, result.output)  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]
    assert result.exception is None or isinstance(result.exception, SystemExit), value  # type: ignore[attr-defined]
    if exit_code:
        assert result.stderr.strip(), value  # type: ignore[attr-defined]
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "command",
    [("search", "Pakistan"), ("trade", "2023-24"), ("events",), ("agreements",), ("timeline",)],
    ids=" ".join,
)
@pytest.mark.parametrize("limit", ["922337203685477581", str(2**64), "9" * 40])
def test_a_limit_past_any_store_shows_every_row(
    invoke: Invoke, command: tuple[str, ...], limit: str
) -> None:
    """Even one past what SQLite can count to (a search asks its index for ten times the limit)."""
    every = invoke(*command, "-f", "csv", "-n", "0", facts=None)
    result = invoke(*command, "-f", "csv", "-n", limit, facts=None)
    assert result.exit_code == 0, result.output
    assert result.stdout == every.stdout and result.stdout.count("\n") > 5


@pytest.mark.parametrize("slot", SLOTS, ids=lambda slot: " ".join(slot))
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(max_size=60))
def test_arbitrary_text_anywhere_is_an_answer_or_one_clear_line(
    invoke: Invoke, slot: tuple[str, ...], value: str
) -> None:
    args = [value if part == "{}" else part for part in slot]
    result = invoke(*args)
    assert_handled(result, value)
    assert "internal error" not in result.stderr


HOSTILE = [
    "2023-25",
    "2024-13",
    "2024-02-30",
    "FY",
    "FY1",
    "20233-24",
    "..",
    "2025..2024",
    "",
    " ",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;title\x07",
    "tab\there",
    "line\nbreak",
    "\x00nul",
    "[bold red]markup[/]",
    "\ud800",  # a lone surrogate: how Python hands over undecodable bytes from argv
    "x" * 100_000,
]


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v)[:20])
@pytest.mark.parametrize("slot", SLOTS, ids=lambda slot: " ".join(slot))
def test_hostile_values_in_every_slot(invoke: Invoke, slot: tuple[str, ...], value: str) -> None:
    args = [value if part == "{}" else part for part in slot]
    result = invoke(*args)
    assert_handled(result, value)
    assert "internal error" not in result.stderr
    assert "\x1b" not in result.output  # nothing the user typed comes back as a live escape
    assert len(result.stderr) < 2_000  # a 100 kB value is named, not echoed in full


def test_a_100_kb_argument_is_named_shortly() -> None:
    from typer.testing import CliRunner

    from pakru.cli.commands import app

    result = CliRunner().invoke(app, ["--facts", str(DATA_FACTS), "trade", "2" * 100_000])
    assert result.exit_code == 2
    assert "(100000 characters)" in result.stderr


def test_invalid_utf8_in_arguments_from_a_real_shell(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PAKRU_CACHE_DIR": str(tmp_path)}
    for args in ([b"trade", b"\xff\xfe"], [b"events", b"--topic", b"st\xe9el"], [b"show", b"\x80"]):
        done = subprocess.run(
            [sys.executable.encode(), b"-m", b"pakru", b"--facts", str(DATA_FACTS).encode(), *args],
            capture_output=True,
            env=env,
            timeout=60,
        )
        assert done.returncode == 2, done.stderr
        assert b"Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


# --- hostile stores ------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Path:
    copy = tmp_path / "facts"
    shutil.copytree(DATA_FACTS, copy)
    return copy


def test_markup_in_the_store_is_shown_literally(invoke: Invoke, store: Path) -> None:
    events = store / "events.yaml"
    events.write_text(
        events.read_text(encoding="utf-8").replace(
            "title: Steel talks in Moscow",
            "title: '[bold red]Steel[/] talks [link=http://x]in Moscow'",
        ),
        encoding="utf-8",
    )
    result = invoke("events", facts=store)
    assert result.exit_code == 0, result.output
    assert "[bold red]Steel[/] talks [link=http://x]in Moscow" in " ".join(result.stdout.split())


@pytest.mark.parametrize("escape", ["\\e]0;pwned\\a", "\\e[2J", "\\r", "\\x9b31m"])
def test_terminal_escapes_in_a_store_are_refused_with_their_place(
    invoke: Invoke, store: Path, escape: str
) -> None:
    events = store / "events.yaml"
    text = events.read_text(encoding="utf-8")
    events.write_text(
        text.replace("title: Steel talks in Moscow", f'title: "Steel talks{escape} in Moscow"'),
        encoding="utf-8",
    )
    result = invoke("check", facts=store)
    assert result.exit_code == 1
    assert "facts/events.yaml:14: events[1].title: control character" in result.stdout
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout
    query = invoke("events", facts=store)
    assert query.exit_code == 1 and "pakru check" in query.stderr


def _nested(depth: int, form: str) -> str:
    if form == "lists":
        return "[" * depth + "]" * depth
    if form == "mappings":
        return "{a: " * depth + "x" + "}" * depth
    return "\n    " + "- " * depth + "x"  # block style: a list in a list …, on the next line


@pytest.mark.parametrize("form", ["lists", "mappings", "block"])
@pytest.mark.parametrize("depth", [500, 990])
def test_deep_nesting_is_a_problem_with_its_place(
    invoke: Invoke, store: Path, depth: int, form: str
) -> None:
    """Deeper than Python's stack goes, not so deep that YAML's own limit (1,000) speaks first."""
    events = store / "events.yaml"
    text = events.read_text(encoding="utf-8")
    nested = _nested(depth, form)
    events.write_text(text.replace("title: Steel talks in Moscow", f"title: {nested}"), "utf-8")
    result = invoke("check", facts=store)
    assert result.exit_code == 1, result.output
    line = 15 if form == "block" else 14
    assert result.stdout.splitlines()[0] == (
        f"facts/events.yaml:{line}: events[1].title: nested more than 16 levels deep; "
        "no field of a store goes so deep"
    )
    for args in (("events",), ("trade", "2023-24"), ("search", "steel")):
        answer = invoke(*args, facts=store)
        assert answer.exit_code == 1, answer.output
        assert "nested more than 16 levels deep" in answer.stderr
        assert len(answer.stderr.strip().splitlines()) == 1


def test_a_store_given_with_facts_is_never_written(invoke: Invoke, store: Path) -> None:
    before = sorted(str(p.relative_to(store)) for p in store.rglob("*"))
    for path in [store, *store.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        for args in (("trade", "2023-24"), ("events",), ("search", "steel"), ("check",)):
            result = invoke(*args, facts=store)
            assert result.exit_code == 0, result.output
    finally:
        for path in [store, *store.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    assert sorted(str(p.relative_to(store)) for p in store.rglob("*")) == before


def test_a_text_file_outside_the_sources_folder_is_never_read(
    invoke: Invoke, store: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Trade between Pakistan and Russia reached $1.5 billion", encoding="utf-8")
    sources = store / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace(
            "text_file: gazette.txt", "text_file: ../secret.txt"
        ),
        encoding="utf-8",
    )
    result = invoke("check", "--sources-dir", str(DATA_FACTS.parent / "sources"), facts=store)
    assert result.exit_code == 1
    assert "sources[0].text_file" in result.stdout


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


ANSWERS = [("events",), ("trade", "2023-24"), ("figures",), ("search", "steel"), ("timeline",)]


@pytest.mark.parametrize("value", ["'1e4301'", "'1e99999999'", "'1,5'"])
def test_a_value_no_figure_can_have_is_refused_by_check_and_by_every_answer_fast(
    invoke: Invoke, store: Path, value: str
) -> None:
    """'1e4301' was an internal error in every answer, '1e99999999' a build of minutes, and '1,5'
    a figure of 15 that `check` called OK."""
    replace_in(store / "figures.yaml", "value: 1500000000", f"value: {value}")
    started = time.monotonic()
    result = invoke("check", facts=store)
    assert result.exit_code == 1, result.output
    assert "facts/figures.yaml:4: figures[0].value: " in result.stdout
    for args in ANSWERS:
        answer = invoke(*args, facts=store)
        assert answer.exit_code == 1, answer.output
        assert_handled(answer, value)
        assert "figures.yaml:4: figures[0].value" in answer.stderr
    assert time.monotonic() - started < 30


def test_escapes_in_a_text_file_name_never_reach_the_terminal(invoke: Invoke, store: Path) -> None:
    replace_in(
        store / "sources.yaml", "text_file: gazette.txt", 'text_file: "\\e[2J\\e]0;x\\agazette.txt"'
    )
    result = invoke("check", facts=store)
    assert result.exit_code == 1
    assert "facts/sources.yaml:8: sources[0].text_file: control character U+001B" in result.stdout
    shown = invoke("show", "gazette-2025-03-14", "-f", "csv", facts=store)
    assert shown.exit_code == 1 and "pakru check" in shown.stderr
    assert "\x1b" not in result.output + shown.output


@pytest.mark.parametrize("fmt", ["csv", "json", "table", "markdown"])
def test_a_bidi_override_is_refused_so_no_format_writes_it(
    invoke: Invoke, store: Path, fmt: str
) -> None:
    replace_in(store / "events.yaml", "title: Steel talks in Moscow", 'title: "Steel \\u202etalks"')
    result = invoke("check", facts=store)
    assert result.exit_code == 1
    assert (
        "facts/events.yaml:14: events[1].title: bidi control character U+202E "
        "(RIGHT-TO-LEFT OVERRIDE) at position 6" in result.stdout
    )
    answer = invoke("events", "-f", fmt, facts=store)
    assert answer.exit_code == 1 and "pakru check" in answer.stderr
    assert "\u202e" not in result.output + answer.output


def test_a_text_past_the_store_limit_is_refused_before_search_reads_it(
    invoke: Invoke, store: Path
) -> None:
    """A 200 MB string made `search` take minutes and 15 GB; a store refuses texts that long."""
    replace_in(
        store / "events.yaml", "title: Steel talks in Moscow", "title: " + "steel " * 20_000 + "."
    )
    started = time.monotonic()
    result = invoke("search", "steel", facts=store)
    assert result.exit_code == 1, result.output
    assert_handled(result, "long")
    assert "events[1].title: a text of 120,001 characters" in result.stderr
    assert time.monotonic() - started < 10


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs a folder no one can write in")
def test_export_into_a_folder_that_cannot_be_written_is_one_line(invoke: Invoke) -> None:
    result = invoke("export", "--sqlite", "/proc/pakru.db")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("pakru: --sqlite: cannot write in '/proc'")
    assert len(result.stderr.strip().splitlines()) == 1
