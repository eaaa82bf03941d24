"""Records as rows of the compiled store's typed tables (`pakru.store.schema.PUBLIC_TABLES`), and
those rows read back as records.

A record is a row of its type's table (`sources`, `actors`, `events`, `agreements`, `figures`,
`topics`) and rows of the tables that hold its lists: `citations`, `actor_roles`, `event_actors`,
`agreement_parties`, `supersessions` (and `record_topics`, for SQL to filter on; the topics a record
lists are read from its JSON `topics` column, which keeps their order). Its row in `_records`
holds the checksum of all the rows it is read back from, checked when it is.

Reading asks one query per table for all the records wanted, never one per record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from pakru.domain import records
from pakru.domain.records import (
    BASES,
    DONE_STATUSES,
    KINDS_OF_TYPE,
    QUALIFIERS,
    STATUSES_OF_TYPE,
    UNITS,
    UNITS_OF_METRIC,
    Citation,
    Record,
    Role,
    iso_span,
    json_number,
)
from pakru.domain.types import Period
from pakru.store.schema import PUBLIC_TABLES, Damaged, checksum, chunks, iso, stored, verified

Row = tuple[Any, ...]


def _columns(ddl: str) -> dict[str, tuple[str, ...]]:
    """Each table of the DDL and its columns, in order."""
    found = {}
    for name, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\n\);", ddl, re.S):
        names = [line.split()[0] for line in body.splitlines() if line.strip()]
        found[name] = tuple(n for n in names if n != "PRIMARY" and not n.startswith("--"))
    return found


COLUMNS = _columns(PUBLIC_TABLES)
TABLE_OF_TYPE = {
    record_type: records.KIND_OF_TYPE[record_type] for record_type in records.RECORD_CLASSES
}
# The tables holding each record type's lists, in the order its checksum covers them, and the
# column that names the record (with `record_type` beside it in the tables shared by types).
_CHILDREN = {
    "actors": ("actor_roles", "citations"),
    "events": ("citations", "event_actors", "supersessions"),
    "agreements": ("citations", "agreement_parties", "supersessions"),
    "figures": ("citations", "supersessions"),
}
CHILDREN = {t: _CHILDREN.get(table, ()) for t, table in TABLE_OF_TYPE.items()}
KEY_OF_CHILD = {
    "actor_roles": "actor_id",
    "citations": "record_id",
    "event_actors": "event_id",
    "agreement_parties": "agreement_id",
    "supersessions": "record_id",
    "record_topics": "record_id",
}
_SHARED = ("citations", "supersessions", "record_topics")  # with a record_type column
VOCABULARY_TABLES = ("metrics", "units", "metric_units", "statuses", "kinds", "qualifiers", "bases")


def tables_of(record_type: str) -> tuple[str, ...]:
    """Every table that holds rows of a record of this type, its own first."""
    extra = ("record_topics",) if record_type in records.FACT_TYPES else ()
    return (TABLE_OF_TYPE[record_type], *CHILDREN[record_type], *extra)


def insert_sql(table: str) -> str:
    # OR IGNORE: a store may define an id twice (a problem it reports); one of them is kept, and
    # `pakru.store.build` reads both files again when either changes.
    columns = COLUMNS[table]
    marks = ", ".join("?" * len(columns))
    return f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def delete_sql(record_type: str, table: str, selection: str) -> str:
    """Delete the rows in `table` of the records of a type that `selection` (a query of ids)
    picks."""
    key = "id" if table == TABLE_OF_TYPE[record_type] else KEY_OF_CHILD[table]
    typed = "record_type = ? AND " if table in _SHARED else ""
    return f"DELETE FROM {table} WHERE {typed}{key} IN ({selection})"


# --- writing -------------------------------------------------------------------------------------


def rows_of(record: Record, index: Row) -> tuple[dict[str, list[Row]], int]:
    """A record's rows, by table (each row its values in the table's column order), and the
    checksum of those it is read back from and of its row in `_records` (`index`: the values
    of INDEXED)."""
    named = _ROWS[record.record_type](record)
    rows = {
        table: [tuple(row[c] for c in COLUMNS[table]) for row in made]
        for table, made in named.items()
    }
    main = rows[TABLE_OF_TYPE[record.record_type]][0]
    covered = (index, main, *(tuple(rows[t]) for t in CHILDREN[record.record_type]))
    return rows, checksum(covered)


# The columns of `_records` a record's checksum covers: those answers are chosen and ordered by.
INDEXED = ("id", "type", "first", "last", "metric", "label", "basis", "place")


def _period(name: str, period: Period | None) -> dict[str, Any]:
    return {
        name: str(period) if period else None,
        **{f"{name}_{end}": day for end, day in iso_span(period).items()},
    }


def _dated(name: str, period: Period | None) -> dict[str, Any]:
    """A record's own date or period, and the year it starts in (what Datasette facets on)."""
    first = period.first if period else None
    return {**_period(name, period), "year": first.year if first else None}


