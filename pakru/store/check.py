"""The fact store as a whole: checked afresh (`pakru check`), or every record of it loaded from its
compiled form."""

from __future__ import annotations

from pathlib import Path

from pakru.domain import records
from pakru.domain.errors import Problem
from pakru.store.compiled import compile_in_memory, open_store


class CheckReport:
    """The outcome of checking a store: every problem found, what was counted, and (on demand)
    the store itself when it is valid."""

    def __init__(self, root: Path, problems: list[Problem] | None = None) -> None:
        self.root = root
        self.problems: list[Problem] = problems or []
        self.quotes_checked = 0
        self.counts: dict[str, int] = {}
        self.citations: dict[str, int] = {}  # how many citations are quotes, and how many `says`

    @property
    def store(self) -> records.FactStore | None:
        """Every record, compiled as answers read them (the check itself keeps no records' rows)."""
        return None if self.problems else load_store(self.root)


def check_store(root: Path, sources_dir: Path | None = None) -> CheckReport:
    """Read and check the whole store afresh (no cache), and every quote when given the texts."""
    from pakru.store.load import check_quotes  # YAML and pydantic: only for a check

    report = CheckReport(root)
    if not root.is_dir():
        report.problems.append(Problem(str(root), None, "", "the fact store folder does not exist"))
        return report
    compiled, kept = compile_in_memory(root, only_check=True, quotes=sources_dir is not None)
    report.problems = compiled.problems()
    report.counts = compiled.counts_by_kind()
    report.citations = dict(kept.cited)
    if sources_dir is not None:
        quote_problems, report.quotes_checked = check_quotes(
            kept.sources, kept.citations, sources_dir
        )
        report.problems += quote_problems
    return report


def load_store(root: Path) -> records.FactStore:
    """Every record of a valid store, from its compiled form; `StoreError` lists every problem."""
    return open_store(root).everything()
