"""Full-text search over every record: parse what the user typed, and show what it found where.

Matching ignores case, accents and the typographic forms of apostrophes and dashes, so `Russia's`
finds `Russia’s` and `turkiye` finds `Türkiye`. A word matches a whole word or the start of one
(`steel` finds `steelmaking`); a "quoted phrase" needs its words next to each other, in order.
A number and the letters written against it are words apart, so `640MW` is found by `640`, `MW`
and `640 MW`, and `$1.81bn` by `1.81` and `bn`.
The compiled store's full-text index finds, ranks and counts the matches (the words it holds are
`index_columns`); this module says what each one shown matched and where (`described`).
Pure functions: nothing here prints or exits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple

from pakru.domain.errors import UsageError, shown

# A domain module like `query`: the CLI imports it inside the command that searches.
from pakru.domain.records import (
    SEARCHED_TYPES,
    Actor,
    Agreement,
    Event,
    Figure,
    Record,
    Source,
    Topic,
)

RECORD_TYPES = SEARCHED_TYPES  # the order ties are broken in

# Each searched field with its weight, in the order `Hit.fields` lists them: a term weighs the
# weight of the heaviest field it is found in, and a record the sum over the terms.
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


class Term(NamedTuple):
    """One thing that must match: a word, or the words of a phrase, folded."""

    words: tuple[str, ...]
    quoted: bool = False


class Query(NamedTuple):
    """What the user typed, as terms that must all match."""

    text: str
    terms: tuple[Term, ...]


class Hit(NamedTuple):
    """A record the index found, with its score there, the fields the query is found in, the
    text of the best of them and where in that text the query is found."""

    record: Record
    score: int
    fields: tuple[str, ...]
    snippet: str
    spans: tuple[tuple[int, int], ...]


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


def described(record: Record, score: int, query: Query, topics: Mapping[str, Topic]) -> Hit:
    """A record the index found for the query, with what matched where: the fields a term is
    found in, and the text to show, that of the heaviest of them which has the most terms."""
    fields = _fields(record, topics)
    matched = [
        name
        for name, entries in fields.items()
        if any(_count(text, term) for term in query.terms for entry in entries for text in entry)
    ]
    # The index holds these very words, so a record it found has a field that matched; were
    # one not to, its heaviest field would still be the best text to show it by.
    best = max(matched or fields, key=FIELD_WEIGHTS.__getitem__, default=None)  # first heaviest
    snippet = "" if best is None else _best_text(fields[best], query)
    return Hit(record, score, tuple(matched), snippet, tuple(match_spans(snippet, query)))


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


def _word_kind(char: str) -> str | None:
    """What kind of word character `char` is: N, a digit; L, a letter; None, no part of a word
    (nor is "", past the end). Marks count as letters: Indic vowel signs stay inside their words."""
    if char == "":
        return None
    category = unicodedata.category(char)[0]
    return "N" if category == "N" else "L" if category in "LM" else None


def strip_accents(text: str) -> str:
    """Text without its combining accents (é → e), in compatibility form (ﬁ → fi)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    # Accents go before casefolding (İ → I, not i + dot) and again after (casefold can compose).
    folded = strip_accents(strip_accents(char).casefold()).translate(_TYPOGRAPHY)
    kinds = {_word_kind(c) for c in folded}
    if len(kinds) > 1:
        # ½ → 1⁄2, ㏂ → a.m. or ㏠ → 1日 would put a word boundary inside one character, and a span
        # could then start in the middle of it; keep such a character one piece of a word.
        letters = "".join(c for c in folded if _word_kind(c) == "L")
        folded = letters or "".join(c for c in folded if _word_kind(c) == "N")
    return folded


def _word_spans(folded: str) -> Iterator[tuple[int, int]]:
    """The words of folded text as (start, end): runs of letters or runs of digits, so that a
    number and its unit (640MW, $1.81bn) are found by either; an apostrophe between letters
    stays in a word."""
    start: int | None = None
    kind: str | None = None  # of the word under way
    for i, char in enumerate(folded):
        this = _word_kind(char)
        if this is not None:
            if start is None:
                start, kind = i, this
            elif this != kind and unicodedata.category(char)[0] != "M":
                yield start, i
                start, kind = i, this
        elif char == "'" and kind == "L" and _word_kind(folded[i + 1 : i + 2]) == "L":
            continue
        elif start is not None:
            yield start, i
            start = kind = None
    if start is not None:
        yield start, len(folded)


def _words(folded: str) -> Iterator[str]:
    return (folded[start:end] for start, end in _word_spans(folded))


class _Analysed(NamedTuple):
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
    if len(wanted) == 1:  # most terms: one word (the general loop costs five times as much)
        first = wanted[0]
        yield from (start for start, word in enumerate(words) if word.startswith(first))
        return
    for start in range(len(words) - len(wanted) + 1):
        if all(words[start + i].startswith(word) for i, word in enumerate(wanted)):
            yield start


# --- records ----------------------------------------------------------------------------------


