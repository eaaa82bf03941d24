"""`pakru cite`: references in prose, CSL-JSON and BibTeX, as a user pastes them elsewhere."""

from __future__ import annotations

import json
from typing import Any

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware

from pakru.cli.cite import bibtex_entry, csl_date, csl_type, iso_date, latex_escape, reference
from pakru.domain.records import Source
from pakru.domain.types import Period
from tests.conftest import Invoke

WIRE = (
    "Anna Volkova (2025-03-20). Russia & Pakistan aim for 50% more trade, a $2 billion goal. "
    "Eastern Wire Service. https://wire.example/2025/03/20/russia_pakistan-trade?src=a&b=%2C "
    "(accessed 2026-12-03)."
)
GAZETTE = "The Northern Gazette (2025-03-14). Trade with Russia rises."


def _source(**changes: Any) -> Source:
    fields: dict[str, Any] = {
        "id": "a-source",
        "title": "A title",
        "publisher": None,
        "author": None,
        "published": Period.parse("2025-07-02"),
        "kind": "news",
        "language": "en",
    }
    return Source(**(fields | changes))


# --- text -----------------------------------------------------------------------------------------


def test_a_fact_is_cited_by_each_source_with_what_it_backs(invoke: Invoke) -> None:
    result = invoke("cite", "steel-talks-2025-02")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{GAZETTE}\n"
        "  “Officials signed a protocol on steel cooperation in Moscow last month.”\n"
        "\n"
        f"{WIRE}\n"
        "  says: Russian and Pakistani officials met in February 2025 to discuss metallurgy.\n"
    )


def test_an_actor_cites_each_source_once_with_every_quote_and_its_roles(invoke: Invoke) -> None:
    result = invoke("cite", "ivan-petroff")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{GAZETTE}\n"
        "  “Minister Ivan Petroff, also spelled Ivan Petrov, led the Russian side.”\n"
        "  for the role Minister, 2025-03-14: “Minister Ivan Petroff”\n"
    )


@pytest.mark.parametrize(
    ("source_id", "expected"),
    [
        ("wire-2025-03-20-trade", WIRE),
        ("gazette-2025-03-14", GAZETTE),
        ("bulletin-2025-04-02", "Trade Bulletin (2025-04-02)."),  # no author, no publisher
    ],
)
def test_a_source_is_its_own_reference(invoke: Invoke, source_id: str, expected: str) -> None:
    result = invoke("cite", source_id)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected + "\n"


def test_a_reference_leaves_out_what_the_source_does_not_say() -> None:
    assert reference(_source(title="Why trade?", publisher="Dawn")) == (
        "Dawn (2025-07-02). Why trade?"
    )
    assert reference(_source(author="A. Writer", published=Period.parse("2025-07"))) == (
        "A. Writer (2025-07). A title."
    )
    online = _source(url="https://x.example/a", accessed=Period.parse("2026-01-05"))
    assert reference(online) == "A title (2025-07-02). https://x.example/a (accessed 2026-01-05)."


# --- CSL-JSON ---------------------------------------------------------------------------------


def test_csl_json_gives_zotero_items_field_by_field(invoke: Invoke) -> None:
    result = invoke("cite", "steel-talks-2025-02", "--format", "csl-json")
    assert result.exit_code == 0, result.output
    gazette, wire = json.loads(result.stdout)
    assert gazette == {
        "id": "gazette-2025-03-14",
        "type": "article-newspaper",
        "title": "Trade with Russia rises",
        "container-title": "The Northern Gazette",
        "publisher": "The Northern Gazette",
        "issued": {"date-parts": [[2025, 3, 14]]},
        "language": "en",
        "note": "pakru: gazette-2025-03-14",
    }
    assert wire["id"] == "wire-2025-03-20-trade"
    assert wire["type"] == "article-newspaper"
    assert wire["title"] == "Russia & Pakistan aim for 50% more trade, a $2 billion goal"
    assert wire["container-title"] == wire["publisher"] == "Eastern Wire Service"
    assert wire["author"] == [{"literal": "Anna Volkova"}]
    assert wire["issued"] == {"date-parts": [[2025, 3, 20]]}
    assert wire["accessed"] == {"date-parts": [[2026, 12, 3]]}
    assert wire["URL"] == "https://wire.example/2025/03/20/russia_pakistan-trade?src=a&b=%2C"
    assert wire["language"] == "en"
    assert wire["note"] == "pakru: wire-2025-03-20-trade"


def test_csl_json_of_a_statistics_source_without_url_is_a_report(invoke: Invoke) -> None:
    result = invoke("cite", "bulletin-2025-04-02", "-f", "csl-json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "id": "bulletin-2025-04-02",
            "type": "report",
            "title": "Trade Bulletin",
            "issued": {"date-parts": [[2025, 4, 2]]},
            "language": "en",
            "note": "pakru: bulletin-2025-04-02",
        }
    ]


@pytest.mark.parametrize(
    ("kind", "url", "expected"),
    [
        ("news", None, "article-newspaper"),
        ("wire", "https://x.example/a", "article-newspaper"),
        ("opinion", None, "article-newspaper"),
        ("government", "https://x.example/a", "webpage"),
        ("statistics", "https://x.example/a", "webpage"),
        ("statistics", None, "report"),
        ("government", None, "report"),
        ("reference", None, "book"),
    ],
)
def test_csl_type_follows_the_kind_of_source(kind: str, url: str | None, expected: str) -> None:
    assert csl_type(_source(kind=kind, url=url)) == expected


