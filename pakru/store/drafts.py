"""Drafts written out for review: YAML in the store's own shape, each record marked a draft.

The drafts of `pakru.domain.extract` come out as one YAML document per kind (figures, events,
agreements), each a list that can be pasted into that kind's store file once reviewed. Above each
record, a comment gives the line of the article it came from and what the reading is unsure of;
the record itself carries `draft: true` (`pakru.domain.records.DRAFT_FLAG`), which every load of
a store refuses, so a draft moved into a store unreviewed is never answered from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pakru.domain import records
from pakru.domain.records import DRAFT_FLAG

if TYPE_CHECKING:  # (the YAML writer serves `pakru new` too, which reads no article)
    from pakru.domain.extract import Draft


def drafts_yaml(drafts: Sequence[Draft], origin: str) -> str:
    """The drafts as YAML, a document per kind in the order a store is read."""
    pieces = [
        f"# Drafts by `pakru extract` from {origin}: proposals, not facts. Check each against\n"
        "# its quote, correct it, move it into the store file its document names, then remove\n"
        f"# `{DRAFT_FLAG}: true`; `pakru check` refuses every record that still has it.\n"
    ]
    if not drafts:
        pieces.append("# Nothing found: no amount, dated event or agreement.\n")
    for record_type in records.FACT_TYPES:
        chosen = [d for d in drafts if d.record.record_type == record_type]
        if not chosen:
            continue
        kind = records.KIND_OF_TYPE[record_type]
        pieces.append(f"---\n# {kind}: for {kind}.yaml (or a file in {kind}/)\n")
        pieces += [_one(draft) for draft in chosen]
    return "".join(pieces)


def _one(draft: Draft) -> str:
    record = draft.record
    stored = record.to_store()
    fields: dict[str, Any] = {"id": stored.pop("id"), DRAFT_FLAG: True}
    for name, value in stored.items():
        default = getattr(type(record), name, _REQUIRED)
        if default is _REQUIRED or _stored(default) != value:
            fields[name] = value
    comment = [f"# line {draft.line}"]
    comment += [f"#   unsure: {item}" for item in draft.unsure]
    return "\n".join(comment) + "\n" + record_yaml(fields)


def record_yaml(record: Any) -> str:
    """One record as an item of a store file's YAML list, its fields in the order given. Texts
    stay on one line however long: a quote is then one line, as in its source, to search for."""
    import yaml

    return yaml.safe_dump([record], allow_unicode=True, sort_keys=False, width=_UNFOLDED)


_REQUIRED = object()
_UNFOLDED = 2**30


def _stored(default: Any) -> Any:
    return list(default) if isinstance(default, tuple) else default
