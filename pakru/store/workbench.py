"""The curator's workbench: a new record's template, made from the record's JSON Schema, and
records added to a store file only when `pakru check` finds nothing wrong with them.

Records are added at the end of their file and nothing before is rewritten, so a file's comments,
order and layout stay as its curators wrote them. They are checked by the store's own check, run
on a copy of the store with the records added, so that a record is refused for exactly the reasons
(and with the messages) `pakru check` would give once it is there.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from pakru.domain.errors import Problem, StoreError, UsageError, shown
from pakru.domain.records import KIND_OF_TYPE
from pakru.store.check import check_store
from pakru.store.drafts import record_yaml
from pakru.store.layout import holds_store, store_files
from pakru.store.load import KINDS, _Loader, read_file
from pakru.store.models import SLUG_PATTERN
from pakru.store.schemas import file_schema, modeline

RECORD_TYPES = tuple(KIND_OF_TYPE)
# A file in a kind's folder, as --file names it: `trade` or `trade.yaml` for events/trade.yaml.
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
# Comments in a template start at this column at least, so that they line up.
_COMMENT_COLUMN = 30
_ITEM = re.compile(r"^ *- ", re.MULTILINE)


class Target(NamedTuple):
    """The store file new records of a kind go to: its path and the name problems give it."""

    kind: str  # events, …
    path: Path
    relative: str  # from the store's folder: events.yaml, events/trade.yaml
    name: str  # as problems name it: facts/events.yaml


class Added(NamedTuple):
    """What adding records did, or would have done: the file, the line each record starts at
    (by id, when it has one), and the problems that kept them out (none: they were written)."""

    target: Target
    lines: list[tuple[str | None, int]]
    problems: list[Problem]


def record_type(kind: str) -> str:
    """The record type `pakru new` was given (`event`), or a usage error naming the accepted."""
    if kind not in RECORD_TYPES:
        accepted = ", ".join(RECORD_TYPES)
        raise UsageError(f"{shown(kind)} is not a kind of record; use one of {accepted}", "KIND")
    return kind


def target(root: Path, record_type: str, file: str | None) -> Target:
    """`<kind>.yaml` at the top of the store, or, with `file`, `<kind>/<file>.yaml`."""
    kind = KIND_OF_TYPE[record_type]
    if file is None:
        relative = f"{kind}.yaml"
    else:
        stem = file.removesuffix(".yaml")
        if not _FILE_NAME.fullmatch(stem):
            raise UsageError(
                f"{shown(file)} is not a file name for {kind}/; give a plain name such as trade "
                f"(for {kind}/trade.yaml)",
                "--file",
            )
        relative = f"{kind}/{stem}.yaml"
    return Target(kind, root / relative, relative, f"{root.name}/{relative}")


def taken_ids(root: Path) -> set[str]:
    """Every id the store's records have, valid or not (an id is unique across all kinds)."""
    if not holds_store(root):
        return set()  # a folder for a new store: its first record starts it
    return {entry[0] for file in store_files(root) for entry in read_file(file).ids}


def free_id(stem: str, taken: set[str]) -> str:
    """`stem` when no record has it, else the first of `stem-2`, `stem-3`, … that is free."""
    if not re.fullmatch(SLUG_PATTERN, stem):
        raise UsageError(
            f"{shown(stem)} is not an id; an id is a-z, 0-9 and single hyphens, "
            "e.g. putin-visit-2026",
            "--id",
        )
    number, found = 2, stem
    while found in taken:
        found = f"{stem}-{number}"
        number += 1
    return found


def template(record_type: str, record_id: str, where: Target) -> str:
    """A complete entry of the kind, every field with what it accepts and whether it is required,
    headed by the comment that points editors at its schema (`where` decides the path)."""
    schema = file_schema(where.kind)
    definitions = schema["$defs"]
    model = definitions[schema["items"]["$ref"].rsplit("/", 1)[1]]
    lines = [
        (modeline(where.kind, where.relative), ""),
        (f"# A new {record_type} for {where.name}: fill in each field, delete the optional", ""),
        ("# ones it does not need, then run `pakru check`.", ""),
    ]
    lines += _fields(model, definitions, "- ", "  ", {"id": record_id})
    width = max(_COMMENT_COLUMN, *(len(text) + 2 for text, note in lines if note))
    return "\n".join(f"{text:<{width}}# {note}" if note else text for text, note in lines) + "\n"