# A field holds entries; an entry is the texts that name one thing: a single text, or a topic's
# name with its synonyms, so that a topic counts once however many of its names match.
_Entry = tuple[str, ...]


def _fields(record: Record, topics: Mapping[str, Topic]) -> dict[str, tuple[_Entry, ...]]:
    """The searchable entries of a record by field name, in `FIELD_WEIGHTS` order."""
    texts = _texts(record)
    fields: dict[str, tuple[_Entry, ...]] = {
        name: tuple((text,) for text in texts.get(name, ())) for name in FIELD_WEIGHTS
    }
    if isinstance(record, Event | Agreement | Figure):
        fields["topics"] = tuple((topics[t].name, *topics[t].synonyms) for t in record.topics)
    return {name: entries for name, entries in fields.items() if entries}


def _texts(record: Record) -> dict[str, tuple[str, ...]]:
    """A record's searchable texts by field name, but for its topics (which are named in the
    topic vocabulary, not in the record)."""
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
            "quotes": tuple(c.text for c in record.sources)
            + tuple(c.text for role in record.roles for c in role.sources),
            "note": (record.note,),
            "date_note": tuple(role.date_note for role in record.roles),
            "roles": tuple(role.title for role in record.roles),
        }
    elif isinstance(record, Figure):
        texts = {"subject": (record.subject,), **_fact_texts(record)}
    elif isinstance(record, Event | Agreement):
        texts = {"title": (record.title,), "place": (record.place,), **_fact_texts(record)}
    return {name: tuple(text for text in values if text) for name, values in texts.items()}


def _fact_texts(record: Event | Agreement | Figure) -> dict[str, tuple[str | None, ...]]:
    return {
        "quotes": tuple(citation.text for citation in record.sources),
        "note": (record.note,),
        "date_note": (record.date_note,),
    }


def _count(text: str, term: Term) -> int:
    return sum(1 for _ in _occurrences(_analyse(text).words, term.words))


def _best_text(entries: tuple[_Entry, ...], query: Query) -> str:
    """The field's text that matches the most terms (the first of those)."""
    texts = [text for entry in entries for text in entry]
    return max(texts, key=lambda text: sum(1 for term in query.terms if _count(text, term)))


# --- the full-text index ------------------------------------------------------------------
#
# The compiled store finds and ranks matches in an SQLite FTS5 index that holds, for each record,
# three columns of the folded words of its fields: those of weight 3, 2 and 1. Texts in a column
# are kept apart by a token no query can contain, so that no phrase reaches from one to the next;
# a record's topics are tokens of their ids (their names live in the topic vocabulary, which can
# change without the record changing), and a term's alternatives name the topics it matches. The
# index's tokenizer splits on spaces and ASCII punctuation but the apostrophe, so it sees the
# words `_words` makes: what the index finds is what `described` sees matched.

# What a term weighs in each column of the index, heaviest first: the weight of its fields.
INDEX_WEIGHTS = (3, 2, 1)
_APART = "\ue000"  # between two texts of a column (private use: never a word character)
_TOPIC_MARK = "\ue001"
_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+")


class IndexTerm(NamedTuple):
    """What the index must find for a term: its words in a row (each one the start of a word),
    or one of these topics' tokens (`topic_token`)."""

    words: tuple[str, ...]
    topics: tuple[str, ...]


def index_columns(record: Record) -> tuple[str, str, str]:
    """A record's three columns for the full-text index: its texts of weight 3, 2 and 1."""
    columns: dict[int, list[str]] = {weight: [] for weight in INDEX_WEIGHTS}
    for name, texts in _texts(record).items():
        columns[FIELD_WEIGHTS[name]] += [" ".join(index_words(text)) for text in texts]
    if isinstance(record, Event | Agreement | Figure):
        columns[FIELD_WEIGHTS["topics"]] += [topic_token(topic) for topic in record.topics]
    heavy, middle, light = (f" {_APART} ".join(columns[weight]) for weight in INDEX_WEIGHTS)
    return heavy, middle, light


def index_words(text: str) -> list[str]:
    """The words of `text` as matching sees them, `_words(fold(text))`: quicker for text that is
    ASCII once its apostrophes and dashes are plain, as most of a store is."""
    plain = text.translate(_TYPOGRAPHY)
    if plain.isascii():
        return _ASCII_WORD.findall(plain.lower())
    return list(_words(fold(text)))


def topic_token(topic_id: str) -> str:
    """A topic as one token of the index, which no word of a text or a query can be."""
    return _TOPIC_MARK + _TOPIC_MARK.join(index_words(topic_id))


def index_terms(query: Query, topics: Sequence[Topic]) -> list[IndexTerm]:
    """For each term of the query, what the index must find: its words, or a topic whose name or
    synonym has the term (a record carries its topics by id, not by name)."""
    return [
        IndexTerm(
            term.words,
            tuple(
                topic_token(topic.id)
                for topic in topics
                if any(_count(name, term) for name in (topic.name, *topic.synonyms))
            ),
        )
        for term in query.terms
    ]