def _json_list(values: Iterable[str]) -> str:
    import json  # (only when a store is compiled)

    return json.dumps(list(values), ensure_ascii=False)


def _about(
    record: Record, types: tuple[str, ...] = ("actor", *records.FACT_TYPES)
) -> dict[str, Any]:
    """The record a row is about: its type and id, and its id again under its type's column."""
    return {
        "record_type": record.record_type,
        "record_id": record.id,
        **{kind: record.id if kind == record.record_type else None for kind in types},
    }


def _citations(
    record: Record, citations: Sequence[Citation], role: int | None
) -> list[dict[str, Any]]:
    return [
        {
            **_about(record),
            "role_position": role,
            "position": position,
            "source": citation.source,
            "quote": citation.quote,
            "says": citation.says,
        }
        for position, citation in enumerate(citations)
    ]


def _fact_lists(fact: Any) -> dict[str, list[dict[str, Any]]]:
    # An id listed twice (`actors: [russia, russia]`) says nothing more than once: kept once.
    return {
        "citations": _citations(fact, fact.sources, None),
        "supersessions": [
            {"record_id": fact.id, "record_type": fact.record_type, "supersedes": earlier}
            for earlier in dict.fromkeys(fact.supersedes)
        ],
        "record_topics": [
            {**_about(fact, records.FACT_TYPES), "topic_id": topic}
            for topic in dict.fromkeys(fact.topics)
        ],
    }


def _source_rows(source: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        "sources": [
            {
                "id": source.id,
                "title": source.title,
                "publisher": source.publisher,
                "author": source.author,
                **_dated("published", source.published),
                "kind": source.kind,
                "language": source.language,
                "url": source.url,
                **_period("accessed", source.accessed),
                "text_file": source.text_file,
                "section": source.section,
                "date_note": source.date_note,
                "note": source.note,
            }
        ]
    }


def _actor_rows(actor: Any) -> dict[str, list[dict[str, Any]]]:
    cited = _citations(actor, actor.sources, None)
    for position, role in enumerate(actor.roles):
        cited += _citations(actor, role.sources, position)
    return {
        "actors": [
            {
                "id": actor.id,
                "name": actor.name,
                "kind": actor.kind,
                "aliases": _json_list(actor.aliases),
                "country": actor.country,
                "note": actor.note,
            }
        ],
        "actor_roles": [
            {
                "actor_id": actor.id,
                "position": position,
                "title": role.title,
                "organisation": role.organisation,
                **_period("attested", role.attested),
                "date_note": role.date_note,
            }
            for position, role in enumerate(actor.roles)
        ],
        "citations": cited,
    }


def _event_rows(event: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        "events": [
            {
                "id": event.id,
                **_dated("date", event.date),
                "title": event.title,
                "place": event.place,
                "status": event.status,
                "topics": _json_list(event.topics),
                "date_note": event.date_note,
                "note": event.note,
            }
        ],
        "event_actors": [
            {"event_id": event.id, "actor_id": actor} for actor in dict.fromkeys(event.actors)
        ],
        **_fact_lists(event),
    }


def _agreement_rows(agreement: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        "agreements": [
            {
                "id": agreement.id,
                **_dated("date", agreement.date),
                "title": agreement.title,
                "kind": agreement.kind,
                "place": agreement.place,
                "status": agreement.status,
                "topics": _json_list(agreement.topics),
                "event": agreement.event,
                "count": agreement.count,
                "date_note": agreement.date_note,
                "note": agreement.note,
            }
        ],
        "agreement_parties": [
            {"agreement_id": agreement.id, "actor_id": actor}
            for actor in dict.fromkeys(agreement.parties)
        ],
        **_fact_lists(agreement),
    }


