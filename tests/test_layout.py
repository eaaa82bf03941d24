"""Finding a store's files: nothing skipped in silence, nothing read from outside the store."""

from __future__ import annotations

import builtins
import errno
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pakru.store.compiled import cache_path
from tests.conftest import DATA_FACTS, Invoke

Deny = Callable[[Path], Callable[[], None]]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    copy = tmp_path / "facts"
    shutil.copytree(DATA_FACTS, copy)
    return copy


@pytest.fixture
def deny(monkeypatch: pytest.MonkeyPatch) -> Iterator[Deny]:
    """Make a file or folder unreadable; returns what makes it readable again. Its mode is taken
    away, and where that does not stop reading (the tests run as root), opening it fails as the
    mode would make it fail."""
    denied: set[str] = set()
    real_open, real_scandir = builtins.open, os.scandir

    def refused(path: Any) -> bool:
        return isinstance(path, str | Path) and os.path.realpath(path) in denied

    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if refused(file):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), file)
        return real_open(file, *args, **kwargs)

    def fake_scandir(path: Any = ".") -> Any:
        if refused(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
        return real_scandir(path)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    modes: dict[Path, int] = {}

    def make(path: Path) -> Callable[[], None]:
        modes[path] = path.stat().st_mode
        path.chmod(0)
        denied.add(os.path.realpath(path))

        def undo() -> None:
            path.chmod(modes.pop(path))
            denied.discard(os.path.realpath(path))

        return undo

    yield make
    for path, mode in modes.items():
        path.chmod(mode)


def assert_refused(invoke: Invoke, store: Path, line: str) -> None:
    """`check` lists the problem, and an answer says it in its one line, exit 1 both."""
    result = invoke("check", facts=store)
    assert result.exit_code == 1, result.output
    assert line in result.stdout.splitlines()
    answer = invoke("trade", "2023-24", facts=store)
    assert answer.exit_code == 1, answer.output
    assert answer.stdout == ""
    assert f"({line}" in answer.stderr and "pakru check" in answer.stderr
    assert len(answer.stderr.strip().splitlines()) == 1


# --- links and files that cannot be read ---------------------------------------------------------


def test_a_link_to_nothing_is_a_problem(invoke: Invoke, store: Path) -> None:
    (store / "figures.yaml").unlink()
    (store / "figures.yaml").symlink_to("missing")
    assert_refused(
        invoke,
        store,
        "facts/figures.yaml: cannot read the file: No such file or directory "
        "(a symbolic link to 'missing')",
    )


def test_a_loop_of_links_is_a_problem(invoke: Invoke, store: Path) -> None:
    (store / "figures.yaml").rename(store / "all.yaml")
    (store / "figures").mkdir()
    (store / "figures" / "a.yaml").symlink_to("b.yaml")
    (store / "figures" / "b.yaml").symlink_to("a.yaml")
    (store / "all.yaml").rename(store / "figures" / "all.yaml")
    assert_refused(
        invoke,
        store,
        "facts/figures/a.yaml: cannot read the file: Too many levels of symbolic links "
        "(a symbolic link to 'b.yaml')",
    )


def test_a_link_to_a_folder_it_is_in_is_a_problem(invoke: Invoke, store: Path) -> None:
    (store / "events").mkdir()
    (store / "events" / "again").symlink_to("..")
    assert_refused(
        invoke,
        store,
        "facts/events/again: a symbolic link to a folder the store reads already (facts)",
    )
    (store / "events" / "again").unlink()
    (store / "events" / "again").symlink_to(".")
    assert_refused(
        invoke,
        store,
        "facts/events/again: a symbolic link to a folder the store reads already (facts/events)",
    )


def test_a_linked_folder_inside_the_store_is_read(invoke: Invoke, store: Path) -> None:
    (store / "archive").mkdir()
    (store / "events.yaml").rename(store / "archive" / "2025.yaml")
    (store / "events").mkdir()
    (store / "events" / "2025").symlink_to("../archive")
    result = invoke("events", "-f", "csv", facts=store)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 3  # the header and both events
    assert invoke("check", facts=store).stdout.startswith("OK: 3 sources, 3 actors, 2 events")


def test_a_pipe_named_as_a_store_file_is_a_problem_not_a_wait(invoke: Invoke, store: Path) -> None:
    (store / "events").mkdir()
    os.mkfifo(store / "events" / "later.yaml")
    assert_refused(
        invoke, store, "facts/events/later.yaml: not a regular file; a store file must be one"
    )


def test_a_file_made_readable_again_is_read_again(invoke: Invoke, store: Path, deny: Deny) -> None:
    readable_again = deny(store / "events.yaml")
    failed = invoke("events", facts=store)
    assert failed.exit_code == 1, failed.output
    assert "facts/events.yaml: cannot read the file: Permission denied" in failed.stderr
    readable_again()  # (its size and modification time are the same as before)
    result = invoke("events", "-f", "csv", facts=store)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 3
    assert invoke("check", facts=store).exit_code == 0


def test_an_unreadable_folder_is_a_problem_with_its_path(
    invoke: Invoke, store: Path, deny: Deny
) -> None:
    (store / "events").mkdir()
    (store / "events.yaml").rename(store / "events" / "2025.yaml")
    readable_again = deny(store / "events")
    assert_refused(invoke, store, "facts/events: cannot read the folder: Permission denied")
    readable_again()
    assert invoke("events", facts=store).exit_code == 0


def test_an_unreadable_store_folder_is_a_usage_error(
    invoke: Invoke, store: Path, deny: Deny
) -> None:
    deny(store)
    result = invoke("events", facts=store)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"pakru: --facts: cannot read {str(store)!r}: Permission denied\n"


# --- links out of the store ----------------------------------------------------------------------


@pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="needs a file outside any store")
def test_a_link_to_a_file_outside_the_store_is_refused(invoke: Invoke, store: Path) -> None:
    (store / "topics.yaml").unlink()
    (store / "topics.yaml").symlink_to("/etc/passwd")
    assert_refused(
        invoke,
        store,
        "facts/topics.yaml: a symbolic link out of the store (to '/etc/passwd'); "
        "pakru reads only what is inside the store's folder",
    )


