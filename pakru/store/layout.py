"""Where a store keeps its files: `<kind>.yaml` and every `*.yaml` below `<kind>/`.

Kept apart from the loader so that finding (and fingerprinting) a store's files costs no YAML or
pydantic import: it runs before every answer.

Nothing found is skipped in silence. A store file or folder that cannot be read (a link to nothing,
a link loop, a folder that cannot be opened, something that is not a regular file) is listed with
the reason, and becomes a problem. Symbolic links are followed only while they stay inside the
store's folder: one that leads out of it is refused, so that a store never reads `/etc/passwd`, nor
a YAML file nobody reviewing the store can see.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from pakru.domain.errors import Problem, UsageError, shown
from pakru.domain.records import KIND_OF_TYPE

KINDS = tuple(KIND_OF_TYPE.values())
# What a store's folder may hold: a file per kind, a folder per kind, or both.
_LAID_OUT = {*KINDS, *(f"{kind}.yaml" for kind in KINDS)}


class StoreFile(NamedTuple):
    """A file of the store: its kind, where it is, the name problems give it, and its fingerprint
    (size, modification time and change time, which tell the compiled store whether to read it
    again)."""

    kind: str
    path: str  # a string: a large store has thousands of files, and pathlib is slow to build
    name: str
    fingerprint: tuple[int, int, int]
    # Why it cannot be read, when finding it already tells (then `fingerprint` is _UNREAD).
    refused: str | None = None


# The fingerprint of what could not even be looked at.
_UNREAD = (-1, -1, -1)


def holds_store(root: Path) -> bool:
    """Whether the folder holds any of a store's files or folders (one that cannot be listed is
    taken to: reading it says why)."""
    try:
        return not _LAID_OUT.isdisjoint(os.listdir(root))
    except OSError:
        return True


def store_files(root: Path) -> list[StoreFile]:
    """Each store file with its kind and fingerprint, in a stable order; raises `UsageError` when
    the folder cannot be read, or has none of a store's files and folders (it is not a store)."""
    # Walked with os.scandir and plain strings: this runs before every answer, over every file of
    # a large store.
    top = os.fspath(root)
    try:
        with os.scandir(top) as scan:
            laid_out = {entry.name: entry for entry in scan if entry.name in _LAID_OUT}
    except OSError as error:
        raise UsageError(f"cannot read {shown(top, 200)}: {error.strerror}", "--facts") from None
    if not laid_out:
        raise UsageError(
            f"{shown(top, 200)} is not a fact store: a store holds at least one of "
            f"{', '.join(f'{kind}.yaml' for kind in KINDS)}, or a folder named as one of them "
            "without .yaml (such as events/) holding *.yaml files",
            "--facts",
        )
    walk = _Walk(os.path.realpath(top), root.name)
    for kind in KINDS:
        if (entry := laid_out.get(f"{kind}.yaml")) is not None:
            walk.file(kind, entry, f"{root.name}/{entry.name}")
        if (entry := laid_out.get(kind)) is not None:
            walk.folder(kind, entry, f"{root.name}/{kind}", os.path.join(walk.real, kind))
    return walk.found


def fingerprints(files: Sequence[StoreFile]) -> str:
    """Every file's name and fingerprint in one text: equal texts, unchanged files. (Fields are
    separated by NUL, which no file name holds, so no two lists read the same.)"""
    return "\0".join(
        f"{f.name}\0{f.fingerprint[0]}\0{f.fingerprint[1]}\0{f.fingerprint[2]}" for f in files
    )


def stray_files(root: Path) -> list[Problem]:
    """A problem for each YAML file (`*.yaml` or `*.yml`, in any case) under the store that pakru
    does not read, which would otherwise be silently ignored: one at the top that is not a store
    file, one in a kind's folder not named `*.yaml`, one in a folder no kind has. Other files (a
    README, notes, the schemas) are the curators' own. Hidden folders (`.git`) are not looked in,
    nor linked ones."""
    known = {f"{kind}.yaml" for kind in KINDS}
    problems = []
    read: set[str] | None = None
    top = os.fspath(root)
    for folder, subfolders, names in os.walk(top):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        relative = os.path.relpath(folder, top).replace(os.sep, "/")
        parts = [] if relative == "." else relative.split("/")
        for name in sorted(names):
            if not name.lower().endswith((".yaml", ".yml")):
                continue
            shown_name = "/".join((root.name, *parts, name))
            if not parts:
                if name not in known:
                    why = f"not a store file; name it one of {', '.join(sorted(known))}"
                    problems.append(Problem(shown_name, None, "", why))
            elif parts[0] not in KINDS:
                if read is None:  # a kind's folder may link here: what it reads is not stray
                    read = {os.path.realpath(file.path) for file in store_files(root)}
                if os.path.realpath(os.path.join(folder, name)) in read:
                    continue
                why = (
                    f"not read: {parts[0]}/ is not a folder of the store; the folders pakru reads "
                    f"are {', '.join(f'{kind}/' for kind in KINDS)}"
                )
                problems.append(Problem(shown_name, None, "", why))
            elif not name.endswith(".yaml"):
                stem = name.rsplit(".", 1)[0]
                why = (
                    f"not read: pakru reads only files ending .yaml in {parts[0]}/; "
                    f"name it {stem}.yaml"
                )
                problems.append(Problem(shown_name, None, "", why))
    return problems


