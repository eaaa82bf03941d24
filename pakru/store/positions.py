"""Where in its file each problem stands, down to the column, for tools that point at it (an
editor, a CI annotation).

The loader notes lines only: a column is wanted only when a machine reads the problems, so it is
found then, from the same YAML node marks, for the files that have problems. A problem is named by
its field (`events[3].sources[0].quote`), as the loader names it; its column is that of the field's
key in its mapping, or of the start of its item in a list, counted from 1. A problem without a
field that the YAML parser found (invalid YAML) takes the column the parser reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

from pakru.domain.errors import Problem
from pakru.store.load import Location, _field_name, _Loader

Position = tuple[int, int]  # (line, column), both counted from 1
# Deeper than any field goes (the loader refuses such nesting), and far short of Python's stack.
_DEEPEST = 20


def columns(root: Path, problems: Iterable[Problem]) -> dict[Problem, int]:
    """The column of each problem whose place in its file can be found again; other problems
    (those with no line, or whose line is not where the field's key stands) are left out."""
    wanted: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.line is not None:
            wanted.setdefault(problem.file, []).append(problem)
    found: dict[Problem, int] = {}
    for name, in_file in wanted.items():
        path = _path(root, name)
        if path is None:
            continue
        positions, parse_error = _positions(path, name)
        for problem in in_file:
            column = _column(problem, positions, parse_error)
            if column is not None:
                found[problem] = column
    return found


def _path(root: Path, name: str) -> Path | None:
    """The file a problem names (`facts/events/trade.yaml`, named from the store's folder)."""
    first, _, rest = name.partition("/")
    if first != root.name or not rest:
        return None
    path = root / rest
    return path if path.is_file() else None


def _column(
    problem: Problem, positions: dict[str, Position], parse_error: Position | None
) -> int | None:
    if not problem.field:
        if parse_error is not None and parse_error[0] == problem.line:
            return parse_error[1]
        return None
    field = problem.field
    while field:  # a missing field is reported where its record (or enclosing value) starts
        position = positions.get(field)
        if position is not None and position[0] == problem.line:
            return position[1]
        field = _enclosing(field)
    return None


def _enclosing(field: str) -> str:
    """`events[3].sources` for `events[3].sources[0]`, `events[3]` for `events[3].date`, ''
    for `events`."""
    cut = max(field.rfind("."), field.rfind("["))
    return field[:cut] if cut > 0 else ""


def _positions(path: Path, name: str) -> tuple[dict[str, Position], Position | None]:
    """Every field of a file by its name in problems, with where it stands; or, when the file
    is not YAML, where the parser stopped."""
    kind = name.split("/")[1].removesuffix(".yaml")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}, None
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return {}, (mark.line + 1, mark.column + 1) if mark else None
    except yaml.YAMLError:
        return {}, None
    finally:
        loader.dispose()
    if not isinstance(root, yaml.SequenceNode):
        return {}, None
    positions = {
        _field_name(kind, location): (mark.line + 1, mark.column + 1)
        for index, item in enumerate(root.value)
        for location, mark in _marks(item, (index,))
    }
    return positions, None


def _marks(node: yaml.Node, location: Location) -> Iterator[tuple[Location, yaml.Mark]]:
    """Each value below a node with the mark the loader takes its line from: a mapping's key, a
    list's item."""
    yield location, node.start_mark
    if len(location) > _DEEPEST:
        return
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield from _marks(value, (*location, key.value))
                yield (*location, key.value), key.start_mark
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _marks(item, (*location, index))
