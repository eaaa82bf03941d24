"""figures, timeline, conflicts, actors, show, sources, topics and export, as a user runs them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DATA_FACTS, Invoke

# --- conflicts on a store written here -----------------------------------------------------------

SOURCES = """\
- id: paper
  title: A paper
  publisher: null
  author: null
  published: 2025-01-10
  kind: news
  language: en
  text_file: paper.txt
"""
TOPICS = "- id: trade\n  name: Trade\n"


def figure(
    fid: str, metric: str, value: int, unit: str, stated: str, period: str, **more: str
) -> str:
    qualifier = more.get("qualifier", "exact")
    return f"""\
- id: {fid}
  metric: {metric}
  subject: Pakistan–Russia trade
  value: {value}
  unit: {unit}
  stated: "{stated}"
  period: {period}
  qualifier: {qualifier}
  basis: reported
  topics: [trade]
  sources:
    - source: paper
      quote: "Trade was {stated} in {period}."
"""


@pytest.fixture
def conflicted(tmp_path: Path) -> Path:
    """$1.0 bn → $1.81 bn is 81 % growth, not 'more than 100 percent'; $1.8 bn agrees with
    $1.81 bn; $1.0 billion for FY2023-24 does not."""
    store = tmp_path / "facts"
    store.mkdir()
    (store / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (store / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (store / "figures.yaml").write_text(
        figure("total-fy23", "trade_total", 1_000_000_000, "USD", "$1.0 billion", "FY2022-23")
        + figure("total-fy24", "trade_total", 1_810_000_000, "USD", "$1.81 billion", "FY2023-24")
        + figure(
            "total-fy24-round", "trade_total", 1_800_000_000, "USD", "$1.8 billion", "FY2023-24"
        )
        + figure("total-fy24-low", "trade_total", 1_000_000_000, "USD", "$1.0 billion", "FY2023-24")
        + figure(
            "growth-fy24",
            "trade_growth",
            100,
            "percent",
            "100 percent",
            "FY2023-24",
            qualifier="more than",
        ),  # fmt: skip
        encoding="utf-8",
    )
    return store


def pairs(rows: list[dict[str, object]]) -> set[tuple[str, str]]:
    """Each conflict's two figures, better-stated first, as pakru lists them."""
    return {tuple(f["id"] for f in row["figures"]) for row in rows}  # type: ignore[misc, union-attr, attr-defined]


def test_conflicts_finds_disagreements_and_not_agreement_within_precision(
    invoke: Invoke, conflicted: Path
) -> None:
    result = invoke("conflicts", "-f", "json", facts=conflicted)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    found = pairs(rows)
    assert ("total-fy24", "total-fy24-low") in found
    assert ("total-fy24-low", "total-fy24-round") in found  # equally precise: by id
    assert ("total-fy24", "total-fy24-round") not in found  # $1.8 bn and $1.81 bn agree
    derived = next(r for r in rows if r["figures"][0]["id"] == "growth-fy24")
    assert derived["kind"] == "derived"
    assert derived["figures"][1]["basis"] == "derived"
    assert derived["figures"][1]["inputs"] == ["total-fy23", "total-fy24"]
    assert derived["figures"][1]["value"] == 81.0
    assert derived["gap"] == pytest.approx(8.9)  # 100 − (1.815 / 0.95 − 1)·100, the least gap


def test_conflicts_all_also_lists_the_checks_that_passed(invoke: Invoke, conflicted: Path) -> None:
    rows = json.loads(invoke("conflicts", "--all", "-f", "json", facts=conflicted).stdout)
    agreeing = [r for r in rows if r["agrees"]]
    assert {tuple(f["id"] for f in r["figures"]) for r in agreeing} >= {
        ("total-fy24", "total-fy24-round")
    }
    assert all(r["type"] == "check" for r in agreeing)


def test_conflicts_table_shows_values_quotes_gap_and_reason(
    invoke: Invoke, conflicted: Path
) -> None:
    out = invoke("conflicts", facts=conflicted).stdout
    assert out.startswith("Conflicts between figures")
    assert "$1.81 bn, FY2023-24" in out and "$1 bn, FY2023-24" in out
    flat = " ".join(out.split())
    markdown = invoke("conflicts", "-f", "markdown", facts=conflicted).stdout
    assert "\\[1\\] “Trade was $1.81 billion in FY2023-24.”" in markdown
    assert "≥ $755 m" in flat  # 1.805 bn − 1.05 bn: the least the two can be apart
    assert "does not fit" in flat


