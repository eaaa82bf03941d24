"""Where a store keeps its files: `<kind>.yaml` and every `*.yaml` below `<kind>/`.

Kept apart from the loader so that finding (and fingerprinting) a store's files costs no YAML or
pydantic import: it runs before every answer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pakru.errors import Problem

KINDS = ("sources", "actors", "events", "agreements", "figures", "topics")


@dataclass(frozen=True)
class StoreFile:
    """A file of the store: its kind, where it is, and the name problems give it."""

    kind: str
    path: Path
    name: str


def store_files(root: Path) -> tuple[list[StoreFile], list[Problem]]:
    """Each store file with its kind, in a stable order; and a problem for each YAML file at the
    top of the store that is not a store file (it would otherwise be silently ignored)."""
    found: list[StoreFile] = []
    for kind in KINDS:
        single = root / f"{kind}.yaml"
        if single.is_file():
            found.append(StoreFile(kind, single, f"{root.name}/{kind}.yaml"))
        folder = root / kind
        if folder.is_dir():
            for path in sorted(_yaml_below(folder)):
                relative = path.relative_to(root).as_posix()
                found.append(StoreFile(kind, path, f"{root.name}/{relative}"))
    known = {f"{kind}.yaml" for kind in KINDS}
    problems = [
        Problem(
            f"{root.name}/{name}",
            None,
            "",
            f"not a store file; name it one of {', '.join(sorted(known))}",
        )
        for name in sorted(os.listdir(root))
        if name.endswith((".yaml", ".yml")) and name not in known and (root / name).is_file()
    ]
    return found, problems


def _yaml_below(folder: Path) -> list[Path]:
    found: list[Path] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                found.extend(_yaml_below(Path(entry.path)))
            elif entry.name.endswith(".yaml") and entry.is_file():
                found.append(Path(entry.path))
    return found
