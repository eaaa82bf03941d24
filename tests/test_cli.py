"""The commands as a user runs them, on the tiny store in tests/data/facts."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DATA_FACTS, DATA_SOURCES, Invoke


def _unwrapped(text: str) -> str:
    """Output with Rich's line wrapping undone, for asserting on whole sentences."""
    return " ".join(text.split())


# --- trade -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "period", ["2023-24", "2023–24", "2023/24", "FY24", "FY2024", "FY2023-24", "fy23-24"]
)
def test_every_spelling_of_a_fiscal_year_gives_the_same_answer(invoke: Invoke, period: str) -> None:
    result = invoke("trade", period, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = [row for row in json.loads(result.stdout) if row["basis"] != "derived"]
    assert [row["id"] for row in rows] == [
        "trade-total-fy2023-24-bulletin",
        "trade-total-fy2023-24-gazette",
        "exports-fy2023-24",
        "imports-fy2023-24",
        "trade-total-2023-07-2024-05",
    ]


def test_trade_table_shows_period_value_and_sources(invoke: Invoke) -> None:
    result = invoke("trade", "2023-24")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Trade, FY2023-24")
    assert "$1.5 bn" in out and "about $1.3 bn" in out and "$400 m" in out
    assert "[2] Trade with Russia rises — The Northern Gazette, 2025-03-14" in out
    assert "[1] Trade Bulletin — 2025-04-02 (bulletin-2025-04-02)" in out


def test_trade_says_when_sources_disagree_and_keeps_both(invoke: Invoke) -> None:
    result = invoke("trade", "2023-24")
    assert result.exit_code == 0, result.output
    assert (
        "≠ $1.5 bn, FY2023-24, against about $1.3 bn: two sources give different figures for the "
        "same measure and period." in _unwrapped(result.stdout)
    )
    assert "$1.5 bn   [2] ≠" in result.stdout and "about $1.3 bn   [1] ≠" in result.stdout
    rows = {row["id"]: row for row in json.loads(invoke("trade", "FY24", "-f", "json").stdout)}
    assert rows["trade-total-fy2023-24-gazette"]["disagrees_with"] == [
        "trade-total-fy2023-24-bulletin"
    ]
    # The gazette's parts are its own: they are held to its total, not to the bulletin's.
    assert rows["trade-total-fy2023-24-bulletin"]["disagrees_with"] == [
        "trade-total-fy2023-24-gazette"
    ]
    assert rows["exports-fy2023-24"]["disagrees_with"] == []


def test_trade_lists_the_exact_period_before_overlapping_ones(invoke: Invoke) -> None:
    out = invoke("trade", "2023-24").stdout
    lines = [line.split() for line in out.splitlines()]
    periods = [
        words[0] for words in lines if words and words[0] in ("FY2023-24", "2023-07/2024-05")
    ]
    assert periods == ["FY2023-24"] * 4 + ["2023-07/2024-05"] + ["FY2023-24"] * 3  # then derived


def test_trade_interval_matches_by_overlap(invoke: Invoke) -> None:
    rows = json.loads(invoke("trade", "2024-05..2024-07", "-f", "json").stdout)
    assert {row["period"] for row in rows} == {"FY2023-24", "2023-07/2024-05"}
    rows = json.loads(invoke("trade", "2024-05/2024-07", "-f", "json").stdout)
    assert {row["period"] for row in rows} == {"FY2023-24", "2023-07/2024-05"}
    rows = json.loads(invoke("trade", "2024-06..2024-07", "-f", "json").stdout)
    assert {row["period"] for row in rows} == {"FY2023-24"}
    rows = json.loads(invoke("trade", "2024-06-15", "-f", "json").stdout)
    assert {row["period"] for row in rows} == {"FY2023-24"}


def test_trade_without_period_lists_the_whole_series(invoke: Invoke) -> None:
    result = invoke("trade", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["basis"] for row in rows] == ["reported"] * 5 + ["derived"] * 3
    table = invoke("trade").stdout
    assert "(11 mo)" in table  # a partial period is marked so nobody compares it with a year
    assert "█" in table  # totals are charted


def test_json_contract_for_figures(invoke: Invoke) -> None:
    rows = json.loads(invoke("trade", "2023-24", "-f", "json").stdout)
    gazette = next(row for row in rows if row["id"] == "trade-total-fy2023-24-gazette")
    assert gazette == {
        "id": "trade-total-fy2023-24-gazette",
        "type": "figure",
        "metric": "trade_total",
        "subject": "Pakistan–Russia trade",
        "value": 1500000000,
        "unit": "USD",
        "stated": "$1.5 billion",
        "period": "FY2023-24",
        "start": "2023-07-01",
        "end": "2024-06-30",
        "qualifier": "exact",
        "basis": "reported",
        "topics": ["trade"],
        "sources": [
            {
                "source": "gazette-2025-03-14",
                "quote": "Trade between Pakistan and Russia reached $1.5 billion in 2023–24",
                "title": "Trade with Russia rises",
                "publisher": "The Northern Gazette",
                "published": "2025-03-14",
                "url": None,
            }
        ],
        "reported_by": None,
        "commodity": None,
        "date_note": None,
        "note": None,
        "supersedes": [],
        "formula": None,
        "inputs": None,
        "range": None,
        "superseded": False,
        "disagrees_with": ["trade-total-fy2023-24-bulletin"],
    }
    assert isinstance(gazette["value"], int)


# --- events and agreements ---------------------------------------------------------------------


def test_events_since_includes_an_event_known_only_to_the_month(invoke: Invoke) -> None:
    rows = json.loads(invoke("events", "--since", "2025-02-20", "-f", "json").stdout)
    assert [(row["id"], row["date"]) for row in rows] == [
        ("steel-talks-2025-02", "2025-02"),
        ("ministerial-visit-2025-05", "2025-05"),
    ]


def test_events_until_and_window(invoke: Invoke) -> None:
    rows = json.loads(invoke("events", "--until", "2025-02", "-f", "json").stdout)
    assert [row["id"] for row in rows] == ["steel-talks-2025-02"]
    rows = json.loads(
        invoke("events", "--since", "2025-03", "--until", "2025", "-f", "json").stdout
    )
    assert [row["id"] for row in rows] == ["ministerial-visit-2025-05"]


@pytest.mark.parametrize("actor", ["ivan-petroff", "Ivan Petroff", "ivan petrov", "PETROV"])
def test_events_by_actor_id_name_or_alias(invoke: Invoke, actor: str) -> None:
    rows = json.loads(invoke("events", "--actor", actor, "-f", "json").stdout)
    assert [row["id"] for row in rows] == ["steel-talks-2025-02"]


def test_events_table(invoke: Invoke) -> None:
    result = invoke("events", "--topic", "diplomacy")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Events, on Diplomacy")
    assert "Ministerial visit to Karachi" in result.stdout
    assert "scheduled" in result.stdout
    assert "Steel talks" not in result.stdout


@pytest.mark.parametrize("topic", ["steel", "Steel", "steel mill", "psm", "STEEL MILL"])
def test_agreements_by_topic_synonym(invoke: Invoke, topic: str) -> None:
    rows = json.loads(invoke("agreements", "--topic", topic, "-f", "json").stdout)
    assert [row["id"] for row in rows] == ["steel-protocol-2025-02"]


def test_agreements_filters_combine(invoke: Invoke) -> None:
    def ids(*args: str) -> list[str]:
        return [row["id"] for row in json.loads(invoke("agreements", *args, "-f", "json").stdout)]

    assert ids("--party", "Russia", "--status", "signed") == ["steel-protocol-2025-02"]
    assert ids("--status", "proposed") == []
    assert ids("--since", "2025-03") == []
    assert ids("--until", "2025-02-01") == ["steel-protocol-2025-02"]


def test_json_contract_for_agreements(invoke: Invoke) -> None:
    (row,) = json.loads(invoke("agreements", "-f", "json").stdout)
    assert row["type"] == "agreement"
    assert row["date"] == "2025-02"
    assert row["parties"] == ["pakistan", "russia"]
    assert row["event"] == "steel-talks-2025-02"
    assert row["sources"][0] == {
        "source": "gazette-2025-03-14",
        "quote": "Officials signed a protocol on steel cooperation in Moscow last month.",
        "title": "Trade with Russia rises",
        "publisher": "The Northern Gazette",
        "published": "2025-03-14",
        "url": None,
    }
    assert row["date_note"].startswith("‘last month’")


def test_csv_has_a_header_and_one_line_per_record(invoke: Invoke) -> None:
    result = invoke("events", "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in rows] == ["steel-talks-2025-02", "ministerial-visit-2025-05"]
    assert rows[0]["actors"] == "ivan-petroff; pakistan"
    citation = json.loads(rows[0]["sources"])[0]
    assert citation["source"] == "gazette-2025-03-14"
    assert citation["quote"].startswith("Officials signed")


def test_markdown_is_a_pipe_table_with_sources(invoke: Invoke) -> None:
    out = invoke("agreements", "-f", "markdown").stdout
    assert "| Date | Agreement | Kind | Status | Parties | Src |" in out
    assert (
        "| 2025-02 | Protocol on steel cooperation — Moscow | protocol | signed | Pakistan, Russia "
        "| \\[1\\] |" in out
    )
    assert "- \\[1\\] Trade with Russia rises — The Northern Gazette, 2025-03-14" in out


# --- nothing matched ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("trade", "2030"), "No trade figures overlap 2030 (2030-01-01 to 2030-12-31).\n"),
        (("events", "--since", "2030"), "No events since 2030.\n"),
        (("agreements", "--status", "planned"), "No agreements status planned.\n"),
        (("trade", "2030", "-f", "json"), "[]\n"),
    ],
)
def test_nothing_matched_is_one_line_and_success(
    invoke: Invoke, args: tuple[str, ...], expected: str
) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected


