"""The loader: stores written here into tmp_path, and every problem located by file, line, field.

Each test writes a small store from the Python strings below, breaks one thing, and checks what
`pakru check` would print for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pakru.domain.errors import Problem, StoreError
from pakru.domain.records import FactStore
from pakru.store.check import check_store, load_store

SOURCES = """\
- id: gazette-2025-07-02
  title: Trade rises
  publisher: The Gazette
  author: null
  published: 2025-07-02
  kind: news
  language: en
  text_file: gazette.txt
"""

TOPICS = """\
- id: trade
  name: Trade
  synonyms: [commerce]
- id: steel
  name: Steel
"""

ACTORS = """\
- id: pakistan
  name: Pakistan
  kind: country
  sources:
    - source: gazette-2025-07-02
      quote: Trade between Pakistan and Russia rose more than 100 percent to $1.81 billion
- id: russia
  name: Russia
  kind: country
  aliases: [Russian Federation]
  sources:
    - source: gazette-2025-07-02
      quote: Trade between Pakistan and Russia rose more than 100 percent to $1.81 billion
    - source: gazette-2025-07-02
      quote: the Russian Federation’s minister
"""

EVENTS = """\
- id: talks-2025-06
  date: 2025-06
  title: Trade talks in Moscow
  place: Moscow
  actors: [pakistan, russia]
  status: occurred
  topics: [trade]
  sources:
    - source: gazette-2025-07-02
      quote: Officials met in Moscow in June.
- id: visit-2025-09
  date: 2025-09
  title: Visit to Karachi
  place: Karachi
  actors: [russia]
  status: scheduled
  topics: [trade]
  sources:
    - source: gazette-2025-07-02
      quote: A visit to Karachi is planned for September.
"""

AGREEMENTS = """\
- id: steel-protocol-2025-06
  title: Protocol on steel
  kind: protocol
  date: 2025-06
  place: Moscow
  parties: [pakistan, russia]
  status: signed
  topics: [steel]
  event: talks-2025-06
  sources:
    - source: gazette-2025-07-02
      quote: They signed a protocol on steel.
"""

FIGURES = """\
- id: trade-total-fy2024-25
  metric: trade_total
  subject: Pakistan–Russia trade
  value: 1810000000
  unit: USD
  stated: $1.81 billion
  period: FY2024-25
  qualifier: exact
  basis: reported
  topics: [trade]
  sources:
    - source: gazette-2025-07-02
      quote: Trade between Pakistan and Russia rose more than 100 percent to $1.81 billion
"""

MINIMAL = {
    "sources.yaml": SOURCES,
    "topics.yaml": TOPICS,
    "actors.yaml": ACTORS,
    "events.yaml": EVENTS,
    "agreements.yaml": AGREEMENTS,
    "figures.yaml": FIGURES,
}

GAZETTE = """\
The Gazette, 2 July 2025

