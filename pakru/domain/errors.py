"""Errors pakru reports to its user, and the exit code each one ends with."""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple


class ExitCode(IntEnum):
    OK = 0
    STORE_INVALID = 1
    USAGE = 2
    INTERRUPTED = 130


def shown(value: object, limit: int = 60) -> str:
    """A value quoted for an error message, cut short if it is long (arguments can be 100 kB)."""
    text = repr(value)
    return (
        text
        if len(text) <= limit
        else f"{text[: limit - 5]}…{text[-4:]} ({len(str(value))} characters)"
    )


class PakruError(Exception):
    """Base of every error pakru turns into a message and an exit code."""

    exit_code: ExitCode = ExitCode.STORE_INVALID


class UsageError(PakruError):
    """A value the user typed that pakru cannot accept.

    `param` names the option or argument (``--since``, ``PERIOD``) when it is known, so the message
    can say which value was wrong.
    """

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param

    def __str__(self) -> str:
        return f"{self.param}: {self.message}" if self.param else self.message


class OutputError(PakruError):
    """The answer could not be written where stdout goes (a full disk, `pakru events > /dev/full`).

    A reader that has gone away (`pakru … | head`) is not one: that ends quietly.
    """

    def __init__(self, error: OSError, where: str = "stdout", what: str = "the answer") -> None:
        import errno

        # A descriptor that is not open for writing: the shell closed it (`pakru … >&-`).
        why = "it is closed" if error.errno == errno.EBADF else error.strerror or error
        super().__init__(f"cannot write {what} to {where}: {why}")


class PeriodError(UsageError):
    """A date or period that cannot be parsed, or an impossible one."""


class Problem(NamedTuple):
    """One problem found in a store, located as precisely as the loader could."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class StoreError(PakruError):
    """The store cannot be used; carries every problem found, not only the first."""

    exit_code = ExitCode.STORE_INVALID

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the fact store")
        self.problems = problems
