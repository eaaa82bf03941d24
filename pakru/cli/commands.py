"""The command line: parse what the user typed, ask `query`, hand the answer to `render`.

Heavy modules (pydantic, PyYAML, the store loader, the renderer) are imported inside commands, so
`pakru --help` and argument errors cost only Typer's start-up.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

import typer
from typer.core import TyperCommand, TyperGroup

from pakru.cli.options import (
    AllReports,
    ByteOrderMark,
    CheckFormat,
    CiteFormat,
    FactsDir,
    FormatOpt,
    OutputFile,
    OutputFormat,
    RowLimit,
    Since,
    Span,
    Until,
    default_facts_dir,
    is_installed_store,
    row_limit,
)
from pakru.cli.output import ascii_fallback
from pakru.domain.errors import ExitCode, OutputError, PakruError, StoreError, UsageError, shown
from pakru.domain.records import (
    AGREEMENT_KINDS,
    AGREEMENT_STATUSES,
    ANY_STATUS,
    BASES,
    DERIVED_TRADE_METRICS,
    EVENT_STATUSES,
    KIND_OF_TYPE,
    METRICS,
    TIMELINE_TYPES,
    TRADE_METRICS,
    UNITS,
)
from pakru.domain.types import parse_period_query

# The record types `pakru new` makes, and the kinds of store file `pakru schema` describes.
RECORD_TYPES = tuple(KIND_OF_TYPE)
STORE_KINDS = tuple(KIND_OF_TYPE.values())

if TYPE_CHECKING:
    from rich.console import RenderableType

    from pakru.cli.render import DataStream, Listing
    from pakru.domain.filters import Filters
    from pakru.domain.records import FactStore
    from pakru.domain.types import Period
    from pakru.store.compiled import Compiled


@contextmanager
def _help_without_padding() -> Iterator[None]:
    """Typer prints help in Rich panels, padded to the terminal's width; in a pipe or a file the
    padding at line ends is noise, so there the help is taken in and written out without it."""
    if sys.stdout.isatty():
        yield
        return
    import io
    from contextlib import redirect_stdout

    from pakru.cli.output import without_trailing_spaces

    taken = io.StringIO()
    with redirect_stdout(taken):
        yield
    with _stdout():
        sys.stdout.write(without_trailing_spaces(taken.getvalue()))


class PakruCommand(TyperCommand):
    def format_help(self, ctx: Any, formatter: Any) -> None:
        with _help_without_padding():
            super().format_help(ctx, formatter)


class PakruGroup(TyperGroup):
    """Reports every failure as one line on stderr with its exit code, never a traceback; takes
    the global options (those of the app's callback) before or after the command."""

    # Set when a compiled store turned out unreadable while answering: the command runs again on
    # one compiled afresh (a second failure is a bug, reported as one).
    rebuild = False

    def global_options(self) -> list[Any]:
        """The options of the app itself, as opposed to a command's (help and completion aside:
        every command has its own help, and completion is set up once, before any command)."""
        return [param for param in self.params if param.name not in _SHELL_SETUP]

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        args = _globals_first(args, self.global_options())
        args = _shell_named(ctx, args, self.commands)
        rest: list[str] = super().parse_args(ctx, args)
        # Not an eager option: the store it describes is the one --facts names, wherever it is.
        if ctx.params.get("version") and not ctx.resilient_parsing:
            with _stdout():
                print(_version_text(Path(ctx.params.get("facts") or default_facts_dir())))
            raise typer.Exit()
        return rest

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with _help_without_padding():
            super().format_help(ctx, formatter)

    def get_command(self, ctx: Any, name: str) -> Any:
        command: Any = super().get_command(ctx, name)
        if command is not None and not getattr(command, "shows_global_options", False):
            command.params.extend(_help_only(option) for option in self.global_options())
            command.shows_global_options = True
        return command

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)
        for param in params:
            if param.name in _SHELL_SETUP and not getattr(param, "takes_shell", False):
                _take_shell(param)
        return params

    def _main_shell_completion(self, *args: Any, **kwargs: Any) -> None:
        from pakru.cli.completion import use_quoting_completion

        use_quoting_completion()
        super()._main_shell_completion(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        # Typer turns Ctrl-C into a bare exit 130, before `main` below can say anything.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as interrupt:
            raise _Interrupted from interrupt

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        code: int
        for stream in (sys.stdout, sys.stderr):
            ascii_fallback(stream)
        try:
            _refuse_undecodable(sys.argv[1:] if args is None else args)
            result = super().main(args, prog_name or "pakru", complete_var, False, **extra)
            code = result if isinstance(result, int) else ExitCode.OK
        except typer.TyperException as error:  # Click's usage errors: bad option, missing value
            if type(error).__name__ == "NoArgsIsHelpError":  # the help is already printed
                code = ExitCode.OK
            else:
                format_message = getattr(error, "format_message", None)
                message = format_message() if format_message else str(error)
                command = getattr(getattr(error, "ctx", None), "command_path", "pakru")
                _say(f"{command}: {_shortened(message.replace('Value error, ', ''))}")
                code = getattr(error, "exit_code", ExitCode.USAGE)
        except StoreError as error:
            _say(_store_message(error))
            code = error.exit_code
        except PakruError as error:
            _say(f"pakru: {error}")
            code = error.exit_code
        except (typer.Abort, KeyboardInterrupt, _Interrupted):
            _say("pakru: interrupted")
            code = ExitCode.INTERRUPTED
        except Exception as error:  # a bug in pakru: one line, not a traceback, unless debugging
            if isinstance(error, OSError) and _stdout_refuses(error):  # Click's help, say
                _discard_stdout()
                _say(f"pakru: {OutputError(error)}")
                code = OutputError.exit_code
                if standalone_mode:
                    sys.exit(code)
                return code
            if not self.rebuild and _damaged(error):  # the cache, not the store: answer afresh
                self.rebuild = True
                return self.main(args, prog_name, complete_var, standalone_mode, **extra)
            if os.environ.get("PAKRU_DEBUG"):
                raise
            name = type(error).__name__
            _say(f"pakru: internal error ({name}: {error}); set PAKRU_DEBUG=1 to see where")
            code = ExitCode.STORE_INVALID
        if standalone_mode:
            sys.exit(code)
        return code


# Typer's own options for installing and printing a shell's completion script.
_SHELL_SETUP = ("install_completion", "show_completion")
GLOBAL_PANEL = "Global options (before or after the command)"


def _globals_first(args: Sequence[str], options: Sequence[Any]) -> list[str]:
    """The command line with the global options found after the command moved before it, so that
    the app parses (and checks) them in one place wherever they were typed. Nothing after `--` is
    an option."""
    names = [(name, o.is_flag) for o in options for name in (*o.opts, *o.secondary_opts)]
    with_value = {name for name, is_flag in names if not is_flag}
    flags = {name for name, is_flag in names if is_flag}
    before: list[str] = []
    position = 0
    while position < len(args) and args[position].startswith("-") and args[position] != "--":
        position += 1 + (args[position] in with_value)  # past an option, and its value if any
    if position >= len(args) or args[position] == "--":
        return list(args)
    command, after = args[position], list(args[position + 1 :])
    kept: list[str] = []
    while after:
        arg = after.pop(0)
        if arg == "--":
            kept += [arg, *after]
            break
        if arg in flags or ("=" in arg and arg.split("=", 1)[0] in with_value):
            before.append(arg)  # a flag, or --option=value
        elif arg in with_value and after:  # (without its value, the command says it lacks one)
            before += [arg, after.pop(0)]
        else:
            kept.append(arg)
    return [*args[:position], *before, command, *kept]


_SHELL = "pakru.shell"  # where `_shell_named` leaves the shell named, in the context's meta


def _shell_named(ctx: Any, args: list[str], commands: Iterable[str]) -> list[str]:
    """The command line without the shell named after --show-completion or --install-completion
    (`--show-completion zsh`, `--install-completion=fish`), which is kept for their callbacks:
    Typer's flags take no value, and read `zsh` as a command (so printed bash's script)."""
    rest = list(args)
    for position, arg in enumerate(rest):
        if not arg.startswith("-") or arg == "--":
            break
        option, equals, shell = arg.partition("=")
        if option in ("--show-completion", "--install-completion"):
            following = rest[position + 1] if position + 1 < len(rest) else "-"
            if not equals and not following.startswith("-") and following not in commands:
                shell = rest.pop(position + 1)
            if shell:
                ctx.meta[_SHELL] = shell
            rest[position] = option
            break
    return rest


def _take_shell(param: Any) -> None:
    """Have one of Typer's completion options use the shell named after it, if any: its callback
    takes a string value for the shell, and detects the shell it runs in otherwise."""
    typer_callback = param.callback
    param.callback = lambda ctx, p, value: typer_callback(ctx, p, ctx.meta.get(_SHELL) or value)
    verb = "Install" if param.name == "install_completion" else "Print"
    param.help = (
        f"{verb} the completion script for the shell named after it (bash, zsh, fish or "
        "powershell), or else for the shell this runs in."
    )
    param.takes_shell = True


def _help_only(option: Any) -> Any:
    """A global option as a command's help lists it, in a panel of its own. It is never given a
    value there: `_globals_first` hands every global option to the app."""
    import copy

    shown = copy.copy(option)
    shown.rich_help_panel = GLOBAL_PANEL
    shown.expose_value = False
    shown.callback = None
    shown.envvar = None  # read once, by the app
    return shown


def _version_text(facts: Path) -> str:
    from pakru.cli.about import version_text

    return version_text(facts)


class _Interrupted(Exception):
    """Ctrl-C while a command ran (a KeyboardInterrupt that Typer would not let through)."""


def _damaged(error: Exception) -> bool:
    from pakru.store.compiled import damaged

    return damaged(error)


def _refuse_undecodable(args: Sequence[str]) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates, which can be neither printed nor
    stored; say so at once."""
    for arg in args:
        if any("\ud800" <= char <= "\udfff" for char in arg):
            readable = arg.encode("utf-8", "backslashreplace").decode("ascii")
            raise UsageError(f"{shown(readable)} is not valid UTF-8 text; arguments must be UTF-8")


def _shortened(message: str) -> str:
    """Click quotes the whole of a bad value; a 100 kB one is named, not echoed."""
    import re

    from pakru.domain.errors import shown

    # Long enough for any real path; a value longer than this is shortened.
    return re.sub(r"'([^']{200,})'", lambda quoted: shown(quoted[1], limit=200), message)


def _say(line: str) -> None:
    from pakru.cli.render import literal

    print(literal(line), file=sys.stderr)


def _store_message(error: StoreError) -> str:
    first = error.problems[0]
    more = len(error.problems) - 1
    return (
        f"pakru: the fact store is not valid ({first}"
        + (f"; and {more} more problem{'s' * (more > 1)}" if more else "")
        + "); run `pakru check` to list every problem"
    )


# `-h` as well as `--help`, as most command-line programs take it.
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    cls=PakruGroup,
    name="pakru",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT_SETTINGS,
    help="Cite-ready answers about Pakistan–Russia relations, from a curated, sourced fact store.",
)


class Settings(NamedTuple):
    facts: Path


@app.callback()
def _main(
    ctx: typer.Context,
    facts: FactsDir = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print pakru's version and the store it answers from (its folder, how many "
            "records of each kind it holds, a fingerprint of its files), and exit.",
        ),
    ] = False,
) -> None:
    ctx.obj = Settings(facts or default_facts_dir())


def _compiled(ctx: typer.Context) -> Compiled:
    from pakru.store.compiled import open_store

    settings: Settings = ctx.obj
    rebuild = getattr(ctx.find_root().command, "rebuild", False)
    compiled = open_store(settings.facts, rebuild=rebuild, snapshot=True)
    ctx.call_on_close(compiled.close)
    if compiled.note is not None:
        _say(compiled.note)
    return compiled


class _Dated(NamedTuple):
    """A question about dated records: its filters, resolved against the store."""

    compiled: Compiled
    filters: Filters
    superseded: bool  # earlier reports that later ones supersede are asked for too

    def page(self, record_types: Sequence[str], limit: int | None) -> Any:
        """The first `limit` matches of these types in date order (a `listings.Page`)."""
        from pakru.answers import listings

        return listings.dated(
            self.compiled, record_types, self.filters, limit, superseded=self.superseded
        )


def _dated(ctx: typer.Context, superseded: bool, asked: Any) -> _Dated:
    """A listing's filters (an `asking.Asked`), checked before the store is read, then resolved
    against it."""
    from pakru.answers import asking

    filters = asking.checked(asked)
    compiled = _compiled(ctx)
    return _Dated(compiled, asking.resolved(compiled, asked, filters), superseded)


def _emit(
    listing: Listing,
    fmt: OutputFormat,
    store: FactStore,
    limit: int | None,
    path: Path | None = None,
    bom: bool = False,
) -> None:
    from pakru.cli.render import render

    _print(render(listing, fmt, store, row_limit(limit, fmt)), path, bom, fmt)


def _print(
    output: RenderableType | str | DataStream,
    path: Path | None = None,
    bom: bool = False,
    fmt: OutputFormat | None = None,
) -> None:
    """Print the answer to stdout, or write it to the file at `path`; `bom` (CSV only) starts
    it with a UTF-8 byte-order mark. JSON and CSV are written a row at a time as they are made."""
    import itertools

    from pakru.cli.output import json_for, write_file
    from pakru.cli.render import DataStream, JsonText

    if bom and fmt is not OutputFormat.CSV:
        raise UsageError("a byte-order mark is for CSV meant for Excel: add --format csv", "--bom")
    if path is not None and str(path) == "-":  # the usual spelling of stdout
        path = None
    pieces: Iterable[str]
    if isinstance(output, DataStream):
        pieces = itertools.chain(output, ["\n"])
    else:
        text = output if isinstance(output, str) else _printed(output, to_file=path is not None)
        pieces = [text + "\n"]
    if path is not None:
        try:
            write_file(path, pieces, bom=bom)
        except OSError as error:
            raise OutputError(error, shown(str(path), 200)) from None
        return
    if isinstance(output, JsonText) or (isinstance(output, DataStream) and output.json):
        pieces = (json_for(sys.stdout, piece) for piece in pieces)
    with _stdout():
        if bom:  # the mark says UTF-8, so the text is UTF-8 whatever the stream's encoding
            sys.stdout.flush()
            sys.stdout.buffer.write("\ufeff".encode())
            for piece in pieces:
                sys.stdout.buffer.write(piece.encode("utf-8"))
        else:
            for piece in pieces:
                sys.stdout.write(piece)
        sys.stdout.flush()


def _printed(output: RenderableType, *, to_file: bool) -> str:
    """A renderable as printed at the terminal's width; padding at line ends is left out where
    nobody sees it (a pipe, a file), and lines are not cut: a word longer than the line (a long
    id) is left whole for the terminal to wrap."""
    import io

    from pakru.cli.output import without_trailing_spaces
    from pakru.cli.render import make_console

    console = make_console(file=io.StringIO() if to_file else None)
    with console.capture() as captured:
        console.print(output, crop=False)
    text = captured.get().removesuffix("\n")
    return text if console.is_terminal else without_trailing_spaces(text)


@contextmanager
def _stdout() -> Iterator[None]:
    """Writing the answer: a device that refuses it (a full disk) is the user's to know about, in
    one line. A reader that has gone away is not a failure to report: it ends quietly, with exit
    status 1 (as Rich ends it)."""
    try:
        yield
    except BrokenPipeError:
        _discard_stdout()
        raise SystemExit(1) from None
    except OSError as error:
        _discard_stdout()
        raise OutputError(error) from None


def _stdout_refuses(error: OSError) -> bool:
    """Whether an error that reached the top is stdout refusing what Click wrote itself, such as
    the help (what pakru writes fails in `_stdout`). A full device, or a stdout the shell closed,
    is the only place these come from: store files are only read, and a cache or export that
    cannot be written says so."""
    import errno

    return error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EBADF)


def _discard_stdout() -> None:
    """Point stdout at the null device, as Rich does for a closed pipe: what is still buffered
    would fail again at the exit, and the failure is said once."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # a stream without a descriptor (a test's), nothing to point
        pass


def _facts_for_completion(ctx: typer.Context) -> Path:
    facts = ctx.find_root().params.get("facts")
    return Path(facts) if facts else Path(os.environ.get("PAKRU_FACTS") or default_facts_dir())


def _completer(names: Callable[[FactStore], Iterable[str]]) -> Callable[..., list[str]]:
    """Shell completion from the store; a store that cannot be read completes nothing."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        from pakru.store.compiled import open_store

        try:
            store = open_store(_facts_for_completion(ctx)).everything()
        except Exception:  # completion must never print a traceback into the user's shell
            return []
        folded = incomplete.casefold()
        return sorted({n for n in names(store) if n.casefold().startswith(folded)})

    return complete


_TOPICS = _completer(lambda store: [name for t in store.topics for name in (t.id, *t.synonyms)])
_ACTORS = _completer(lambda store: [name for a in store.actors for name in (a.id, *a.names)])
_IDS = _completer(lambda store: list(store.by_id))
_METRICS = _completer(lambda store: sorted({f.metric for f in store.figures}))


_SOURCES = _completer(lambda store: [source.id for source in store.sources])


def _choices(vocabulary: Sequence[str]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        return [v for v in vocabulary if v.casefold().startswith(incomplete.casefold())]

    return complete


def _vocabulary(flag: str, vocabulary: Sequence[str]) -> Any:
    """An option whose value is one of a vocabulary of pakru.domain.records (any case)."""
    return typer.Option(flag, help=", ".join(vocabulary) + ".", autocompletion=_choices(vocabulary))


TopicFilter = Annotated[
    str | None,
    typer.Option(
        "--topic",
        "-t",
        help="A topic id, name or synonym, e.g. steel, 'steel mill', PSM.",
        autocompletion=_TOPICS,
    ),
]
ActorFilter = Annotated[
    str | None,
    typer.Option(
        "--actor",
        "-a",
        "--party",
        "-p",
        help="An actor id, name, alias or role, in any script, e.g. Overchuk; an agreement's "
        "parties count.",
        autocompletion=_ACTORS,
    ),
]
PartyFilter = Annotated[
    str | None,
    typer.Option(
        "--party",
        "-p",
        "--actor",
        "-a",
        help="A party's id, name, alias or role, in any script, e.g. Russia.",
        autocompletion=_ACTORS,
    ),
]
SourceFilter = Annotated[
    str | None,
    typer.Option("--source", help="Only what this source backs (its id).", autocompletion=_SOURCES),
]
PlaceFilter = Annotated[
    str | None, typer.Option("--place", help="Only what took place here, e.g. Moscow.")
]
EventStatus = Annotated[str | None, _vocabulary("--status", EVENT_STATUSES)]
AgreementStatus = Annotated[str | None, _vocabulary("--status", AGREEMENT_STATUSES)]
AnyStatus = Annotated[str | None, _vocabulary("--status", ANY_STATUS)]
KindFilter = Annotated[str | None, _vocabulary("--kind", AGREEMENT_KINDS)]
UnitFilter = Annotated[str | None, _vocabulary("--unit", UNITS)]
BasisFilter = Annotated[str | None, _vocabulary("--basis", BASES)]
MetricFilter = Annotated[
    str | None,
    typer.Option(
        "--metric",
        help=", ".join(METRICS[:5]) + ", ...",
        autocompletion=_METRICS,
    ),
]
PeriodFilter = Annotated[
    str | None,
    typer.Option("--period", help="Only figures whose period overlaps this one, e.g. 2023-24."),
]


class _TradeMetrics(NamedTuple):
    reported: tuple[str, ...]
    derived: tuple[str, ...]


def _trade_filters(
    ctx: typer.Context,
    window: Period | None,
    metric: str | None,
    source: str | None,
    superseded: bool,
) -> tuple[Compiled, _TradeMetrics, str | None]:
    """The compiled store and, for the filters a trade answer takes, the metrics of its reported
    and derived rows and the source the reported must cite. A derived figure is pakru's own
    arithmetic, which no source backs: with a source, there are none."""
    if metric is None and source is None:  # the usual question: nothing more to import or check
        return _compiled(ctx), _TradeMetrics(TRADE_METRICS, DERIVED_TRADE_METRICS), None
    from pakru.answers import asking

    asked = _dated(
        ctx,
        superseded,
        asking.Asked(window=window, metric=metric, metrics=DERIVED_TRADE_METRICS, source=source),
    )
    chosen = (asked.filters.metric,) if asked.filters.metric else DERIVED_TRADE_METRICS
    metrics = _TradeMetrics(
        tuple(m for m in chosen if m in TRADE_METRICS), () if source else tuple(chosen)
    )
    return asked.compiled, metrics, asked.filters.source.id if asked.filters.source else None


@app.command(cls=PakruCommand, rich_help_panel="Query")
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
    metric: Annotated[
        str | None,
        typer.Option(
            "--metric",
            help=", ".join(DERIVED_TRADE_METRICS) + ".",
            autocompletion=_choices(DERIVED_TRADE_METRICS),
        ),
    ] = None,
    source: SourceFilter = None,
    everything: AllReports = False,
    fmt: FormatOpt = OutputFormat.TABLE,
    limit: RowLimit = None,
    output: OutputFile = None,
    bom: ByteOrderMark = False,
) -> None:
    """Trade totals, exports, imports and growth for PERIOD, what they imply, where they conflict.

    Examples: pakru trade 2023-24 · pakru trade FY24 --format json · pakru trade
    """
    from pakru.answers import listings
    from pakru.cli import render

    asked = parse_period_query(period, param="PERIOD") if period is not None else None
    compiled, metrics, source_id = _trade_filters(ctx, asked, metric, source, everything)
    found = listings.trade(
        compiled, asked, metrics.reported, metrics.derived, row_limit(limit, fmt),
        superseded=everything, source=source_id,
    )  # fmt: skip
    listing = render.trade_listing(
        found.store, found.figures, asked, found.derived, found.conflicts, found.total
    )
    _emit(listing._replace(superseded=found.superseded), fmt, found.store, limit, output, bom)


@app.command(cls=PakruCommand, rich_help_panel="Query")
def figures(
    ctx: typer.Context,
    metric: MetricFilter = None,
    unit: UnitFilter = None,
    period: PeriodFilter = None,
    since: Since = None,
    until: Until = None,
    topic: TopicFilter = None,
    source: SourceFilter = None,
    basis: BasisFilter = None,
    everything: AllReports = False,
    fmt: FormatOpt = OutputFormat.TABLE,
    limit: RowLimit = None,
    output: OutputFile = None,
    bom: ByteOrderMark = False,
) -> None:
    """Every figure: trade, targets, potentials, the steel supply gap, capacities, lengths, counts.

    Examples: pakru figures --metric capacity · pakru figures --topic steel ·
    pakru figures --basis target
    """
    from pakru.answers import asking, listings
    from pakru.cli import render

    window = parse_period_query(period, param="--period") if period is not None else None
    options = asking.Asked(
        window=window,
        since=since,
        until=until,
        topic=topic,
        source=source,
        metric=metric,
        unit=unit,
        basis=basis,
    )
    asked = _dated(ctx, everything, options)
    found = listings.figures(asked.compiled, asked.filters, superseded=everything)
    described = asked.filters._replace(window=None).described()
    listing = render.figures_listing(
        found.store, found.figures, found.conflicts, asked.filters.window, described
    )
    _emit(listing._replace(superseded=found.superseded), fmt, found.store, limit, output, bom)


@app.command(cls=PakruCommand, rich_help_panel="Query")
def events(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    topic: TopicFilter = None,
    actor: ActorFilter = None,
    status: EventStatus = None,
    place: PlaceFilter = None,
    source: SourceFilter = None,
    everything: AllReports = False,
    fmt: FormatOpt = OutputFormat.TABLE,
    limit: RowLimit = None,
    output: OutputFile = None,
    bom: ByteOrderMark = False,
) -> None:
    """Events in date order; a date known only to the month or year matches if it could fall in.

    Examples: pakru events --since 2024-09 · pakru events --topic steel ·
    pakru events --actor Overchuk --status occurred
    """
    from pakru.answers import asking
    from pakru.cli import render

    options = asking.Asked(
        since=since,
        until=until,
        topic=topic,
        actor=actor,
        status=status,
        statuses=EVENT_STATUSES,
        place=place,
        source=source,
    )
    asked = _dated(ctx, everything, options)
    found = asked.page(["event"], row_limit(limit, fmt))
    listing = render.events_listing(found.records, asked.filters, found.total)
    _emit(listing._replace(superseded=found.superseded), fmt, found.store, limit, output, bom)


@app.command(cls=PakruCommand, rich_help_panel="Query")
def agreements(
    ctx: typer.Context,
    topic: TopicFilter = None,
    party: PartyFilter = None,
    status: AgreementStatus = None,
    kind: KindFilter = None,
    place: PlaceFilter = None,
    source: SourceFilter = None,
    since: Since = None,
    until: Until = None,
    everything: AllReports = False,
    fmt: FormatOpt = OutputFormat.TABLE,
    limit: RowLimit = None,
    output: OutputFile = None,
    bom: ByteOrderMark = False,
) -> None:
    """Protocols, agreements, MoUs, roadmaps, commitments, resolutions, proposals and offers.

    Examples: pakru agreements --topic steel · pakru agreements --party Russia --status signed ·
    pakru agreements --since 2024-12 --kind mou
    """
    from pakru.answers import asking
    from pakru.cli import render

    options = asking.Asked(
        since=since,
        until=until,
        topic=topic,
        actor=party,
        actor_option="--party",
        status=status,
        statuses=AGREEMENT_STATUSES,
        kind=kind,
        place=place,
        source=source,
    )
    asked = _dated(ctx, everything, options)
    found = asked.page(["agreement"], row_limit(limit, fmt))
    listing = render.agreements_listing(found.records, asked.filters, found.store, found.total)
    _emit(listing._replace(superseded=found.superseded), fmt, found.store, limit, output, bom)


@app.command(cls=PakruCommand, rich_help_panel="Query")
def timeline(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    topic: TopicFilter = None,
    actor: ActorFilter = None,
    status: AnyStatus = None,
    kind: KindFilter = None,
    place: PlaceFilter = None,
    source: SourceFilter = None,
    everything: AllReports = False,
    fmt: FormatOpt = OutputFormat.TABLE,
    limit: RowLimit = None,
    output: OutputFile = None,
    bom: ByteOrderMark = False,
) -> None:
    """Events and agreements together in date order, grouped by year.

    Examples: pakru timeline --since 2024 · pakru timeline --topic steel ·
    pakru timeline --actor Fedorov
    """
    from pakru.answers import asking
    from pakru.cli import render

    options = asking.Asked(
        since=since,
        until=until,
        topic=topic,
        actor=actor,
        status=status,
        kind=kind,
        place=place,
        source=source,
    )
    asked = _dated(ctx, everything, options)
    found = asked.page(TIMELINE_TYPES, row_limit(limit, fmt))
    listing = render.timeline_listing(found.records, asked.filters, found.total)
    _emit(listing._replace(superseded=found.superseded), fmt, found.store, limit, output, bom)


@app.command(cls=PakruCommand, rich_help_panel="Query")
def conflicts(
    ctx: typer.Context,
    record_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]",
            help="Only the disagreements this figure takes part in (or, for a source or actor, "
            "the figures that cite or name it).",
            autocompletion=_IDS,
            show_default=False,
        ),
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Also list the checks that passed.")
    ] = False,
    fmt: FormatOpt = OutputFormat.TABLE,
    limit: RowLimit = None,
    output: OutputFile = None,
    bom: ByteOrderMark = False,
) -> None:
    """Where the store disagrees with itself: figures that cannot all be true, with the gap.

    Examples: pakru conflicts · pakru conflicts fig-trade-total-fy2023-24 · pakru conflicts --all
    """
    from pakru.answers import listings
    from pakru.cli import render

    found = listings.conflicts(_compiled(ctx), record_id, row_limit(limit, fmt), passed=everything)
    view = render.conflicts_view(
        found.checks, fmt, found.store, everything=everything, total=found.total
    )
    _print(view, output, bom, fmt)


@app.command(cls=PakruCommand, rich_help_panel="Inspect")
def actors(
    ctx: typer.Context,
    name: Annotated[
        str | None,
        typer.Argument(
            help="A name, alias, role or description, in any script; case, accents and small "
            "misspellings are forgiven.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = OutputFormat.TABLE,
    limit: RowLimit = None,
    output: OutputFile = None,
    bom: ByteOrderMark = False,
) -> None:
    """People, organisations, government bodies, countries and groupings, with their roles.

    Examples: pakru actors federov · pakru actors · pakru actors ECO --format json
    """
    from pakru.answers import listings
    from pakru.cli import render

    found = listings.actors(_compiled(ctx), name)
    listing = render.actors_listing(found.records, name, found.store)
    _emit(listing, fmt, found.store, limit, output, bom)


@app.command(cls=PakruCommand, rich_help_panel="Inspect")
def show(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The id of any record.", autocompletion=_IDS, show_default=False
        ),
    ],
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputFile = None,
    bom: ByteOrderMark = False,
) -> None:
    """One record in full: every field, each quote with its source, and related records.

    Examples: pakru show protocol-psm-2025-07-11 · pakru show andrey-fedorov ·
    pakru show fig-trade-total-fy2023-24 -f json
    """
    from pakru.answers import lookup
    from pakru.cli import render

    found = lookup.shown(_compiled(ctx), record_id)
    _print(render.show_view(found.record, found.related, fmt, found.store), output, bom, fmt)


@app.command(cls=PakruCommand, rich_help_panel="Query")
def search(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="TEXT...",
            help='Words that must all match; a "phrase in double quotes" must match as a phrase.',
            show_default=False,
        ),
    ],
    kind: Annotated[
        str | None,
        typer.Option("--type", help="Only figure, agreement, event, actor or source records."),
    ] = None,
    since: Since = None,
    until: Until = None,
    topic: TopicFilter = None,
    actor: ActorFilter = None,
    status: AnyStatus = None,
    source: SourceFilter = None,
    fmt: FormatOpt = OutputFormat.TABLE,
    limit: RowLimit = None,
    output: OutputFile = None,
    bom: ByteOrderMark = False,
) -> None:
    """Full-text search over titles, subjects, names, aliases, notes and quotes, best first.

    Examples: pakru search steel · pakru search '"steel mill"' · pakru search Fedorov --type event
    """
    from pakru.answers import asking, query, searching
    from pakru.cli import render
    from pakru.domain.search import RECORD_TYPES, parse_query

    text = " ".join(words)
    asked = parse_query(text)  # a bad query is refused before the store is read
    types = (
        [query.check_choice(kind, RECORD_TYPES, "record type", "--type") or ""] if kind else None
    )
    within = _dated(
        ctx,
        True,
        asking.Asked(
            since=since, until=until, topic=topic, actor=actor, status=status, source=source
        ),
    )
    found = searching.search(within.compiled, asked, types, row_limit(limit, fmt), within.filters)
    listing = render.search_listing(found.hits, text, found.total)
    _emit(listing, fmt, found.store, limit, output, bom)


@app.command(cls=PakruCommand, rich_help_panel="Inspect")
def sources(
    ctx: typer.Context,
    fmt: FormatOpt = OutputFormat.TABLE,
    limit: RowLimit = None,
    output: OutputFile = None,
    bom: ByteOrderMark = False,
) -> None:
    """The source documents, with how many facts each one backs.

    Examples: pakru sources · pakru sources --format json
    """
    from pakru.answers import listings
    from pakru.cli import render

    found = listings.sources(_compiled(ctx))
    listing = render.sources_listing(found.records, found.counts)
    _emit(listing, fmt, found.store, limit, output, bom)


@app.command(cls=PakruCommand, rich_help_panel="Inspect")
def topics(
    ctx: typer.Context,
    fmt: FormatOpt = OutputFormat.TABLE,
    limit: RowLimit = None,
    output: OutputFile = None,
    bom: ByteOrderMark = False,
) -> None:
    """The topic vocabulary with its synonyms and how many facts carry each topic.

    Examples: pakru topics · pakru topics --format csv
    """
    from pakru.answers import listings
    from pakru.cli import render

    found = listings.topics(_compiled(ctx))
    listing = render.topics_listing(found.records, found.counts)
    _emit(listing, fmt, found.store, limit, output, bom)


@app.command(cls=PakruCommand, rich_help_panel="Inspect")
def cite(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A fact (event, agreement, figure), an actor or a source.",
            autocompletion=_IDS,
            show_default=False,
        ),
    ],
    fmt: Annotated[
        CiteFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="text (a reference per source, with what it backs), csl-json (Zotero, Pandoc) "
            "or bibtex (biblatex).",
            rich_help_panel="Output",
        ),
    ] = CiteFormat.TEXT,
    output: OutputFile = None,
) -> None:
    """References for the sources behind a fact or an actor, or for one source.

    Examples: pakru cite protocol-psm-2025-07-11 · pakru cite andrey-fedorov -f csl-json ·
    pakru cite arab-news-2025-07-02-fedorov -f bibtex
    """
    from pakru.answers import lookup
    from pakru.cli import cite as references

    record, store = lookup.one_record(_compiled(ctx), record_id)
    _print(references.cite(record, store, fmt), output)


@app.command(cls=PakruCommand, rich_help_panel="Inspect")
def coverage(
    ctx: typer.Context,
    by: Annotated[
        Span,
        typer.Option(
            "--by", case_sensitive=False, help="Count facts and sources by year or decade."
        ),
    ] = Span.YEAR,
    fmt: FormatOpt = OutputFormat.TABLE,
    output: OutputFile = None,
    bom: ByteOrderMark = False,
) -> None:
    """What the store covers per year, topic and type, and the gaps a curator should fill first.

    Examples: pakru coverage · pakru coverage --by decade · pakru coverage -f json
    """
    from pakru.answers import coverage as measure
    from pakru.cli import render

    report = measure.of_store(_compiled(ctx), by=by.value, on=measure.today())
    _print(render.coverage_view(report, fmt), output, bom, fmt)


@app.command(cls=PakruCommand, rich_help_panel="Data")
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
    fmt: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="text for people; json (every problem with file, line, column, field and "
            "message, with counts and ok); github (an ::error annotation per problem, for "
            "GitHub Actions).",
            rich_help_panel="Output",
        ),
    ] = CheckFormat.TEXT,
    output: OutputFile = None,
) -> None:
    """Validate the whole store and list every problem with its file, line and field.

    Examples: pakru check · pakru check --sources-dir ../shared/sources · pakru check -f github
    """
    from pakru.cli.render import check_summary
    from pakru.store.check import check_store

    settings: Settings = ctx.obj
    report = check_store(settings.facts, sources_dir)
    if fmt is CheckFormat.TEXT:
        _print("\n".join(check_summary(report)), output)
    else:
        _print(_check_for_machines(report, fmt), output)
    if report.problems:
        raise typer.Exit(ExitCode.STORE_INVALID)


def _check_for_machines(report: Any, fmt: CheckFormat) -> str:
    from pakru.cli.check_output import check_json, github_annotations
    from pakru.cli.render import check_summary, json_text
    from pakru.store.positions import columns

    found = columns(report.root, report.problems)
    if fmt is CheckFormat.JSON:
        return json_text(check_json(report, found))
    return "\n".join([*github_annotations(report, found), *check_summary(report)[-1:]])


@app.command(cls=PakruCommand, rich_help_panel="Data")
def new(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND",
            help="source, actor, event, agreement, figure or topic.",
            autocompletion=_choices(RECORD_TYPES),
            show_default=False,
        ),
    ],
    record_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="The id to give the new record (a-z, 0-9, single hyphens); when a record has it "
            "already, -2, -3, … is added until it is free. Default: the kind (event, event-2, …).",
            show_default=False,
        ),
    ] = None,
    write: Annotated[
        bool,
        typer.Option("--write", help="Add the template at the end of its store file."),
    ] = False,
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            help="Into the kind's folder, this file: --file trade for events/trade.yaml. "
            "Default: the kind's file at the top (events.yaml).",
            show_default=False,
        ),
    ] = None,
    from_json: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="JSON",
            help="Add the records of this JSON file ('-': stdin), one object or a list, to the "
            "store file; only if `pakru check` finds nothing wrong with any of them.",
            show_default=False,
        ),
    ] = None,
    sources_dir: Annotated[
        Path | None,
        typer.Option(
            "--sources-dir",
            exists=True,
            file_okay=False,
            help="With --from: check quotes verbatim against this folder of source texts.",
        ),
    ] = None,
) -> None:
    """Start a new record: a template with every field and what it accepts, or records from JSON.

    Examples: pakru new event --id putin-visit-2026 · pakru new figure --write --file trade ·
    pakru new event --from drafts.json
    """
    from pakru.store import workbench

    root: Path = ctx.obj.facts
    record_type = workbench.record_type(kind)
    where = workbench.target(root, record_type, file)
    if from_json is not None:
        if record_id is not None:
            raise UsageError("records from --from carry their own ids; leave out --id", "--id")
        _refuse_installed_store(root, "--from")
        _add_from_json(root, record_type, where, _json_records(from_json), sources_dir)
        return
    new_id = workbench.free_id(record_id or record_type, workbench.taken_ids(root))
    if not write:
        _print(workbench.template(record_type, new_id, where).removesuffix("\n"))
        return
    _refuse_installed_store(root, "--write")
    line = workbench.append_template(record_type, new_id, where)
    _say(
        f"Wrote a new {record_type}, {new_id}, to {where.name} at line {line}; fill it in, "
        "then run `pakru check`."
    )


def _refuse_installed_store(root: Path, option: str) -> None:
    """Records written into the store pip installed would be lost at the next install (and the
    folder may not be the user's to write): the curator works on a copy instead."""
    if is_installed_store(root):
        import shlex

        raise UsageError(
            f"{root} is the store installed with pakru, which the next install replaces; copy it "
            f"(cp -r {shlex.quote(str(root))} my-store) and add to the copy with --facts my-store",
            option,
        )


def _json_records(source: str) -> list[Any]:
    """The records of a JSON file or of stdin ('-'): one object, or a list of them."""
    import json

    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = getattr(error, "strerror", None) or str(error)
        raise UsageError(f"cannot read {shown(source, 200)}: {why}", "--from") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise UsageError(
            f"{shown(source, 200)} is not JSON: {error.msg} at {where}", "--from"
        ) from None
    records = data if isinstance(data, list) else [data]
    if not records or not all(isinstance(record, dict) for record in records):
        raise UsageError(
            f"{shown(source, 200)} must hold one JSON object (a record) or a list of them", "--from"
        )
    return records


def _add_from_json(
    root: Path, record_type: str, where: Any, records: list[Any], sources_dir: Path | None
) -> None:
    from pakru.store import workbench

    added = workbench.add_records(root, records, where, sources_dir)
    if added.problems:
        for problem in added.problems:
            _say(str(problem))
        first = added.lines[0][1]
        _say(
            f"{len(added.problems)} problem(s) in the records given (they would start at line "
            f"{first} of {where.name}); nothing was written."
        )
        raise typer.Exit(ExitCode.STORE_INVALID)
    noun = record_type if len(records) == 1 else where.kind
    placed = ", ".join(f"{record_id} (line {line})" for record_id, line in added.lines)
    _say(f"Added {len(records)} {noun} to {where.name}: {placed}.")


@app.command(cls=PakruCommand, rich_help_panel="Data")
def schema(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Argument(
            metavar="KIND",
            help="Print the schema of this kind of store file (sources, actors, events, "
            "agreements, figures, topics) to stdout instead of writing them all.",
            autocompletion=_choices(STORE_KINDS),
            show_default=False,
        ),
    ] = None,
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            file_okay=False,
            help="Write the schema files into this folder. Default: the store's schema/ folder, "
            "which its files' `# yaml-language-server: $schema=` comments point at.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the JSON Schema of every store file, for editors to check and complete YAML with.

    Examples: pakru schema · pakru schema events · pakru schema --dir schemas
    """
    from pakru.cli.render import json_text
    from pakru.store.schemas import SCHEMA_FOLDER, file_schema, write_schemas

    if kind is not None:
        if kind not in STORE_KINDS:
            accepted = ", ".join(STORE_KINDS)
            raise UsageError(
                f"{shown(kind)} is not a kind of store file; use one of {accepted}", "KIND"
            )
        _print(json_text(file_schema(kind)))
        return
    if folder is None and is_installed_store(ctx.obj.facts):
        raise UsageError(
            f"{ctx.obj.facts} is the store installed with pakru, whose schemas are in its "
            f"{SCHEMA_FOLDER}/ folder already; give --dir DIR to write them elsewhere, or "
            "pakru schema KIND to print one",
            "--dir",
        )
    target = folder or ctx.obj.facts / SCHEMA_FOLDER
    try:
        names = write_schemas(target)
    except OSError as error:
        raise OutputError(error, shown(str(target), 200), "the schemas") from None
    _say(f"Wrote {len(names)} schemas to {target}: {', '.join(names)}.")


@app.command(cls=PakruCommand, rich_help_panel="Data")
def extract(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            help="The article's text (UTF-8), or - to read it from stdin.",
            metavar="FILE",
            show_default=False,
        ),
    ],
    published: Annotated[
        str | None,
        typer.Option(
            "--published",
            metavar="DATE",
            help="The article's publication date, YYYY-MM-DD (or YYYY-MM); wins over a date line "
            "in the text. Relative dates (last month, this year) are read against it.",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            metavar="ID",
            help="The source id the drafts cite (default: the store's source that keeps a text of "
            "the file's name).",
            show_default=False,
        ),
    ] = None,
    output: OutputFile = None,
) -> None:
    """Propose draft figures, events and agreements from an article, as YAML for review.

    Examples: pakru extract article.txt · pakru extract - --published 2025-07-02 -o drafts.yaml
    """
    from pakru.domain.extract import Reader, resolved_published
    from pakru.domain.extract import extract as drafts_of
    from pakru.store.drafts import drafts_yaml

    text, name = _article(file)
    when = resolved_published(published) if published is not None else None
    reader = Reader.of(_compiled(ctx).everything(), name, source)
    _print(drafts_yaml(drafts_of(text, reader, when), name).rstrip("\n"), output)


def _article(file: str) -> tuple[str, str]:
    """An article's text and the name its source keeps it under, from a file or stdin."""
    if file == "-":
        data = sys.stdin.buffer.read()
        name = "stdin"
    else:
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise UsageError(
                f"cannot read {shown(file)}: {error.strerror or error}", "FILE"
            ) from None
        name = Path(file).name
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{shown(name)} is not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8",
            "FILE",
        ) from None


@app.command(cls=PakruCommand, rich_help_panel="Data")
def export(
    ctx: typer.Context,
    sqlite: Annotated[
        Path,
        typer.Option(
            "--sqlite", help="The SQLite file to write.", dir_okay=False, show_default=False
        ),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
) -> None:
    """Write the whole store to a SQLite database that Datasette and sqlite-utils open as it is.

    Examples: pakru export --sqlite pakru.db · pakru export --sqlite pakru.db --force
    """
    from pakru.cli.render import literal, make_console
    from pakru.store.export import FIXED_TABLES, export_sqlite

    if str(sqlite) == "-":  # SQLite seeks back and rewrites pages: no pipe can take that
        raise UsageError(
            "'-' would be stdout, which cannot hold a database; give a file name, such as "
            "--sqlite pakru.db",
            "--sqlite",
        )
    from pakru.cli.about import fingerprint
    from pakru.store.layout import store_files

    made_from = fingerprint(store_files(ctx.obj.facts))
    counts = export_sqlite(_compiled(ctx), sqlite, fingerprint=made_from, force=force)
    rows = ", ".join(f"{n} {table}" for table, n in counts.items() if table not in FIXED_TABLES)
    make_console(stderr=True).out(f"Wrote {literal(str(sqlite))}: {rows}.", highlight=False)


@app.command(cls=PakruCommand, rich_help_panel="Data")
def browse(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="The address Datasette listens on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port Datasette listens on.")] = 8001,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the page in a web browser.")
    ] = False,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve", help="With --no-serve, write the files and print the command."
        ),
    ] = True,
) -> None:
    """Explore the store in Datasette (pakru's browse extra): search, facets, canned questions.

    Examples: pakru browse --open · pakru browse --no-serve
    """
    import shlex
    import subprocess

    from pakru.cli.about import fingerprint
    from pakru.cli.browse import INSTALL_HINT, prepare, serve_command
    from pakru.store.compiled import cache_dir
    from pakru.store.layout import store_files

    if serve:
        try:
            import datasette  # noqa: F401
        except ImportError:
            raise UsageError(f"pakru browse needs Datasette: {INSTALL_HINT}") from None
    made_from = fingerprint(store_files(ctx.obj.facts))
    database, described = prepare(_compiled(ctx), cache_dir() / "browse", fingerprint=made_from)
    command = serve_command(database, described, host=host, port=port, open_browser=open_browser)
    if not serve:
        print(shlex.join(command))
        return
    _say(f"Serving {database} at http://{host}:{port}/ (Ctrl-C stops it)")
    returned = subprocess.run(command, check=False).returncode
    if returned != 0:
        raise typer.Exit(returned)


def main() -> None:
    """The `pakru` program. Typer reads the signature of every command when it builds an app, a
    millisecond or more each; an answer needs one command, so only that one is built."""
    name = _subcommand(sys.argv[1:])
    if name is None or "_PAKRU_COMPLETE" in os.environ:
        app(prog_name="pakru")
        return
    single = typer.Typer(
        cls=PakruGroup,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        context_settings=CONTEXT_SETTINGS,
    )
    single.registered_callback = app.registered_callback
    single.registered_commands = [c for c in app.registered_commands if _name(c) == name]
    single(prog_name="pakru")


def _name(command: Any) -> str:
    return str(command.name or command.callback.__name__)


def _subcommand(args: Sequence[str]) -> str | None:
    """The command named on the command line, past the global options; None when there is none
    or when the line asks for help or the version (the whole app answers those)."""
    names = {_name(command) for command in app.registered_commands}
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--facts":
            skip = True
        elif arg.startswith("--facts="):
            continue
        elif arg.startswith("-"):
            return None
        else:
            return arg if arg in names else None
    return None
