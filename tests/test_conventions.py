"""What a command-line user expects of any program: -h, options where they are typed, completion
that quotes, --version that says what it answers from, and clear lines when stdout cannot take the
answer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA_FACTS, Invoke

ROOT = Path(__file__).parent.parent

# --- -h ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("-h",), ("trade", "-h"), ("agreements", "-h"), ("export", "-h")])
def test_dash_h_is_help(invoke: Invoke, args: tuple[str, ...]) -> None:
    result = invoke(*args, facts=None)
    assert result.exit_code == 0, result.output
    assert result.stdout == invoke(*args[:-1], "--help", facts=None).stdout
    assert "Usage: pakru" in result.stdout


# --- global options after the command ---------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("trade", "2023-24", "--facts", str(DATA_FACTS)),
        ("trade", "--facts", str(DATA_FACTS), "2023-24"),
        ("trade", "2023-24", f"--facts={DATA_FACTS}"),
        ("trade", "2023-24", "-f", "json", "--facts", str(DATA_FACTS)),
    ],
)
def test_facts_after_the_command_answers_as_before_it(
    invoke: Invoke, args: tuple[str, ...]
) -> None:
    result = invoke(*args, facts=None)
    assert result.exit_code == 0, result.output
    fmt = ("-f", "json") if "json" in args else ()
    assert result.stdout == invoke("trade", "2023-24", *fmt).stdout  # (the fixture's --facts first)


def test_a_bad_store_after_the_command_gets_the_same_message_as_before_it(invoke: Invoke) -> None:
    before = invoke("--facts", "/no/such/store", "trade", "2023-24", facts=None)
    after = invoke("trade", "2023-24", "--facts", "/no/such/store", facts=None)
    assert before.exit_code == after.exit_code == 2
    assert "'/no/such/store' does not exist" in after.stderr
    assert after.stderr == before.stderr


def test_a_global_option_is_taken_after_the_command_but_not_after_a_double_dash(
    invoke: Invoke,
) -> None:
    result = invoke("search", "steel", "--facts", str(DATA_FACTS), "-f", "json", facts=None)
    assert result.exit_code == 0, result.output
    assert result.stdout == invoke("search", "steel", "-f", "json").stdout
    words = invoke("search", "--", "--facts", "/no/such/store")  # words to search for
    assert words.exit_code == 0, words.output
    assert "does not exist" not in words.output


def test_every_command_help_lists_the_global_options(invoke: Invoke) -> None:
    result = invoke("events", "--help", facts=None)
    assert result.exit_code == 0, result.output
    assert "Global options (before or after the command)" in result.stdout
    panel = result.stdout.split("Global options")[1]
    assert "--facts" in panel and "--version" in panel


# --- --version ---------------------------------------------------------------------------------


def _version_lines(invoke: Invoke, *args: str) -> list[str]:
    result = invoke(*args, facts=None)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.mark.parametrize(
    "args",
    [
        ("--facts", str(DATA_FACTS), "--version"),
        ("--version", "--facts", str(DATA_FACTS)),  # --version was eager: the shipped store
        ("events", "--version", "--facts", str(DATA_FACTS)),
    ],
)
def test_version_describes_the_store_it_answers_from(invoke: Invoke, args: tuple[str, ...]) -> None:
    from pakru import __version__

    version, store, counts, fingerprint = _version_lines(invoke, *args)
    assert version == f"pakru {__version__}"
    assert store == f"store: {DATA_FACTS.resolve()}"
    assert counts == "3 sources, 3 actors, 2 events, 1 agreements, 5 figures"
    assert fingerprint.startswith("fingerprint: ") and len(fingerprint.split()[1]) == 12


def test_version_without_facts_describes_the_shipped_store(invoke: Invoke) -> None:
    from pakru.cli.options import default_facts_dir

    lines = _version_lines(invoke, "--version")
    assert lines[1] == f"store: {default_facts_dir().resolve()}"
    assert lines[2].endswith(" figures") and lines[2].startswith(tuple("123456789"))


def test_the_fingerprint_follows_the_contents_not_the_copy(invoke: Invoke, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere"
    shutil.copytree(DATA_FACTS, copy)
    original = _version_lines(invoke, "--facts", str(DATA_FACTS), "--version")[3]
    (copy / "events.yaml").touch()  # a new time, the same bytes
    assert _version_lines(invoke, "--facts", str(copy), "--version")[3] == original
    text = (copy / "events.yaml").read_text(encoding="utf-8")
    (copy / "events.yaml").write_text(text + "\n", encoding="utf-8")
    assert _version_lines(invoke, "--facts", str(copy), "--version")[3] != original


def test_version_of_an_invalid_store_says_it_is_not_valid(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "events.yaml").write_text("- id: Not A Slug\n", encoding="utf-8")
    lines = _version_lines(invoke, "--facts", str(tmp_path), "--version")
    assert lines[2].startswith("not valid (") and "pakru check" in lines[2]


# --- completion --------------------------------------------------------------------------------


_MARKS = {
    "bash": "complete -o default -F _pakru_completion pakru",
    "zsh": "#compdef pakru",
    "fish": "complete --command pakru",
}


@pytest.mark.parametrize(
    "args",
    [
        ["--show-completion", "zsh"],
        ["--show-completion", "fish"],
        ["--show-completion=zsh"],
        ["--show-completion=fish"],
        ["--show-completion=bash"],
    ],
)
def test_show_completion_prints_the_script_of_the_shell_named(
    invoke: Invoke, args: list[str]
) -> None:
    """`--show-completion zsh` printed bash's script (the flag took no value, and the shell it
    detected was bash), and `--show-completion=zsh` was refused."""
    shell = args[-1].rsplit("=", 1)[-1]
    mark = _MARKS[shell]
    result = invoke(*args, facts=None)
    assert result.exit_code == 0, result.output
    assert mark in result.stdout
    others = {"bash": "COMPREPLY", "zsh": "compdef", "fish": "complete --command"}
    assert not [name for name, word in others.items() if name != shell and word in result.stdout]


def test_the_bash_candidates_are_escaped_words() -> None:
    from pakru.cli.completion import bash_word

    assert bash_word("steel mill") == "steel\\ mill"
    assert bash_word("it's $5 (a; b) *") == "it\\'s\\ \\$5\\ \\(a\\;\\ b\\)\\ \\*"
    assert bash_word("fig-trade-total-fy2023-24") == "fig-trade-total-fy2023-24"
    assert bash_word("Фёдоров") == "Фёдоров"


def _shell_env(tmp_path: Path) -> dict[str, str]:
    """A `pakru` on PATH that runs this checkout, with the test store."""
    folder = tmp_path / "bin"
    folder.mkdir()
    program = folder / "pakru"
    program.write_text(f'#!/bin/sh\nexec {sys.executable} -m pakru "$@"\n', encoding="utf-8")
    program.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "PAKRU_FACTS": str(DATA_FACTS),
        "PAKRU_CACHE_DIR": str(tmp_path / "cache"),
    }


def _script(shell: str, env: dict[str, str], tmp_path: Path) -> Path:
    text = subprocess.run(
        ["pakru", "--show-completion", shell], env=env, capture_output=True, text=True, check=True
    ).stdout
    script = tmp_path / f"pakru.{shell}"
    script.write_text(text, encoding="utf-8")
    return script


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_inserts_a_value_with_a_space_as_one_word(tmp_path: Path) -> None:
    """bash's own completion function, called as bash calls it; the word it puts on the line is
    read back by bash as one argument."""
    env = _shell_env(tmp_path)
    script = _script("bash", env, tmp_path)
    program = f"""
