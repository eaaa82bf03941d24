"""One record by its id, asked of the compiled store: the record with the records around it
(for `cite`, `conflicts ID`), and everything `show` tells of it (related records, the figures
derived from it, its checks, its chain of reports).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from pakru.domain.records import FactStore, Record
from pakru.store.compiled import Compiled


def one_record(
    compiled: Compiled, record_id: str, around: Sequence[str] = ()
) -> tuple[Record, FactStore]:
    """The record with this id, with the records `around` it and those they name; a usage error
    naming the closest ids when there is none."""
    from pakru.answers import query

    wanted = record_id.strip()
    store = compiled.subset([wanted, *around])
    if wanted not in store.by_id:
        store = compiled.everything()  # only to name the closest ids in the error
    return query.find_record(store, wanted), store


class Shown(NamedTuple):
    """A record, what is related to it by kind of relation, and a store of them all."""

    record: Record
    related: dict[str, list[Any]]
    store: FactStore


def shown(compiled: Compiled, record_id: str) -> Shown:
    """The record with this id and every record, derived figure and check related to it."""
    from pakru.answers import query

    wanted = record_id.strip()
    history = compiled.history_ids(wanted)
    record, store = one_record(compiled, wanted, [*compiled.referring_ids(wanted), *history])
    derived = compiled.derived_from(record.id)
    checks = compiled.checks([record.id])
    return Shown(record, query.related(store, record, derived, checks, history), store)