def test_nothing_matched_in_csv_is_the_header_alone(invoke: Invoke) -> None:
    result = invoke("events", "--since", "2030", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "id,type,date,start,end,title,place,actors,status,topics,sources,date_note,note,"
        "supersedes,superseded"
    ]


@pytest.mark.parametrize("columns", ["0", "00", "-5", "eighty", ""])
def test_a_width_of_zero_or_nonsense_is_no_width_not_an_empty_answer(
    invoke: Invoke, columns: str
) -> None:
    """Rich printed nothing at all for `COLUMNS=0`, which read as "nothing matched"."""
    result = invoke("events", "--topic", "diplomacy", env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    assert "Ministerial visit to Karachi" in _unwrapped(result.stdout)
    assert max(len(line) for line in result.stdout.splitlines()) >= 40


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("trade", "2023-25"), "PERIOD: '2023-25' is neither a month"),
        (("trade", "2024-13"), "PERIOD: '2024-13' is neither a month (months run 01–12)"),
        (("trade", "2024-02-30"), "2024-02-30 is not a real day of the calendar"),
        (("trade", "FY"), "PERIOD: 'FY' is not a period; give a fiscal year (2023-24"),
        (("trade", "FY1"), "PERIOD: 'FY1' is not a period"),
        (("trade", "20233-24"), "PERIOD: '20233-24' is not a period"),
        (("trade", ".."), "PERIOD: '..' is not a period"),
        (("trade", ""), "PERIOD: an empty period"),
        (("trade", "2025..2024"), "'2025..2024': the interval ends before it starts"),
        (("events", "--since", "yesterday"), "--since: 'yesterday' is not a date; give YYYY"),
        (("events", "--until", "2024-13"), "--until: '2024-13': month 13 does not exist"),
        (
            ("events", "--since", "2025", "--until", "2024"),
            "--since 2025 is later than --until 2024",
        ),
        (("events", "--topic", "stele"), "--topic: no topic matches 'stele'; closest: steel"),
        (
            ("events", "--actor", "Sidorov"),
            "--actor: no actor matches 'Sidorov'; closest: Ivan Petrov, Ivan Petroff, Russia",
        ),
        (("agreements", "--party", "Chinaa"), "--party: no actor matches 'Chinaa'"),
        (
            ("agreements", "--status", "sined"),
            "--status: 'sined' is not a status; give one of signed",
        ),
        (("agreements", "-f", "xml"), "'xml' is not one of 'table', 'json', 'csv', 'markdown'"),
        (("events", "--colour"), "No such option: --colour"),
        (("nonsense",), "No such command 'nonsense'"),
    ],
)
def test_bad_input_is_one_line_naming_the_value(
    invoke: Invoke, args: tuple[str, ...], expected: str
) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_bad_input_is_refused_before_the_store_is_read(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("trade", "2023-25", facts=tmp_path)
    assert result.exit_code == 2, result.output


def test_missing_facts_folder_is_a_usage_error(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("trade", facts=tmp_path / "nowhere")
    assert result.exit_code == 2, result.output
    assert "'--facts'" in result.stderr and "nowhere" in result.stderr


# --- broken store ------------------------------------------------------------------------------


@pytest.fixture
def broken_store(tmp_path: Path) -> Path:
    store = tmp_path / "facts"
    store.mkdir()
    for path in DATA_FACTS.glob("*.yaml"):
        (store / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    events = store / "events.yaml"
    events.write_text(
        events.read_text(encoding="utf-8").replace("date: 2025-05", "date: 2025-13"),
        encoding="utf-8",
    )
    return store


@pytest.mark.parametrize(
    "args", [("trade", "2023-24"), ("events",), ("agreements", "--topic", "steel")]
)
def test_every_command_fails_on_a_broken_store_and_points_at_check(
    invoke: Invoke, broken_store: Path, args: tuple[str, ...]
) -> None:
    result = invoke(*args, facts=broken_store)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert (
        "facts/events.yaml:2: events[0].date: '2025-13': month 13 does not exist" in result.stderr
    )
    assert "run `pakru check` to list every problem" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_lists_problems_and_exits_1(invoke: Invoke, broken_store: Path) -> None:
    result = invoke("check", facts=broken_store)
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "facts/events.yaml:2: events[0].date: '2025-13': month 13 does not exist (months run 01–12)",
        "1 problem(s) found; the store cannot be used until fixed.",
    ]


def test_check_passes_with_counts_and_verified_quotes(invoke: Invoke) -> None:
    result = invoke("check", "--sources-dir", str(DATA_SOURCES))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "OK: 3 sources, 3 actors, 2 events, 1 agreements, 5 figures, 3 topics; "
        "citations: 12 quotes found verbatim in their sources, 1 in the store's own words "
        "(says).\n"
    )


def test_check_finds_a_quote_that_is_not_verbatim(invoke: Invoke, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    for path in DATA_SOURCES.iterdir():
        (sources / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    gazette = sources / "gazette.txt"
    gazette.write_text(
        gazette.read_text(encoding="utf-8").replace(
            "stood at $400 million", "stood at $40 million"
        ),
        encoding="utf-8",
    )
    result = invoke("check", "--sources-dir", str(sources))
    assert result.exit_code == 1, result.output
    assert (
        "facts/figures.yaml:39: figures[2].sources[0].quote: quote not found verbatim"
        in result.stdout
    )


# --- store selection, version, help ------------------------------------------------------------


def test_pakru_facts_environment_variable_selects_the_store(invoke: Invoke) -> None:
    result = invoke("agreements", "-f", "json", facts=None, env={"PAKRU_FACTS": str(DATA_FACTS)})
    assert result.exit_code == 0, result.output
    assert [row["id"] for row in json.loads(result.stdout)] == ["steel-protocol-2025-02"]


def test_version(invoke: Invoke) -> None:
    from pakru import __version__

    result = invoke("--version", facts=None)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"pakru {__version__}"


@pytest.mark.parametrize(
    "command",
    ["trade", "figures", "events", "agreements", "timeline", "conflicts", "search", "actors",
     "show", "sources", "topics", "cite", "coverage", "check", "export", "browse"],
)  # fmt: skip
def test_every_command_has_help_with_an_example(invoke: Invoke, command: str) -> None:
    result = invoke(command, "--help", facts=None)
    assert result.exit_code == 0, result.output
    assert f"Examples: pakru {command}" in result.stdout


def test_no_arguments_shows_help(invoke: Invoke) -> None:
    result = invoke(facts=None)
    assert result.exit_code == 0, result.output
    assert "Usage: pakru" in result.stdout and "trade" in result.stdout


def test_output_has_no_escape_codes_when_piped(invoke: Invoke) -> None:
    result = invoke("trade", "2023-24")
    assert "\x1b" not in result.stdout


# --- golden tables -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("trade_table", ("trade", "2023-24")),
        ("trade_markdown", ("trade", "2023-24", "-f", "markdown")),
        ("trade_csv", ("trade", "2023-24", "-f", "csv")),
        ("events_table", ("events",)),
        ("agreements_table", ("agreements",)),
    ],
)
def test_rendered_output_matches_golden(
    invoke: Invoke, golden: Callable[[str, str], None], name: str, args: tuple[str, ...]
) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    golden(name, result.stdout)