Trade between Pakistan and Russia rose more than 100 percent to $1.81 billion, the ministry said.
Officials met in Moscow in June. They signed a protocol on steel.
A visit to Karachi is planned for September. So said the Russian Federation’s minister.
Pakistan’s exports to Russia grew.
"""


def write_store(
    tmp_path: Path, files: dict[str, str | bytes] | None = None, **changes: str
) -> Path:
    """Write the minimal store into tmp_path/facts, with some files replaced or added.

    `files` maps a path inside the store to its text (or raw bytes); `changes` replaces a kind's
    file by keyword, e.g. `events=...` for events.yaml. A value of "" writes an empty file.
    """
    root = tmp_path / "facts"
    contents: dict[str, str | bytes] = dict(MINIMAL)
    contents.update({f"{kind}.yaml": text for kind, text in changes.items()})
    contents.update(files or {})
    for name, content in contents.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def write_sources(tmp_path: Path, texts: dict[str, str] | None = None) -> Path:
    """Write the folder of source texts (gazette.txt by default)."""
    folder = tmp_path / "sources"
    folder.mkdir(exist_ok=True)
    for name, text in (texts if texts is not None else {"gazette.txt": GAZETTE}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def problems_of(root: Path, sources_dir: Path | None = None) -> list[Problem]:
    return check_store(root, sources_dir).problems


def only_problem(root: Path, sources_dir: Path | None = None) -> Problem:
    problems = problems_of(root, sources_dir)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def messages(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


# --- a valid store ---------------------------------------------------------------------------


def test_minimal_store_loads(tmp_path):
    store = load_store(write_store(tmp_path))

    assert isinstance(store, FactStore)
    counts = {
        kind: len(getattr(store, kind))
        for kind in ("sources", "actors", "events", "agreements", "figures", "topics")
    }
    assert counts == {
        "sources": 1,
        "actors": 2,
        "events": 2,
        "agreements": 1,
        "figures": 1,
        "topics": 2,
    }
    assert store.events[0].id == "talks-2025-06"
    assert str(store.figures[0].period) == "FY2024-25"
    assert store.source("gazette-2025-07-02").publisher == "The Gazette"


def test_check_of_a_valid_store_has_no_problems(tmp_path):
    report = check_store(write_store(tmp_path))

    assert report.problems == []
    assert report.store is not None
    assert report.quotes_checked == 0  # no sources folder given: quotes are not checked


def test_a_kind_may_be_left_out_or_empty(tmp_path):
    root = write_store(tmp_path, agreements="[]\n")
    (root / "figures.yaml").unlink()

    store = load_store(root)

    assert store.agreements == ()
    assert store.figures == ()


def test_folder_per_kind_layout_loads(tmp_path):
    first, second = EVENTS.split("- id: visit-2025-09\n")
    root = write_store(
        tmp_path,
        {
            "events/2025-06.yaml": first,
            "events/later/2025-09.yaml": "- id: visit-2025-09\n" + second,
        },
    )
    (root / "events.yaml").unlink()

    store = load_store(root)

    assert [event.id for event in store.events] == ["talks-2025-06", "visit-2025-09"]


def test_folder_per_kind_problems_name_the_file_in_the_folder(tmp_path):
    root = write_store(
        tmp_path,
        {"events/2024.yaml": EVENTS, "events/2025.yaml": EVENTS.replace("2025-09", "2025-10")},
    )
    (root / "events.yaml").unlink()

    problem = problems_of(root)[0]

    assert str(problem) == (
        "facts/events/2025.yaml:1: events[0].id: duplicate id 'talks-2025-06' "
        "(first at facts/events/2024.yaml:1)"
    )


def test_missing_store_folder(tmp_path):
    problem = only_problem(tmp_path / "nowhere")

    assert problem.message == "the fact store folder does not exist"
    assert problem.file == str(tmp_path / "nowhere")


# --- one record at a time: type, required, unknown, format -----------------------------------


def test_wrong_type(tmp_path):
    root = write_store(tmp_path, events=EVENTS.replace("place: Karachi", "place: 7"))

    problem = only_problem(root)

    assert problem == Problem(
        "facts/events.yaml", 14, "events[1].place", "Input should be a valid string (got 7)"
    )
    assert str(problem) == (
        "facts/events.yaml:14: events[1].place: Input should be a valid string (got 7)"
    )


def test_yaml_no_is_not_a_name(tmp_path):
    root = write_store(tmp_path, topics=TOPICS.replace("name: Steel", "name: no"))

    assert str(only_problem(root)) == (
        "facts/topics.yaml:5: topics[1].name: Input should be a valid string (got False)"
    )


def test_missing_required_field_points_at_the_record(tmp_path):
    root = write_store(tmp_path, events=EVENTS.replace("  title: Visit to Karachi\n", ""))

    assert (
        str(only_problem(root)) == "facts/events.yaml:11: events[1].title: missing required field"
    )


def test_unknown_field(tmp_path):
    root = write_store(
        tmp_path, events=EVENTS.replace("  place: Karachi\n", "  place: Karachi\n  venue: port\n")
    )

    problem = only_problem(root)

    assert (problem.file, problem.line, problem.field) == (
        "facts/events.yaml",
        15,
        "events[1].venue",
    )
    assert problem.message.startswith("unknown field (the fields are: id, date, title, place, ")


def test_nested_field_is_located(tmp_path):
    root = write_store(
        tmp_path,
        actors=ACTORS.replace(
            "    - source: gazette-2025-07-02\n      quote: the Russian",
            "    - source: Gazette\n      quote: the Russian",
        ),
    )

    problem = only_problem(root)

    assert (problem.line, problem.field) == (14, "actors[1].sources[1].source")
    assert problem.message == (
        "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$' (got 'Gazette')"
    )


def test_item_that_is_not_a_mapping(tmp_path):
    root = write_store(tmp_path, topics=TOPICS + "- just a word\n")

    assert str(only_problem(root)) == (
        "facts/topics.yaml:6: topics[2]: each item must be a mapping of field: value"
    )


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("next week", "'next week' is not a date or period; the store writes 2025-07-11, "),
        ('"2024-02-30"', "'2024-02-30': 2024-02-30 is not a real day of the calendar"),
        ("2024-13", "'2024-13': month 13 does not exist (months run 01–12)"),
        ("FY2024-26", "'FY2024-26': a fiscal year joins two consecutive years, e.g. 2024-25"),
        ("2025/2024", "'2025/2024': the interval ends before it starts"),
    ],
)
def test_malformed_or_impossible_date(tmp_path, written, message):
    root = write_store(tmp_path, events=EVENTS.replace("date: 2025-09", f"date: {written}"))

    problem = only_problem(root)

    assert (problem.file, problem.line, problem.field) == (
        "facts/events.yaml",
        12,
        "events[1].date",
    )
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    "written", ["2024-02-30", "2024-13-01", "!!int soon", "!!bool maybe", "!!timestamp soon"]
)
def test_value_yaml_cannot_build_is_a_problem_not_a_crash(tmp_path, written):
    root = write_store(tmp_path, events=EVENTS.replace("date: 2025-09", f"date: {written}"))

    problem = only_problem(root)

    assert (problem.file, problem.line) == ("facts/events.yaml", 12)


def test_occurred_event_dated_after_its_source(tmp_path):
    root = write_store(tmp_path, events=EVENTS.replace("status: scheduled", "status: occurred"))

    assert str(only_problem(root)) == (
        "facts/events.yaml:12: events[1].date: 2025-09 begins after its latest source was "
        "published (2025-07-02); a scheduled or expected fact needs that status"
    )


def test_a_fact_dated_in_its_sources_month_may_have_occurred(tmp_path):
    root = write_store(tmp_path, events=EVENTS.replace("date: 2025-06", "date: 2025-07"))

    assert problems_of(root) == []


def test_signed_agreement_and_reported_figure_cannot_postdate_their_source(tmp_path):
    root = write_store(
        tmp_path,
        agreements=AGREEMENTS.replace("date: 2025-06", "date: 2025-08"),
        figures=FIGURES.replace("period: FY2024-25", "period: 2025-08/2025-12"),
    )

    assert [(p.file, p.line, p.field) for p in problems_of(root)] == [
        ("facts/agreements.yaml", 4, "agreements[0].date"),
        ("facts/figures.yaml", 7, "figures[0].period"),
    ]


def test_negative_agreement_count(tmp_path):
    root = write_store(
        tmp_path, agreements=AGREEMENTS.replace("  event: talks", "  count: -3\n  event: talks")
    )

    assert str(only_problem(root)) == (
        "facts/agreements.yaml:9: agreements[0].count: Input should be greater than or equal to 2 "
        "(got -3)"
    )


def test_unknown_unit(tmp_path):
    root = write_store(tmp_path, figures=FIGURES.replace("unit: USD", "unit: dollars"))

    assert str(only_problem(root)) == (
        "facts/figures.yaml:5: figures[0].unit: Input should be 'USD', 'percent', 'tonnes', "
        "'MW', 'cubic metres', 'barrels', 'km' or 'count' (got 'dollars')"
    )


def test_float_value_gets_the_quoting_hint(tmp_path):
    root = write_store(tmp_path, figures=FIGURES.replace("value: 1810000000", "value: 1.81"))

    assert str(only_problem(root)) == (
        "facts/figures.yaml:4: figures[0].value: 1.81 is a float; quote decimals in YAML, e.g. '1.5'"
    )


def test_negative_figure_is_reported_at_its_record(tmp_path):
    root = write_store(tmp_path, figures=FIGURES.replace("value: 1810000000", "value: -5"))

    problem = only_problem(root)

    assert problem.file == "facts/figures.yaml"
    assert problem.message == "a trade_total figure cannot be negative (-5)"


@pytest.mark.parametrize(
    ("change", "line", "field"),
    [
        (("value: 1810000000", "value: -5"), 4, "figures[0].value"),
        (("unit: USD", "unit: percent"), 5, "figures[0].unit"),
    ],
)
def test_figure_value_and_unit_problems_point_at_their_field(tmp_path, change, line, field):
    root = write_store(tmp_path, figures=FIGURES.replace(*change))

    problem = only_problem(root)

    assert (problem.line, problem.field) == (line, field)


def test_empty_quote(tmp_path):
    root = write_store(
        tmp_path,
        events=EVENTS.replace(
            "quote: A visit to Karachi is planned for September.",
            'quote: ""\n'
            "    - source: gazette-2025-07-02\n"
            "      quote: A visit to Karachi is planned for September.",
        ),
    )

    assert str(only_problem(root)) == (
        "facts/events.yaml:20: events[1].sources[0].quote: String should match pattern '\\S' "
        "(got '')"
    )


def test_sole_empty_quote_is_reported_once(tmp_path):
    root = write_store(
        tmp_path,
        events=EVENTS.replace("quote: A visit to Karachi is planned for September.", 'quote: ""'),
    )

    assert messages(problems_of(root)) == [
        "facts/events.yaml:20: events[1].sources[0].quote: String should match pattern '\\S' "
        "(got '')"
    ]


def test_no_citation(tmp_path):
    root = write_store(tmp_path, agreements=AGREEMENTS.split("  sources:")[0] + "  sources: []\n")

    assert str(only_problem(root)) == (
        "facts/agreements.yaml:10: agreements[0].sources: Tuple should have at least 1 item after "
        "validation, not 0"
    )


def test_stated_number_must_occur_in_a_quote(tmp_path):
    root = write_store(
        tmp_path, figures=FIGURES.replace("stated: $1.81 billion", "stated: $1.8 billion")
    )

    assert str(only_problem(root)) == (
        "facts/figures.yaml:6: figures[0].stated: '$1.8 billion' does not occur in any of its citations"
    )


def test_actor_alias_must_occur_in_a_quote(tmp_path):
    root = write_store(
        tmp_path, actors=ACTORS.replace("aliases: [Russian Federation]", "aliases: [Rossiya]")
    )

    assert str(only_problem(root)) == (
        "facts/actors.yaml:10: actors[1].aliases[0]: 'Rossiya' does not occur in any of its citations"
    )


def test_actor_name_must_occur_in_a_quote(tmp_path):
    root = write_store(tmp_path, actors=ACTORS.replace("name: Pakistan", "name: Islamic Republic"))

    assert str(only_problem(root)) == (
        "facts/actors.yaml:2: actors[0].name: 'Islamic Republic' does not occur in any of its citations"
    )


# --- references between records --------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "old", "new", "line", "field", "message"),
    [
        (
            "events",
            "actors: [russia]",
            "actors: [russia, china]",
            15,
            "events[1].actors[1]",
            "no actor with id 'china'",
        ),
        (
            "events",
            "topics: [trade]\n  sources:\n    - source: gazette-2025-07-02\n      quote: A visit",
            "topics: [trade, energy]\n  sources:\n    - source: gazette-2025-07-02\n      quote: A visit",
            17,
            "events[1].topics[1]",
            "no topic with id 'energy'",
        ),
        (
            "agreements",
            "event: talks-2025-06",
            "event: talks-2025-05",
            9,
            "agreements[0].event",
            "no event with id 'talks-2025-05'",
        ),
        (
            "agreements",
            "event: talks-2025-06",
            "event: steel-protocol-2025-06",
            9,
            "agreements[0].event",
            "no event with id 'steel-protocol-2025-06'; it is a agreement",
        ),
        (
            "agreements",
            "parties: [pakistan, russia]",
            "parties: [pakistan, trade-total-fy2024-25]",
            6,
            "agreements[0].parties[1]",
            "no actor with id 'trade-total-fy2024-25'; it is a figure",
        ),
        (
            "figures",
            "source: gazette-2025-07-02",
            "source: gazette-2025-07-03",
            12,
            "figures[0].sources[0].source",
            "no source with id 'gazette-2025-07-03'",
        ),
    ],
)
def test_dangling_reference(tmp_path, kind, old, new, line, field, message):
    original = MINIMAL[f"{kind}.yaml"]
    assert old in original
    root = write_store(tmp_path, **{kind: original.replace(old, new, 1)})

    problem = only_problem(root)

    assert (problem.file, problem.line, problem.field) == (f"facts/{kind}.yaml", line, field)
    assert problem.message == message


def test_dangling_references_inside_actor_roles(tmp_path):
    role = (
        "  roles:\n"
        "    - title: Minister\n"
        "      organisation: kremlin\n"
        "      attested: 2025-07\n"
        "      sources:\n"
        "        - source: nowhere\n"
        "          quote: the Russian Federation’s minister\n"
    )
    root = write_store(tmp_path, actors=ACTORS.replace("  sources:\n", role + "  sources:\n", 1))

    assert messages(problems_of(root)) == [
        "facts/actors.yaml:6: actors[0].roles[0].organisation: no actor with id 'kremlin'",
        "facts/actors.yaml:9: actors[0].roles[0].sources[0].source: no source with id 'nowhere'",
    ]


def test_actor_country_must_be_a_country(tmp_path):
    person = (
        "- id: fedorov\n"
        "  name: Fedorov\n"
        "  kind: person\n"
        "  country: pakistan-russia-forum\n"
        "  sources:\n"
        "    - source: gazette-2025-07-02\n"
        "      quote: Fedorov\n"
        "- id: ivanov\n"
        "  name: Ivanov\n"
        "  kind: person\n"
        "  country: fedorov\n"
        "  sources:\n"
        "    - source: gazette-2025-07-02\n"
        "      quote: Ivanov\n"
    )
    root = write_store(tmp_path, actors=ACTORS + person)

    assert messages(problems_of(root)) == [
        "facts/actors.yaml:19: actors[2].country: no actor with id 'pakistan-russia-forum'",
        "facts/actors.yaml:26: actors[3].country: 'fedorov' is not a country",
    ]


def test_duplicate_id_within_a_file(tmp_path):
    root = write_store(tmp_path, events=EVENTS.replace("id: visit-2025-09", "id: talks-2025-06"))

    assert str(only_problem(root)) == (
        "facts/events.yaml:11: events[1].id: duplicate id 'talks-2025-06' "
        "(first at facts/events.yaml:1)"
    )


def test_duplicate_id_across_files(tmp_path):
    root = write_store(
        tmp_path, figures=FIGURES.replace("id: trade-total-fy2024-25", "id: visit-2025-09")
    )

    assert str(only_problem(root)) == (
        "facts/figures.yaml:1: figures[0].id: duplicate id 'visit-2025-09' "
        "(first at facts/events.yaml:11)"
    )


def test_topic_ids_are_their_own_namespace(tmp_path):
    # A topic may share its id with a record: topics are words, not records.
    root = write_store(
        tmp_path,
        topics=TOPICS.replace("id: steel", "id: pakistan"),
        agreements=AGREEMENTS.replace("topics: [steel]", "topics: [pakistan]"),
    )

    assert problems_of(root) == []


def test_duplicate_topic(tmp_path):
    root = write_store(tmp_path, topics=TOPICS + "- id: trade\n  name: Commerce\n")

    assert str(only_problem(root)) == (
        "facts/topics.yaml:6: topics[2].id: duplicate id 'trade' (first at facts/topics.yaml:1)"
    )


# --- whole files ------------------------------------------------------------------------------
# These break agreements.yaml, which no other file refers to, so each breakage is one problem.


def test_invalid_yaml(tmp_path):
    root = write_store(
        tmp_path, agreements=AGREEMENTS.replace("title: Protocol on steel", "title: [Protocol")
    )

    problem = only_problem(root)

    assert (problem.file, problem.line, problem.field) == ("facts/agreements.yaml", 3, "")
    assert str(problem) == "facts/agreements.yaml:3: invalid YAML: did not find expected ',' or ']'"


def test_invalid_yaml_bad_indentation(tmp_path):
    root = write_store(
        tmp_path, agreements=AGREEMENTS.replace("  kind: protocol", "   kind: protocol")
    )

    assert str(only_problem(root)) == (
        "facts/agreements.yaml:3: invalid YAML: mapping values are not allowed in this context"
    )


def test_file_that_is_not_utf8(tmp_path):
    latin1 = AGREEMENTS.replace("Protocol on steel", "Protocole sur l’acier").encode("cp1252")
    root = write_store(tmp_path, {"agreements.yaml": latin1})

    assert str(only_problem(root)) == (
        "facts/agreements.yaml:2: not UTF-8 text (byte 0x92); save it as UTF-8"
    )


def test_empty_file(tmp_path):
    root = write_store(tmp_path, agreements="")

    problem = only_problem(root)

    assert problem.line is None
    assert str(problem) == (
        "facts/agreements.yaml: empty file; write a list of agreements, or [] for none"
    )


def test_file_of_only_comments_is_empty(tmp_path):
    root = write_store(tmp_path, agreements="# nothing yet\n")

    assert only_problem(root).message == "empty file; write a list of agreements, or [] for none"


def test_top_level_mapping_instead_of_a_list(tmp_path):
    root = write_store(tmp_path, agreements="\nsteel-protocol:\n  title: Protocol on steel\n")

    assert str(only_problem(root)) == (
        "facts/agreements.yaml:2: the file must be a list of agreements (items starting with '- ')"
    )


TWICE = AGREEMENTS.replace("  place: Moscow\n", "  place: Moscow\n  place: Karachi\n")


def test_key_given_twice(tmp_path):
    root = write_store(tmp_path, agreements=TWICE)

    problem = only_problem(root)

    assert (problem.file, problem.line, problem.message) == (
        "facts/agreements.yaml",
        6,
        "key given twice",
    )


def test_a_list_as_a_key_is_a_problem_not_a_crash(tmp_path):
    root = write_store(
        tmp_path,
        agreements=AGREEMENTS.replace("  place: Moscow\n", "  ? [place, city]\n  : Moscow\n"),
    )

    assert str(only_problem(root)) == (
        "facts/agreements.yaml:5: agreements[0]: a key must be a plain name, not a list or a mapping"
    )


def test_a_plain_tag_on_the_wrong_kind_of_value_is_a_problem(tmp_path):
    root = write_store(
        tmp_path,
        agreements=AGREEMENTS.replace("  place: Moscow\n", "  place: !!str {city: Moscow}\n"),
    )

    assert str(only_problem(root)) == (
        "facts/agreements.yaml:5: agreements[0].place: YAML tag 'tag:yaml.org,2002:str' does not "
        "fit a mapping"
    )


def test_key_given_twice_names_the_record(tmp_path):
    root = write_store(tmp_path, agreements=TWICE)

    assert str(only_problem(root)) == (
        "facts/agreements.yaml:6: agreements[0].place: key given twice"
    )


def test_python_object_tag_is_refused_and_nothing_runs(tmp_path, capfd):
    marker = tmp_path / "hacked"
    root = write_store(
        tmp_path,
        agreements=AGREEMENTS.replace(
            "  title: Protocol on steel\n",
            '  title: !!python/object/apply:os.system ["echo hacked"]\n'
            f'  note: !!python/object/apply:os.system ["touch {marker}"]\n',
        ),
    )

    problems = problems_of(root)

    assert messages(problems) == [
        "facts/agreements.yaml:2: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is "
        "not allowed in a store",
        "facts/agreements.yaml:3: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is "
        "not allowed in a store",
    ]
    assert not marker.exists()
    assert "hacked" not in capfd.readouterr().out


@pytest.mark.parametrize(
    ("tag", "shown"),
    [
        ("!!binary UHJvdG9jb2w=", "tag:yaml.org,2002:binary"),
        ("!custom Protocol", "!custom"),
        ("!!set {a, b}", "tag:yaml.org,2002:set"),
    ],
)
def test_other_tags_are_refused(tmp_path, tag, shown):
    root = write_store(
        tmp_path, agreements=AGREEMENTS.replace("title: Protocol on steel", f"title: {tag}")
    )

    assert str(only_problem(root)) == (
        f"facts/agreements.yaml:2: YAML tag {shown!r} is not allowed in a store"
    )


def test_an_anchor_alone_is_refused(tmp_path):
    root = write_store(
        tmp_path, agreements=AGREEMENTS.replace("place: Moscow", "place: &city Moscow")
    )

    assert len(problems_of(root)) == 1


BILLION_LAUGHS = """\
- id: lol
  title: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  note: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
  h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
  i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
  j: [*i, *i, *i, *i, *i, *i, *i, *i, *i]