def _fields(
    model: dict[str, Any],
    definitions: dict[str, Any],
    first: str,
    rest: str,
    values: dict[str, str],
) -> list[tuple[str, str]]:
    """The template's lines for a model's fields: the first line starts with `first` (the list
    item's dash), the others with `rest`; each line with its comment."""
    lines: list[tuple[str, str]] = []
    required = set(model.get("required", ()))
    for name, field in model["properties"].items():
        lead = first if not lines else rest
        alternatives = [a for a in field.get("anyOf", [field]) if a.get("type") != "null"]
        nullable = len(alternatives) < len(field.get("anyOf", [field]))
        need = "required" if name in required else "optional"
        need += ", may be null" if nullable and name in required else ""
        only = alternatives[0] if len(alternatives) == 1 else field
        items = only.get("items", {}) if only.get("type") == "array" else None
        if items is not None and "$ref" in items:
            nested = definitions[items["$ref"].rsplit("/", 1)[1]]
            lines.append((f"{lead}{name}:", f"{need}; {_what(only, definitions)}"))
            lines += _fields(nested, definitions, f"{rest}- ", f"{rest}  ", {})
            continue
        value = values.get(name, "[]" if items is not None else "")
        lines.append((f"{lead}{name}: {value}".rstrip(), f"{need}; {_what(field, definitions)}"))
    return lines


def _what(schema: dict[str, Any], definitions: dict[str, Any]) -> str:
    """What a schema accepts, in words, from its vocabulary, its description or its type."""
    if "enum" in schema:
        return "one of: " + ", ".join(str(value) for value in schema["enum"])
    if "description" in schema:
        return " ".join(str(schema["description"]).split())
    if "anyOf" in schema:
        alternatives = schema["anyOf"]
        return " or ".join(_what(a, definitions) for a in alternatives if a.get("type") != "null")
    if schema.get("type") == "array":
        least = schema.get("minItems")
        items = schema.get("items", {})
        if "$ref" in items:  # a list of records of their own: citations, roles
            model = definitions[items["$ref"].rsplit("/", 1)[1]]
            size = ("one or more" if least == 1 else f"at least {least}") if least else "a list of"
            about = _what(model, definitions)
            return f"{size} {model['title'].lower()}s: {about[:1].lower()}{about[1:]}"
        size = f"at least {least}" if least else "a list"
        return f"{size}, each {_what(items, definitions)}"
    if schema.get("type") == "integer":
        least = schema.get("minimum")
        return "a whole number" + (f", at least {least}" if least is not None else "")
    return str(schema.get("type", "any value"))


def append_template(record_type: str, record_id: str, where: Target) -> int:
    """Write a template at the end of its file (made with its schema comment when new); returns
    the line its record starts at."""
    text = template(record_type, record_id, where)
    if not _new_file(where):
        text = text.split("\n", 1)[1]  # the file has its own first line
    plan = _plan(where, text)
    _write(where, plan)
    return _first_item_line(plan)


