"""Shared fixtures: a pinned terminal environment, the CLI runner and golden-file comparison."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pakru.cli.commands import app

TESTS = Path(__file__).parent
DATA_FACTS = TESTS / "data" / "facts"
DATA_SOURCES = TESTS / "data" / "sources"
GOLDEN = TESTS / "golden"

Invoke = Callable[..., Result]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/*.txt from the current output instead of comparing.",
    )


@pytest.fixture(scope="session")
def cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def private_cache(monkeypatch: pytest.MonkeyPatch, cache_folder: Path) -> None:
    """Compiled stores go to a folder of the test run's own, never the user's cache."""
    monkeypatch.setenv("PAKRU_CACHE_DIR", str(cache_folder))


@pytest.fixture(autouse=True)
def strict_updates(monkeypatch: pytest.MonkeyPatch) -> None:
    """An update of a compiled store that fails on its own SQL raises here (subprocesses too),
    instead of being quietly replaced by a rebuild: a broken update fails every test that runs
    one, rather than passing it the slow way."""
    monkeypatch.setenv("PAKRU_STRICT", "1")


@pytest.fixture(autouse=True)
def pinned_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same width and no colour on every machine, so rendered tables compare exactly."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    for name in ("FORCE_COLOR", "PY_COLORS", "TTY_COMPATIBLE", "GITHUB_ACTIONS", "PAKRU_FACTS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def invoke() -> Invoke:
    """Run pakru with arguments; `facts=` picks the store (default: the tiny test store)."""
    runner = CliRunner()

    def run(
        *args: str, facts: Path | None = DATA_FACTS, env: dict[str, str] | None = None
    ) -> Result:
        prefix = ["--facts", str(facts)] if facts is not None else []
        return runner.invoke(app, [*prefix, *args], env=env)

    return run


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/NAME.txt, or rewrite it under --update-golden."""
    update = request.config.getoption("--update-golden")

    def compare(name: str, text: str) -> None:
        path = GOLDEN / f"{name}.txt"
        if update:
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path.name}; run pytest --update-golden"
        assert text == path.read_text(encoding="utf-8")

    return compare
