"""The curator's guide in facts/README.md ends with a store that checks out: the records it shows,
put in place of the shipped store's records of the same ids, pass `pakru check`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import Invoke

REPO = Path(__file__).parent.parent
GUIDE = (REPO / "facts" / "README.md").read_text(encoding="utf-8")
SOURCES_DIR = REPO.parent / "shared" / "sources"


def _guide_records() -> dict[str, str]:
    """Each whole, reviewed record the guide shows (a YAML block starting `- id:`), by id."""
    guide = GUIDE[GUIDE.index("## A curator's guide") :]
    blocks = re.findall(r"```yaml\n(- id: .*?)```", guide, re.S)
    return {
        block.split("\n", 1)[0].removeprefix("- id: "): block
        for block in blocks
        if "draft: true" not in block
    }


def _replace_record(root: Path, record_id: str, text: str) -> Path | None:
    """Put `text` where the store file holding `record_id` has that record; that file, if any."""
    record = re.compile(rf"^- id: {re.escape(record_id)}\n(?:[ \t].*\n|\n(?=[ \t]))*", re.M)
    for path in root.rglob("*.yaml"):
        old = path.read_text(encoding="utf-8")
        new, found = record.subn(lambda _: text, old)
        if found:
            path.write_text(new, encoding="utf-8")
            return path
    return None


def test_the_guides_records_check_out_in_the_store(invoke: Invoke, tmp_path: Path) -> None:
    records = _guide_records()
    assert set(records) == {
        "arab-news-2025-07-02-fedorov",
        "fig-trade-total-2024-07-2025-05",
        "igc-9th-cooperation-protocol-2024-12",
    }
    store = tmp_path / "facts"
    shutil.copytree(REPO / "facts", store)
    for record_id, text in records.items():
        path = _replace_record(store, record_id, text)
        assert path is not None and text in path.read_text(encoding="utf-8"), record_id

    quotes = ["--sources-dir", str(SOURCES_DIR)] if SOURCES_DIR.is_dir() else []
    result = invoke("check", *quotes, facts=store)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK: 244 sources")
