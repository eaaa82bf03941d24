"""`pakru browse`: the exported store as Datasette serves it, with its metadata and canned queries.

Datasette's own test client answers in-process; one test runs `datasette serve` and looks at the
page in a headless Chromium, when one is installed.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pakru.cli.browse import metadata, prepare, serve_command
from pakru.cli.options import default_facts_dir
from pakru.domain.records import Record
from pakru.store.compiled import compile_in_memory
from tests.conftest import Invoke

SHIPPED_DB, _ = compile_in_memory(default_facts_dir())
SHIPPED = SHIPPED_DB.everything()
SHIPPED_FACTS = default_facts_dir()
datasette_app = pytest.importorskip(
    "datasette.app", reason="Datasette is an optional extra: pip install 'pakru[browse]'"
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return prepare(SHIPPED_DB, tmp_path_factory.mktemp("browse"), fingerprint="tests")


@pytest.fixture(scope="module")
def served(files: tuple[Path, Path]) -> Any:
    database, described = files
    return datasette_app.Datasette(
        [str(database)], metadata=json.loads(described.read_text(encoding="utf-8"))
    )


def get(served: Any, url: str) -> Any:
    response = asyncio.run(served.client.get(url))
    assert response.status_code == 200, (url, response.text[:500])
    return response.json() if ".json" in url else response.text


def mentions(record: Record, word: str, fields: tuple[str, ...]) -> bool:
    """Whether `word` is a whole word of one of the fields (a list field's items included)."""
    said = []
    for field in fields:
        value = getattr(record, field)
        said += list(value) if isinstance(value, tuple) else [value or ""]
    return any(re.search(rf"(?<![0-9a-z]){word}(?![0-9a-z])", text.lower()) for text in said)


def test_the_metadata_names_the_store_and_its_licences(served: Any) -> None:
    served_metadata = get(served, "/-/metadata.json")
    assert served_metadata["title"] == "pakru: Pakistan–Russia relations"
    assert served_metadata["license"] == "CC BY 4.0 (the data); MIT (the code)"
    assert served_metadata["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    page = get(served, "/")
    assert "pakru: Pakistan–Russia relations" in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in page


def test_a_table_page_shows_its_description_and_facets(served: Any) -> None:
    page = get(served, "/pakru/agreements")
    assert "Protocols, agreements, memoranda, offers and proposals" in page
    facets = get(served, "/pakru/agreements.json?_size=0")["facet_results"]
    assert {"kind", "status", "topics", "year"} <= set(facets)
    topics = {item["value"]: item["count"] for item in facets["topics"]["results"]}
    assert topics["steel"] == sum("steel" in a.topics for a in SHIPPED.agreements)


@pytest.mark.parametrize(
    ("table", "fields"),
    [
        ("events", ("title", "place", "topics", "date_note", "note")),
        ("figures", ("subject", "stated", "commodity", "topics", "date_note", "note")),
    ],
)
def test_the_search_box_finds_the_steel_rows(
    served: Any, table: str, fields: tuple[str, ...]
) -> None:
    found = get(served, f"/pakru/{table}.json?_search=steel&_shape=array&_col=id&_size=max")
    records = getattr(SHIPPED, table)
    assert {row["id"] for row in found} == {r.id for r in records if mentions(r, "steel", fields)}
    assert len(found) >= 5
    assert 'name="_search"' in get(served, f"/pakru/{table}?_search=steel")


def test_figures_sort_by_value_as_numbers(served: Any) -> None:
    rows = get(served, "/pakru/figures.json?_sort=value&_shape=array&_col=value&_size=max")
    values = [row["value"] for row in rows]
    assert [Decimal(str(value)) for value in values] == sorted(f.value for f in SHIPPED.figures)
    assert all(isinstance(value, int | float) for value in values)


def test_a_figures_page_lists_its_citations(served: Any) -> None:
    figure = SHIPPED.by_id["fig-trade-total-fy2023-24"]
    page = get(served, f"/pakru/figures/{figure.id}")
    assert f'href="/pakru/citations?figure={figure.id}"' in page
    citations = get(served, f"/pakru/citations.json?figure={figure.id}&_shape=array&_sort=position")
    assert [(row["source"], row["quote"], row["says"]) for row in citations] == [
        (citation.source, citation.quote, citation.says) for citation in figure.sources
    ]


def answered(invoke: Invoke, *args: str) -> list[str]:
    """The ids pakru itself answers with, leaving out what it derives."""
    result = invoke(*args, "--format", "json", facts=SHIPPED_FACTS)
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout) if row.get("formula") is None]