"""


def test_billion_laughs_is_refused_before_it_expands(tmp_path):
    root = write_store(tmp_path, agreements=BILLION_LAUGHS)

    problems = problems_of(root)

    # One problem, about the anchors aliases need, and none about the fields: it was never built.
    assert len(problems) == 1
    assert problems[0].file == "facts/agreements.yaml"
    assert problems[0].field == ""
    assert problems[0].message == "YAML anchors (&name) are not allowed in a store"


def test_a_single_alias_is_refused_at_its_anchor(tmp_path):
    second = AGREEMENTS.replace("steel-protocol-2025-06", "steel-roadmap-2025-06").replace(
        "place: Moscow", "place: *city"
    )
    root = write_store(
        tmp_path, agreements=AGREEMENTS.replace("place: Moscow", "place: &city Moscow") + second
    )

    # The anchor is refused where it is defined (line 5), before any alias can use it.
    assert messages(problems_of(root)) == [
        "facts/agreements.yaml:5: YAML anchors (&name) are not allowed in a store"
    ]


def test_unknown_yaml_file_at_the_top(tmp_path):
    root = write_store(tmp_path, {"notes.yaml": "- a note\n", "event.yml": "[]\n"})

    known = "actors.yaml, agreements.yaml, events.yaml, figures.yaml, sources.yaml, topics.yaml"
    assert messages(problems_of(root)) == [
        f"facts/event.yml: not a store file; name it one of {known}",
        f"facts/notes.yaml: not a store file; name it one of {known}",
    ]


def test_other_files_are_ignored(tmp_path):
    root = write_store(tmp_path, {"README.md": "# the store\n", "notes.txt": "scratch\n"})

    assert problems_of(root) == []


def test_a_file_that_cannot_be_read_raises_no_false_alarms_about_its_records(tmp_path):
    root = write_store(tmp_path, topics="trade:\n  name: Trade\n")

    # The records naming topics may be right: the topics file is the one problem.
    assert messages(problems_of(root)) == [
        "facts/topics.yaml:1: the file must be a list of topics (items starting with '- ')",
    ]


# --- every problem at once -------------------------------------------------------------------


def broken_store(tmp_path: Path) -> Path:
    """Six files broken in different ways; the records that refer to others are broken too."""
    return write_store(
        tmp_path,
        {"notes.yaml": "[]\n"},
        actors=ACTORS.replace("kind: country", "kind: [country", 1),
        topics=TOPICS + "- id: trade\n  name: Commerce\n",
        events=EVENTS.replace("place: Karachi", "place: 7").replace(
            "date: 2025-06", "date: someday"
        ),
        agreements=AGREEMENTS.replace("kind: protocol", "kind: treaty"),
        figures=FIGURES.replace("unit: USD", "unit: dollars"),
    )


BROKEN = [
    "facts/actors.yaml:4: invalid YAML: did not find expected ',' or ']'",
    "facts/events.yaml:2: events[0].date: 'someday' is not a date or period; the store writes "
    "2025-07-11, 2024-12, 2025, 197X, 1993/1995, 2025-06-30/.. or FY2023-24",
    "facts/events.yaml:14: events[1].place: Input should be a valid string (got 7)",
    "facts/agreements.yaml:3: agreements[0].kind: Input should be 'protocol', 'agreement', "
    "'mou', 'roadmap', 'commitment', 'resolution', 'proposal', 'offer', 'contract' or 'declaration' (got 'treaty')",
    "facts/figures.yaml:5: figures[0].unit: Input should be 'USD', 'percent', 'tonnes', 'MW', "
    "'cubic metres', 'barrels', 'km' or 'count' (got 'dollars')",
    "facts/topics.yaml:6: topics[2].id: duplicate id 'trade' (first at facts/topics.yaml:1)",
]


def test_every_problem_of_every_file_in_one_run(tmp_path):
    problems = problems_of(broken_store(tmp_path))

    assert len(problems) == 7
    assert {problem.file for problem in problems} == {
        "facts/notes.yaml",
        "facts/actors.yaml",
        "facts/topics.yaml",
        "facts/events.yaml",
        "facts/agreements.yaml",
        "facts/figures.yaml",
    }
    assert sorted(messages(problems)) == sorted(
        [
            *BROKEN,
            "facts/notes.yaml: not a store file; name it one of actors.yaml, agreements.yaml, "
            "events.yaml, figures.yaml, sources.yaml, topics.yaml",
        ]
    )


def test_load_store_raises_with_every_problem(tmp_path):
    root = broken_store(tmp_path)

    with pytest.raises(StoreError) as caught:
        load_store(root)

    assert caught.value.problems == problems_of(root)
    assert len(caught.value.problems) == 7
    assert str(caught.value) == "7 problem(s) in the fact store"
    assert caught.value.exit_code == 1


def test_check_report_has_no_store_when_there_are_problems(tmp_path):
    report = check_store(broken_store(tmp_path))

    assert report.store is None


# --- quotes against the source texts ----------------------------------------------------------


def test_verbatim_quotes_pass(tmp_path):
    report = check_store(write_store(tmp_path), write_sources(tmp_path))

    assert report.problems == []
    # Every citation is counted: actors 1 + 2, events 2, agreements 1, figures 1.
    assert report.quotes_checked == 7
    assert report.store is not None


def test_curly_apostrophe_must_be_copied(tmp_path):
    straight = ACTORS.replace(
        "the Russian Federation’s minister", "the Russian Federation's minister"
    )
    root = write_store(tmp_path, actors=straight)

    problem = only_problem(root, write_sources(tmp_path))

    assert (problem.file, problem.line, problem.field) == (
        "facts/actors.yaml",
        15,
        "actors[1].sources[1].quote",
    )
    assert problem.message == (
        "quote not found verbatim in its source text: it matches as far as "
        "'the Russian Federation', then the source differs at \"'s minister\""
    )


def test_quote_with_no_match_at_all(tmp_path):
    root = write_store(
        tmp_path, agreements=AGREEMENTS.replace("They signed a protocol on steel.", "Zebras.")
    )

    problem = only_problem(root, write_sources(tmp_path))

    assert str(problem) == (
        "facts/agreements.yaml:12: agreements[0].sources[0].quote: quote not found in its source text"
    )


def test_quotes_are_checked_in_roles_too(tmp_path):
    role = (
        "  roles:\n"
        "    - title: Minister\n"
        "      organisation: russia\n"
        "      attested: 2025-07-02\n"
        "      sources:\n"
        "        - source: gazette-2025-07-02\n"
        "          quote: the Russian Federation’s Minister\n"
    )
    root = write_store(tmp_path, actors=ACTORS.replace("  aliases:", role + "  aliases:"))

    report = check_store(root, write_sources(tmp_path))

    assert report.quotes_checked == 8
    assert messages(report.problems) == [
        "facts/actors.yaml:16: actors[1].roles[0].sources[0].quote: quote not found verbatim in its "
        "source text: it matches as far as 'the Russian Federation’s ', then the source differs "
        "at 'Minister'"
    ]


def test_missing_text_file(tmp_path):
    root = write_store(tmp_path)

    report = check_store(root, write_sources(tmp_path, {"other.txt": GAZETTE}))

    assert messages(report.problems) == [
        f"facts/sources.yaml:8: sources[0].text_file: no file 'gazette.txt' in {tmp_path / 'sources'}"
    ]
    assert report.quotes_checked == 0


@pytest.mark.parametrize("text_file", ["../gazette.txt", "texts/gazette.txt"])
def test_text_file_with_a_path_is_refused(tmp_path, text_file):
    root = write_store(
        tmp_path, sources=SOURCES.replace("text_file: gazette.txt", f"text_file: {text_file}")
    )
    (tmp_path / "gazette.txt").write_text(GAZETTE, encoding="utf-8")  # what ../gazette.txt names
    sources_dir = write_sources(
        tmp_path, {"texts/gazette.txt": GAZETTE} if "/" in text_file else {}
    )

    report = check_store(root, sources_dir)

    assert messages(report.problems) == [
        "facts/sources.yaml:8: sources[0].text_file: String should match pattern "
        f"'^[^/\\\\.][^/\\\\]*$' (got {text_file!r})"
    ]
    assert report.quotes_checked == 0


def test_a_source_needs_a_way_to_find_it_again(tmp_path):
    root = write_store(tmp_path, sources=SOURCES.replace("  text_file: gazette.txt\n", ""))

    report = check_store(root)

    assert messages(report.problems)[0] == (
        "facts/sources.yaml:1: sources[0]: a source needs a `url`, a `text_file`, or both "
        "`publisher` and `author`"
    )


def test_a_quote_needs_a_source_whose_text_is_kept(tmp_path):
    online = SOURCES.replace(
        "  text_file: gazette.txt\n",
        "  url: https://gazette.example/trade\n  accessed: 2026-12-03\n",
    )
    root = write_store(tmp_path, sources=online)

    report = check_store(root, write_sources(tmp_path))

    assert report.problems
    assert all("has no text_file; cite it with `says`" in p.message for p in report.problems)
    assert report.problems[0].field.endswith(".quote")
    assert report.quotes_checked == 0


def test_text_file_that_is_not_utf8(tmp_path):
    folder = write_sources(tmp_path, {})
    (folder / "gazette.txt").write_bytes(GAZETTE.encode("cp1252"))

    problem = only_problem(write_store(tmp_path), folder)

    assert problem.field == "sources[0].text_file"
    assert problem.message.startswith("cannot read 'gazette.txt': ")


def test_missing_sources_folder(tmp_path):
    problem = only_problem(write_store(tmp_path), tmp_path / "no-such-folder")

    assert (
        str(problem) == f"{tmp_path / 'no-such-folder'}: the folder of source texts does not exist"
    )


def test_store_files_come_in_the_order_of_their_paths_parts(tmp_path):
    from pakru.store.layout import store_files, stray_files

    root = tmp_path / "facts"
    for relative in ("events/b.yaml", "events/a.yaml", "events/a-b.yaml", "events/a/x.yaml"):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("[]\n", encoding="utf-8")
    (root / "events" / "notes.txt").write_text("not YAML", encoding="utf-8")

    files, problems = store_files(root), stray_files(root)

    assert [f.name for f in files] == [
        "facts/events/a/x.yaml",  # a folder sorts by its own name, before 'a-b.yaml'
        "facts/events/a-b.yaml",
        "facts/events/a.yaml",
        "facts/events/b.yaml",
    ]
    assert {f.kind for f in files} == {"events"} and problems == []


# --- what a store may not hold: numbers, characters, sizes -----------------------------------


def figure_value(written: str) -> str:
    return FIGURES.replace("value: 1810000000", f"value: {written}")


def test_a_decimal_comma_is_a_problem_not_a_tenfold_value(tmp_path):
    problem = only_problem(write_store(tmp_path, figures=figure_value("'1,5'")))

    assert str(problem) == (
        "facts/figures.yaml:4: figures[0].value: '1,5': a comma groups thousands (1,500); "
        "write a decimal with a point, e.g. '1.5'"
    )


@pytest.mark.parametrize(
    ("written", "read"), [("1_5", "15"), ("010", "8"), ("0x10", "16"), ("1:30", "90")]
)
def test_an_unquoted_number_yaml_reads_as_another_is_a_problem(tmp_path, written, read):
    problem = only_problem(write_store(tmp_path, figures=figure_value(written)))

    assert (problem.line, problem.field) == (4, "figures[0].value")
    assert problem.message.startswith(f"{written!r} is read by YAML as {read}; write the number")


def test_thousands_grouped_by_underscores_are_the_number_they_show(tmp_path):
    assert problems_of(write_store(tmp_path, figures=figure_value("1_810_000_000"))) == []


@pytest.mark.parametrize("written", ["'1e4301'", "'1e99999999'", "'2,000,000,000,000,000'"])
def test_a_value_beyond_any_figure_of_its_unit_is_a_problem(tmp_path, written):
    problem = only_problem(write_store(tmp_path, figures=figure_value(written)))

    assert (problem.file, problem.line, problem.field) == (
        "facts/figures.yaml",
        4,
        "figures[0].value",
    )
    assert "is beyond any real figure in USD (at most 1,000,000,000,000,000)" in problem.message


def test_the_bound_of_a_value_is_its_units(tmp_path):
    growth = figure_value("2000000").replace("metric: trade_total", "metric: trade_growth")
    problem = only_problem(
        write_store(tmp_path, figures=growth.replace("unit: USD", "unit: percent"))
    )

    assert problem.field == "figures[0].value"
    assert "beyond any real figure in percent (at most 1,000,000)" in problem.message


@pytest.mark.parametrize(
    "written", ["9" * 5000, "'" + "9" * 40_000 + "'", "'-" + "9" * 40_000 + "'"]
)
def test_a_number_of_thousands_of_digits_is_one_short_line(tmp_path, written):
    problem = only_problem(write_store(tmp_path, figures=figure_value(written)))

    assert (problem.line, problem.field) == (4, "figures[0].value")
    assert "digits" in problem.message and len(str(problem)) < 200


def test_a_nul_byte_is_one_line_with_its_line_number(tmp_path):
    events = EVENTS.replace("title: Visit to Karachi", "title: Visit\x00 to Karachi")
    problem = only_problem(write_store(tmp_path, events=events))

    assert str(problem) == (
        "facts/events.yaml:13: control character U+0000 is not allowed in a store"
    )


@pytest.mark.parametrize(
    ("written", "advice"),
    [
        ("2024-02-30", "'2024-02-30' is not a real date; correct it, or quote it if it is text"),
        ("!!int soon", "'soon' is not a whole number, as its tag !!int says"),
        ("!!bool maybe", "'maybe' is not true or false, as its tag !!bool says"),
    ],
)
def test_the_advice_to_quote_is_given_only_where_quoting_helps(tmp_path, written, advice):
    """A date typed by YAML is text when quoted; a tag decides the type however it is quoted."""
    events = EVENTS.replace("title: Visit to Karachi", f"title: {written}")
    problem = only_problem(write_store(tmp_path, events=events))

    assert (problem.line, problem.field, problem.message) == (13, "events[1].title", advice)


# Every text of a store, whatever field holds it: YAML escapes write what a file could not.
TEXT_FIELDS = [
    ("sources", "text_file: gazette.txt", 'text_file: "gazette{}.txt"', 8, "sources[0].text_file"),
    ("sources", "title: Trade rises", 'title: "Trade{} rises"', 2, "sources[0].title"),
    ("sources", "publisher: The Gazette", 'publisher: "The{} Gazette"', 3, "sources[0].publisher"),
    ("topics", "synonyms: [commerce]", 'synonyms: ["com{}merce"]', 3, "topics[0].synonyms[0]"),
    ("events", "place: Karachi", 'place: "Kara{}chi"', 14, "events[1].place"),
    ("events", "status: scheduled", 'status: "sched{}uled"', 16, "events[1].status"),
    ("events", "  title: Visit", '  "tit{}le": Visit', 13, "events[1]["),  # in a key
]


@pytest.mark.parametrize(
    ("escape", "named"),
    [
        ("\\e[2J", "control character U+001B"),
        ("\\e]0;pwned\\a", "control character U+001B"),
        ("\\x9b", "control character U+009B"),
        ("\\u202e", "bidi control character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("\\u2067", "bidi control character U+2067 (RIGHT-TO-LEFT ISOLATE)"),
    ],
)
@pytest.mark.parametrize("field", TEXT_FIELDS, ids=lambda field: field[4])
def test_control_and_bidi_characters_are_refused_in_every_field(tmp_path, escape, named, field):
    kind, written, hostile, line, name = field
    text = MINIMAL[f"{kind}.yaml"]
    assert written in text
    root = write_store(tmp_path, **{kind: text.replace(written, hostile.format(escape), 1)})

    problem = only_problem(root)

    assert (problem.file, problem.line) == (f"facts/{kind}.yaml", line)
    assert problem.field == name or (name.endswith("[") and problem.field.startswith(name))
    assert problem.message.startswith(f"{named} at position")
    assert str(problem).isprintable()  # named, never written: not even the key's own name


def test_a_text_longer_than_any_store_needs_is_a_problem_at_its_line(tmp_path):
    events = EVENTS.replace("title: Visit to Karachi", "title: " + "Karachi." * 10_000)
    problem = only_problem(write_store(tmp_path, events=events))

    assert str(problem) == (
        "facts/events.yaml:13: events[1].title: a text of 80,000 characters; a store holds at "
        "most 50,000 in one field"
    )


def test_a_file_larger_than_any_store_needs_is_a_problem_and_not_read_whole(tmp_path):
    padding = "# " + "x" * 1000 + "\n"
    root = write_store(tmp_path, events=EVENTS + padding * 11_000)

    problem = only_problem(root)

    assert str(problem) == (
        "facts/events.yaml: larger than 10 MB, which no store file needs; split it into "
        "several files in a folder events/"
    )


def test_a_record_marked_as_a_draft_is_refused_with_its_line(tmp_path):
    drafted = EVENTS.replace("- id: visit-2025-09\n", "- id: visit-2025-09\n  draft: true\n")
    root = write_store(tmp_path, events=drafted)

    problem = only_problem(root)

    assert (problem.file, problem.line, problem.field) == (
        "facts/events.yaml",
        12,
        "events[1].draft",
    )
    assert problem.message == (
        "an unreviewed draft from `pakru extract`: check it against its quote, correct it, then "
        "remove `draft: true`"
    )