def test_trade_marks_conflicting_figures_and_points_at_conflicts(
    invoke: Invoke, conflicted: Path
) -> None:
    out = invoke("trade", "2023-24", facts=conflicted).stdout
    assert "≠ `pakru conflicts` shows each conflict with its quotes and gap." in out
    assert "growth of total trade from FY2022-23" in " ".join(out.split())


def test_no_conflicts_is_one_line(invoke: Invoke) -> None:
    result = invoke("conflicts", facts=DATA_FACTS.parent / "facts")
    assert result.exit_code == 0
    # The tiny test store has one: $1.5 bn against $1.3 bn. The bulletin's $1.3 bn is not held to
    # the gazette's parts: a total is checked against the parts of its own report.
    assert len(json.loads(invoke("conflicts", "-f", "json").stdout)) == 1


def test_trade_shows_the_derived_balance(invoke: Invoke) -> None:
    rows = json.loads(invoke("trade", "2023-24", "-f", "json").stdout)
    balance = next(r for r in rows if r["metric"] == "trade_balance")
    assert balance == {
        "id": "derived-balance-exports-fy2023-24-imports-fy2023-24",
        "type": "figure",
        "metric": "trade_balance",
        "subject": "trade balance (exports − imports)",
        "value": -700000000,
        "unit": "USD",
        "period": "FY2023-24",
        "start": "2023-07-01",
        "end": "2024-06-30",
        "qualifier": "exact",
        "basis": "derived",
        "formula": "exports-fy2023-24 − imports-fy2023-24",
        "inputs": ["exports-fy2023-24", "imports-fy2023-24"],
        "range": [-750500000, -649500000],  # $400 m ± 0.5 m against $1.1 bn ± 50 m
        "disagrees_with": [],
        # a derived figure has none of a reported one's own fields
        **dict.fromkeys(
            ("stated", "topics", "sources", "reported_by", "commodity", "date_note", "note"), None
        ),
        "supersedes": None,
        "superseded": None,
    }
    assert "−$700 m" in invoke("trade", "2023-24").stdout


# --- figures -------------------------------------------------------------------------------------


def test_figures_filters(invoke: Invoke) -> None:
    def ids(*args: str) -> list[str]:
        result = invoke("figures", *args, "-f", "json")
        assert result.exit_code == 0, result.output
        return [row["id"] for row in json.loads(result.stdout)]

    assert ids("--metric", "exports") == ["exports-fy2023-24"]
    assert ids("--metric", "EXPORTS") == ["exports-fy2023-24"]
    assert ids("--period", "2024-06") == [
        "exports-fy2023-24",
        "imports-fy2023-24",
        "trade-total-fy2023-24-bulletin",
        "trade-total-fy2023-24-gazette",
    ]
    assert ids("--basis", "target") == []
    assert len(ids("--topic", "commerce")) == 5


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("figures", "--metric", "exprts"), "--metric: 'exprts' is not a metric; give one of"),
        (("figures", "--basis", "rumour"), "--basis: 'rumour' is not a basis"),
        (("figures", "--period", "2024-13"), "--period: '2024-13' is neither a month"),
        (
            ("show", "steel-protocol"),
            "ID: no record matches 'steel-protocol'; closest: steel-protocol-2025-02",
        ),
        (("actors", ""), "QUERY: an empty name"),
        (("timeline", "--since", "soon"), "--since: 'soon' is not a date"),
        (("export",), "Missing option '--sqlite'"),
    ],
)
def test_bad_arguments_of_the_inspecting_commands(
    invoke: Invoke, args: tuple[str, ...], expected: str
) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- timeline ------------------------------------------------------------------------------------


def test_timeline_merges_events_and_agreements_by_year(invoke: Invoke) -> None:
    rows = json.loads(invoke("timeline", "-f", "json").stdout)
    assert [(row["type"], row["id"]) for row in rows] == [
        ("agreement", "steel-protocol-2025-02"),
        ("event", "steel-talks-2025-02"),
        ("event", "ministerial-visit-2025-05"),
    ]
    out = invoke("timeline").stdout
    assert "[SCHEDULED] Ministerial visit to Karachi" in out
    assert " 2025" in out.splitlines()  # the year labels its rows


