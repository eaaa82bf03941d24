"""The `pakru` process: `python -m pakru`, and the `pakru` command installed by pip.

An answer is a short process, and two costs of an ordinary Python exit are most of what it would
spend beyond its own work: the cyclic garbage collector, which walks every object again and again
while Typer and Rich are imported (and finds nothing to free: modules, classes and functions live
as long as the process), and the interpreter's teardown, which frees every object one by one just
before the operating system takes back the whole memory anyway. Here the collector stays off (a
store being compiled is freed by reference counting: a 10,000-fact build leaves a few dozen
cycles) and the process ends with `os._exit` once its output is flushed. Commits are made and
files closed before a command returns, so nothing is lost by skipping the teardown; only this
module does it, never the CLI's code itself, which tests call in-process. A process that a
profiler or tracer watches (`python -m cProfile -m pakru …`, coverage) exits the ordinary way, so
that the watcher can say what it saw. The process also keeps pydantic's plugins away from pakru's
models (see `run`).
"""

from __future__ import annotations

import gc
import os
import sys
from contextlib import suppress


def run() -> None:
    gc.disable()  # before anything heavy is imported
    _hold_closed_streams()
    # pakru's pydantic models are its own: plugins installed for other programs are not to observe
    # their validation, nor to cost the 20 ms that finding them (reading every installed
    # package's metadata) takes in each process that validates a file. A setting of the user's
    # stands.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from pakru.cli.commands import main

    try:
        main()
        code = 0
    except SystemExit as exit:
        code = _status(exit.code)
    code = _flushed(code)
    if _observed():
        sys.exit(code)
    os._exit(code)


def _observed() -> bool:
    """Whether a profiler or tracer watches this process: it reports when the interpreter
    exits (or when the code it runs returns), which `os._exit` would never let it do."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return True
    if "cProfile" in sys.modules or "profile" in sys.modules:  # 3.12's cProfile sets neither hook
        return True
    monitoring = getattr(sys, "monitoring", None)  # 3.12+: coverage and debuggers use this
    return monitoring is not None and any(monitoring.get_tool(i) for i in range(6))


def _hold_closed_streams() -> None:
    """A standard stream the shell closed (`pakru … >&-`) leaves its descriptor free, and Python
    sets it to None. The next file pakru opened (the compiled store) would get that descriptor,
    and what is printed would land in the file; so each is held by the null device. Standard
    output is held open for reading only: every write to it still fails as on a closed descriptor
    (EBADF), and the answer that cannot be written is reported like any other (`OutputError`)."""
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        if getattr(sys, name) is not None:
            continue
        null = os.open(os.devnull, os.O_WRONLY if name == "stderr" else os.O_RDONLY)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        # (as Python's own stderr, it never fails to encode: what cannot be written is escaped)
        setattr(sys, name, open(fd, mode, errors="backslashreplace", closefd=False))


def _status(code: object) -> int:
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)  # what `sys.exit("message")` would have printed
    return 1


def _flushed(code: int) -> int:
    """Write out what is still buffered; a reader that has gone away (`pakru … | head`) makes the
    exit status 1, silently, as Rich does when the pipe closes while it prints. A device that
    refuses the rest of the answer (a full disk) is said on stderr, as the CLI says it."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # a closed pipe, or a stream already closed
            code = code or 1
        except OSError as error:
            code = code or 1
            if stream is sys.stdout:
                from pakru.domain.errors import OutputError

                with suppress(OSError):
                    print(f"pakru: {OutputError(error)}", file=sys.stderr, flush=True)
    return code


if __name__ == "__main__":
    run()