@pytest.mark.parametrize(
    ("written", "parts", "iso"),
    [
        ("2025-07-11", [[2025, 7, 11]], "2025-07-11"),
        ("2024-12", [[2024, 12]], "2024-12"),
        ("2025", [[2025]], "2025"),
        ("197X", [[1970], [1979]], "1970/1979"),
        ("FY2023-24", [[2023, 7, 1], [2024, 6, 30]], "2023-07-01/2024-06-30"),
        ("2024-07/2025-05", [[2024, 7], [2025, 5]], "2024-07/2025-05"),
        ("1993/1995-03-01", [[1993], [1995, 3, 1]], "1993/1995-03-01"),
        ("FY2022-23/FY2023-24", [[2022, 7, 1], [2024, 6, 30]], "2022-07-01/2024-06-30"),
    ],
)
def test_dates_keep_the_precision_they_are_known_to(
    written: str, parts: list[list[int]], iso: str
) -> None:
    assert csl_date(Period.parse(written)) == {"date-parts": parts}
    assert iso_date(Period.parse(written)) == iso


def test_an_open_interval_is_given_as_written() -> None:
    assert csl_date(Period.parse("2025-06-30/..")) == {"literal": "2025-06-30/.."}
    assert iso_date(Period.parse("../2025-07")) == "../2025-07"


# --- BibTeX -----------------------------------------------------------------------------------


def _parsed(text: str, *, decoded: bool = False) -> dict[str, tuple[str, dict[str, str]]]:
    middleware = [LatexDecodingMiddleware()] if decoded else []
    library = bibtexparser.parse_string(text, append_middleware=middleware)
    assert library.failed_blocks == []
    return {
        entry.key: (entry.entry_type, {f.key: f.value for f in entry.fields})
        for entry in library.entries
    }


def test_bibtex_parses_with_a_real_parser_field_by_field(invoke: Invoke) -> None:
    result = invoke("cite", "steel-talks-2025-02", "-f", "bibtex")
    assert result.exit_code == 0, result.output
    entries = _parsed(result.stdout)
    assert list(entries) == ["gazette-2025-03-14", "wire-2025-03-20-trade"]
    assert entries["gazette-2025-03-14"] == (
        "article",
        {
            "title": "{Trade} with {Russia} rises",
            "journal": "The Northern Gazette",
            "date": "2025-03-14",
            "year": "2025",
            "langid": "english",
        },
    )
    kind, wire = entries["wire-2025-03-20-trade"]
    assert kind == "article"
    assert wire == {
        "author": "Anna Volkova",
        "title": r"{Russia} \& {Pakistan} aim for 50\% more trade, a \$2 billion goal",
        "journal": "Eastern Wire Service",
        "date": "2025-03-20",
        "year": "2025",
        "url": "https://wire.example/2025/03/20/russia_pakistan-trade?src=a&b=%2C",  # verbatim
        "urldate": "2026-12-03",
        "langid": "english",
    }
    _, decoded = _parsed(result.stdout, decoded=True)["wire-2025-03-20-trade"]
    assert decoded["title"] == "Russia & Pakistan aim for 50% more trade, a $2 billion goal"


def test_bibtex_of_a_source_that_is_not_an_article_is_online(invoke: Invoke) -> None:
    result = invoke("cite", "bulletin-2025-04-02", "-f", "bibtex")
    assert result.exit_code == 0, result.output
    assert _parsed(result.stdout) == {
        "bulletin-2025-04-02": (
            "online",
            {
                "title": "{Trade} {Bulletin}",
                "date": "2025-04-02",
                "year": "2025",
                "langid": "english",
            },
        )
    }


def test_bibtex_escapes_what_latex_would_read_as_commands() -> None:
    assert latex_escape("{a} 5% & $1 #2 x_y") == (
        r"\textbraceleft{}a\textbraceright{} 5\% \& \$1 \#2 x\_y"
    )
    assert (
        latex_escape(r"a\b ~ ^ ÜŞ “q”")
        == r"a\textbackslash{}b \textasciitilde{} \textasciicircum{} ÜŞ “q”"
    )
    hostile = _source(
        title="A {brace} 100% & $5 #1 snake_case, no}more",
        publisher="R&D {Lab}",
        author="Smith, John and Jane Roe",
        kind="government",
        language="ru",
        url="https://x.example/{a}?q=50%25",
        accessed=Period.parse("2026-01"),
        published=Period.parse("197X"),
    )
    kind, fields = _parsed(bibtex_entry(hostile))["a-source"]
    assert kind == "online"
    assert fields == {
        "author": "{Smith, John and Jane Roe}",  # one name, not two people
        "title": r"{A} \textbraceleft{}brace\textbraceright{} 100\% \& \$5 \#1 snake\_case, "
        r"no\textbraceright{}more",
        "organization": r"R\&D \textbraceleft{}Lab\textbraceright{}",
        "date": "1970/1979",
        "year": "1970",
        "url": "https://x.example/%7Ba%7D?q=50%25",
        "urldate": "2026-01",
        "langid": "russian",
    }


def test_bibtex_leaves_out_a_language_babel_does_not_name() -> None:
    _, fields = _parsed(bibtex_entry(_source(language="xx")))["a-source"]
    assert "langid" not in fields


# --- errors ---------------------------------------------------------------------------------------


def test_an_unknown_id_is_a_usage_error_naming_the_closest(invoke: Invoke) -> None:
    result = invoke("cite", "steel-talks")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == (
        "pakru: ID: no record matches 'steel-talks'; closest: steel-talks-2025-02\n"
    )


def test_an_unknown_format_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("cite", "steel-talks-2025-02", "-f", "ris")
    assert result.exit_code == 2, result.output
    assert "'ris' is not one of 'text', 'csl-json', 'bibtex'" in result.stderr
