"""The project keeps its promises about set-up, help and start-up cost."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pakru.cli.commands import app

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    return [line for block in blocks[:2] for line in block.splitlines() if line.strip()]


def test_readme_opens_with_two_set_up_commands() -> None:
    install, tests = _readme_commands()
    assert install.endswith("pakru trade 2023-24")
    assert "pip install ." in install
    assert "pip install '.[test]'" in tests and tests.endswith("-m pytest")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    _, tests = _readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci


def test_every_command_is_documented_in_the_readme() -> None:
    names = [command.name or command.callback.__name__ for command in app.registered_commands]
    assert names == [
        "trade", "figures", "events", "agreements", "timeline", "conflicts", "actors", "show",
        "search", "sources", "topics", "cite", "coverage", "check", "new", "schema", "extract",
        "export", "browse",
    ]  # fmt: skip
    for name in names:
        assert f"`pakru {name}" in README, name


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PAKRU_FACTS"}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )


def test_importing_the_cli_leaves_pydantic_and_yaml_unloaded() -> None:
    code = (
        "import sys, pakru.cli.commands\n"
        "print(sorted(m for m in ('pydantic', 'yaml', 'pakru.store.models', 'pakru.store.load') "
        "if m in sys.modules))"
    )
    result = _python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_help_runs_without_loading_the_store() -> None:
    code = (
        "import sys\n"
        "from pakru.cli.commands import app\n"
        "try:\n"
        "    app(['--help'], prog_name='pakru')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "print(sorted(m for m in ('pydantic', 'yaml') if m in sys.modules))"
    )
    result = _python("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("[]")


def test_python_dash_m_pakru_answers() -> None:
    result = _python("-m", "pakru", "trade", "2023-24", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "fig-trade-total-fy2023-24" in result.stdout


def test_python_dash_m_pakru_alone_shows_help() -> None:
    result = _python("-m", "pakru")
    assert result.returncode == 0, result.stderr
    assert "Usage: pakru" in result.stdout


def test_installed_distribution_ships_the_store() -> None:
    """When pakru is installed (as the README does), the wheel carries facts/ inside the package."""
    from importlib import metadata

    try:
        files = metadata.files("pakru") or []
    except metadata.PackageNotFoundError:
        pytest.skip("pakru is not installed in this environment, only imported from the checkout")
    shipped = {str(path) for path in files}
    if not any(name.endswith("pakru/cli/commands.py") for name in shipped):
        pytest.skip("pakru is installed in editable mode")
    for kind in ("sources", "actors", "events", "agreements", "figures", "topics"):
        assert f"pakru/facts/{kind}.yaml" in shipped, kind
    assert "pakru/facts/LICENSE.md" in shipped  # the store's licence travels with it


def test_answering_from_a_compiled_store_imports_neither_pydantic_nor_yaml(tmp_path: Path) -> None:
    """Nor what only other formats need: a table answer loads no JSON or CSV module."""
    code = (
        "import sys\n"
        "from pakru.cli.commands import main\n"
        "sys.argv = ['pakru', 'trade', '2023-24']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "print(sorted(m for m in ('pydantic', 'yaml', 'pakru.store.models', 'pakru.store.load', 'pakru.store.build', "
        "'json', 'csv', 'anyascii') if m in sys.modules), file=sys.stderr)"
    )
    env = {**os.environ, "PAKRU_CACHE_DIR": str(tmp_path)}
    env.pop("PAKRU_FACTS", None)
    first = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    assert (
        "'pakru.store.build', 'pakru.store.load', 'pakru.store.models', 'pydantic'" in first.stderr
    )  # it compiled
    second = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    assert second.returncode == 0, second.stderr
    assert "$1.81 bn" in second.stdout
    assert second.stderr.strip().endswith("[]")
