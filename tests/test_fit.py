"""Answers read whole at any terminal width from 40 columns up, and arrive as clean bytes."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import pakru.cli.commands
from tests.conftest import DATA_FACTS, Invoke

# One invocation per command that prints a table, on the shipped store (long ids, long quotes).
TABLES = {
    "trade": ("trade", "2023-24"),
    "trade-series": ("trade", "--limit", "12"),
    "figures": ("figures", "--metric", "exports", "--limit", "12"),
    "events": ("events", "--since", "2024", "--limit", "12"),
    "agreements": ("agreements", "--limit", "12"),
    "timeline": ("timeline", "--since", "2025", "--limit", "12"),
    "conflicts": ("conflicts", "--all"),
    "actors": ("actors", "--limit", "12"),
    "show": ("show", "fig-trade-growth-five-years-doubled"),
    "search": ("search", "steel", "--limit", "12"),
    "sources": ("sources", "--limit", "12"),
    "topics": ("topics",),
    "coverage": ("coverage", "--by", "decade"),
}
# Every width from 40 to 130 would take too long; these cross every layout the answers take.
WIDTHS = (40, 43, 47, 52, 58, 60, 64, 70, 80, 95, 108, 120, 130)
# Columns whose cells are read whole: a value, a date or period, the source marks.
WHOLE = re.compile(r"^(Src|Date|Period|Published|Value|Gap|Year|Decade)$")


def _captured(invoke: Invoke, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]) -> Any:
    """What the command hands over to be printed."""
    printed: list[Any] = []
    monkeypatch.setattr(pakru.cli.commands, "_print", lambda output, *rest: printed.append(output))
    result = invoke(*args, facts=None)
    assert result.exit_code == 0, result.output
    monkeypatch.undo()
    return printed[0]


def _markdown_cells(markdown: str) -> list[tuple[str, bool, str]]:
    """(header, right-justified, text) for every cell of every Markdown table in the answer."""
    cells = []
    headers: list[str] = []
    right: list[bool] = []
    for line in markdown.splitlines():
        if not line.startswith("| "):
            headers = []
            continue
        values = [
            html.unescape(re.sub(r"\\(.)", r"\1", v)).replace("<br>", "\n").replace("**", "")
            for v in re.split(r"(?<!\\) \| ", line[2:-2])
        ]
        if not headers:
            headers = values
        elif values[0].startswith("---"):
            right = [v.endswith(":") for v in values]
        elif len(values) > 1 and not any(values[1:]):  # a section's label: prose
            cells.append(("", False, values[0]))
        else:
            cells += [(h, r, v) for h, r, v in zip(headers, right, values, strict=False)]
    return cells


def _printed(output: Any, width: int, capsys: pytest.CaptureFixture[str]) -> str:
    """The answer as the CLI prints it at this width."""
    os.environ["COLUMNS"] = str(width)  # (the pinned_terminal fixture restores it)
    PRINT(output)
    return capsys.readouterr().out


PRINT = pakru.cli.commands._print


@pytest.mark.parametrize("name", TABLES)
def test_no_value_date_id_or_mark_is_ever_cut(
    name: str, invoke: Invoke, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = TABLES[name]
    markdown = invoke(*args, "--format", "markdown", facts=None)
    assert markdown.exit_code == 0, markdown.output
    cells = _markdown_cells(markdown.stdout)
    assert cells, markdown.stdout
    output = _captured(invoke, monkeypatch, args)
    # What must be seen, as often as the answer holds it: each line of a value, date, period or
    # source mark whole; every word of the rest (ids are words), which may wrap between words.
    wanted: Counter[str] = Counter()
    for header, right, text in cells:
        whole = right or WHOLE.match(header)
        wanted.update(text.split("\n") if whole else text.split())
    for width in WIDTHS:
        out = _printed(output, width, capsys)
        missing = {text: n for text, n in wanted.items() if out.count(text) < n}
        assert not missing, f"{name} at {width} columns: cut or left out: {missing}\n{out}"
        assert "…" not in out or "…" in markdown.stdout, f"{name} at {width}: ellipsis\n{out}"


@pytest.mark.parametrize(
    ("args", "width", "shown"),
    [
        (("trade", "2023-24"), 70, "[1] [2] ≠"),
        (("trade", "2023-24"), 60, "Pakistan–Russia trade (headline)"),
        (("trade", "2023-24"), 40, "[1] [2] ≠"),
        (("agreements",), 80, "Soviet Union, Liaquat Ali Khan, Pakistan"),
        (("conflicts",), 60, "figures for the same measure"),
    ],
)
def test_the_reported_narrow_terminals_show_whole_values(
    invoke: Invoke, args: tuple[str, ...], width: int, shown: str
) -> None:
    result = invoke(*args, facts=None, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    assert shown in result.stdout


def test_a_table_too_wide_for_the_terminal_prints_rows_as_blocks(invoke: Invoke) -> None:
    result = invoke("trade", "2023-24", env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Trade, FY2023-24"
    block = lines.index("Period: 2023-07/2024-05")
    assert lines[block : block + 6] == [
        "Period: 2023-07/2024-05",
        "  (11 mo)",
        "Measure: total",
        "Subject: Pakistan–Russia trade",
        "Value: $1.2 bn",
        "Src: [1]",
    ]
    assert "[1] Trade Bulletin — 2025-04-02 (bulletin-2025-04-02)" in " ".join(lines)


GOLDEN_COMMANDS = {
    "trade": ("trade", "2023-24"),
    "figures": ("figures",),
    "events": ("events",),
    "agreements": ("agreements",),
    "timeline": ("timeline",),
    "conflicts": ("conflicts",),
    "actors": ("actors",),
    "show": ("show", "wire-2025-03-20-trade"),
    "search": ("search", "trade"),
    "sources": ("sources",),
    "topics": ("topics",),
    "coverage": ("coverage", "--by", "decade"),
}
# `check` and `cite` print lines that no width changes (a terminal wraps them): no table to fit.


@pytest.mark.parametrize("width", [40, 60, 80, 120])
@pytest.mark.parametrize("name", GOLDEN_COMMANDS)
def test_every_command_at_four_widths_matches_golden(
    name: str, width: int, invoke: Invoke, golden: Any
) -> None:
    result = invoke(*GOLDEN_COMMANDS[name], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    golden(f"{name}_w{width}", result.stdout)


# --- clean bytes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["trade", "conflicts", "actors", "coverage", "search"])
def test_piped_output_has_no_trailing_spaces(name: str, invoke: Invoke) -> None:
    result = invoke(*GOLDEN_COMMANDS[name], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    padded = [line for line in result.stdout.splitlines() if line != line.rstrip()]
    assert padded == []


@pytest.mark.parametrize("args", [["-h"], ["trade", "--help"], ["search", "-h"]])
def test_piped_help_has_no_trailing_spaces(args: list[str], invoke: Invoke) -> None:
    result = invoke(*args, env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "Usage: pakru" in result.stdout
    padded = [line for line in result.stdout.splitlines() if line != line.rstrip()]
    assert padded == []


def _run(*args: str, encoding: str = "cp1252") -> subprocess.CompletedProcess[bytes]:
    env = {
        **os.environ,
        "PYTHONIOENCODING": encoding,
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "PAKRU_FACTS": str(DATA_FACTS),
        "PYTHONPATH": str(Path(__file__).parent.parent),
    }
    return subprocess.run(
        [sys.executable, "-m", "pakru", *args], capture_output=True, env=env, check=False
    )


def test_a_stdout_that_cannot_encode_gets_ascii_equivalents() -> None:
    """cp1252, as Windows gives a redirected stdout: what it cannot encode (≠, ⟳, →, box
    lines, Cyrillic) is replaced, never an error; what it can (–, ’, †) stays."""
    # One process answers several commands: a process per command would slow the suite.
    script = (
        "import sys; from pakru.cli.commands import main\n"
        "for args in (['trade', '2023-24'], ['trade', '2023-24', '-f', 'csv'], ['search', 'trade'],"
        " ['conflicts'], ['actors', 'Fedorov'], ['trade', '2023-24', '-f', 'json']):\n"
        "    sys.argv = ['pakru', *args]\n"
        "    try: main()\n"
        "    except SystemExit as exit: print('exit', exit.code, flush=True)\n"
    )
    env = {
        **os.environ,
        "PYTHONIOENCODING": "cp1252",
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "PAKRU_FACTS": str(DATA_FACTS),
        "PYTHONPATH": str(Path(__file__).parent.parent),
    }
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, check=False)
    assert done.stderr == b""
    out = done.stdout.decode("cp1252")
    assert out.count("exit 0") == 6, out
    assert "internal error" not in out
    assert "Trade, FY2023-24" in out
    assert "$1.5 bn" in out and "[2] !=" in out  # ≠ in the Src column
    assert "!= `pakru conflicts` shows each conflict" in out
    assert "-> trade-total-fy2023-24-gazette" in out  # search's → before the id
    assert "Pakistan–Russia trade" in out  # cp1252 has the en dash: kept
    assert "trade-total-fy2023-24-gazette,figure,trade_total" in out  # the CSV
    assert '"subject": "Pakistan–Russia trade",' in out  # the JSON


def test_json_to_a_stream_that_cannot_encode_escapes_losslessly(invoke: Invoke) -> None:
    import json

    done = _run("trade", "2023-24", "-f", "json", encoding="ascii")
    assert done.returncode == 0, done.stderr
    assert done.stdout.isascii()
    assert b'"subject": "Pakistan\\u2013Russia trade"' in done.stdout
    utf8 = invoke("trade", "2023-24", "-f", "json").stdout
    assert json.loads(done.stdout) == json.loads(utf8)


# --- -o/--output and --bom -----------------------------------------------------------------------


def test_output_writes_the_answer_to_a_file_in_utf8(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "trade.csv"
    result = invoke("trade", "2023-24", "-f", "csv", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert target.read_bytes() == invoke("trade", "2023-24", "-f", "csv").stdout_bytes
    assert [p.name for p in tmp_path.iterdir()] == ["trade.csv"]  # no temporary file left


def test_a_table_written_to_a_file_has_no_trailing_spaces(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "trade.txt"
    assert invoke("trade", "2023-24", "--output", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith("Trade, FY2023-24\n")
    assert all(line == line.rstrip() for line in text.splitlines())


def test_a_failed_write_leaves_the_file_as_it_was(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "answer.json"
    target.write_text("the earlier answer\n", encoding="utf-8")

    def full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = invoke("trade", "2023-24", "-f", "json", "-o", str(target))
    assert result.exit_code == 1
    assert "answer.json" in result.stderr and "No space left on device" in result.stderr
    assert "internal error" not in result.stderr
    assert target.read_text(encoding="utf-8") == "the earlier answer\n"
    assert [p.name for p in tmp_path.iterdir()] == ["answer.json"]


def test_output_through_a_link_writes_the_file_it_points_to(invoke: Invoke, tmp_path: Path) -> None:
    target, link = tmp_path / "answers" / "topics.csv", tmp_path / "latest.csv"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link.symlink_to(target)
    assert invoke("topics", "-f", "csv", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text(encoding="utf-8").startswith("id,type,name,synonyms,facts")


def test_output_into_a_fifo_writes_into_it_and_leaves_it_a_fifo(
    invoke: Invoke, tmp_path: Path
) -> None:
    import stat

    fifo = tmp_path / "answers.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that the writer need not wait
    try:
        result = invoke("topics", "-f", "csv", "-o", str(fifo))
        assert result.exit_code == 0, result.output
        received = os.read(reader, 1 << 16).decode("utf-8")
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received.startswith("id,type,name,synonyms,facts")


def test_output_refuses_a_directory_in_one_line(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("events", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bom_starts_a_csv_with_the_utf8_byte_order_mark(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "excel.csv"
    result = invoke("trade", "2023-24", "-f", "csv", "--bom", "-o", str(target))
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,type,metric,")
    piped = invoke("trade", "2023-24", "-f", "csv", "--bom")
    assert piped.stdout_bytes == data


def test_bom_is_refused_for_anything_but_csv(invoke: Invoke) -> None:
    result = invoke("trade", "2023-24", "-f", "json", "--bom")
    assert result.exit_code == 2
    assert "--bom" in result.stderr and "--format csv" in result.stderr
    assert result.stdout == ""


def test_output_dash_is_stdout(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("topics", "-f", "csv", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout == invoke("topics", "-f", "csv").stdout
    assert list(tmp_path.iterdir()) == []


def test_output_into_a_missing_folder_is_one_clear_line(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("topics", "-o", str(tmp_path / "missing" / "topics.txt"))
    assert result.exit_code == 1
    assert result.stderr.startswith("pakru: cannot write the answer to ")
    assert "No such file or directory" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_check_writes_its_report_to_a_file_too(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "check.txt"
    result = invoke("check", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("OK: 3 sources, ")


def test_each_mark_pakru_prints_has_a_readable_ascii_equivalent() -> None:
    from pakru.cli.output import ascii_equivalent

    assert [ascii_equivalent(char) for char in "≠–—’‘“”…†⟳⊘→×─│Фё"] == [
        "!=", "-", "-", "'", "'", '"', '"', "...", "+", "(new)", "(old)", "->", "x", "-", "|",
        "F", "e",
    ]  # fmt: skip