def _fingerprint(stat: os.stat_result) -> tuple[int, int, int]:
    # The change time too: a tool that rewrites a file and sets its modification time back (as
    # `touch -r`, `rsync -t` or `cp -p` over it do) cannot set it, since any write or utime moves
    # it to now. A file that merely changed owner or mode is then read again, which costs little.
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


class _Walk:
    """The store files found so far, in the store whose real path is `real`."""

    def __init__(self, real: str, name: str) -> None:
        self.real = real
        self.inside = os.path.join(real, "")  # how the real path of all it reads starts
        self.found: list[StoreFile] = []
        # Each folder walked, by real path, with its name: a folder reached again through a
        # link (a loop, or two links to one folder) is not read again. The store's own folder
        # counts as walked: a link to it is a loop.
        self.walked: dict[str, str] = {real: name}

    def file(self, kind: str, entry: os.DirEntry[str], name: str) -> None:
        """A file the store's layout names: `<kind>.yaml`, or a `*.yaml` in a kind's folder."""
        link = entry.is_symlink()
        if link and self._followed(kind, entry.path, name) is None:
            return
        try:
            status = entry.stat()
        except OSError as error:  # a link to nothing, a link loop, a file gone since
            target = f" (a symbolic link to {shown(os.readlink(entry.path), 200)})" if link else ""
            self._refuse(kind, entry.path, name, f"cannot read the file: {error.strerror}{target}")
            return
        if stat.S_ISREG(status.st_mode):
            self.found.append(StoreFile(kind, entry.path, name, _fingerprint(status)))
        else:  # a folder, or a pipe or a device, which reading could wait on for ever
            self._refuse(kind, entry.path, name, "not a regular file; a store file must be one")

    def folder(self, kind: str, entry: os.DirEntry[str], name: str, real: str) -> None:
        """Every `*.yaml` file below a folder (named `name` in problems, at the real path `real`;
        a link's is found here), ordered by their paths' parts: each folder's entries by name, a
        subfolder's files where the subfolder sorts."""
        if entry.is_symlink():
            if (followed := self._followed(kind, entry.path, name)) is None:
                return
            real = followed
        if real in self.walked:
            message = f"a symbolic link to a folder the store reads already ({self.walked[real]})"
            self._refuse(kind, entry.path, name, message)
            return
        try:
            with os.scandir(entry.path) as scan:
                entries = sorted(scan, key=lambda child: child.name)
        except OSError as error:
            self._refuse(kind, entry.path, name, f"cannot read the folder: {error.strerror}")
            return
        self.walked[real] = name
        found = self.found
        for child in entries:
            if child.is_symlink():
                below = f"{name}/{child.name}"
                if os.path.isdir(child.path):  # (not DirEntry's: it raises on a loop of links)
                    self.folder(kind, child, below, "")
                elif child.name.endswith(".yaml") or not os.path.exists(child.path):
                    self.file(kind, child, below)  # (a link to nothing may have been a folder)
            elif child.is_dir(follow_symlinks=False):
                self.folder(kind, child, f"{name}/{child.name}", os.path.join(real, child.name))
            elif not child.name.endswith(".yaml"):
                continue
            elif child.is_file(follow_symlinks=False):  # the usual case, without a call
                try:
                    status = child.stat()
                except OSError:  # gone since the folder was read
                    self.file(kind, child, f"{name}/{child.name}")
                    continue
                found.append(
                    StoreFile(kind, child.path, f"{name}/{child.name}", _fingerprint(status))
                )
            else:
                self.file(kind, child, f"{name}/{child.name}")

    def _followed(self, kind: str, link: str, name: str) -> str | None:
        """Where a link leads, if it stays inside the store; else None, and it is refused."""
        target = os.path.realpath(link)
        if target == self.real or target.startswith(self.inside):
            return target
        why = (
            f"a symbolic link out of the store (to {shown(target, 200)}); "
            "pakru reads only what is inside the store's folder"
        )
        self._refuse(kind, link, name, why)
        return None

    def _refuse(self, kind: str, path: str, name: str, why: str) -> None:
        self.found.append(StoreFile(kind, path, name, _UNREAD, why))