def test_trade_by_period_answers_as_pakru_trade(served: Any, invoke: Invoke) -> None:
    rows = get(served, "/pakru/trade_by_period.json?start=2023-07-01&end=2024-06-30&_shape=array")
    ids = [row["id"] for row in rows]
    assert sorted(ids) == sorted(answered(invoke, "trade", "2023-24"))
    assert "fig-trade-total-fy2023-24" in ids


def test_events_since_answers_as_pakru_events_since(served: Any, invoke: Invoke) -> None:
    rows = get(served, "/pakru/events_since.json?since=2024-09&_shape=array&_size=max")
    assert sorted(row["id"] for row in rows) == sorted(
        answered(invoke, "events", "--since", "2024-09")
    )


@pytest.mark.parametrize("topic", ["steel", "Steel", "PSM"])
def test_agreements_on_a_topic_answer_as_pakru_agreements_topic(
    served: Any, invoke: Invoke, topic: str
) -> None:
    rows = get(served, f"/pakru/agreements_on_topic.json?topic={topic}&_shape=array&_size=max")
    ids = sorted(row["id"] for row in rows)
    assert ids == sorted(answered(invoke, "agreements", "--topic", "steel"))
    assert "protocol-psm-2025-07-11" in ids


def test_every_described_table_and_facet_is_in_the_export(files: tuple[Path, Path]) -> None:
    import sqlite3

    database, _ = files
    with sqlite3.connect(database) as connection:
        tables = metadata()["databases"]["pakru"]["tables"]
        for table, settings in tables.items():
            columns = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
            assert columns, table
            named = [f if isinstance(f, str) else f["array"] for f in settings.get("facets", [])]
            named += [*settings.get("columns", {}), *settings.get("sortable_columns", [])]
            assert set(named) <= columns, table


def test_no_serve_writes_the_files_and_prints_the_command(
    invoke: Invoke, cache_folder: Path
) -> None:
    result = invoke("browse", "--no-serve", "--port", "8123", "--host", "0.0.0.0", "--open")
    assert result.exit_code == 0, result.output
    folder = cache_folder / "browse"
    assert result.stdout.split() == [
        sys.executable, "-m", "datasette", "serve", str(folder / "pakru.db"),
        "--metadata", str(folder / "metadata.json"),
        "--host", "0.0.0.0", "--port", "8123", "--open",
    ]  # fmt: skip
    assert json.loads((folder / "metadata.json").read_text(encoding="utf-8")) == metadata()


def test_without_datasette_browse_says_how_to_install_it(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "datasette", None)  # what `import datasette` then refuses
    result = invoke("browse")
    assert result.exit_code == 2, result.output
    assert result.stderr == "pakru: pakru browse needs Datasette: pip install 'pakru[browse]'\n"
    assert result.stdout == ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="no Chromium (apt-get install chromium)")
def test_a_real_browser_shows_the_steel_events(files: tuple[Path, Path], tmp_path: Path) -> None:
    database, described = files
    port = _free_port()
    command = serve_command(database, described, host="127.0.0.1", port=port, open_browser=False)
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/pakru/events?_search=steel&_size=max"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        shot = tmp_path / "events.png"
        chrome = [_chromium() or "", "--headless", "--no-sandbox", "--disable-gpu"]
        chrome += ["--window-size=1280,1600", f"--user-data-dir={tmp_path / 'profile'}"]
        dom = subprocess.run(  # one run takes the picture and prints the page it shows
            [*chrome, f"--screenshot={shot}", "--dump-dom", url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
    fields = ("title", "place", "topics", "date_note", "note")
    steel = [event for event in SHIPPED.events if mentions(event, "steel", fields)]
    assert f"{len(steel)} rows where search matches" in dom
    assert all(f'href="/pakru/events/{event.id}"' in dom for event in steel)
    assert 'href="/pakru/events/igc-5th-session-2017-11"' not in dom
