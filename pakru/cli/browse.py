"""Serving the store with Datasette: the export, the metadata that explains it, canned questions.

`pakru browse` writes the export (`pakru.store.export`) and a metadata file beside it in pakru's
cache, then runs `datasette serve` on them. The metadata says what the data is and under which
licence, describes each table and column (from `pakru.store.export.DESCRIPTIONS`), offers facets and
sorting, and asks the headline questions as canned queries over the ISO `_start`/`_end` columns.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pakru.domain.records import TRADE_METRICS
from pakru.store.export import DESCRIPTIONS, export_sqlite

if TYPE_CHECKING:
    from pakru.store.compiled import Compiled

DATABASE = "pakru"  # Datasette names a database after its file: /pakru/events
TITLE = "pakru: Pakistan–Russia relations"
REPOSITORY = "https://github.com/pakru/pakru"
INSTALL_HINT = "pip install 'pakru[browse]'"

_FACETS: dict[str, list[Any]] = {
    "events": ["status", {"array": "topics"}, "year"],
    "agreements": ["kind", "status", {"array": "topics"}, "year"],
    "figures": ["metric", "unit", "basis", {"array": "topics"}, "year"],
    "sources": ["kind", "language", "year"],
    "actors": ["kind", "country"],
    "citations": ["record_type", "source"],
}
_SORTABLE: dict[str, list[str]] = {
    "events": ["date_start", "date_end", "year", "title", "status"],
    "agreements": ["date_start", "date_end", "year", "title", "kind", "status"],
    "figures": ["value", "period_start", "period_end", "year", "metric", "unit"],
    "sources": ["published_start", "year", "title", "publisher"],
}
# What a listing leaves out unless asked, as pakru does: reports a later one replaces.
_CURRENT = "id NOT IN (SELECT supersedes FROM supersessions)"
_TRADE = ", ".join(f"'{metric}'" for metric in TRADE_METRICS)

_QUERIES: dict[str, dict[str, str]] = {
    "trade_by_period": {
        "title": "Trade in a period",
        "description": (
            "Trade totals, exports, imports and growth whose period overlaps the days from "
            "start to end, as pakru trade lists them (FY2023-24 is 2023-07-01 to 2024-06-30)."
        ),
        "sql": f"""SELECT id, metric, period, period_start, period_end, value, unit, stated,
  qualifier, basis, reported_by
FROM figures
WHERE metric IN ({_TRADE}) AND period IS NOT NULL
  AND coalesce(period_start, '') <= :end AND coalesce(period_end, '9999') >= :start
  AND {_CURRENT}
ORDER BY period_start, period_end, metric, id""",
    },
    "events_since": {
        "title": "Events since a date",
        "description": "Events that could have happened on or after a year, month or day "
        "(2024, 2024-09 or 2024-09-15), as pakru events --since lists them.",
        "sql": f"""SELECT id, date, date_start, date_end, title, place, status, topics
FROM events
WHERE coalesce(date_end, '9999') >= :since AND {_CURRENT}
ORDER BY date_start, date_end, id""",
    },
    "agreements_on_topic": {
        "title": "Agreements on a topic",
        "description": "Agreements on a topic, named by its id, its name or a synonym "
        "(steel, oil-and-gas, defence).",
        "sql": f"""SELECT id, date, date_start, date_end, title, kind, status, topics
FROM agreements
WHERE id IN (
  SELECT record_topics.agreement FROM record_topics
  JOIN topics ON topics.id = record_topics.topic_id
  WHERE topics.id = :topic OR topics.name = :topic COLLATE NOCASE
    OR EXISTS (SELECT 1 FROM json_each(topics.synonyms) WHERE value = :topic COLLATE NOCASE)
) AND {_CURRENT}
ORDER BY date_start, date_end, id""",
    },
}


def metadata() -> dict[str, Any]:
    """Datasette's metadata for the exported store: licence, descriptions, facets, queries."""
    tables: dict[str, Any] = {}
    for table, (description, columns) in DESCRIPTIONS.items():
        settings: dict[str, Any] = {"description": description}
        if columns:
            settings["columns"] = columns
        if table in _FACETS:
            settings["facets"] = _FACETS[table]
        if table in _SORTABLE:
            settings["sortable_columns"] = _SORTABLE[table]
        tables[table] = settings
    return {
        "title": TITLE,
        "description": (
            "Events, agreements, trade figures and the people and bodies of Pakistan–Russia "
            "relations, each backed by the sources it cites. The data is CC BY 4.0; pakru's "
            "code is MIT-licensed. Search any table with the box above it."
        ),
        "license": "CC BY 4.0 (the data); MIT (the code)",
        "license_url": "https://creativecommons.org/licenses/by/4.0/",
        "source": "The pakru fact store; each record's sources are in the sources table",
        "source_url": REPOSITORY,
        "databases": {DATABASE: {"tables": tables, "queries": _QUERIES}},
    }


def prepare(compiled: Compiled, folder: Path, *, fingerprint: str) -> tuple[Path, Path]:
    """Export a compiled store and write its metadata into `folder`; return the two files' paths."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / f"{DATABASE}.db"
    export_sqlite(compiled, database, fingerprint=fingerprint, force=True)
    described = folder / "metadata.json"
    text = json.dumps(metadata(), ensure_ascii=False, indent=2) + "\n"
    described.write_text(text, encoding="utf-8")
    return database, described


def serve_command(
    database: Path, described: Path, *, host: str, port: int, open_browser: bool
) -> list[str]:
    """The `datasette serve` command line for the files `prepare` wrote."""
    command = [sys.executable, "-m", "datasette", "serve", str(database)]
    command += ["--metadata", str(described), "--host", host, "--port", str(port)]
    return [*command, "--open"] if open_browser else command