def test_timeline_since(invoke: Invoke) -> None:
    rows = json.loads(invoke("timeline", "--since", "2025-03", "-f", "json").stdout)
    assert [row["id"] for row in rows] == ["ministerial-visit-2025-05"]


# --- actors and show -----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["petroff", "PETROV", "Ivan", "petrof", "ivan-petroff"])
def test_actors_forgives_case_and_small_misspellings(invoke: Invoke, query: str) -> None:
    rows = json.loads(invoke("actors", query, "-f", "json").stdout)
    assert [row["id"] for row in rows] == ["ivan-petroff"]


def test_actors_table_has_kind_country_and_role(invoke: Invoke) -> None:
    out = invoke("actors", "petrov").stdout
    assert "Ivan Petroff" in out and "(ivan-petroff)" in out and "person" in out
    lines = [line.split() for line in out.splitlines() if "Ivan Petroff" in line]
    assert lines == [
        [
            "Ivan",
            "Petroff",
            "person",
            "Russia",
            "Minister,",
            "Russia",
            "(as",
            "of",
            "Ivan",
            "Petrov",
        ]
    ]


def test_actors_without_match_is_one_line(invoke: Invoke) -> None:
    result = invoke("actors", "nobody at all")
    assert result.exit_code == 0
    assert result.stdout == "No actors matching 'nobody at all'.\n"


def test_show_gives_every_field_quote_and_related_record(invoke: Invoke) -> None:
    result = invoke("show", "steel-protocol-2025-02")
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.replace("│", " ").split())
    assert "agreement steel-protocol-2025-02" in out
    assert "status signed" in out
    assert (
        "quote “Officials signed a protocol on steel cooperation in Moscow last month.” — Trade "
        "with Russia rises — The Northern Gazette, 2025-03-14 (gazette-2025-03-14)"
    ) in out
    assert "signed at steel-talks-2025-02: 2025-02 Steel talks in Moscow" in out


def test_show_json_is_one_object_with_related_records(invoke: Invoke) -> None:
    data = json.loads(invoke("show", "ivan-petroff", "-f", "json").stdout)
    assert data["id"] == "ivan-petroff" and data["type"] == "actor"
    assert data["aliases"] == ["Ivan Petrov"]
    assert [r["id"] for r in data["related"]["event"]] == ["steel-talks-2025-02"]


def test_show_a_figure_lists_its_conflicts_and_derivations(invoke: Invoke) -> None:
    data = json.loads(invoke("show", "exports-fy2023-24", "-f", "json").stdout)
    assert [r["id"] for r in data["related"]["derived"]][:1] == [
        "derived-balance-exports-fy2023-24-imports-fy2023-24"
    ]


# --- sources and topics --------------------------------------------------------------------------


def test_sources_count_the_facts_they_back(invoke: Invoke) -> None:
    rows = {row["id"]: row for row in json.loads(invoke("sources", "-f", "json").stdout)}
    assert rows["gazette-2025-03-14"]["facts"] == 9
    assert rows["bulletin-2025-04-02"]["facts"] == 2


def test_topics_count_facts_and_list_synonyms(invoke: Invoke) -> None:
    rows = {row["id"]: row for row in json.loads(invoke("topics", "-f", "json").stdout)}
    assert rows["steel"]["synonyms"] == ["steel mill", "PSM"]
    assert rows["steel"]["facts"] == 2
    assert rows["trade"]["facts"] == 5


# --- export --------------------------------------------------------------------------------------


def test_export_writes_sqlite_and_refuses_to_overwrite(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "pakru.db"
    result = invoke("export", "--sqlite", str(target))
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.stderr and "5 figures" in result.stderr
    with sqlite3.connect(target) as db:
        assert db.execute(
            "SELECT value FROM figures WHERE id = 'exports-fy2023-24'"
        ).fetchone() == (400000000,)
    again = invoke("export", "--sqlite", str(target))
    assert again.exit_code == 2
    assert "already exists; pass --force to replace it" in again.stderr
    assert invoke("export", "--sqlite", str(target), "--force").exit_code == 0


# --- golden tables -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("trade_series_table", ("trade",)),
        ("figures_table", ("figures",)),
        ("timeline_table", ("timeline",)),
        ("conflicts_table", ("conflicts",)),
        ("actors_table", ("actors",)),
        ("show_agreement", ("show", "steel-protocol-2025-02")),
        ("sources_table", ("sources",)),
        ("topics_table", ("topics",)),
    ],
)
def test_inspecting_output_matches_golden(
    invoke: Invoke, golden: Callable[[str, str], None], name: str, args: tuple[str, ...]
) -> None:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    golden(name, result.stdout)