def add_records(root: Path, items: list[Any], where: Target, sources_dir: Path | None) -> Added:
    """Add records (parsed JSON: each a mapping of field to value) at the end of their file, if
    the store checks out with them; else write nothing and return the problems `pakru check`
    finds. The store must check out before (`StoreError` otherwise)."""
    before = check_store(root, sources_dir)
    if before.problems:
        raise StoreError(before.problems)
    fields = list(KINDS[where.kind].model_fields)
    blocks = [record_yaml(_ordered(item, fields)) for item in items]
    text = "\n".join(blocks)
    if _new_file(where):
        text = modeline(where.kind, where.relative) + "\n\n" + text
    plan = _plan(where, text)
    starts = _starts(plan, blocks)
    ids = [item.get("id") if isinstance(item, dict) else None for item in items]
    lines = [(i if isinstance(i, str) else None, line) for i, line in zip(ids, starts, strict=True)]
    with tempfile.TemporaryDirectory(prefix="pakru-new-") as folder:
        copy = _copy_store(root, Path(folder))
        (copy / where.relative).parent.mkdir(parents=True, exist_ok=True)
        (copy / where.relative).write_bytes(plan.before + plan.added)
        after = check_store(copy, sources_dir)
    if after.problems:
        return Added(where, lines, after.problems)
    _write(where, plan)
    return Added(where, lines, [])


def _new_file(where: Target) -> bool:
    """Whether records go into a file of their own, which starts with its schema comment: one
    that does not exist yet, or an empty one (`touch events.yaml`)."""
    return not where.path.exists() or not where.path.read_bytes().strip()


class _Plan(NamedTuple):
    before: bytes  # the file as it is (empty when new)
    added: bytes  # what goes after it
    first_line: int  # the line of the file the added text starts on


def _plan(where: Target, text: str) -> _Plan:
    """What to write after a file's last byte to add `text` (YAML list items at column 0)."""
    before = where.path.read_bytes() if where.path.exists() else b""
    indent = _indent(where, before)
    joint = b"" if not before else b"\n" if before.endswith(b"\n") else b"\n\n"
    shifted = "".join(
        (" " * indent + line if line.strip() else line) for line in text.splitlines(True)
    )
    added = joint + shifted.encode("utf-8")
    first_line = before.count(b"\n") + 1  # (the line after the file's last line break)
    return _Plan(before, added, first_line)


def _indent(where: Target, before: bytes) -> int:
    """The column the file's list items start at, so that added items join the same list."""
    if not before:
        return 0
    try:
        node = yaml.compose(before.decode("utf-8"), Loader=_Loader)
    except (UnicodeDecodeError, yaml.YAMLError):
        return 0  # a file `pakru check` already refuses: what is added cannot make it worse
    if isinstance(node, yaml.SequenceNode) and node.flow_style:
        raise UsageError(
            f"{where.name} is written as a list in brackets ([…]); records can be added only "
            "to a list of items starting with '- ': rewrite it so, or choose another file with "
            "--file",
            "--file",
        )
    return node.start_mark.column if isinstance(node, yaml.SequenceNode) else 0


def _first_item_line(plan: _Plan) -> int:
    """The line of the file at which the first added list item will start."""
    added = plan.added.decode("utf-8")
    item = _ITEM.search(added)
    assert item is not None  # (what is added always holds an item)
    return plan.first_line + added[: item.start()].count("\n")


def _starts(plan: _Plan, blocks: list[str]) -> list[int]:
    """The line each added record will start at."""
    line = _first_item_line(plan)
    starts = []
    for block in blocks:
        starts.append(line)
        line += block.count("\n") + 1  # (blocks are joined by a blank line)
    return starts


def _write(where: Target, plan: _Plan) -> None:
    # Appended, not rewritten: every byte already in the file stays where it is.
    where.path.parent.mkdir(parents=True, exist_ok=True)
    with open(where.path, "ab") as file:
        file.write(plan.added)


def _ordered(item: Any, fields: list[str]) -> Any:
    """A record's fields in the order the model declares them (others, which the check refuses,
    after them)."""
    if not isinstance(item, dict):
        return item
    return {
        **{name: item[name] for name in fields if name in item},
        **{k: v for k, v in item.items() if k not in fields},
    }


def _copy_store(root: Path, folder: Path) -> Path:
    """A copy of the store's files (only those), in a folder of the same name, so that problems
    name the files as they are named in the store."""
    copy = folder / root.name
    copy.mkdir()
    for file in store_files(root):
        relative = os.path.relpath(file.path, root)
        (copy / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file.path, copy / relative)
    return copy
