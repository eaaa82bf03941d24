"""`pakru check` for machines: its problems as JSON, or as GitHub Actions error annotations.

The text `pakru check` prints for people is made by `pakru.cli.render.check_summary`; these are
the same problems, each with the column where the store's loader found it when that is known.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pakru.domain.errors import Problem


def problem_path(root: Path, problem: Problem) -> str:
    """The file a problem names, as a path a tool can open from the current folder: relative to
    it when the store lies below it, absolute otherwise. (Problems name files from the store's
    folder, `facts/events.yaml`, wherever the store is.)"""
    first, _, rest = problem.file.partition("/")
    if first != root.name:  # not a file of the store: a folder given on the command line
        return problem.file
    path = os.path.abspath(root / rest) if rest else os.path.abspath(root)
    try:
        relative = os.path.relpath(path)
    except ValueError:  # on another drive than the current folder (Windows)
        return path
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def check_json(report: Any, columns: dict[Problem, int]) -> dict[str, Any]:
    """The outcome of a check as one JSON object: `ok`, the counts, and every problem."""
    return {
        "ok": not report.problems,
        "problem_count": len(report.problems),
        "counts": dict(report.counts),
        "citations": dict(report.citations),
        "quotes_checked": report.quotes_checked,
        "problems": [
            {
                "file": problem.file,
                "path": problem_path(report.root, problem),
                "line": problem.line,
                "column": columns.get(problem),
                "field": problem.field or None,
                "message": problem.message,
            }
            for problem in report.problems
        ],
    }


def github_annotations(report: Any, columns: dict[Problem, int]) -> Iterator[str]:
    """One `::error …::…` workflow command per problem, which GitHub shows on the file's line in
    a pull request and in the run's summary."""
    for problem in report.problems:
        properties = {"file": problem_path(report.root, problem)}
        if problem.line is not None:
            properties["line"] = str(problem.line)
            if (column := columns.get(problem)) is not None:
                properties["col"] = str(column)
        properties["title"] = f"pakru check: {problem.field}" if problem.field else "pakru check"
        written = ",".join(f"{name}={_property(value)}" for name, value in properties.items())
        yield f"::error {written}::{_data(problem.message)}"


# GitHub's workflow commands read '%', CR and LF in a message as escapes, and ':' and ',' in a
# property as the end of it; the runner decodes these percent-escapes (actions/toolkit, command.ts).
def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