source {script}
COMP_WORDS=(pakru agreements --topic st); COMP_CWORD=3
_pakru_completion pakru
printf '%s\\n' "${{COMPREPLY[@]}}"
COMP_WORDS=(pakru agreements --topic 'steel\\ m'); COMP_CWORD=3
_pakru_completion pakru
eval "set -- pakru agreements --topic ${{COMPREPLY[0]}}"
printf '%s|%s\\n' "$#" "$4"
"""
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["steel", "steel\\ mill", "4|steel mill"]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completion_offers_a_value_with_a_space_as_one_candidate(tmp_path: Path) -> None:
    """What the script's function evaluates, with `_arguments` (which needs a live line editor)
    replaced by one that prints the candidates zsh parsed from its spec."""
    env = _shell_env(tmp_path)
    script = _script("zsh", env, tmp_path)
    program = f"""
compdef() {{ : }}
source {script}
_arguments() {{ local spec=${{1#*\\(\\(}}; spec=${{spec%\\)\\)}}; print -rl -- ${{(Q)${{(z)spec}}}} }}
words=(pakru agreements --topic 'steel\\ m'); CURRENT=4
_pakru_completion
"""
    done = subprocess.run(
        ["zsh", "-f", "-c", program], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["steel mill"]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completion_offers_a_value_with_a_space_as_one_candidate(tmp_path: Path) -> None:
    env = _shell_env(tmp_path)
    script = _script("fish", env, tmp_path)
    program = f"source {script}; complete --do-complete 'pakru agreements --topic steel\\ m'"
    done = subprocess.run(
        ["fish", "--no-config", "-c", program], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    # (listed as the value, or as fish would insert it: either way one word)
    offered = [line.split("\t")[0].replace("\\ ", " ") for line in done.stdout.splitlines()]
    assert offered == ["steel mill"]


# --- export to stdout --------------------------------------------------------------------------


def test_export_to_stdout_is_refused_in_one_line(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("export", "--sqlite", "-")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "pakru: --sqlite: '-' would be stdout, which cannot hold a database; give a file name, "
        "such as --sqlite pakru.db\n"
    )
    assert list(tmp_path.iterdir()) == []


# --- a closed stdout ---------------------------------------------------------------------------


def _closed_stdout(*args: str, cache: Path, fd: int = 1) -> subprocess.CompletedProcess[str]:
    """pakru run as `pakru ARGS >&-`: its standard output (or `fd`) is not open at all."""
    env = {**os.environ, "PAKRU_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    env.pop("PAKRU_FACTS", None)
    return subprocess.run(
        [sys.executable, "-m", "pakru", "--facts", str(DATA_FACTS), *args],
        capture_output=True,  # then the child closes its descriptor 1 before pakru starts
        text=True,
        env=env,
        timeout=120,
        preexec_fn=lambda: os.close(fd),
    )


@pytest.mark.parametrize(
    "args",
    [
        ("trade", "2023-24"),
        ("trade", "2023-24", "-f", "json"),
        ("trade", "2023-24", "-f", "csv"),
        ("--help",),
        ("--version",),
    ],
)
def test_a_closed_stdout_is_one_line_on_stderr(cache_folder: Path, args: tuple[str, ...]) -> None:
    """It was a traceback (Python sets sys.stdout to None, and the exit flushed None)."""
    done = _closed_stdout(*args, cache=cache_folder)
    assert done.returncode == 1
    assert done.stderr == "pakru: cannot write the answer to stdout: it is closed\n"


def test_a_closed_stdout_is_no_matter_to_a_command_that_prints_nothing_there(
    tmp_path: Path, cache_folder: Path
) -> None:
    """And the descriptor it left free is not handed to the database (nor written into)."""
    target = tmp_path / "pakru.db"
    done = _closed_stdout("export", "--sqlite", str(target), cache=cache_folder)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(f"Wrote {target}: 3 sources")
    import sqlite3

    with sqlite3.connect(target) as db:
        assert db.execute("SELECT COUNT(*) FROM sources").fetchone() == (3,)


# --- a project people can depend on ------------------------------------------------------------

HOME = "https://github.com/pakru/pakru"


def _pyproject() -> dict[str, Any]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_code_is_under_the_mit_licence_the_package_declares() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 the pakru authors\n")
    assert "facts/LICENSE.md" in text  # the data is not software, and says its own terms
    assert _pyproject()["project"]["license"] == "MIT"


def test_the_store_states_its_licence_and_ships_it() -> None:
    text = (ROOT / "facts" / "LICENSE.md").read_text(encoding="utf-8")
    assert "https://creativecommons.org/licenses/by/4.0/" in text
    assert "Verbatim quotes" in text and "remain their\ncopyright" in text
    assert "publisher, its date and, for a page read online, its URL" in text
    wheel = _pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"] == {"facts": "pakru/facts"}  # the folder, licence and all


def test_the_package_names_where_the_project_lives() -> None:
    urls = _pyproject()["project"]["urls"]
    assert urls == {
        "Homepage": HOME,
        "Repository": HOME,
        "Issues": f"{HOME}/issues",
        "Changelog": f"{HOME}/blob/main/CHANGELOG.md",
    }


def test_the_changelog_has_the_current_version_and_what_is_unreleased() -> None:
    from pakru import __version__

    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[:2] == ["## [Unreleased]", f"## [{__version__}] - 2026-12-03"]
    assert f"[Unreleased]: {HOME}/compare/v{__version__}...HEAD" in text
    assert f"[{__version__}]: {HOME}/releases/tag/v{__version__}" in text


def test_the_readme_says_where_to_report_a_bug_the_licences_and_version() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"<{HOME}/issues>" in text
    assert "[LICENSE](LICENSE)" in text and "[facts/LICENSE.md](facts/LICENSE.md)" in text
    assert "$ pakru --version\npakru " in text


def test_with_stderr_closed_a_message_never_lands_in_stdout(cache_folder: Path) -> None:
    """Python sets a closed sys.stderr to None, and print(file=None) writes to stdout."""
    done = _closed_stdout("events", "--since", "2024-13", cache=cache_folder, fd=2)
    assert done.returncode == 2
    assert done.stdout == ""


def test_a_global_option_without_its_value_after_the_command_is_said_to_lack_it(
    invoke: Invoke,
) -> None:
    result = invoke("trade", "2023-24", "--facts", facts=None)
    assert result.exit_code == 2
    assert result.stderr == "pakru: Option '--facts' requires an argument.\n"
    assert result.stderr == invoke("--facts", facts=None).stderr  # as before the command
