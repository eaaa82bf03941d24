"""References for sources, in prose, CSL-JSON and BibTeX: how a user cites what pakru answers.

A fact or an actor is cited by the sources its citations name (each once, in the order first
named); a source by itself. Every part of a reference comes from the source record: what it does
not say is left out, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pakru.cli.options import CiteFormat
from pakru.cli.render import citation_text, json_text, literal
from pakru.domain.records import ARTICLE_SOURCE_KINDS, Citation, FactStore, Record, Source
from pakru.domain.types import Period, Precision

# --- what a record cites -------------------------------------------------------------------------


def cited(record: Record, store: FactStore) -> list[tuple[Source, list[str]]]:
    """The sources a record rests on, each once in the order first named, with what each backs
    (a quote in quotation marks, or `says: …`); a source rests on itself and backs nothing."""
    if isinstance(record, Source):
        return [(record, [])]
    backing: dict[str, list[str]] = {}
    for label, citation in _citations(record):
        backing.setdefault(citation.source, []).append(label + citation_text(citation))
    return [(store.source(source_id), lines) for source_id, lines in backing.items()]


def _citations(record: Record) -> Iterator[tuple[str, Citation]]:
    """A record's citations, its own first, then an actor's roles', labelled with the role."""
    for citation in getattr(record, "sources", ()):
        yield "", citation
    for role in getattr(record, "roles", ()):
        for citation in role.sources:
            yield f"for the role {role.title}, {role.attested}: ", citation


def cite(record: Record, store: FactStore, fmt: CiteFormat) -> str:
    """The references for `record` in the format asked for."""
    sources = cited(record, store)
    if fmt is CiteFormat.CSL_JSON:
        return json_text([csl_item(source) for source, _ in sources])
    if fmt is CiteFormat.BIBTEX:
        return "\n\n".join(literal(bibtex_entry(source)) for source, _ in sources)
    blocks = [
        "\n".join([reference(source), *(f"  {line}" for line in backed)])
        for source, backed in sources
    ]
    return literal("\n\n".join(blocks))


# --- prose -------------------------------------------------------------------------------------


def _sentence(text: str) -> str:
    """The text ended with a full stop, unless it ends with its own punctuation."""
    text = text.strip()
    return text if re.search(r"[.?!][’”'\"]?$", text) else f"{text}."


def reference(source: Source) -> str:
    """A reference in prose: who (the author, else the publisher) and when, the title, the
    publisher if the author led, then where to find it and when it was read.

    Arab News (2025-07-02). ‘Business must cooperate’: … https://… (accessed 2026-12-03).
    """
    who = source.author or source.publisher
    parts = [f"{who} ({source.published}).", _sentence(source.title)]
    if who is None:  # the title leads instead
        parts = [f"{source.title.strip()} ({source.published})."]
    if source.author and source.publisher:
        parts.append(_sentence(source.publisher))
    if source.url:
        read = f" (accessed {source.accessed})" if source.accessed else ""
        parts.append(f"{source.url}{read}.")
    return " ".join(parts)


# --- CSL-JSON ----------------------------------------------------------------------------------

_CSL_TYPES = dict.fromkeys(ARTICLE_SOURCE_KINDS, "article-newspaper")


def csl_type(source: Source) -> str:
    """News, wire and opinion are newspaper articles; a government or statistics page online is
    a webpage, and offline a report; a reference work is a book."""
    if source.kind in _CSL_TYPES:
        return _CSL_TYPES[source.kind]
    if source.kind == "reference":
        return "book"
    return "webpage" if source.url else "report"


def csl_item(source: Source) -> dict[str, Any]:
    """The source as a CSL-JSON item, with the fields Zotero imports."""
    kind = csl_type(source)
    item: dict[str, Any] = {"id": source.id, "type": kind, "title": source.title}
    if source.publisher:
        # The paper or site an article or page appears in; a book or report has only a publisher.
        if kind in ("article-newspaper", "webpage"):
            item["container-title"] = source.publisher
        item["publisher"] = source.publisher
    if source.author:
        item["author"] = [{"literal": source.author}]
    item["issued"] = csl_date(source.published)
    if source.accessed:
        item["accessed"] = csl_date(source.accessed)
    if source.url:
        item["URL"] = source.url
    item["language"] = source.language
    item["note"] = f"pakru: {source.id}"
    return item


