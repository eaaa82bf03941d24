"""Full-text search over every record: parse what the user typed, rank the records that match.

Matching ignores case, accents and the typographic forms of apostrophes and dashes, so `Russia's`
finds `Russia’s` and `turkiye` finds `Türkiye`. A word matches a whole word or the start of one
(`steel` finds `steelmaking`); a "quoted phrase" needs its words next to each other, in order.
Pure functions: nothing here prints or exits.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pakru.errors import UsageError, shown

# A domain module like `query`: the CLI imports it inside the command that searches.
from pakru.records import (
    Actor,
    Agreement,
    Event,
    FactStore,
    Figure,
    Record,
    Source,
    Topic,
)

# The order ties are broken in: the most specific kinds of record first.
RECORD_TYPES = ("figure", "agreement", "event", "actor", "source")

# Each searched field with its weight, in the order `Hit.fields` lists them.
FIELD_WEIGHTS: dict[str, int] = {
    "title": 3,
    "name": 3,
    "subject": 3,
    "aliases": 2,
    "topics": 2,
    "quotes": 1,
    "note": 1,
    "date_note": 1,
    "place": 1,
    "roles": 1,
    "publisher": 1,
    "author": 1,
    "section": 1,
}

_ACCEPTED = (
    'give words that must all match, or a "phrase in double quotes", e.g. steel "steel mill"'
)

# Store texts keep the typography of their sources (README: quotes are copied character for
# character); users type plain ASCII.
_TYPOGRAPHY = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
    }
)


@dataclass(frozen=True)
class Term:
    """One thing that must match: a word, or the words of a phrase, folded."""

    words: tuple[str, ...]
    quoted: bool = False


@dataclass(frozen=True)
class Query:
    """What the user typed, as terms that must all match."""

    text: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Hit:
    """A matching record, its score, the fields that matched and the best one's text."""

    record: Record
    score: float
    fields: tuple[str, ...]
    snippet: str


def fold(text: str) -> str:
    """`text` as matching sees it: casefolded, unaccented, with plain apostrophes and dashes."""
    return "".join(_fold_char(char) for char in text)


def parse_query(text: str) -> Query:
    """Read a query: plain words must all match; a "double-quoted phrase" matches as a phrase."""
    folded = fold(text)
    if not folded.strip():
        raise UsageError(f"nothing to search for; {_ACCEPTED}", "TEXT")
    if folded.count('"') % 2:
        raise UsageError(f"a double quote is not closed; {_ACCEPTED}", "TEXT")
    terms: dict[tuple[str, ...], Term] = {}  # keyed by words, so `steel steel` counts once
    for index, part in enumerate(folded.split('"')):
        quoted = index % 2 == 1
        # A plain word that folds to several words (`co-sponsored`) is matched as a phrase too.
        for chunk in [part] if quoted else part.split():
            words = tuple(_words(chunk))
            if words:
                terms.setdefault(words, Term(words, quoted))
    if not terms:
        raise UsageError(f"{shown(text.strip())} has no letters or digits; {_ACCEPTED}", "TEXT")
    return Query(text, tuple(terms.values()))


def search(
    store: FactStore,
    query: Query,
    *,
    types: set[str] | None = None,
    limit: int | None = None,
    among: set[str] | None = None,
) -> list[Hit]:
    """Every record (or every one whose id is `among`) that matches all the query's terms, best
    first.

    A term scores, in each field it matches, the field's weight × (1 + ln(occurrences)). Ties
    are broken by record type (figure, agreement, event, actor, source), then by id.
    """
    if types is not None and not types <= set(RECORD_TYPES):
        unknown = ", ".join(sorted(types - set(RECORD_TYPES)))
        raise UsageError(f"unknown record type {unknown}; use {', '.join(RECORD_TYPES)}", "--type")
    if limit is not None and limit < 0:
        raise UsageError(f"the limit must be 0 or more, not {limit}", "--limit")
    topics = {topic.id: topic for topic in store.topics}
    hits = [
        hit
        for record in store.records()
        if (types is None or record.record_type in types) and (among is None or record.id in among)
        if (hit := _match(record, _fields(record, topics), query)) is not None
    ]
    rank = {name: i for i, name in enumerate(RECORD_TYPES)}
    hits.sort(key=lambda hit: (-hit.score, rank[hit.record.record_type], hit.record.id))
    return hits if limit is None else hits[:limit]


