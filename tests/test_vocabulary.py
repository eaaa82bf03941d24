"""The vocabularies (metrics, units, statuses, kinds, qualifiers, bases, record types) are written
once, in `pakru.domain.records`: no other module lists them, and a metric declared there alone works in
every command."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pakru
from pakru.domain import records
from tests.conftest import DATA_FACTS

PACKAGE = Path(pakru.__file__).parent


def vocabularies() -> dict[str, frozenset[str]]:
    """Every public list, set or table of words `pakru.domain.records` declares, by name (a table's words
    are its keys)."""
    found = {}
    for name, value in vars(records).items():
        if name.isupper() and not name.startswith("_") and isinstance(value, tuple | dict):
            words = frozenset(word for word in value if isinstance(word, str))
            if len(words) >= 2:
                found[name] = words
    return found


def _words(nodes: list[ast.expr | None]) -> set[str]:
    return {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def relisted(source: str, known: dict[str, frozenset[str]]) -> list[str]:
    """Each literal tuple, list, set or dict in the source (`Literal[...]` arguments are a tuple)
    that holds two or more words of one vocabulary: a second copy, bound to fall out of step."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            words = _words(list(node.elts))
        elif isinstance(node, ast.Dict):
            words = _words(node.keys)
        else:
            continue
        for name, vocabulary in known.items():
            if len(words & vocabulary) >= 2:
                found.append(f"line {node.lineno}: {sorted(words & vocabulary)} of {name}")
                break
    return found


def test_the_vocabularies_are_found_where_they_are_declared() -> None:
    known = vocabularies()
    assert known["EVENT_STATUSES"] >= {"occurred", "cancelled"}
    assert known["METRIC_OF"] >= {"trade_total", "trade_balance", "share"}
    assert known["RECORD_CLASSES"] >= {"event", "agreement", "figure", "actor", "source"}
    assert "USD" in known["UNITS"] and "mou" in known["AGREEMENT_KINDS"]


def test_no_module_but_records_lists_a_vocabulary() -> None:
    known = vocabularies()
    sample = (
        "DONE = ('signed', 'agreed')\n"
        "LABELS = {'trade_total': 'total', 'exports': 'exports'}\n"
        "Status = Literal['occurred', 'scheduled']\n"
        "if kind in ['news', 'wire']: pass\n"
        "KEYS = ('id', 'type', 'figure', 'count')\n"  # words of different vocabularies: fields
        "one = 'USD'\n"
    )
    caught = [line.split(":")[0] for line in relisted(sample, known)]
    assert caught == ["line 1", "line 2", "line 3", "line 4"]
    found = {
        str(path.relative_to(PACKAGE)): relisted(path.read_text(encoding="utf-8"), known)
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "domain" / "records.py"
    }
    assert {name: lines for name, lines in found.items() if lines} == {}


def test_a_metric_declared_only_in_the_vocabulary_works_in_every_command(tmp_path: Path) -> None:
    package = tmp_path / "code" / "pakru"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("facts", "__pycache__"))
    vocabulary = package / "domain" / "records.py"
    declared = '    "count": Metric("count", ("count",)),\n'
    text = vocabulary.read_text(encoding="utf-8")
    assert declared in text
    vocabulary.write_text(
        text.replace(
            declared, declared + '    "remittances": Metric("remittances home", ("USD",)),\n'
        ),
        encoding="utf-8",
    )
    facts = tmp_path / "facts"
    shutil.copytree(DATA_FACTS, facts)
    figures = [
        (suffix, source, stated, value)
        for suffix, source, stated, value in (
            ("wire", "wire-2025-03-20-trade", "$2.5 million", 2500000),
            ("bulletin", "bulletin-2025-04-02", "$4 million", 4000000),
        )
    ]
    with (facts / "figures.yaml").open("a", encoding="utf-8") as file:
        for suffix, source, stated, value in figures:
            file.write(
                f"- id: remittances-fy2023-24-{suffix}\n  metric: remittances\n"
                f"  subject: Remittances from Russia\n  value: {value}\n  unit: USD\n"
                f"  stated: {stated}\n  period: FY2023-24\n  qualifier: exact\n"
                "  basis: reported\n  topics: [trade]\n"
                f"  sources:\n    - source: {source}\n      says: Remittances were {stated}\n"
            )
    code = (
        "import json\nfrom typer.testing import CliRunner\nfrom pakru.cli.commands import app\n"
        "answers = [CliRunner().invoke(app, ['--facts', sys.argv[1], *args]) for args in "
        "(['figures', '--metric', 'remittances'], ['conflicts'], ['check'])]\n"
        "print(json.dumps([[a.exit_code, a.output] for a in answers]))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(package.parent),
        "PAKRU_CACHE_DIR": str(tmp_path / "cache"),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import sys\n" + code, str(facts)],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the checkout, whose own pakru would be imported first
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    (shown_code, shown), (conflicts_code, conflicts), (check_code, checked) = json.loads(
        result.stdout
    )
    assert (shown_code, conflicts_code, check_code) == (0, 0, 0), result.stdout
    assert "FY2023-24   remittances home   Remittances from Russia   $2.5 m" in shown
    assert "What: remittances home" in conflicts
    assert "Figure: $2.5 m, FY2023-24" in conflicts and "Against: $4 m, FY2023-24" in conflicts
    assert checked.startswith("OK:") and "7 figures" in checked
