"""Names as people type them: how a name is folded, and which actors a typed name means.

A typed name and an actor's names are compared as folded words, with case, accents and script set
aside: text in Cyrillic, Urdu or any other script is transliterated to Latin letters by anyascii
(imported only for such text). Words may be the start of a word (`overch`), and, for names, a
small misspelling or another romanisation of a Russian name (Federov, Fyodorov; Aleksei, Alexey);
a name in the Arabic script, which leaves most vowels unwritten, matches by its consonants.

Which actors a name means is decided in bands, the first band that has any answering alone, so
that a common word never drags in everyone whose description happens to hold it:

1. the actor's name, an alias or its id holds every word asked for;
2. a role title, or a name the actor's note quotes (‘the Russian envoy’), holds every word;
3. what was asked holds the whole of the actor's name ("Vladimir Putin" for a store that knows
   only "Putin");
4. the actor's note holds every word.

Within a band, the closest come first: the whole name, then an alias, then every word, then a
whole name misspelt, then some of its words misspelt; words in a row before words scattered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from pakru.domain.records import Actor
from pakru.domain.search import strip_accents

_WORD = re.compile(r"[a-z0-9]+")
_QUOTED = re.compile(r"[‘“\"]([^’”\"]+)[’”\"]")

# Words that say nothing about whom a name means: "the Russian envoy" is asked by its other words.
_FILLER = frozenset({"the", "a", "an", "of", "in", "to", "and", "on", "for", "mr", "ms", "mrs"})

# The spellings that differ between romanisations of the same Russian name, made one for
# comparing (Alexey, Aleksei, Alexei → aleksei; Fyodorov → fedorov). Only these are applied.
_ROMANISATIONS = (("x", "ks"), ("yo", "e"), ("y", "i"), ("ii", "i"))

# How alike two words must be (difflib's ratio, after the romanisations above) to be one
# misspelled for the other, and how long they must be: short words are too easily alike.
_SIMILAR = 0.8
_SIMILAR_LENGTH = 4


def fold_name(text: str) -> str:
    """A name as matched: folded case, no accents or punctuation, in Latin letters
    ("Andrey V. Fedorov" → "andrey v fedorov", "Фёдоров" → "fedorov")."""
    plain = strip_accents(text.casefold())
    if not plain.isascii():
        from anyascii import anyascii  # only for text in another script: answers rarely need it

        plain = anyascii(plain).lower()
    return " ".join(_WORD.findall(plain))


@lru_cache(maxsize=16384)
def name_words(text: str) -> tuple[str, ...]:
    return tuple(fold_name(text).split())


class Match(NamedTuple):
    """How an actor matched a typed name: its band, then its rank in the band (lower first)."""

    band: int
    rank: int


# Ranks in the first band.
WHOLE_NAME, WHOLE_ALIAS, EVERY_WORD, WHOLE_MISSPELT, MISSPELT = range(5)
# Ranks in the description bands.
IN_A_ROW, SCATTERED = range(2)


def asked_words(wanted: str) -> tuple[str, ...]:
    """The words of a typed name that say whom it means (all of them if they are all filler)."""
    words = name_words(wanted)
    telling = tuple(word for word in words if word not in _FILLER)
    return telling or words


def ranked(
    actors: Iterable[Actor], wanted: str, *, closest_only: bool = False
) -> list[tuple[Match, Actor]]:
    """The actors `wanted` means with how each matched: those of the first band with any,
    closest first, then by name. With `closest_only`, misspellings are not looked for once a
    name has every word as typed (they would rank below it)."""
    words = asked_words(wanted)
    if not words:
        return []
    whole = fold_name(wanted)
    pool = list(actors)
    found = [(Match(1, r), a) for a in pool if (r := _by_name(a, whole, words)) is not None]
    if not (found and closest_only):
        named = {a.id for _, a in found}
        alike = _same_consonants if _abjad(wanted) else _alike
        found += [
            (Match(1, r), a)
            for a in pool
            if a.id not in named and (r := _by_name_misspelt(a, words, alike)) is not None
        ]
    for band, test in ((2, _by_description), (3, _inside_query), (4, _by_note)):
        if found:
            break
        found = [(Match(band, r), a) for a in pool if (r := test(a, words)) is not None]
    return sorted(found, key=lambda pair: (pair[0].rank, pair[1].name, pair[1].id))


def _names(actor: Actor) -> list[tuple[str, ...]]:
    """An actor's name, id and aliases as words."""
    return [name_words(n) for n in (actor.name, actor.id.replace("-", " "), *actor.aliases)]


def _by_name(actor: Actor, whole: str, words: tuple[str, ...]) -> int | None:
    """The rank of the closest of an actor's names that has every word as typed, or None."""
    best: int | None = None
    for number, spelled in enumerate(_names(actor)):
        if whole == " ".join(spelled):
            rank = WHOLE_NAME if number < 2 else WHOLE_ALIAS
        elif _holds(spelled, words, _starts):
            rank = EVERY_WORD
        else:
            continue
        best = rank if best is None else min(best, rank)
    return best


def _by_name_misspelt(
    actor: Actor, words: tuple[str, ...], alike: Callable[[str, str], bool]
) -> int | None:
    """The rank of the closest of an actor's names that has every word but for a misspelling."""
    matching = [spelled for spelled in _names(actor) if _holds(spelled, words, alike)]
    if not matching:
        return None
    return WHOLE_MISSPELT if any(len(n) == len(words) for n in matching) else MISSPELT


