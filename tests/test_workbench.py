"""The curator's workbench (issue #14): `pakru new`, `pakru schema`, `pakru check --format`, and the
store files pakru does not read."""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from pakru.cli import options
from pakru.cli.commands import app
from pakru.domain.records import EVENT_STATUSES, KIND_OF_TYPE
from pakru.store.layout import store_files
from pakru.store.load import KINDS
from pakru.store.schemas import modeline, schema_texts
from tests.conftest import Invoke
from tests.test_load import EVENTS, write_store

REPO = Path(__file__).parent.parent
SHIPPED = REPO / "facts"

GOOD_EVENT = {
    "id": "steel-talks-2025-10",
    "date": "2025-10-02",
    "title": "Steel talks in Karachi",
    "place": "Karachi",
    "actors": ["pakistan", "russia"],
    "status": "scheduled",
    "topics": ["steel"],
    "sources": [{"source": "gazette-2025-07-02", "says": "Steel talks are set for October."}],
}


def _read(path: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # (C: five times faster)
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)


# --- check --format json | github --------------------------------------------------------------


def test_check_json_gives_each_problem_with_line_column_and_field(
    invoke: Invoke, tmp_path: Path
) -> None:
    root = write_store(
        tmp_path,
        events=EVENTS.replace("status: scheduled", "status: happening"),
        files={"events/broken.yaml": "- id: x\n  title: [unclosed\n"},
    )
    result = invoke("check", "--format", "json", facts=root)

    assert result.exit_code == 1, result.output
    answer = json.loads(result.stdout)
    assert answer["ok"] is False and answer["problem_count"] == 2
    assert answer["counts"]["events"] == 1  # the valid one of events.yaml
    status = (
        "'occurred', 'scheduled', 'expected', 'proposed', 'pending', 'postponed' or 'cancelled'"
    )
    assert answer["problems"] == [
        {
            "file": "facts/events.yaml",
            "path": str(root / "events.yaml"),
            "line": 16,
            "column": 3,
            "field": "events[1].status",
            "message": f"Input should be {status} (got 'happening')",
        },
        {
            "file": "facts/events/broken.yaml",
            "path": str(root / "events" / "broken.yaml"),
            "line": 3,
            "column": 1,
            "field": None,
            "message": "invalid YAML: did not find expected ',' or ']'",
        },
    ]