def _figure_rows(figure: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        "figures": [
            {
                "id": figure.id,
                "metric": figure.metric,
                "subject": figure.subject,
                "value": json_number(figure.value),
                # "f": never exponent notation such as 1E+9
                "value_exact": format(figure.value, "f"),
                "unit": figure.unit,
                "stated": figure.stated,
                **_dated("period", figure.period),
                "qualifier": figure.qualifier,
                "basis": figure.basis,
                "topics": _json_list(figure.topics),
                "reported_by": figure.reported_by,
                "commodity": figure.commodity,
                "date_note": figure.date_note,
                "note": figure.note,
            }
        ],
        **_fact_lists(figure),
    }


def _topic_rows(topic: Any) -> dict[str, list[dict[str, Any]]]:
    return {
        "topics": [{"id": topic.id, "name": topic.name, "synonyms": _json_list(topic.synonyms)}]
    }


_ROWS_OF_TABLE = {
    "sources": _source_rows,
    "actors": _actor_rows,
    "events": _event_rows,
    "agreements": _agreement_rows,
    "figures": _figure_rows,
    "topics": _topic_rows,
}
_ROWS = {t: _ROWS_OF_TABLE[table] for t, table in TABLE_OF_TYPE.items()}


def vocabulary_rows() -> dict[str, list[Row]]:
    """The vocabulary tables' rows, from `pakru.domain.records`."""
    numbered = enumerate
    return {
        "metrics": [(metric, n) for n, metric in numbered(records.METRICS)],
        "units": [(unit, n) for n, unit in numbered(UNITS)],
        "metric_units": [
            (metric, unit, n)
            for metric, units in UNITS_OF_METRIC.items()
            for n, unit in numbered(units)
        ],
        "statuses": [
            (kind, status, n, int(status in DONE_STATUSES))
            for kind, statuses in STATUSES_OF_TYPE.items()
            for n, status in numbered(statuses)
        ],
        "kinds": [
            (record_type, kind, n)
            for record_type, kinds in KINDS_OF_TYPE.items()
            for n, kind in numbered(kinds)
        ],
        "qualifiers": [(qualifier, n) for n, qualifier in numbered(QUALIFIERS)],
        "bases": [(basis, n) for n, basis in numbered(BASES)],
    }


# --- reading -------------------------------------------------------------------------------------


def read(
    db: Any, record_type: str, selection: str | None = None, parameters: Sequence[Any] = ()
) -> list[tuple[tuple[int, int], Record]]:
    """The records of a type that `selection` picks (a condition on `_records r`; None: all of
    them), each with its place in the store (its file's order, its position there), in no
    particular order. Raises `Damaged` for a record whose rows fail their checksum."""
    table = TABLE_OF_TYPE[record_type]
    columns = COLUMNS[table]
    # A JSON array column (a list of names) also comes split by SQLite, at a character no text
    # of a store may hold (pakru.store.load refuses control characters): no JSON parser to load.
    arrays = [c for c in columns if c in _JSON_LISTS]
    listed = ", ".join(
        [f"t.{c}" for c in columns]
        + [f"(SELECT group_concat(value, char(31)) FROM json_each(t.{c}))" for c in arrays]
    )
    where = "" if selection is None else f"AND ({selection})"
    indexed = ", ".join(f"r.{c}" for c in INDEXED)
    mains = db.execute(
        f"SELECT f.ord, r.position, r.crc, {indexed}, {listed} FROM _records r "
        f"JOIN files f ON f.name = r.file JOIN {table} t ON t.id = r.id "
        f"WHERE r.type = ? {where}",
        (record_type, *parameters),
    ).fetchall()
    if not mains:
        return []
    lists: dict[str, dict[str, list[Row]]] = {}
    for child in CHILDREN[record_type]:
        key = KEY_OF_CHILD[child]
        conditions = ["record_type = ?"] if child in _SHARED else []
        values: list[Any] = [record_type] if child in _SHARED else []
        if selection is not None:
            conditions.append(
                f"{key} IN (SELECT r.id FROM _records r WHERE r.type = ? AND ({selection}))"
            )
            values += [record_type, *parameters]
        condition = " AND ".join(conditions) or "1"
        found: dict[str, list[Row]] = {}
        at = COLUMNS[child].index(key)
        for row in db.execute(
            f"SELECT {', '.join(COLUMNS[child])} FROM {child} WHERE {condition} ORDER BY rowid",
            values,
        ):
            found.setdefault(row[at], []).append(row)
        lists[child] = found
    made = []
    make = _MAKERS[record_type]
    children = CHILDREN[record_type]
    split, end = len(INDEXED), len(INDEXED) + len(columns)
    split_at = [(columns.index(c) + split, end + n) for n, c in enumerate(arrays)]
    by_child = [lists[c] for c in children]
    for ord_, position, crc, *values in mains:
        index, main = tuple(values[:split]), tuple(values[split:end])
        kids = tuple(tuple(found.get(main[0], ())) for found in by_child)
        verified((index, main, *kids), crc)
        for at, items in split_at:
            values[at] = () if values[items] is None else tuple(values[items].split("\x1f"))
        made.append(((ord_, position), stored(make, values[split:end], kids)))
    return made