def match_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Where in `text` the query matches, as sorted, non-overlapping (start, end) offsets.

    A span covers whole words of the original text (all of `steelmaking` for `steel`), and a phrase
    is one span from its first word to its last.
    """
    analysed = _analyse(text)
    spans = sorted(
        analysed.span(start, start + len(term.words))
        for term in query.terms
        for start in _occurrences(analysed.words, term.words)
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# --- folding and words ------------------------------------------------------------------------


def _is_word_char(char: str) -> bool:
    """Whether `char` (one character, or "" past the end of a text) is part of a word."""
    # Marks count as letters: the vowel signs of Indic scripts stay inside their words.
    return char != "" and unicodedata.category(char)[0] in "LNM"


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    # Accents go before casefolding (İ → I, not i + dot) and again after (casefold can compose).
    folded = _strip_accents(_strip_accents(char).casefold()).translate(_TYPOGRAPHY)
    kinds = {_is_word_char(c) for c in folded}
    if len(kinds) > 1:
        # ½ → 1⁄2 or ㏂ → a.m. would put a word boundary inside one character, and a span could
        # then start in the middle of it; keep such a character one piece of a word.
        folded = "".join(c for c in folded if _is_word_char(c))
    return folded


def _word_spans(folded: str) -> Iterator[tuple[int, int]]:
    """The words of folded text as (start, end); an apostrophe between letters stays in a word."""
    start: int | None = None
    for i, char in enumerate(folded):
        if _is_word_char(char):
            if start is None:
                start = i
        elif char == "'" and start is not None and _is_word_char(folded[i + 1 : i + 2]):
            continue
        elif start is not None:
            yield start, i
            start = None
    if start is not None:
        yield start, len(folded)


def _words(folded: str) -> Iterator[str]:
    return (folded[start:end] for start, end in _word_spans(folded))


@dataclass(frozen=True)
class _Analysed:
    """A text's folded words, with where each one stands in the original text."""

    words: tuple[str, ...]
    starts: tuple[int, ...]  # original offset of each word's first character
    ends: tuple[int, ...]  # original offset just past its last character, accents included

    def span(self, first: int, stop: int) -> tuple[int, int]:
        return self.starts[first], self.ends[stop - 1]


@lru_cache(maxsize=4096)
def _analyse(text: str) -> _Analysed:
    # Fold character by character, remembering which original character each folded one came
    # from: folding changes lengths (ﬁ → fi, é as e + accent → e), so offsets differ.
    folded_parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        part = _fold_char(char)
        folded_parts.append(part)
        origin.extend([index] * len(part))
    folded = "".join(folded_parts)
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in _word_spans(folded):
        words.append(folded[start:end])
        starts.append(origin[start])
        stop = origin[end - 1] + 1
        while stop < len(text) and not folded_parts[stop]:  # a combining accent after the word
            stop += 1
        ends.append(stop)
    return _Analysed(tuple(words), tuple(starts), tuple(ends))


def _occurrences(words: tuple[str, ...], wanted: tuple[str, ...]) -> Iterator[int]:
    """Where `wanted` starts in `words`: each of its words begins a word, consecutively."""
    for start in range(len(words) - len(wanted) + 1):
        if all(words[start + i].startswith(word) for i, word in enumerate(wanted)):
            yield start


# --- records ----------------------------------------------------------------------------------