def test_check_json_on_a_valid_store(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("check", "-f", "json", facts=write_store(tmp_path))

    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert (answer["ok"], answer["problems"]) == (True, [])
    assert answer["counts"] == {
        "actors": 2,
        "agreements": 1,
        "events": 2,
        "figures": 1,
        "sources": 1,
        "topics": 2,
    }


def test_check_github_writes_one_error_annotation_per_problem(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_store(tmp_path, events=EVENTS.replace("date: 2025-09", "date: 2025-13"))
    monkeypatch.chdir(tmp_path)  # paths are given from the current folder, as GitHub reads them
    result = invoke("check", "--format", "github", facts=root)

    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "::error file=facts/events.yaml,line=12,col=3,title=pakru check%3A events[1].date::"
        "'2025-13': month 13 does not exist (months run 01–12)",
        "1 problem(s) found; the store cannot be used until fixed.",
    ]


def test_github_annotations_escape_what_the_workflow_commands_read() -> None:
    from pakru.cli.check_output import github_annotations
    from pakru.domain.errors import Problem

    class Report:
        root = Path("facts")
        problems = [Problem("facts/a,b:c.yaml", 2, "events[0].note", "100% sure\r\nnot: this")]

    assert list(github_annotations(Report(), {})) == [
        "::error file=facts/a%2Cb%3Ac.yaml,line=2,title=pakru check%3A events[0].note::"
        "100%25 sure%0D%0Anot: this"
    ]


def test_check_text_on_the_shipped_store_is_unchanged(invoke: Invoke) -> None:
    result = invoke("check", facts=SHIPPED)

    assert result.exit_code == 0, result.output
    line = re.fullmatch(
        r"OK: (\d+) sources, (\d+) actors, (\d+) events, (\d+) agreements, (\d+) figures, "
        r"(\d+) topics; citations: \d+ quotes \(give --sources-dir to check them verbatim\), "
        r"\d+ in the store's own words \(says\)\.\n",
        result.stdout,
    )
    assert line is not None, result.stdout
    # Every record of every file counted, none lost to the schema comments at the files' tops.
    written: dict[str, int] = {}
    for file in store_files(SHIPPED):
        written[file.kind] = written.get(file.kind, 0) + len(_read(file.path))
    kinds = ("sources", "actors", "events", "agreements", "figures", "topics")
    assert dict(zip(kinds, map(int, line.groups()), strict=True)) == written


# --- files pakru does not read ----------------------------------------------------------------


def test_yaml_files_pakru_does_not_read_are_problems(invoke: Invoke, tmp_path: Path) -> None:
    root = write_store(
        tmp_path,
        files={
            "events/trade.yml": "[]\n",
            "events/old.YAML": "[]\n",
            "event/extra.yaml": "[]\n",
            "events/notes.txt": "a curator's notes\n",
            "README.md": "# our store\n",
            "schema/events.json": "{}\n",
            ".git/config.yaml": "x: 1\n",
        },
    )
    result = invoke("check", facts=root)

    assert result.exit_code == 1, result.output
    folders = "sources/, actors/, events/, agreements/, figures/, topics/"
    assert result.stdout.splitlines()[:-1] == [
        f"facts/event/extra.yaml: not read: event/ is not a folder of the store; the folders "
        f"pakru reads are {folders}",
        "facts/events/old.YAML: not read: pakru reads only files ending .yaml in events/; "
        "name it old.yaml",
        "facts/events/trade.yml: not read: pakru reads only files ending .yaml in events/; "
        "name it trade.yaml",
    ]


# --- pakru schema -------------------------------------------------------------------------------


def test_shipped_schemas_are_those_the_models_make() -> None:
    shipped = {path.name: path.read_text(encoding="utf-8") for path in SHIPPED.glob("schema/*")}
    assert shipped == schema_texts(), "run `pakru schema` in the checkout to rewrite facts/schema/"


def test_every_shipped_store_file_points_at_its_schema() -> None:
    for file in store_files(SHIPPED):
        relative = Path(file.path).relative_to(SHIPPED).as_posix()
        first = Path(file.path).read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == modeline(file.kind, relative), file.name
        target = (Path(file.path).parent / first.split("=", 1)[1]).resolve()
        assert target == (SHIPPED / "schema" / f"{file.kind}.json").resolve()


def _as_editors_read(value: Any) -> Any:
    """A value as a YAML 1.2 editor reads it: a date is text (PyYAML, YAML 1.1, makes a date)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_as_editors_read(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_editors_read(item) for key, item in value.items()}
    return value


def test_the_schemas_accept_every_shipped_record() -> None:
    validators: dict[str, Any] = {}
    for file in store_files(SHIPPED):
        if file.kind not in validators:
            schema = json.loads((SHIPPED / "schema" / f"{file.kind}.json").read_text("utf-8"))
            validators[file.kind] = jsonschema.Draft202012Validator(schema)
        errors = list(validators[file.kind].iter_errors(_as_editors_read(_read(file.path))))
        assert errors == [], f"{file.name}: {errors[0].message}"


def test_the_event_schema_refuses_a_wrong_status_and_an_unknown_field() -> None:
    schema = json.loads((SHIPPED / "schema" / "events.json").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)

    assert list(validator.iter_errors([GOOD_EVENT])) == []
    wrong = [{**GOOD_EVENT, "status": "happened"}]
    assert [e.message for e in validator.iter_errors(wrong)] == [
        f"'happened' is not one of {list(EVENT_STATUSES)}"
    ]
    assert not validator.is_valid([{**GOOD_EVENT, "colour": "red"}])
    assert not validator.is_valid([{**GOOD_EVENT, "date": "October 2025"}])


def test_schema_prints_one_kind_and_writes_them_all(invoke: Invoke, tmp_path: Path) -> None:
    printed = invoke("schema", "events")
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["$defs"]["Event"]["properties"]["status"]["enum"] == list(
        EVENT_STATUSES
    )

    written = invoke("schema", "--dir", str(tmp_path / "out"))
    assert written.exit_code == 0, written.output
    files = {path.name: path.read_text(encoding="utf-8") for path in (tmp_path / "out").iterdir()}
    assert files == schema_texts()
    assert f"Wrote 6 schemas to {tmp_path / 'out'}: sources.json" in written.stderr


def test_schema_into_a_folder_that_cannot_be_made_says_so_in_one_line(
    invoke: Invoke, tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    target = tmp_path / "a-file" / "schemas"
    result = invoke("schema", "--dir", str(target))

    assert result.exit_code == 1
    assert result.stderr == f"pakru: cannot write the schemas to '{target}': Not a directory\n"


def test_schema_of_an_unknown_kind_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("schema", "event")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(
        "KIND: 'event' is not a kind of store file; use one of sources, actors, events, "
        "agreements, figures, topics"
    )


def test_pre_commit_hook_runs_pakru_check_on_store_files() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert (hook["id"], hook["language"], hook["entry"]) == ("pakru-check", "python", "pakru check")
    assert hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    assert pattern.search("facts/events/trade.yaml") and pattern.search("facts/topics.yaml")
    assert not pattern.search("pakru/cli/commands.py")


# --- the store installed with pakru is pip's, not the curator's ------------------------------------


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed pakru: its store inside the package's folder, where pip puts it."""
    package = tmp_path / "site-packages" / "pakru"
    root = write_store(package)
    monkeypatch.setattr(options, "PACKAGE", package)
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*")}


@pytest.mark.parametrize(
    ("args", "option"),
    [(["new", "event", "--write"], "--write"), (["new", "event", "--from", "-"], "--from")],
)
def test_new_writes_nothing_into_the_installed_store_and_says_to_copy_it(
    invoke: Invoke, installed: Path, args: list[str], option: str
) -> None:
    before = _files(installed)
    result = CliRunner().invoke(app, args, input=json.dumps(GOOD_EVENT))

    assert result.exit_code == 2
    assert result.stderr == (
        f"pakru: {option}: {installed} is the store installed with pakru, which the next install "
        f"replaces; copy it (cp -r {installed} my-store) and add to the copy with --facts "
        "my-store\n"
    )
    assert _files(installed) == before
    # The template itself is still printed: only writing is refused.
    printed = invoke("new", "event", facts=None)
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.startswith("# yaml-language-server: $schema=schema/events.json\n")


def test_schema_asks_for_a_folder_instead_of_writing_into_the_installed_store(
    invoke: Invoke, installed: Path, tmp_path: Path
) -> None:
    before = _files(installed)
    result = invoke("schema", facts=None)

    assert result.exit_code == 2
    assert result.stderr == (
        f"pakru: --dir: {installed} is the store installed with pakru, whose schemas are in its "
        "schema/ folder already; give --dir DIR to write them elsewhere, or pakru schema KIND "
        "to print one\n"
    )
    assert _files(installed) == before
    written = invoke("schema", "--dir", str(tmp_path / "out"), facts=None)
    assert written.exit_code == 0, written.output
    assert len(list((tmp_path / "out").iterdir())) == 6


def test_a_copy_of_the_installed_store_is_the_curators_to_write(
    invoke: Invoke, installed: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "my-store"
    shutil.copytree(installed, copy)
    result = invoke("new", "event", "--write", "--id", "visit-2026", facts=copy)

    assert result.exit_code == 0, result.output
    assert "\n- id: visit-2026 " in (copy / "events.yaml").read_text(encoding="utf-8")
    assert invoke("schema", facts=copy).exit_code == 0
    assert (copy / "schema" / "events.json").is_file()


# --- pakru new: templates ------------------------------------------------------------------------


def test_new_prints_every_field_with_what_it_accepts(invoke: Invoke, tmp_path: Path) -> None:
    root = write_store(tmp_path)
    result = invoke("new", "event", "--id", "talks-2025-06", facts=root)

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=schema/events.json"
    (entry,) = yaml.safe_load(result.stdout)
    assert list(entry) == list(KINDS["events"].model_fields)
    assert entry["id"] == "talks-2025-06-2"  # talks-2025-06 is taken
    assert entry["sources"] == [{"source": None, "quote": None, "says": None}]
    status = next(line for line in lines if line.startswith("  status:"))
    assert status.endswith("# required; one of: " + ", ".join(EVENT_STATUSES))
    place = next(line for line in lines if line.startswith("  place:"))
    assert place.endswith("# required, may be null; text")


@pytest.mark.parametrize("record_type", list(KIND_OF_TYPE))
def test_every_kind_has_a_template_naming_each_field(
    invoke: Invoke, tmp_path: Path, record_type: str
) -> None:
    result = invoke("new", record_type, facts=write_store(tmp_path))

    assert result.exit_code == 0, result.output
    (entry,) = yaml.safe_load(result.stdout)
    assert list(entry) == list(KINDS[KIND_OF_TYPE[record_type]].model_fields)
    assert entry["id"] == record_type


def test_new_write_adds_the_template_at_the_end_of_the_kinds_file(
    invoke: Invoke, tmp_path: Path
) -> None:
    root = write_store(tmp_path)
    before = (root / "events.yaml").read_bytes()
    result = invoke("new", "event", "--write", "--id", "visit-2026", facts=root)

    assert result.exit_code == 0, result.output
    after = (root / "events.yaml").read_bytes()
    assert after.startswith(before)
    assert result.stderr.strip() == (
        "Wrote a new event, visit-2026, to facts/events.yaml at line 24; fill it in, then run "
        "`pakru check`."
    )
    assert after.decode().splitlines()[23].startswith("- id: visit-2026 ")
    # Left unfilled, the check names its empty required fields where they stand.
    checked = invoke("check", facts=root)
    assert checked.exit_code == 1
    assert "facts/events.yaml:25: events[2].date: " in checked.stdout


def test_new_write_into_a_new_file_of_the_kinds_folder(invoke: Invoke, tmp_path: Path) -> None:
    root = write_store(tmp_path)
    result = invoke("new", "figure", "--write", "--file", "energy", facts=root)

    assert result.exit_code == 0, result.output
    text = (root / "figures" / "energy.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/figures.json\n")
    assert "\n- id: figure " in text


def test_new_write_into_an_empty_file_starts_it_with_its_schema_comment(
    invoke: Invoke, tmp_path: Path
) -> None:
    root = write_store(tmp_path, files={"events/energy.yaml": ""})
    result = invoke("new", "event", "--write", "--file", "energy", facts=root)

    assert result.exit_code == 0, result.output
    lines = (root / "events" / "energy.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../schema/events.json"
    assert lines[3].startswith("- id: event ")


def test_new_write_into_an_empty_folder_starts_a_store(invoke: Invoke, tmp_path: Path) -> None:
    root = tmp_path / "my-store"
    root.mkdir()
    result = invoke("new", "source", "--write", "--id", "gazette-2026-01-02", facts=root)

    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        "Wrote a new source, gazette-2026-01-02, to my-store/sources.yaml at line 4; fill it in, "
        "then run `pakru check`."
    )
    text = (root / "sources.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=schema/sources.json\n")
    # It is a store now: the check reads it and names the fields still to fill in.
    checked = invoke("check", facts=root)
    assert checked.exit_code == 1
    assert "my-store/sources.yaml:5: sources[0].title: " in checked.stdout


def test_new_write_into_a_file_that_is_not_yaml_adds_at_its_end(
    invoke: Invoke, tmp_path: Path
) -> None:
    root = write_store(tmp_path, files={"events/broken.yaml": "- id: [unclosed\n"})
    result = invoke("new", "event", "--write", "--file", "broken", facts=root)

    assert result.exit_code == 0, result.output
    text = (root / "events" / "broken.yaml").read_text(encoding="utf-8")
    assert text.startswith("- id: [unclosed\n\n# A new event for facts/events/broken.yaml")


def test_new_refuses_a_bad_kind_id_or_file(invoke: Invoke, tmp_path: Path) -> None:
    root = write_store(tmp_path)
    cases = {
        ("new", "events"): "KIND: 'events' is not a kind of record; use one of source, actor, "
        "event, agreement, figure, topic",
        ("new", "event", "--id", "Visit 2026"): "--id: 'Visit 2026' is not an id; an id is "
        "a-z, 0-9 and single hyphens, e.g. putin-visit-2026",
        ("new", "event", "--file", "../x"): "--file: '../x' is not a file name for events/; "
        "give a plain name such as trade (for events/trade.yaml)",
    }
    for args, message in cases.items():
        result = invoke(*args, facts=root)
        assert result.exit_code == 2, args
        assert result.stderr.strip() == f"pakru: {message}"


# --- pakru new --from JSON -----------------------------------------------------------------------


def test_new_from_json_appends_valid_records_and_keeps_every_byte(
    invoke: Invoke, tmp_path: Path
) -> None:
    root = write_store(tmp_path)
    before = (root / "events.yaml").read_bytes()
    second = {**GOOD_EVENT, "id": "steel-talks-2025-11", "date": "2025-11", "place": None}
    drafts = tmp_path / "drafts.json"
    drafts.write_text(json.dumps([GOOD_EVENT, second]), encoding="utf-8")

    result = invoke("new", "event", "--from", str(drafts), facts=root)

    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        "Added 2 events to facts/events.yaml: steel-talks-2025-10 (line 22), "
        "steel-talks-2025-11 (line 36)."
    )
    after = (root / "events.yaml").read_bytes()
    assert after.startswith(before)
    lines = after.decode().splitlines()
    assert (lines[21], lines[35]) == ("- id: steel-talks-2025-10", "- id: steel-talks-2025-11")
    assert invoke("check", facts=root).exit_code == 0
    shown = invoke("show", "steel-talks-2025-11", facts=root)
    assert shown.exit_code == 0, shown.output
    assert "Steel talks in Karachi" in shown.stdout


def test_new_from_stdin_takes_one_object(invoke: Invoke, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pakru.cli.commands import app

    root = write_store(tmp_path)
    result = CliRunner().invoke(
        app, ["--facts", str(root), "new", "event", "--from", "-"], input=json.dumps(GOOD_EVENT)
    )

    assert result.exit_code == 0, result.output
    assert "Added 1 event to facts/events.yaml: steel-talks-2025-10 (line 22)." in result.stderr


def test_new_from_json_reports_problems_as_check_does_and_writes_nothing(
    invoke: Invoke, tmp_path: Path
) -> None:
    root = write_store(tmp_path)
    before = (root / "events.yaml").read_bytes()
    bad = {**GOOD_EVENT, "id": "bad-talks", "status": "happened"}
    drafts = tmp_path / "drafts.json"
    drafts.write_text(json.dumps([GOOD_EVENT, bad]), encoding="utf-8")

    result = invoke("new", "event", "--from", str(drafts), facts=root)

    assert result.exit_code == 1
    assert (root / "events.yaml").read_bytes() == before
    # The same problems, word for word, as `pakru check` gives with the records in the file.
    by_hand = write_store(tmp_path / "by-hand")
    with open(by_hand / "events.yaml", "a", encoding="utf-8") as file:
        file.write("\n" + yaml.safe_dump([GOOD_EVENT], sort_keys=False))
        file.write("\n" + yaml.safe_dump([bad], sort_keys=False))
    checked = invoke("check", facts=by_hand).stdout.splitlines()[:-1]
    assert checked == [
        "facts/events.yaml:43: events[3].status: Input should be 'occurred', 'scheduled', "
        "'expected', 'proposed', 'pending', 'postponed' or 'cancelled' (got 'happened')",
    ]
    assert result.stderr.splitlines() == [
        *checked,
        "1 problem(s) in the records given (they would start at line 22 of facts/events.yaml); "
        "nothing was written.",
    ]


def test_new_from_json_refuses_what_is_not_records(invoke: Invoke, tmp_path: Path) -> None:
    root = write_store(tmp_path)
    drafts = tmp_path / "drafts.json"
    cases = {
        '[{"id": "a"},': "is not JSON: Expecting value at line 1 column 14",
        "[1, 2]": "must hold one JSON object (a record) or a list of them",
        "[]": "must hold one JSON object (a record) or a list of them",
    }
    for text, message in cases.items():
        drafts.write_text(text, encoding="utf-8")
        result = invoke("new", "event", "--from", str(drafts), facts=root)
        assert result.exit_code == 2, text
        assert result.stderr.strip() == f"pakru: --from: {str(drafts)!r} {message}"


def test_new_from_json_refuses_a_file_written_as_a_flow_list(
    invoke: Invoke, tmp_path: Path
) -> None:
    root = write_store(tmp_path, files={"events/empty.yaml": "[]\n"})
    drafts = tmp_path / "drafts.json"
    drafts.write_text(json.dumps(GOOD_EVENT), encoding="utf-8")

    result = invoke("new", "event", "--from", str(drafts), "--file", "empty", facts=root)

    assert result.exit_code == 2
    assert "facts/events/empty.yaml is written as a list in brackets" in result.stderr
    assert (root / "events" / "empty.yaml").read_text(encoding="utf-8") == "[]\n"


def test_new_from_json_into_a_store_with_problems_is_refused(
    invoke: Invoke, tmp_path: Path
) -> None:
    root = write_store(tmp_path, events=EVENTS.replace("date: 2025-09", "date: 2025-13"))
    drafts = tmp_path / "drafts.json"
    drafts.write_text(json.dumps(GOOD_EVENT), encoding="utf-8")

    result = invoke("new", "event", "--from", str(drafts), facts=root)

    assert result.exit_code == 1
    assert "run `pakru check` to list every problem" in result.stderr


def test_a_reference_to_no_record_has_the_column_of_the_list_item(
    invoke: Invoke, tmp_path: Path
) -> None:
    root = write_store(tmp_path, events=EVENTS.replace("[pakistan, russia]", "[pakistan, nobody]"))
    result = invoke("check", "-f", "json", facts=root)

    assert result.exit_code == 1, result.output
    (problem,) = json.loads(result.stdout)["problems"]
    assert (problem["line"], problem["column"], problem["field"]) == (5, 22, "events[0].actors[1]")
    assert problem["message"].startswith("no actor with id 'nobody'")