# How many records `read_ids` reads at once: the rows of every record of a large answer, held
# together while the records are made, took more memory than the records themselves.
READ_AT_ONCE = 4000


def read_ids(db: Any, ids: Sequence[str]) -> list[Record]:
    """The records (but topics) with these ids, in the order of the store's files."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS _wanted(id TEXT PRIMARY KEY)")
    found = []
    for batch in chunks(list(ids), READ_AT_ONCE):
        db.execute("DELETE FROM _wanted")
        db.executemany("INSERT OR IGNORE INTO _wanted VALUES (?)", [(i,) for i in batch])
        types = [
            t
            for (t,) in db.execute(
                "SELECT DISTINCT type FROM _records WHERE id IN (SELECT id FROM _wanted)"
            )
            if t != "topic"
        ]
        if not set(types) <= set(TABLE_OF_TYPE):
            raise Damaged(f"a stored record has no type pakru knows: {types}")
        for record_type in types:
            found += read(db, record_type, "r.id IN (SELECT id FROM _wanted)")
    return [record for _, record in sorted(found, key=lambda pair: pair[0])]


def read_all(db: Any, record_type: str) -> list[Record]:
    """Every record of a type, in the order of the store's files."""
    return [record for _, record in sorted(read(db, record_type), key=lambda pair: pair[0])]


_PERIODS_READ: dict[str, Period] = {}


def _period_read(text: str) -> Period:
    """A period read back, parsed once per text (records share dates; a period is immutable)."""
    period = _PERIODS_READ.get(text)
    if period is None:
        period = _PERIODS_READ[text] = Period.parse(text)
    return period


# How each record type is made from its row and its lists' rows.
_PERIODS = ("published", "accessed", "date", "period")
_JSON_LISTS = ("aliases", "topics", "synonyms")


def _maker(record_type: str) -> Any:
    cls = records.RECORD_CLASSES[record_type]
    columns = COLUMNS[TABLE_OF_TYPE[record_type]]
    children = CHILDREN[record_type]
    plain = [name for name in cls.fields if name in columns and name not in _PERIODS]
    at = [columns.index(name) for name in plain]
    periods = [(name, columns.index(name)) for name in cls.fields if name in _PERIODS]
    exact = columns.index("value_exact") if "value_exact" in columns else None
    cited = "citations" in children
    position = {c: i for i, c in enumerate(children)}

    def make(main: Sequence[Any], kids: tuple[tuple[Row, ...], ...]) -> Record:
        values: dict[str, Any] = dict(zip(plain, [main[i] for i in at], strict=True))
        for name, index in periods:
            values[name] = None if main[index] is None else _period_read(main[index])
        if exact is not None:
            values["value"] = Decimal(main[exact])
        if cited:
            citations = kids[position["citations"]]
            values["sources"] = tuple(
                Citation(row[_SOURCE], row[_QUOTE], row[_SAYS])
                for row in citations
                if row[_ROLE] is None
            )
        if record_type == "actor":
            values["roles"] = tuple(
                Role(
                    title=row[_TITLE],
                    organisation=row[_ORGANISATION],
                    attested=_period_read(row[_ATTESTED]),
                    sources=tuple(
                        Citation(c[_SOURCE], c[_QUOTE], c[_SAYS])
                        for c in kids[position["citations"]]
                        if c[_ROLE] == row[_PLACE]
                    ),
                    date_note=row[_ROLE_NOTE],
                )
                for row in kids[position["actor_roles"]]
            )
        if "event_actors" in position:
            values["actors"] = tuple(row[1] for row in kids[position["event_actors"]])
        if "agreement_parties" in position:
            values["parties"] = tuple(row[1] for row in kids[position["agreement_parties"]])
        if "supersessions" in position:
            values["supersedes"] = tuple(row[2] for row in kids[position["supersessions"]])
        record: Record = cls(**values)
        return record

    return make


