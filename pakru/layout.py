"""Where a store keeps its files: `<kind>.yaml` and every `*.yaml` below `<kind>/`.

Kept apart from the loader so that finding (and fingerprinting) a store's files costs no YAML or
pydantic import: it runs before every answer.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from pakru.errors import Problem
from pakru.records import KIND_OF_TYPE

KINDS = tuple(KIND_OF_TYPE.values())


class StoreFile(NamedTuple):
    """A file of the store: its kind, where it is, the name problems give it, and its fingerprint
    (size and modification time, which tell the compiled store whether to read it again)."""

    kind: str
    path: str  # a string: a large store has thousands of files, and pathlib is slow to build
    name: str
    fingerprint: tuple[int, int]


def store_files(root: Path) -> list[StoreFile]:
    """Each store file with its kind and fingerprint, in a stable order."""
    # Walked with os.scandir and plain strings: this runs before every answer, over every file of
    # a large store.
    found: list[StoreFile] = []
    top = os.fspath(root)
    for kind in KINDS:
        single = os.path.join(top, f"{kind}.yaml")
        if os.path.isfile(single):
            stat = os.stat(single)
            found.append(StoreFile(kind, single, f"{root.name}/{kind}.yaml", _fingerprint(stat)))
        folder = os.path.join(top, kind)
        if os.path.isdir(folder):
            _yaml_below(kind, folder, f"{root.name}/{kind}", found)
    return found


def fingerprints(files: Sequence[StoreFile]) -> str:
    """Every file's name, size and modification time in one text: equal texts, unchanged files.
    (Fields are separated by NUL, which no file name holds, so no two lists read the same.)"""
    return "\0".join(f"{f.name}\0{f.fingerprint[0]}\0{f.fingerprint[1]}" for f in files)


def stray_files(root: Path) -> list[Problem]:
    """A problem for each YAML file at the top of the store that is not a store file (it would
    otherwise be silently ignored)."""
    known = {f"{kind}.yaml" for kind in KINDS}
    return [
        Problem(
            f"{root.name}/{name}",
            None,
            "",
            f"not a store file; name it one of {', '.join(sorted(known))}",
        )
        for name in sorted(os.listdir(root))
        if name.endswith((".yaml", ".yml")) and name not in known and (root / name).is_file()
    ]


def _fingerprint(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_size, stat.st_mtime_ns


def _yaml_below(kind: str, folder: str, name: str, found: list[StoreFile]) -> None:
    """Every `*.yaml` file below `folder` (named `name` in problems), ordered by their paths'
    parts: each folder's entries by name, a subfolder's files where the subfolder sorts."""
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _yaml_below(kind, entry.path, f"{name}/{entry.name}", found)
        elif entry.name.endswith(".yaml") and entry.is_file():
            found.append(
                StoreFile(kind, entry.path, f"{name}/{entry.name}", _fingerprint(entry.stat()))
            )
