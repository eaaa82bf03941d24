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


# --- files that cannot be read --------------------------------------------------------------------


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