# A field holds entries; an entry is the texts that name one thing: a single text, or a topic's
# name with its synonyms, so that a topic counts once however many of its names match.
_Entry = tuple[str, ...]


def _fields(record: Record, topics: Mapping[str, Topic]) -> dict[str, tuple[_Entry, ...]]:
    """The searchable entries of a record by field name, in `FIELD_WEIGHTS` order."""
    texts: dict[str, tuple[str | None, ...]] = {}
    if isinstance(record, Source):
        texts = {
            "title": (record.title,),
            "note": (record.note,),
            "date_note": (record.date_note,),
            "publisher": (record.publisher,),
            "author": (record.author,),
            "section": (record.section,),
        }
    elif isinstance(record, Actor):
        texts = {
            "name": (record.name,),
            "aliases": record.aliases,
            "quotes": tuple(c.quote for c in record.sources)
            + tuple(c.quote for role in record.roles for c in role.sources),
            "note": (record.note,),
            "date_note": tuple(role.date_note for role in record.roles),
            "roles": tuple(role.title for role in record.roles),
        }
    elif isinstance(record, Figure):
        texts = {"subject": (record.subject,), **_fact_texts(record)}
    elif isinstance(record, Event | Agreement):
        texts = {"title": (record.title,), "place": (record.place,), **_fact_texts(record)}
    fields: dict[str, tuple[_Entry, ...]] = {
        name: tuple((text,) for text in texts.get(name, ()) if text) for name in FIELD_WEIGHTS
    }
    if isinstance(record, Event | Agreement | Figure):
        fields["topics"] = tuple((topics[t].name, *topics[t].synonyms) for t in record.topics)
    return {name: entries for name, entries in fields.items() if entries}


def _fact_texts(record: Event | Agreement | Figure) -> dict[str, tuple[str | None, ...]]:
    return {
        "quotes": tuple(citation.quote for citation in record.sources),
        "note": (record.note,),
        "date_note": (record.date_note,),
    }


def _match(record: Record, fields: dict[str, tuple[_Entry, ...]], query: Query) -> Hit | None:
    score = 0.0
    matched: set[str] = set()
    for term in query.terms:
        term_matched = False
        for name, entries in fields.items():
            count = sum(max(_count(text, term) for text in entry) for entry in entries)
            if count:
                score += FIELD_WEIGHTS[name] * (1 + math.log(count))
                matched.add(name)
                term_matched = True
        if not term_matched:
            return None
    names = tuple(name for name in FIELD_WEIGHTS if name in matched)
    best = max(names, key=lambda name: FIELD_WEIGHTS[name])  # the first of the heaviest
    return Hit(record, score, names, _best_text(fields[best], query))


def _count(text: str, term: Term) -> int:
    return sum(1 for _ in _occurrences(_analyse(text).words, term.words))


def _best_text(entries: tuple[_Entry, ...], query: Query) -> str:
    """The field's text that matches the most terms (the first of those)."""
    texts = [text for entry in entries for text in entry]
    return max(texts, key=lambda text: sum(1 for term in query.terms if _count(text, term)))


def candidate_terms(query: Query, topics: Sequence[Topic]) -> list[list[str]]:
    """What a full-text index must find for a record to be worth ranking: for each query word,
    the word itself or the id of a topic whose name or synonym it starts (a record found through
    its topic has the topic's id, not the synonym, in its text). Each inner list is alternatives."""
    groups: list[list[str]] = []
    for term in query.terms:
        for word in term.words:
            tokens = [token for token in _words(word) if token]
            if not tokens:
                continue
            alternatives = [" ".join(tokens)]
            for topic in topics:
                names = [fold(name) for name in (topic.name, *topic.synonyms)]
                if any(any(w.startswith(word) for w in _words(name)) for name in names):
                    alternatives.append(" ".join(_words(fold(topic.id.replace("-", " ")))))
            groups.append(alternatives)
    return groups