# --- search --------------------------------------------------------------------------------------


def test_search_finds_every_record_type_with_id_and_type(invoke: Invoke) -> None:
    rows = json.loads(invoke("search", "steel", "-f", "json").stdout)
    assert {(row["type"], row["id"]) for row in rows} == {
        ("agreement", "steel-protocol-2025-02"),
        ("event", "steel-talks-2025-02"),
    }
    assert all(row["score"] > 0 and "title" in row["matched"] for row in rows)


def test_search_words_must_all_match_and_phrases_are_phrases(invoke: Invoke) -> None:
    def ids(*args: str) -> list[str]:
        return [row["id"] for row in json.loads(invoke("search", *args, "-f", "json").stdout)]

    assert ids("petrov") == ["ivan-petroff"]
    assert set(ids("steel", "moscow")) == set(ids("steel"))  # both steel records say Moscow
    assert ids("steel moscow karachi") == []
    # both records quote "a protocol on steel cooperation"
    assert set(ids('"steel cooperation"')) == {"steel-protocol-2025-02", "steel-talks-2025-02"}
    assert ids('"cooperation steel"') == []
    assert ids("steel", "--type", "event") == ["steel-talks-2025-02"]
    assert len(ids("trade", "--limit", "2")) == 2


def test_search_table_shows_the_match_and_the_id_to_show_next(invoke: Invoke) -> None:
    out = invoke("search", "protocol").stdout
    assert "Protocol on steel cooperation" in out
    assert "→ steel-protocol-2025-02" in out
    assert invoke("search", "protocol", "-f", "markdown").stdout.count("**Protocol**") == 1


def test_search_nothing_and_bad_queries(invoke: Invoke) -> None:
    nothing = invoke("search", "xyzzy")
    assert nothing.exit_code == 0 and nothing.stdout == "Nothing matches 'xyzzy'.\n"
    for bad, message in [
        ('"open', "TEXT: a double quote is not closed"),
        ("", "TEXT:"),
        ("steel", "--type"),
    ]:
        args = ("search", bad) if bad != "steel" else ("search", "steel", "--type", "topicz")
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


# --- shell completion ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("pakru agreements --topic st", 3, {"steel", "steel\\ mill"}),
        ("pakru events --actor Ivan", 3, {"Ivan\\ Petroff", "Ivan\\ Petrov"}),
        ("pakru agreements --status si", 3, {"signed"}),
        ("pakru show steel-", 2, {"steel-protocol-2025-02", "steel-talks-2025-02"}),
    ],
)
def test_shell_completion_offers_store_values(
    words: str, cword: int, expected: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from pakru.cli.commands import app

    monkeypatch.setenv("PAKRU_FACTS", str(DATA_FACTS))
    env = {"_PAKRU_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    result = CliRunner().invoke(app, [], env=env, prog_name="pakru")
    assert set(result.stdout.split("\n")) - {""} == expected


def test_a_derived_figure_cites_the_sources_of_figures_outside_the_period(
    invoke: Invoke, conflicted: Path
) -> None:
    """FY2023-24's derived growth rests on FY2022-23's total, whose source nothing else cites."""
    (conflicted / "sources.yaml").write_text(
        SOURCES
        + SOURCES.replace("id: paper", "id: older-paper").replace("A paper", "An older paper"),
        encoding="utf-8",
    )
    figures = conflicted / "figures.yaml"
    text = figures.read_text(encoding="utf-8")
    text = text.replace("source: paper", "source: older-paper", 1)
    # Growth is derived across two reports only where each year's figures agree among themselves.
    text = text[: text.index("- id: total-fy24-low")] + text[text.index("- id: growth-fy24") :]
    figures.write_text(text, encoding="utf-8")
    result = invoke("trade", "2023-24", facts=conflicted)
    assert result.exit_code == 0, result.output
    assert "An older paper — 2025-01-10 (older-paper)" in result.stdout
