"""The `pakru` process ends with `os._exit`: what it printed still arrives whole, with its status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA_FACTS, Invoke

ROOT = Path(__file__).parent.parent


def _pakru(
    *args: str, cache: Path, stdout: int | None = subprocess.PIPE, unbuffered: bool = False
) -> subprocess.Popen[str]:
    env = {**os.environ, "PAKRU_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    env.pop("PAKRU_FACTS", None)
    env.pop("PYTHONUNBUFFERED", None)  # buffered, as most shells have it: the exit must flush
    if unbuffered:  # each write reaches the device while pakru prints
        env["PYTHONUNBUFFERED"] = "1"
    return subprocess.Popen(
        [sys.executable, "-m", "pakru", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _run(*args: str, cache: Path) -> tuple[int, str, str]:
    process = _pakru(*args, cache=cache)
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def test_an_answer_longer_than_a_pipe_arrives_whole(tmp_path: Path, invoke: Invoke) -> None:
    """More than the 64 KiB a pipe holds, so most of it is written while pakru is exiting; it is
    what the same command prints in-process, byte for byte."""
    args = ("search", "Pakistan", "-n", "0", "-f", "json")
    code, out, err = _run(*args, cache=tmp_path)
    assert code == 0, err
    assert len(out.encode()) > 65536
    assert out == invoke(*args, facts=None).stdout
    assert len(json.loads(out)) > 50


def test_a_table_arrives_as_printed_in_process(tmp_path: Path, invoke: Invoke) -> None:
    code, out, err = _run("timeline", "-n", "0", cache=tmp_path)
    assert code == 0, err
    assert out == invoke("timeline", "-n", "0", facts=None).stdout
    assert out.count("\n") > 41


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (("trade", "2023-24"), 0, ""),
        (("events", "--since", "2024-13"), 2, "2024-13"),
        (("--facts", "/no/such/store", "trade"), 2, "'/no/such/store' does not exist"),
        (("--version",), 0, ""),
    ],
)
def test_exit_statuses_survive_the_fast_exit(
    tmp_path: Path, args: tuple[str, ...], status: int, message: str
) -> None:
    code, out, err = _run(*args, cache=tmp_path)
    assert code == status, err
    assert message in err
    if status == 0:
        assert out and not err


def test_a_reader_that_goes_away_ends_pakru_quietly_with_status_1(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # like `pakru … | head -1` once head has its line
    try:
        args = ("--facts", str(DATA_FACTS), "search", "Pakistan", "-n", "0")
        process = _pakru(*args, cache=tmp_path, stdout=write)
        _, err = process.communicate(timeout=120)
    finally:
        os.close(write)
    assert process.returncode == 1
    assert err == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a device always full")
@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize(
    "args",
    [
        ("trade", "2023-24"),
        ("events", "-n", "0"),
        ("check",),
        ("--version",),
        ("--help",),
        ("events", "--help"),
    ],
)
def test_an_answer_that_cannot_be_written_is_one_line_on_stderr(
    tmp_path: Path, args: tuple[str, ...], buffered: bool
) -> None:
    """`> /dev/full` was an internal error while printing, or, when the answer was still in the
    buffer at the exit, an exit status 1 with nothing said."""
    with open("/dev/full", "w") as full:
        process = _pakru(*args, cache=tmp_path, stdout=full.fileno(), unbuffered=not buffered)
        _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err == "pakru: cannot write the answer to stdout: No space left on device\n"


def _plugin_on_path(folder: Path) -> Path:
    """A pydantic plugin, installed as a distribution whose entry point pydantic finds; it leaves
    a mark when it is loaded."""
    mark = folder / "loaded"
    (folder / "spy_plugin.py").write_text(
        "import pathlib\n"
        f"pathlib.Path({str(mark)!r}).write_text('yes')\n"
        "class Plugin:\n"
        "    def new_schema_validator(self, *args, **kwargs):\n"
        "        return None, None, None\n"
        "plugin = Plugin()\n",
        encoding="utf-8",
    )
    info = folder / "spy_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n")
    return mark


@pytest.mark.parametrize(("setting", "loaded"), [(None, False), ("", True)])
def test_pydantic_plugins_do_not_watch_pakru_unless_the_user_says_so(
    tmp_path: Path, setting: str | None, loaded: bool
) -> None:
    mark = _plugin_on_path(tmp_path)
    env = {**os.environ, "PAKRU_CACHE_DIR": str(tmp_path / "cache")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(tmp_path)])
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting
    args = [sys.executable, "-m", "pakru", "--facts", str(DATA_FACTS), "trade", "2023-24"]
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr  # the store was compiled, so validated
    assert mark.exists() == loaded


def test_a_profiler_prints_its_profile(tmp_path: Path) -> None:
    """`os._exit` ended the process before cProfile could print what it measured."""
    env = {**os.environ, "PAKRU_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("PAKRU_FACTS", None)
    args = [sys.executable, "-m", "cProfile", "-m", "pakru", "trade", "2023-24"]
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Trade" in result.stdout
    assert "function calls" in result.stdout