def _by_description(actor: Actor, words: tuple[str, ...]) -> int | None:
    return _best_in([role.title for role in actor.roles] + _quoted(actor.note), words)


def _inside_query(actor: Actor, words: tuple[str, ...]) -> int | None:
    return 0 if any(_holds(words, name_words(name), _same) for name in actor.names) else None


def _by_note(actor: Actor, words: tuple[str, ...]) -> int | None:
    return _best_in([actor.note] if actor.note else [], words)


def _quoted(note: str | None) -> list[str]:
    """What a note quotes the actor being called (‘the Russian envoy’, ‘SAPM’)."""
    return _QUOTED.findall(note) if note else []


def _best_in(texts: Sequence[str], words: tuple[str, ...]) -> int | None:
    best: int | None = None
    for text in texts:
        spelled = name_words(text)
        if _in_a_row(spelled, words):
            return IN_A_ROW
        if _holds(spelled, words, _starts):
            best = SCATTERED
    return best


def _holds(spelled: Sequence[str], words: Sequence[str], same: Callable[[str, str], bool]) -> bool:
    """Whether every one of `words` is found among `spelled`, as `same` compares them."""
    return bool(spelled) and all(any(same(word, other) for other in spelled) for word in words)


def _in_a_row(spelled: Sequence[str], words: Sequence[str]) -> bool:
    span = len(words)
    return any(
        all(spelled[start + i].startswith(word) for i, word in enumerate(words))
        for start in range(len(spelled) - span + 1)
    )


def _same(word: str, other: str) -> bool:
    return word == other


def _starts(word: str, other: str) -> bool:
    return other.startswith(word)


@lru_cache(maxsize=65536)  # a store's names repeat (there are many Ivanovs): each pair once
def _alike(word: str, other: str) -> bool:
    if other.startswith(word):
        return True
    if len(word) < _SIMILAR_LENGTH or len(other) < _SIMILAR_LENGTH:
        return False
    a, b = _romanised(word), _romanised(other)
    if a == b:
        return True
    if 2 * min(len(a), len(b)) < _SIMILAR * (len(a) + len(b)):  # too different in length
        return False
    import difflib  # only once an exact name has not been found

    return difflib.SequenceMatcher(None, a, b).ratio() >= _SIMILAR


def _abjad(text: str) -> bool:
    """Whether text is written in the Arabic script (Urdu, Persian, Arabic), which leaves most
    vowels unwritten: "عمران خان" transliterates to "mrn khn", not "imran khan"."""
    return any(
        "\u0600" <= char <= "\u06ff"  # Arabic
        or "\ufb50" <= char <= "\ufdff"  # its presentation forms, A
        or "\ufe70" <= char <= "\ufefe"  # and B
        for char in text
    )


@lru_cache(maxsize=65536)
def _same_consonants(word: str, other: str) -> bool:
    """Whether two words have the same consonants, the vowels (and w and y, which the Arabic
    script writes for long vowels) and doubled letters aside: mrn, imran; zrdry, zardari."""
    return _consonants(word) == _consonants(other)


def _consonants(word: str) -> str:
    kept = [char for char in word if char not in "aeiouwy"]
    return "".join(char for i, char in enumerate(kept) if i == 0 or kept[i - 1] != char)


@lru_cache(maxsize=4096)
def _romanised(word: str) -> str:
    for written, said in _ROMANISATIONS:
        word = word.replace(written, said)
    return word


# A name's last word may run on into the word the text uses for what belongs to it, by a few
# letters (Russia → Russian, Pakistan → Pakistani, Israel → Israeli), if it is long enough not
# to be the start of an unrelated word.
_RUN_ON = 3
_RUN_ON_FROM = 4


def named_in(text: str, names: Iterable[str]) -> list[str]:
    """The names that a running text mentions, in the order given.

    A name matches as folded words in a row (case, accents and script aside), so "Andrey V.
    Fedorov" is found in "Consul-General Andrey V. Fedorov said"; a name written in capitals
    (US, PSM, ECO) must stand in the text in the same capitals, or it would match every "us".
    """
    words = name_words(text)
    capitals = set(re.findall(r"\b[A-Z][A-Z0-9]+\b", text))
    starts: dict[str, list[int]] = {}  # where each word stands, and each form a name may end in
    for at, word in enumerate(words):
        for letters in range(_RUN_ON + 1):
            if letters == 0 or len(word) - letters >= _RUN_ON_FROM:
                starts.setdefault(word[: len(word) - letters], []).append(at)
    found = []
    for name in names:
        if name.isupper() and " " not in name:
            if name in capitals:
                found.append(name)
            continue
        wanted = name_words(name)
        if wanted and _in_text(words, starts, wanted):
            found.append(name)
    return found


def _in_text(words: Sequence[str], starts: dict[str, list[int]], wanted: Sequence[str]) -> bool:
    """Whether the words of a name stand in a row, the last perhaps run on into an adjective."""
    *head, last = wanted
    for end in starts.get(last, ()):
        start = end - len(head)
        if start >= 0 and list(words[start:end]) == head:
            return True
    return False
