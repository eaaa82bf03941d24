"""Options shared by several commands, defined once, and where the default store lives."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def default_facts_dir() -> Path:
    """The store shipped inside the installed package, or `facts/` beside it in a checkout."""
    package = Path(__file__).resolve().parent
    shipped = package / "facts"
    return shipped if shipped.is_dir() else package.parent / "facts"


FactsDir = Annotated[
    Path | None,
    typer.Option(
        "--facts",
        envvar="PAKRU_FACTS",
        exists=True,
        file_okay=False,
        help="Read this fact store instead of the one shipped with pakru.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="How to print the answer.",
        rich_help_panel="Output",
    ),
]
Since = Annotated[
    str | None,
    typer.Option(
        help="Only what could have happened on or after this date: YYYY, YYYY-MM or YYYY-MM-DD."
    ),
]
Until = Annotated[
    str | None,
    typer.Option(
        help="Only what could have happened on or before this date: YYYY, YYYY-MM or YYYY-MM-DD."
    ),
]
