"""The command line: parse what the user typed, ask `query`, hand the answer to `render`.

Heavy modules (pydantic, PyYAML, the store loader, the renderer) are imported inside commands, so
`pakru --help` and argument errors cost only Typer's start-up.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from pakru import __version__
from pakru.errors import ExitCode, PakruError, StoreError
from pakru.options import (
    FactsDir,
    FormatOpt,
    OutputFormat,
    Since,
    TopicOpt,
    Until,
    default_facts_dir,
)
from pakru.types import date_window, parse_period_query

if TYPE_CHECKING:
    from pakru.models import FactStore
    from pakru.render import Listing


class PakruGroup(TyperGroup):
    """Reports every failure as one line on stderr with its exit code, never a traceback."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        code: int
        try:
            result = super().main(args, prog_name or "pakru", complete_var, False, **extra)
            code = result if isinstance(result, int) else ExitCode.OK
        except typer.TyperException as error:  # Click's usage errors: bad option, missing value
            if type(error).__name__ == "NoArgsIsHelpError":  # the help is already printed
                code = ExitCode.OK
            else:
                format_message = getattr(error, "format_message", None)
                message = format_message() if format_message else str(error)
                command = getattr(getattr(error, "ctx", None), "command_path", "pakru")
                _say(f"{command}: {message.replace('Value error, ', '')}")
                code = getattr(error, "exit_code", ExitCode.USAGE)
        except StoreError as error:
            _say(_store_message(error))
            code = error.exit_code
        except PakruError as error:
            _say(f"pakru: {error}")
            code = error.exit_code
        except (typer.Abort, KeyboardInterrupt):
            _say("pakru: interrupted")
            code = ExitCode.INTERRUPTED
        if standalone_mode:
            sys.exit(code)
        return code


def _say(line: str) -> None:
    from pakru.render import literal

    print(literal(line), file=sys.stderr)


def _store_message(error: StoreError) -> str:
    first = error.problems[0]
    more = len(error.problems) - 1
    return (
        f"pakru: the fact store is not valid ({first}"
        + (f"; and {more} more problem{'s' * (more > 1)}" if more else "")
        + "); run `pakru check` to list every problem"
    )


app = typer.Typer(
    cls=PakruGroup,
    name="pakru",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Cite-ready answers about Pakistan–Russia relations, from a curated, sourced fact store.",
)


@dataclass(frozen=True)
class Settings:
    facts: Path


def _version(value: bool) -> None:
    if value:
        print(f"pakru {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    facts: FactsDir = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    ctx.obj = Settings(facts or default_facts_dir())


def _store(ctx: typer.Context) -> FactStore:
    from pakru.load import load_store

    settings: Settings = ctx.obj
    return load_store(settings.facts)


def _emit(listing: Listing, fmt: OutputFormat, store: FactStore) -> None:
    from pakru.render import make_console, render

    output = render(listing, fmt, store)
    console = make_console()
    if isinstance(output, str):
        console.out(output, highlight=False)
    else:
        console.print(output)


@app.command(rich_help_panel="Query")
def trade(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Argument(
            help="2023-24, 2023–24, 2023/24, FY24, FY2024, FY2023-24, 2024, 2024-07, "
            "2024-07..2025-05 or 2024-07/2025-05. Leave out for every period.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Trade totals, exports, imports and growth whose period overlaps PERIOD.

    Example: pakru trade 2023-24
    """
    from pakru import consistency, query, render

    asked = parse_period_query(period, param="PERIOD") if period is not None else None
    store = _store(ctx)
    found = query.trade_figures(store, asked)
    listing = render.trade_listing(found, asked, consistency.disagreements(found))
    _emit(listing, fmt, store)


@app.command(rich_help_panel="Query")
def events(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    actor: Annotated[
        str | None, typer.Option("--actor", "-a", help="An actor id, name or alias, e.g. Overchuk.")
    ] = None,
    fmt: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Events in date order; a date known only to the month or year matches if it could fall in.

    Example: pakru events --since 2024-09 --topic steel
    """
    from pakru import query, render

    window = date_window(since, until)
    store = _store(ctx)
    chosen_topic = query.find_topic(store, topic) if topic is not None else None
    chosen_actor = query.find_actor(store, actor) if actor is not None else None
    found = query.events(store, window, chosen_topic, chosen_actor)
    _emit(render.events_listing(found, window, chosen_topic, chosen_actor), fmt, store)


@app.command(rich_help_panel="Query")
def agreements(
    ctx: typer.Context,
    topic: TopicOpt = None,
    party: Annotated[
        str | None, typer.Option("--party", "-p", help="A party's id, name or alias, e.g. Russia.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(help="signed, agreed, reaffirmed, planned, expected or proposed."),
    ] = None,
    since: Since = None,
    until: Until = None,
    fmt: FormatOpt = OutputFormat.TABLE,
) -> None:
    """Protocols, agreements, MoUs, roadmaps, commitments and proposals, in date order.

    Example: pakru agreements --topic steel
    """
    from pakru import query, render

    window = date_window(since, until)
    chosen_status = query.check_status(status, query.AGREEMENT_STATUSES) if status else None
    store = _store(ctx)
    chosen_topic = query.find_topic(store, topic) if topic is not None else None
    chosen_party = query.find_actor(store, party, "--party") if party is not None else None
    found = query.agreements(store, window, chosen_topic, chosen_party, chosen_status)
    _emit(
        render.agreements_listing(found, window, chosen_topic, chosen_party, chosen_status),
        fmt,
        store,
    )


@app.command(rich_help_panel="Data")
def check(
    ctx: typer.Context,
    sources_dir: Annotated[
        Path | None,
        typer.Option(
            "--sources-dir",
            exists=True,
            file_okay=False,
            help="Folder of source texts; every quote is then checked verbatim against them.",
        ),
    ] = None,
) -> None:
    """Validate the whole store and list every problem with its file, line and field.

    Example: pakru check --sources-dir ../shared/sources
    """
    from pakru.load import check_store
    from pakru.render import check_summary, make_console

    settings: Settings = ctx.obj
    report = check_store(settings.facts, sources_dir)
    console = make_console()
    for line in check_summary(report):
        console.out(line, highlight=False)
    if report.problems:
        raise typer.Exit(ExitCode.STORE_INVALID)


def main() -> None:
    app(prog_name="pakru")