_CITATION = COLUMNS["citations"]
_ROLE, _SOURCE, _QUOTE, _SAYS = (
    _CITATION.index(name) for name in ("role_position", "source", "quote", "says")
)
_TITLE, _ORGANISATION, _ATTESTED, _PLACE, _ROLE_NOTE = (
    COLUMNS["actor_roles"].index(name)
    for name in ("title", "organisation", "attested", "position", "date_note")
)
_MAKERS = {record_type: _maker(record_type) for record_type in records.RECORD_CLASSES}


# --- derived figures and checks between figures --------------------------------------------------


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def derived_row(derived: Any) -> Row:
    """A derived figure as its row of `derived` (its inputs by id), with the row's checksum."""
    values = (
        derived.id,
        iso(derived.period.first),
        iso(derived.period.last),
        derived.metric,
        " ".join(f.id for f in derived.inputs),
        derived.subject,
        _decimal_text(derived.low),
        _decimal_text(derived.high),
        _decimal_text(derived.value),
        derived.unit,
        str(derived.period),
        derived.formula,
    )
    return (*values, checksum(values))


DERIVED_COLUMNS = (
    "id, first, last, metric, inputs, subject, low, high, value, unit, period, formula, crc"
)


def derived_of(db: Any, rows: Sequence[Row]) -> list[Any]:
    """Derived figures from their rows (`DERIVED_COLUMNS`), their inputs read in one query."""
    from pakru.domain.consistency import Derived

    for *values, crc in rows:
        verified(tuple(values), crc)
    inputs: dict[str, Any] = {
        r.id: r for r in read_ids(db, sorted({i for row in rows for i in row[4].split()}))
    }

    def make(row: Row) -> Derived:
        record_id, _, _, metric, ids, subject, low, high, value, unit, period, formula, _ = row
        central = _decimal(value)
        assert central is not None
        return Derived(
            id=record_id,
            metric=metric,
            subject=subject,
            low=_decimal(low),
            high=_decimal(high),
            value=central,
            unit=unit,
            period=Period.parse(period),
            formula=formula,
            inputs=tuple(inputs[i] for i in ids.split()),
        )

    return [stored(make, row) for row in rows]


def check_row(check: Any) -> Row:
    """A check between figures as its row of `checks`, with the row's checksum: each side by id,
    a derived figure's marked as such."""
    from pakru.domain.consistency import Derived, reported_ids

    involved = sorted({*reported_ids(check.a), *reported_ids(check.b)})
    periods = [p for p in (check.a.period, check.b.period) if p is not None]
    values = (
        check.a.id,
        check.b.id,
        int(check.agrees),
        min((iso(p.first) or "0001-01-01" for p in periods), default=None),
        max((iso(p.last) or "9999-12-31" for p in periods), default=None),
        " ".join(involved),
        check.kind,
        check.reason,
        _decimal_text(check.gap),
        int(isinstance(check.a, Derived)),
        int(isinstance(check.b, Derived)),
    )
    return (*values, checksum(values))


CHECK_COLUMNS = "a, b, agrees, first, last, figures, kind, reason, gap, a_derived, b_derived, crc"


def checks_of(db: Any, rows: Sequence[Row]) -> list[Any]:
    """Checks from their rows (rowid, then `CHECK_COLUMNS`), the figures they compare read in
    one query per table."""
    from pakru.domain.consistency import Check

    for _, *values, crc in rows:
        verified(tuple(values), crc)
    reported = {row[side] for row in rows for side, flag in ((1, 10), (2, 11)) if not row[flag]}
    figures: dict[str, Any] = {r.id: r for r in read_ids(db, sorted(reported))}
    owners = [row[0] for row in rows if row[10] or row[11]]
    sides: dict[tuple[int, str], Any] = {}
    for chunk in chunks(owners):
        marks = ",".join("?" * len(chunk))
        found = db.execute(
            f"SELECT owner, {DERIVED_COLUMNS} FROM derived WHERE owner IN ({marks})", chunk
        ).fetchall()
        made = derived_of(db, [row[1:] for row in found])
        sides |= {(row[0], d.id): d for row, d in zip(found, made, strict=True)}

    def make(row: Row) -> Check:
        rowid, a, b, agrees, _, _, _, kind, reason, gap, a_derived, b_derived, _ = row
        return Check(
            kind=kind,
            a=sides[rowid, a] if a_derived else figures[a],
            b=sides[rowid, b] if b_derived else figures[b],
            agrees=bool(agrees),
            reason=reason,
            gap=_decimal(gap),
        )

    return [stored(make, row) for row in rows]
