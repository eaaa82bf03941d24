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


class CiteFormat(StrEnum):
    """How `pakru cite` writes references: prose, CSL-JSON (Zotero, Pandoc), BibTeX (biblatex)."""

    TEXT = "text"
    CSL_JSON = "csl-json"
    BIBTEX = "bibtex"


class CheckFormat(StrEnum):
    """How `pakru check` reports: for people, as JSON, or as GitHub Actions annotations."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


class Span(StrEnum):
    """What `pakru coverage` counts facts by."""

    YEAR = "year"
    DECADE = "decade"


# The pakru package's folder (this file is pakru/cli/options.py).
PACKAGE = Path(__file__).resolve().parent.parent


def default_facts_dir() -> Path:
    """The store shipped inside the installed package, or `facts/` beside it in a checkout."""
    shipped = PACKAGE / "facts"
    return shipped if shipped.is_dir() else PACKAGE.parent / "facts"


def is_installed_store(folder: Path) -> bool:
    """Whether `folder` is the store installed inside the package (site-packages/pakru/facts),
    which the next install replaces; a checkout's `facts/` is the curators' own."""
    return folder.resolve() == (PACKAGE / "facts").resolve()


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
OutputFile = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        dir_okay=False,
        help="Write the answer to this file instead of stdout: UTF-8, and written whole (into a "
        "temporary file beside it, then renamed), so it is never left half-written.",
        show_default=False,
        rich_help_panel="Output",
    ),
]
ByteOrderMark = Annotated[
    bool,
    typer.Option(
        "--bom",
        help="Start the output with a UTF-8 byte-order mark, so that Excel reads a CSV file as "
        "UTF-8. Only with --format csv.",
        rich_help_panel="Output",
    ),
]
# A table is read, not processed: past this many rows it stops being an answer (and a large store
# can match thousands). Every answer from the shipped store fits (the longest, the timeline, has 41
# rows). CSV and JSON are for programs and carry every row unless asked otherwise.
TABLE_ROWS = 50

RowLimit = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        min=0,
        help=f"Show at most this many rows: {TABLE_ROWS} by default in a table or Markdown, every "
        "row in CSV and JSON. 0 shows every row.",
        show_default=False,
        rich_help_panel="Output",
    ),
]


def row_limit(limit: int | None, fmt: OutputFormat) -> int | None:
    """How many rows to show (None: every one) for the --limit given, in the format asked for."""
    if limit is None:
        return TABLE_ROWS if fmt in (OutputFormat.TABLE, OutputFormat.MARKDOWN) else None
    return limit or None


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

AllReports = Annotated[
    bool,
    typer.Option(
        "--all",
        help="Also list earlier reports that later ones supersede (hidden by default).",
    ),
]
