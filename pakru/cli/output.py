"""Where an answer goes: a stream in whatever encoding it has, or a file written whole.

Kept to the standard library at import: the CLI sets up its streams with it before every command.

A stream that cannot encode a character (a Windows console redirected to a file writes cp1252)
gets its nearest ASCII equivalent instead, never an error: `≠` becomes `!=`, `–` and `—` become
`-`, curly quotes straight ones, `…` `...`, `†` `+`, `→` `->`, `×` `x`, `⟳` (a report that
supersedes an earlier one) `(new)` and `⊘` (a superseded report) `(old)`; other letters are
transliterated by `anyascii` (Фёдоров becomes Fedorov). JSON instead escapes them as `\\uXXXX`,
which every JSON reader turns back into the character: nothing is lost.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

_FALLBACK = "pakru-ascii"
# What anyascii would give for these reads worse, or means something else, in pakru's answers.
_EQUIVALENTS = {
    "≠": "!=",
    "→": "->",
    "×": "x",
    "⟳": "(new)",
    "⊘": "(old)",
    "≥": ">=",
    "≤": "<=",
}


def ascii_equivalent(char: str) -> str:
    """The ASCII text shown for a character a stream cannot encode."""
    if char in _EQUIVALENTS:
        return _EQUIVALENTS[char]
    from anyascii import anyascii  # only when a stream cannot encode what pakru writes

    return anyascii(char) or "?"


def _replace(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    unencodable = error.object[error.start : error.end]
    return "".join(ascii_equivalent(char) for char in unencodable), error.end


def encodes_everything(stream: TextIO) -> bool:
    """Whether the stream's encoding is a Unicode one (the usual case)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def ascii_fallback(stream: TextIO) -> None:
    """Make a stream that cannot encode every character write an ASCII equivalent instead."""
    if encodes_everything(stream):
        return
    codecs.register_error(_FALLBACK, _replace)
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors=_FALLBACK)


def json_for(stream: TextIO, text: str) -> str:
    """JSON as the stream can carry it: characters it cannot encode escaped, losslessly."""
    if encodes_everything(stream):
        return text
    encoding = stream.encoding
    # Outside strings JSON is ASCII, so every character escaped here is inside a string.
    return "".join(char if _encodable(char, encoding) else _escaped(char) for char in text)


def _encodable(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _escaped(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)  # a surrogate pair, as JSON spells these
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


_PADDED = re.compile(r"[ \t]+$", re.MULTILINE)


def without_trailing_spaces(text: str) -> str:
    """Text with no spaces at the ends of its lines: a table's cells pad themselves, and the
    padding is noise in a file or a pipe (diffs, `grep ' $'`, copied cells)."""
    return _PADDED.sub("", text)


def write_file(path: Path, text: str | Iterable[str], *, bom: bool = False) -> None:
    """Write UTF-8 text (or its pieces, as they are made) to `path` whole or not at all: into a
    temporary file beside it, flushed to the disk, then renamed over it, so a reader never sees
    half an answer and a failed write leaves the old file as it was. Through a symbolic link the
    file it points to is written; a device or a FIFO is written into, as a shell's `>` would."""
    import stat
    import tempfile

    pieces = [text] if isinstance(text, str) else text
    path = Path(os.path.realpath(path))  # a link keeps pointing at the answer: write its target
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        # A device or a FIFO (/dev/stdout, a named pipe): written into, never renamed over.
        with open(path, "w", encoding="utf-8", newline="") as stream:
            stream.write("\ufeff" if bom else "")
            stream.writelines(pieces)
        return
    folder = path.parent
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            if bom:
                file.write("\ufeff")
            for piece in pieces:
                file.write(piece)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _mode(path))
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _mode(path: Path) -> int:
    """The permissions the file would have had, written the usual way: its own if it exists,
    else what the umask allows (a temporary file is made readable by its owner only)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