def csl_date(period: Period) -> dict[str, Any]:
    """A CSL date at the precision known: [[y, m, d]], [[y, m]] or [[y]]; a span (a decade, a
    fiscal year, an interval) as its two ends; a span open at one end as its EDTF text."""
    ends = _ends(period)
    if ends is None:
        return {"literal": str(period)}
    return {"date-parts": [_parts(point, at_start) for point, at_start in ends]}


def _ends(period: Period) -> list[tuple[Period, bool]] | None:
    """The points a date is made of, each with whether it stands for its own start: one point,
    or a start and an end; None for an interval open at an end."""
    if period.precision is Precision.INTERVAL:
        start, _, end = period.notation.partition("/")
        if ".." in (start, end):
            return None
        return [(Period.parse(start), True), (Period.parse(end), False)]
    if period.precision in (Precision.DECADE, Precision.FISCAL_YEAR):
        return [(period, True), (period, False)]
    return [(period, True)]


def _parts(point: Period, at_start: bool) -> list[int]:
    day = point.first if at_start else point.last
    assert day is not None  # a single point is never open
    if point.precision in (Precision.DAY, Precision.FISCAL_YEAR):
        return [day.year, day.month, day.day]
    if point.precision is Precision.MONTH:
        return [day.year, day.month]
    return [day.year]


def iso_date(period: Period) -> str:
    """The date as biblatex reads it (ISO 8601, EDTF ranges): a decade or fiscal year as the
    range of its ends, at the precision each is known."""
    ends = _ends(period)
    if ends is None:
        return str(period)
    return "/".join(_iso(_parts(point, at_start)) for point, at_start in ends)


def _iso(parts: list[int]) -> str:
    return "-".join(f"{part:04d}" if i == 0 else f"{part:02d}" for i, part in enumerate(parts))


# --- BibTeX (biblatex) ---------------------------------------------------------------------------

_BIBTEX_ARTICLES = ARTICLE_SOURCE_KINDS
# LaTeX's special characters in text. Braces are written as commands, not \{ and \}: BibTeX
# counts every brace, escaped or not, when it finds where a field ends.
_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SPECIAL = re.compile("|".join(re.escape(char) for char in _LATEX))
# biblatex's langid takes babel's names of languages, not ISO 639 codes.
BABEL_LANGUAGES = {
    "ar": "arabic",
    "de": "ngerman",
    "en": "english",
    "es": "spanish",
    "fa": "persian",
    "fr": "french",
    "hi": "hindi",
    "it": "italian",
    "ru": "russian",
    "tr": "turkish",
    "uk": "ukrainian",
    "ur": "urdu",
    "zh": "chinese",
}


def latex_escape(text: str) -> str:
    """Text with LaTeX's special characters escaped; other characters stay as they are (UTF-8)."""
    return _LATEX_SPECIAL.sub(lambda special: _LATEX[special[0]], text)


def protected_title(text: str) -> str:
    """A title escaped, with every word that holds a capital in braces, so that a style that
    changes the case of titles keeps names as they are (Russia, PSM)."""
    return " ".join(
        f"{{{latex_escape(word)}}}" if any(char.isupper() for char in word) else latex_escape(word)
        for word in text.split()
    )


def _url(url: str) -> str:
    """A URL as biblatex reads it, verbatim: only braces, which would end the field, are
    percent-encoded (the same address)."""
    return url.replace("{", "%7B").replace("}", "%7D")


def bibtex_entry(source: Source) -> str:
    """The source as a biblatex entry: @article for news, wire and opinion (journal: the
    publisher), @online otherwise (organization: the publisher); the key is the source's id."""
    article = source.kind in _BIBTEX_ARTICLES
    fields: list[tuple[str, str]] = []
    if source.author:
        # BibTeX splits authors at " and " and reads a comma as "Last, First": a name with
        # either is kept whole in braces.
        author = latex_escape(source.author)
        whole = " and " in author or "," in author
        fields.append(("author", f"{{{author}}}" if whole else author))
    fields.append(("title", protected_title(source.title)))
    if source.publisher:
        fields.append(("journal" if article else "organization", latex_escape(source.publisher)))
    fields.append(("date", iso_date(source.published)))
    start = source.published.first or source.published.last
    if start is not None:
        fields.append(("year", str(start.year)))
    if source.url:
        fields.append(("url", _url(source.url)))
    if source.accessed:
        fields.append(("urldate", iso_date(source.accessed)))
    if source.language in BABEL_LANGUAGES:
        fields.append(("langid", BABEL_LANGUAGES[source.language]))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{'article' if article else 'online'}{{{source.id},\n{body}\n}}"
