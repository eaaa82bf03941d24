"""What `pakru --version` says: the package's version and the store it answers from."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pakru import __version__
from pakru.domain.errors import StoreError
from pakru.store.layout import KINDS, StoreFile, store_files


def fingerprint(files: list[StoreFile]) -> str:
    """Twelve hex digits of a hash over every store file's place in the store and its bytes.

    It is the contents that are hashed, not the sizes and times the compiled store is kept up to
    date by: two copies of one store (a checkout, an installed package) have the same
    fingerprint, and a store differs from another by its fingerprint only if a file differs."""
    digest = hashlib.sha256()
    for file in files:
        inside = file.name.split("/", 1)[1]  # the store's own folder is named however it is
        digest.update(inside.encode() + b"\0")
        if file.refused is not None:
            digest.update(b"unreadable\0")
            continue
        data = Path(file.path).read_bytes()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:12]


def version_text(root: Path) -> str:
    """`pakru X.Y.Z`, then the store: its folder, how many records of each kind it holds and its
    fingerprint. A store that is not valid is said to be so, rather than counted."""
    from pakru.store.compiled import open_store

    files = store_files(root)
    where = f"store: {root.resolve()}"
    try:
        compiled = open_store(root)
    except StoreError as error:
        held = f"not valid ({len(error.problems)} problems); run `pakru check` to list them"
    else:
        try:
            counts = compiled.counts_by_kind()
        finally:
            compiled.close()
        held = ", ".join(f"{counts.get(kind, 0)} {kind}" for kind in KINDS if kind != "topics")
    return f"pakru {__version__}\n{where}\n{held}\nfingerprint: {fingerprint(files)}"