def test_a_link_to_a_store_file_elsewhere_is_refused(
    invoke: Invoke, store: Path, tmp_path: Path
) -> None:
    """Even a valid store file: nobody reviewing the store sees what it says."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (store / "events.yaml").rename(elsewhere / "events.yaml")
    (store / "events").mkdir()
    (store / "events" / "2025.yaml").symlink_to(elsewhere / "events.yaml")
    (store / "figures").symlink_to(elsewhere)
    real = os.path.realpath(elsewhere)
    assert_refused(
        invoke,
        store,
        f"facts/events/2025.yaml: a symbolic link out of the store (to '{real}/events.yaml'); "
        "pakru reads only what is inside the store's folder",
    )
    assert f"facts/figures: a symbolic link out of the store (to '{real}')" in (
        invoke("check", facts=store).stdout
    )


def test_a_store_reached_through_a_link_is_read(
    invoke: Invoke, store: Path, tmp_path: Path
) -> None:
    (tmp_path / "linked").symlink_to(store)
    result = invoke("check", facts=tmp_path / "linked")
    assert result.exit_code == 0, result.output


# --- folders that are not stores -----------------------------------------------------------------


@pytest.mark.parametrize("folder", ["empty", "other files", "/"])
@pytest.mark.parametrize("args", [("check",), ("events",), ("trade", "2023-24")], ids=" ".join)
def test_a_folder_that_is_not_a_store_is_a_usage_error(
    invoke: Invoke, tmp_path: Path, folder: str, args: tuple[str, ...]
) -> None:
    root = tmp_path / folder
    if folder == "other files":
        root.mkdir()
        (root / "notes.yaml").write_text("- id: x\n", encoding="utf-8")
        (root / "README.md").write_text("Not a store.\n", encoding="utf-8")
        (root / "sub").mkdir()
    elif folder == "empty":
        root.mkdir()
    result = invoke(*args, facts=root)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == (
        f"pakru: --facts: {str(root)!r} is not a fact store: a store holds at least one of "
        "sources.yaml, actors.yaml, events.yaml, agreements.yaml, figures.yaml, topics.yaml, or "
        "a folder named as one of them without .yaml (such as events/) holding *.yaml files\n"
    )
    assert not cache_path(root).exists()  # and nothing was compiled for it


def test_a_store_of_one_empty_kind_folder_is_a_store(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "facts" / "events").mkdir(parents=True)
    result = invoke("events", "-f", "json", facts=tmp_path / "facts")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "[]"
