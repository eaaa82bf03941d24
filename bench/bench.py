#!/usr/bin/env python3
"""Benchmark pakru's command line as whole processes, on the shipped store and synthetic ones.

Every timed command is paired with a baseline process run just before it: for queries, a Python
that only imports what pakru's CLI must import (`import typer, rich.console, rich.table`); for
`pakru check`, a Python that parses every store file with PyYAML's C loader. The result is the
median of command/baseline ratios, so a slower or busier machine moves both sides together.

Standard library only. Run it with the interpreter that should run pakru (every child process is
`sys.executable`); see bench/README.md.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from importlib.util import find_spec
from pathlib import Path
from typing import Any

# Bump whenever the generated stores change, so that stores kept in a work dir are rebuilt.
GENERATOR_VERSION = 2
COMMODITIES = {
    "exports": ["kinnow", "rice", "textiles", "surgical instruments"],
    "imports": ["wheat", "crude oil", "coal", "fertiliser"],
}
DEFAULT_SEED = 20250711
DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)

BASELINE_IMPORTS = "import typer, rich.console, rich.table"
# The same imports the way the pakru process runs (pakru/__main__.py): the cyclic collector off
# while importing, and an exit that skips the interpreter's teardown. Not a target, a reference:
# the ratio to it is what pakru's own work costs, apart from what those two settings save.
LEAN_IMPORTS = (
    "import gc; gc.disable(); import typer, rich.console, rich.table; import os; os._exit(0)"
)
# Parse every store file with the C loader alone: the floor for anything that reads the YAML.
YAML_PARSE = (
    "import pathlib, sys, yaml\n"
    "for path in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
    "    with open(path, 'rb') as f:\n"
    "        yaml.load(f, Loader=yaml.CSafeLoader)\n"
)

# What an update after an edit is held to in memory: a process that imports what pakru needs to
# read and validate YAML as well as to answer (issue #13), not only the answer's imports.
UPDATE_IMPORTS = "import typer, rich.console, rich.table, pydantic, yaml"

# Targets from the issue: command time / baseline time, and peak memory / baseline peak memory.
SHIPPED_TARGET = 1.15
QUERY_TARGET = 1.3
AFTER_EDIT_TARGET = 4.0
CHECK_TARGET = 1.3
FIRST_BUILD_TARGET = 1.0  # the first answer from a store never compiled, against the C-loader parse
ANSWER_MEMORY_TARGET = 1.5  # an answer's peak, against the Typer+Rich baseline's
UPDATE_MEMORY_TARGET = 1.3  # the first answer after an edit, against UPDATE_IMPORTS' peak
SIZE_TARGET = 2.0  # the compiled store's bytes, against the bytes of the YAML it holds
# Every row of a large answer as JSON or CSV: no slower than sqlite-utils writing the same rows
# from the exported database, in at most this much memory (the rows are streamed).
STREAM_TARGET = 1.0
STREAM_PEAK_MIB = 150.0

BENCH_DIR = Path(__file__).resolve().parent


# =============================================================================================
# Synthetic stores
# =============================================================================================

FIRST_YEAR, LAST_YEAR = 1970, 2026
LATEST = date(2026, 6, 30)  # the newest source: nothing that "occurred" starts after it
RECORDS_PER_FILE = 200  # a year with more records than this is split over several files

KNOWN_EVENT_ID = "psm-talks-moscow-2025-07-09"
KNOWN_AGREEMENT_ID = "protocol-psm-2025-07-11"  # what `pakru show` asks for
EDIT_FIGURE_ID = "fig-trade-total-fy2023-24"  # the last record of the file the edit case changes

MONTHS = (
    "January February March April May June July August September October November December"
).split()
NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()

PLACES = [
    "Islamabad", "Moscow", "Karachi", "Lahore", "Saint Petersburg", "Kazan", "Yekaterinburg",
    "Peshawar", "Quetta", "Gwadar", "Sochi", "Vladivostok", "Novosibirsk", "Faisalabad", "Multan",
    "Tashkent", "Astana", "Beijing", "Dushanbe", "Tehran", "New York", "Geneva", "Ufa",
    "Samarkand", "Rawalpindi", "Volgograd", "Sialkot", "Krasnodar",
]  # fmt: skip

COUNTRIES: list[tuple[str, str, list[str]]] = [
    ("pakistan", "Pakistan", []),
    ("russia", "Russia", ["Russian Federation", "USSR"]),
    ("china", "China", ["PRC"]),
    ("iran", "Iran", []),
    ("india", "India", []),
    ("afghanistan", "Afghanistan", []),
    ("kazakhstan", "Kazakhstan", []),
    ("uzbekistan", "Uzbekistan", []),
    ("tajikistan", "Tajikistan", []),
    ("kyrgyzstan", "Kyrgyzstan", []),
    ("turkmenistan", "Turkmenistan", []),
    ("turkiye", "Türkiye", ["Turkey"]),
    ("azerbaijan", "Azerbaijan", []),
    ("belarus", "Belarus", []),
    ("united-states", "United States", ["US"]),
    ("saudi-arabia", "Saudi Arabia", []),
    ("united-arab-emirates", "United Arab Emirates", ["UAE"]),
    ("qatar", "Qatar", []),
]
GROUPINGS: list[tuple[str, list[str]]] = [
    ("Shanghai Cooperation Organisation", ["SCO"]),
    ("BRICS", []),
    ("Economic Cooperation Organization", ["ECO"]),
    ("Eurasian Economic Union", ["EAEU"]),
    ("Commonwealth of Independent States", ["CIS"]),
    ("Organisation of Islamic Cooperation", ["OIC"]),
    ("Collective Security Treaty Organization", ["CSTO"]),
]
RUSSIAN_FIRST = "Alexei Sergei Dmitry Andrey Mikhail Nikolai Igor Vladimir Yuri Olga Natalia Elena"
RUSSIAN_LAST = "Ivanov Petrov Overchuk Sokolov Kuznetsov Novak Fedorov Morozov Volkov Popov Orlov"
PAKISTANI_FIRST = "Muhammad Ahmed Ali Hassan Imran Haroon Tariq Khurram Nadeem Ayesha Fatima Sana"
PAKISTANI_LAST = "Khan Akhtar Qureshi Malik Sharif Chaudhry Abbasi Siddiqui Javed Raza Hussain Shah"
# Other spellings the sources use, kept as aliases (the actor's quote must contain each one).
SPELLINGS = {
    "Alexei": "Aleksei", "Sergei": "Sergey", "Dmitry": "Dmitri", "Andrey": "Andrei",
    "Yuri": "Yury", "Natalia": "Natalya", "Fedorov": "Federov", "Muhammad": "Mohammad",
    "Ahmed": "Ahmad", "Haroon": "Harun", "Qureshi": "Kureshi", "Chaudhry": "Chaudhary",
}  # fmt: skip
ORG_PLACES = "Karachi Ural Volga Punjab Sindh Siberian Indus Caspian Baltic Khyber Moscow Lahore"
ORG_SECTORS = (
    "Steel Metallurgical Energy Oil Gas Textile Shipping Railway Grain Fertiliser Engineering "
    "Power Pipeline Trading Pharmaceutical"
)
ORG_TYPES = "Corporation Company Works Group Holding Industries Limited Association"
MINISTRY_AREAS = [
    "Energy", "Industries and Production", "Commerce", "Foreign Affairs", "Finance", "Railways",
    "Maritime Affairs", "Economic Development", "Education", "Health", "Agriculture",
    "Science and Technology", "Petroleum", "Planning", "Defence Production", "Transport",
]  # fmt: skip
ROLE_TITLES = [
    "Deputy Prime Minister", "Minister", "Deputy Minister", "Ambassador to Pakistan",
    "Ambassador to Russia", "Consul-General in Karachi", "Special Assistant to the Prime Minister",
    "Chairman", "Chief Executive", "Trade Representative", "Secretary", "Spokesperson",
]  # fmt: skip

# How a fact about each topic is phrased; every steel phrase says "steel", for `pakru search`.
TOPIC_PHRASES: dict[str, list[str]] = {
    "steel": [
        "the revival of Pakistan Steel Mills", "a new steel mill in Karachi",
        "steel industry cooperation", "modernising steel production", "supplies of steel billets",
    ],
    "trade": ["bilateral trade", "barter trade", "trade in goods and services", "customs rules"],
    "energy": ["power generation", "the modernisation of thermal power plants", "energy security"],
    "oil-and-gas": ["crude oil supplies", "the Pakistan Stream gas pipeline", "LPG deliveries"],
    "finance": ["investment protection", "payments in national currencies", "banking links"],
    "education": ["academic exchange", "scholarships for students", "university partnerships"],
    "health": ["pharmaceutical production", "healthcare cooperation", "medical training"],
    "transport": ["direct flights", "rail freight corridors", "logistics links"],
    "agriculture": ["wheat supplies", "fertiliser deliveries", "food security"],
    "technology": ["information technology", "science and technology", "e-government systems"],
    "diplomacy": ["bilateral relations", "political consultations", "a state visit"],
    "security": ["regional security", "counter-terrorism cooperation", "the ceasefire"],
    "disaster-risk": ["disaster risk reduction", "early warning systems", "flood response"],
    "industry": ["industrial cooperation", "engineering projects", "the industrial base"],
    "infrastructure": ["infrastructure development", "construction projects", "port facilities"],
}  # fmt: skip
TOPIC_WEIGHTS = {"trade": 25, "diplomacy": 20, "energy": 12, "steel": 12, "oil-and-gas": 8}
PUBLISHERS = [
    "Dawn", "The Express Tribune", "The News International", "Arab News", "TASS", "RIA Novosti",
    "Business Recorder", "Associated Press of Pakistan", "Interfax", "Kommersant",
    "Ministry of Foreign Affairs of Pakistan", "State Bank of Pakistan", None,
]  # fmt: skip

_PLAIN = re.compile(r"[A-Za-z][^:#\[\]{},\"'\n\t&*!|>%@`]*")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


def slug(text: str) -> str:
    """A store id from any text: lowercase ASCII letters and digits joined by single hyphens."""
    folded = text.lower().replace("ü", "u").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


@dataclass(frozen=True)
class When:
    """A date or period as the store writes it, with its first and last possible day."""

    text: str
    first: date | None
    last: date | None

    @property
    def year(self) -> int:
        day = self.first or self.last
        assert day is not None
        return day.year

    @property
    def anchor(self) -> date:
        """The day a source reporting this must be published on or after."""
        if self.last is not None and self.last <= LATEST:
            return self.last
        assert self.first is not None
        return self.first


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def fiscal_text(start_year: int) -> str:
    return f"FY{start_year}-{(start_year + 1) % 100:02d}"


def fiscal_when(start_year: int) -> When:
    return When(fiscal_text(start_year), date(start_year, 7, 1), date(start_year + 1, 6, 30))


class Lit(str):
    """A scalar already written as YAML (a quoted quote, an unquoted date)."""


def yaml_scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, Lit):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(item) for item in value) + "]"
    text = str(value)
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def single_quoted(text: str) -> Lit:
    return Lit("'" + text.replace("'", "''") + "'")


def yaml_record(record: dict[str, Any]) -> str:
    """One `- key: value` item of a store file, nested lists of mappings in block style."""
    lines: list[str] = []
    _yaml_mapping(record, "  ", "- ", lines)
    return "\n".join(lines) + "\n"


def _yaml_mapping(mapping: dict[str, Any], indent: str, lead: str, lines: list[str]) -> None:
    prefix = lead
    for key, value in mapping.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{prefix}{key}:")
            for item in value:
                _yaml_mapping(item, indent + "    ", indent + "  - ", lines)
        else:
            lines.append(f"{prefix}{key}: {yaml_scalar(value)}")
        prefix = indent


@dataclass
class Fact:
    """A generated record, with what is needed to file it and to count what queries will find."""

    kind: str  # sources, actors, events, agreements, figures
    record: dict[str, Any]
    sort_key: tuple[date, str]
    file_stem: str  # the year, or the group of actors, that names its file


@dataclass
class StoreInfo:
    """What the benchmark needs to know about a generated store (kept in its marker file)."""

    facts: int
    path: Path
    counts: dict[str, int]
    files: int
    bytes: int
    edit_file: str  # relative to the store; its last line is a figure's note
    known_id: str
    expected: dict[str, int]  # rough counts of what the benchmark queries hit
    build_seconds: float  # how long generating it took
    reused: bool  # generated by an earlier run


class StoreGenerator:
    """Builds a store of `facts` facts (events + agreements + figures), deterministically."""

    def __init__(self, facts: int, seed: int, topics_text: str) -> None:
        self.rng = random.Random(f"pakru-bench-{seed}-{facts}")
        self.facts = facts
        self.topics_text = topics_text
        self.topic_ids = re.findall(r"^- id: *([a-z0-9-]+)", topics_text, re.M)
        for needed in ("steel", "trade"):
            if needed not in self.topic_ids:
                raise SystemExit(f"bench: the shipped topics.yaml has no {needed!r} topic")
        self.topic_weights = [TOPIC_WEIGHTS.get(t, 3) for t in self.topic_ids]
        self.years = list(range(FIRST_YEAR, LAST_YEAR + 1))
        # A growing store: recent years hold many more records than the 1970s.
        self.year_weights = [(y - FIRST_YEAR + 10) ** 2 for y in self.years]
        self.ids: set[str] = set()
        self.next_suffix: dict[str, int] = {}
        self.out: list[Fact] = []
        self.source_lasts: list[date] = []
        self.source_ids: list[str] = []
        self.source_years: dict[str, int] = {}
        self.read_online: set[str] = set()  # sources without a kept text: cited with `says`
        self.names: dict[str, str] = {}  # actor id → name
        self.countries: list[str] = []
        self.bodies: list[str] = []  # organisations, government bodies and groupings
        self.people: list[str] = []
        self.events_by_year: dict[int, list[tuple[str, When, str | None]]] = {}
        self.expected = {"steel_events_since_2024_09": 0, "records_saying_steel": 0}
        self.trade = TradeSeries(self.rng)

    # --- helpers ------------------------------------------------------------------------------

    def unique(self, base: str) -> str:
        base = slug(base)
        if base not in self.ids:
            self.ids.add(base)
            return base
        n = self.next_suffix.get(base, 2)
        while f"{base}-{n}" in self.ids:
            n += 1
        self.next_suffix[base] = n + 1
        self.ids.add(f"{base}-{n}")
        return f"{base}-{n}"

    def year(self, last: int = LAST_YEAR) -> int:
        while True:
            year = self.rng.choices(self.years, self.year_weights)[0]
            if year <= last:
                return year

    def day_in(self, year: int, latest: date = LATEST) -> date:
        start = date(year, 1, 1)
        end = min(date(year, 12, 31), latest)
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

    def when(self, year: int, fiscal: bool = False) -> When:
        """A date in `year` at a mixed precision, starting no later than LATEST."""
        rng = self.rng
        day = self.day_in(year)
        roll = rng.random()
        if fiscal and roll < 0.03 and date(year, 7, 1) <= LATEST:
            return fiscal_when(year)
        if roll < 0.45:
            return When(day.isoformat(), day, day)
        if roll < 0.70:
            return When(day.isoformat()[:7], day.replace(day=1), month_end(year, day.month))
        if roll < 0.80:
            return When(str(year), date(year, 1, 1), date(year, 12, 31))
        if roll < 0.85:
            end = min(day + timedelta(days=rng.randint(1, 4)), LATEST)
            end = max(end, day)
            return When(f"{day.isoformat()}/{end.isoformat()}", day, end)
        if roll < 0.90:
            y, m = add_months(year, day.month, rng.randint(2, 11))
            if date(y, m, 1) > LATEST:
                y, m = LATEST.year, LATEST.month
            if (y, m) <= (year, day.month):
                return When(day.isoformat(), day, day)
            return When(
                f"{day.isoformat()[:7]}/{y:04d}-{m:02d}", day.replace(day=1), month_end(y, m)
            )
        if roll < 0.93 and year < LAST_YEAR - 1:
            end_year = min(year + rng.randint(1, 3), LAST_YEAR - 1)
            return When(f"{year}/{end_year}", date(year, 1, 1), date(end_year, 12, 31))
        if roll < 0.96:
            return When(f"../{day.isoformat()[:7]}", None, month_end(year, day.month))
        if roll < 0.98:
            return When(f"{day.isoformat()}/..", day, None)
        if year < 2000:
            decade = year // 10 * 10
            return When(f"{decade // 10}X", date(decade, 1, 1), date(decade + 9, 12, 31))
        return When(day.isoformat(), day, day)

    def future_when(self, after: date) -> When:
        """A date after `after`, for something scheduled, expected or proposed."""
        day = after + timedelta(days=self.rng.randint(10, 400))
        roll = self.rng.random()
        if roll < 0.5:
            return When(day.isoformat(), day, day)
        if roll < 0.8:
            return When(day.isoformat()[:7], day.replace(day=1), month_end(day.year, day.month))
        if roll < 0.9:
            return When(f"{day.isoformat()}/..", day, None)
        end = day + timedelta(days=self.rng.randint(1, 3))
        return When(f"{day.isoformat()}/{end.isoformat()}", day, end)

    def date_value(self, when: When) -> object:
        """Dates as people write them: sometimes quoted, sometimes left for YAML to read."""
        if "/" in when.text or self.rng.random() < 0.5:
            return Lit(json.dumps(when.text))
        return Lit(when.text)

    def topics(self, first: str | None = None) -> list[str]:
        chosen = [first] if first else []
        for _ in range(self.rng.choice((1, 1, 2, 2, 3)) - len(chosen)):
            topic = self.rng.choices(self.topic_ids, self.topic_weights)[0]
            if topic not in chosen:
                chosen.append(topic)
        return chosen or ["trade"]

    def phrase(self, topic: str) -> str:
        phrases = TOPIC_PHRASES.get(topic) or [topic.replace("-", " ")]
        return self.rng.choice(phrases)

    def source_after(self, day: date) -> str:
        """A source published on or shortly after `day` (the newest one if none is later)."""
        i = bisect.bisect_left(self.source_lasts, day)
        if i >= len(self.source_ids):
            return self.source_ids[-1]
        window = max(3, len(self.source_ids) // 40)
        return self.source_ids[self.rng.randrange(i, min(len(self.source_ids), i + window))]

    def source_before(self, day: date) -> str:
        """A source published before `day`, for something it reports as still to come."""
        i = bisect.bisect_left(self.source_lasts, day)
        if i == 0:
            return self.source_ids[0]
        window = max(3, len(self.source_ids) // 40)
        return self.source_ids[self.rng.randrange(max(0, i - window), i)]

    def source_any(self) -> tuple[str, date]:
        i = self.rng.randrange(len(self.source_ids))
        return self.source_ids[i], self.source_lasts[i]

    def citations(
        self, anchor: date | None, quotes: Sequence[str], before: date | None = None
    ) -> list[dict[str, Any]]:
        """Citations from sources published after `anchor` (or before `before`, or any)."""
        cited = []
        for quote in quotes:
            if anchor is not None:
                source = self.source_after(anchor)
            elif before is not None:
                source = self.source_before(before)
            else:
                source = self.source_any()[0]
            kind = "says" if source in self.read_online else "quote"
            cited.append({"source": source, kind: single_quoted(quote)})
        return cited

    def add(self, kind: str, record: dict[str, Any], when: When | None, stem: str) -> None:
        key = (when.first or when.last or date.min) if when else date.min
        self.out.append(Fact(kind, record, (key, record["id"]), stem))
        text = " ".join(str(v) for v in record.values()).casefold()
        if kind != "actors" and "steel" in text:
            self.expected["records_saying_steel"] += 1

    # --- records ------------------------------------------------------------------------------

    def generate(self) -> list[Fact]:
        n_events = round(self.facts * 0.40)
        n_agreements = round(self.facts * 0.25)
        n_figures = self.facts - n_events - n_agreements
        self.gen_sources(max(3, self.facts // 50))
        self.gen_actors(max(len(COUNTRIES) + 4, self.facts // 20))
        self.known_event()
        for _ in range(n_events - 1):
            self.gen_event()
        self.known_agreement()
        for _ in range(n_agreements - 1):
            self.gen_agreement()
        self.edit_figure()
        for _ in range(n_figures - 1):
            self.gen_figure()
        return self.out

    def gen_sources(self, count: int) -> None:
        rows: list[tuple[date, When]] = []
        for i in range(count):
            if i == 0:
                day = LATEST
            else:
                day = self.day_in(self.year())
            roll = self.rng.random()
            if roll < 0.85 or i == 0:
                when = When(day.isoformat(), day, day)
            elif roll < 0.97:
                when = When(day.isoformat()[:7], day.replace(day=1), month_end(day.year, day.month))
            else:
                when = When(str(day.year), date(day.year, 1, 1), date(day.year, 12, 31))
            rows.append((min(when.last or LATEST, LATEST), when))
        rows.sort(key=lambda row: row[0])
        for i, (last, when) in enumerate(rows):
            publisher = self.rng.choice(PUBLISHERS)
            topic = self.rng.choices(self.topic_ids, self.topic_weights)[0]
            headline = self.rng.choice(
                [
                    "Pakistan and Russia agree to expand cooperation in {p}",
                    "Russia seeks closer ties with Pakistan on {p}",
                    "Talks in {place} focus on {p}",
                    "Pakistan–Russia commission reviews progress on {p}",
                    "Opinion: what next for {p}",
                ]
            ).format(p=self.phrase(topic), place=self.rng.choice(PLACES))
            source_id = self.unique(f"{slug(publisher or 'report')}-{when.text}")
            record: dict[str, Any] = {
                "id": source_id,
                "title": headline,
                "publisher": publisher,
                "author": self.person_name()[0] if self.rng.random() < 0.4 else None,
                "published": self.date_value(when),
                "kind": self.rng.choice(["news", "news", "news", "wire", "government", "opinion"]),
                "language": "en",
                "text_file": f"{i:05d}_{self.rng.getrandbits(64):016x}.txt",
            }
            # As in the real store, most sources are read online: a URL, and `says` citations.
            if i > 0 and self.rng.random() < 0.7:
                del record["text_file"]
                record["url"] = f"https://news.example/{when.text}/{source_id}"
                record["accessed"] = "2026-12-03"
                self.read_online.add(source_id)
            if self.rng.random() < 0.2:
                record["date_note"] = f"The date {when.text} is the one printed with the article."
            if self.rng.random() < 0.15:
                record["note"] = "The text names no author; the headline is the original one."
            self.source_lasts.append(last)
            self.source_ids.append(source_id)
            self.source_years[source_id] = when.year
            self.add("sources", record, when, str(when.year))

    def person_name(self) -> tuple[str, list[str], str]:
        """A name, the other spellings of it, and the person's country."""
        russian = self.rng.random() < 0.5
        first = self.rng.choice((RUSSIAN_FIRST if russian else PAKISTANI_FIRST).split())
        last = self.rng.choice((RUSSIAN_LAST if russian else PAKISTANI_LAST).split())
        name = f"{first} {last}"
        aliases: list[str] = []
        variant = f"{SPELLINGS.get(first, first)} {SPELLINGS.get(last, last)}"
        if variant != name:
            aliases.append(variant)
        if self.rng.random() < 0.3:
            aliases.append(f"{first[0]}. {last}")
        return name, aliases, "russia" if russian else "pakistan"

    def name_quote(self, name: str, aliases: list[str]) -> str:
        predicate = self.rng.choice(
            [
                "took part in the talks",
                "welcomed the agreement",
                "said cooperation would expand",
                "signed the documents on behalf of its side",
                "hosted the delegation",
            ]
        )
        if not aliases:
            return f"{name} {predicate}."
        return f"{name} (also {' and '.join(aliases)} in some reports) {predicate}."

    def add_actor(
        self,
        name: str,
        kind: str,
        aliases: list[str],
        country: str | None,
        roles: list[dict[str, Any]],
        group: str,
    ) -> str:
        actor_id = self.unique(name)
        self.names[actor_id] = name
        sources = self.citations(None, [self.name_quote(name, aliases)])
        if self.rng.random() < 0.3:
            sources += self.citations(None, [f"{name} {self.rng.choice(['said', 'added'])} so."])
        record = {
            "id": actor_id,
            "name": name,
            "kind": kind,
            "aliases": aliases,
            "country": country,
            "roles": roles,
            "sources": sources,
        }
        self.add("actors", record, None, group)
        return actor_id

    def gen_actors(self, count: int) -> None:
        for actor_id, name, aliases in COUNTRIES:
            self.ids.add(actor_id)
            self.names[actor_id] = name
            record = {
                "id": actor_id,
                "name": name,
                "kind": "country",
                "aliases": aliases,
                "country": None,
                "roles": [],
                "sources": self.citations(None, [self.name_quote(name, aliases)]),
            }
            self.add("actors", record, None, "countries")
            self.countries.append(actor_id)
        others = count - len(COUNTRIES)
        n_bodies = others * 45 // 100
        for i in range(n_bodies):
            country = self.rng.choice(["pakistan", "russia", "pakistan", "russia", "china"])
            roll = self.rng.random()
            if i < len(GROUPINGS):
                name, aliases = GROUPINGS[i]
                kind, country_of = "grouping", None
            elif roll < 0.5:
                words = [self.rng.choice(part.split()) for part in (ORG_PLACES, ORG_SECTORS)]
                name = f"{words[0]} {words[1]} {self.rng.choice(ORG_TYPES.split())}"
                aliases = ["".join(w[0] for w in name.split())] if self.rng.random() < 0.6 else []
                kind, country_of = "organisation", country
            else:
                area = self.rng.choice(MINISTRY_AREAS)
                name = f"Ministry of {area} of {self.names[country]}"
                aliases = [f"Ministry of {area}"] if self.rng.random() < 0.5 else []
                kind, country_of = "government-body", country
            self.bodies.append(self.add_actor(name, kind, aliases, country_of, [], "organisations"))
        for _ in range(others - n_bodies):
            name, aliases, country = self.person_name()
            roles = []
            for _ in range(self.rng.choice((0, 1, 1, 2))):
                title = self.rng.choice(ROLE_TITLES)
                attested = self.when(self.year())
                role: dict[str, Any] = {
                    "title": title,
                    "organisation": self.rng.choice([*self.bodies, country]),
                    "attested": self.date_value(attested),
                    "sources": self.citations(
                        attested.anchor, [f"{title} {name} said the talks went well."]
                    ),
                }
                if self.rng.random() < 0.2:
                    role["date_note"] = f"Attested in a report of {attested.text}."
                roles.append(role)
            self.people.append(self.add_actor(name, "person", aliases, country, roles, "people"))

    def pick_actors(self) -> list[str]:
        chosen = ["pakistan", "russia"] if self.rng.random() < 0.7 else [self.countries[0]]
        for _ in range(self.rng.randint(0, 2)):
            pool = self.people if self.rng.random() < 0.6 and self.people else self.bodies
            pool = pool or self.countries
            actor = self.rng.choice(pool)
            if actor not in chosen:
                chosen.append(actor)
        return chosen

    def fact_date(self, statuses: tuple[str, ...]) -> tuple[When, str, date | None]:
        """When a fact happened, its status, and the day its sources must be published after."""
        if self.rng.random() < 0.08:  # reported before it happened: scheduled, expected, ...
            _, published = self.source_any()
            when = self.future_when(published)
            return when, self.rng.choice(statuses[1:]), None
        when = self.when(self.year(), fiscal=True)
        return when, statuses[0], when.anchor

    def known_event(self) -> None:
        when = When("2025-07-09", date(2025, 7, 9), date(2025, 7, 9))
        record: dict[str, Any] = {
            "id": self.unique(KNOWN_EVENT_ID),
            "date": Lit('"2025-07-09"'),
            "title": "Pakistani delegation holds talks in Moscow on the revival of Pakistan Steel "
            "Mills",
            "place": "Moscow",
            "actors": ["pakistan", "russia"],
            "status": "occurred",
            "topics": ["steel", "industry", "diplomacy"],
            "sources": self.citations(
                when.anchor,
                [
                    "On July 9, a Pakistani delegation met Russian officials in Moscow to discuss "
                    "the revival of Pakistan Steel Mills."
                ],
            ),
        }
        self.events_by_year.setdefault(2025, []).append((record["id"], when, "Moscow"))
        self.expected["steel_events_since_2024_09"] += 1
        self.add("events", record, when, "2025")

    def gen_event(self) -> None:
        rng = self.rng
        when, status, anchor = self.fact_date(
            ("occurred", "scheduled", "expected", "proposed", "pending")
        )
        topics = self.topics()
        phrase = self.phrase(topics[0])
        place = rng.choice(PLACES) if rng.random() < 0.9 else None
        where = place or "the capital"
        actors = self.pick_actors()
        names = [self.names[a] for a in actors]
        other = names[-1]
        template = rng.randrange(5)
        if template == 0:
            title = f"{names[0]} and {names[1] if len(names) > 1 else 'partners'} hold talks in "
            title += f"{where} on {phrase}"
            base = f"talks-{where}"
        elif template == 1:
            title = f"{other} visits {where} to discuss {phrase}"
            base = f"{other.split()[-1]}-visit-{where}"
        elif template == 2:
            title = f"Pakistan–Russia working group on {phrase} meets in {where}"
            base = f"working-group-{topics[0]}"
        elif template == 3:
            title = f"{other} delegation arrives in {where} for talks on {phrase}"
            base = f"delegation-{where}"
        else:
            title = f"Conference on {phrase} opens in {where}"
            base = f"conference-{topics[0]}-{where}"
        event_id = self.unique(f"{base}-{when.text}")
        verb = "held" if status == "occurred" else "will hold"
        quotes = [f"Officials from {names[0]} {verb} talks in {where} on {phrase}, officials said."]
        if rng.random() < 0.3:
            quotes.append(f"{other} described the meeting on {phrase} as productive.")
        record: dict[str, Any] = {
            "id": event_id,
            "date": self.date_value(when),
            "title": title,
            "place": place,
            "actors": actors,
            "status": status,
            "topics": topics,
            "sources": self.citations(anchor, quotes, before=when.first),
        }
        if rng.random() < 0.2:
            record["date_note"] = f"‘last month’ in an article of the following month: {when.text}."
        if rng.random() < 0.15:
            record["note"] = f"The report does not name the other participants from {where}."
        if status == "occurred":
            self.events_by_year.setdefault(when.year, []).append((event_id, when, place))
        if "steel" in topics and (when.last is None or when.last >= date(2024, 9, 1)):
            self.expected["steel_events_since_2024_09"] += 1
        self.add("events", record, when, str(when.year))

    def known_agreement(self) -> None:
        when = When("2025-07-11", date(2025, 7, 11), date(2025, 7, 11))
        self.ids.add(KNOWN_AGREEMENT_ID)
        record = {
            "id": KNOWN_AGREEMENT_ID,
            "title": "Protocol to restore and modernise the Pakistan Steel Mills (PSM) in Karachi",
            "kind": "protocol",
            "date": Lit('"2025-07-11"'),
            "place": "Moscow",
            "parties": ["pakistan", "russia"],
            "status": "signed",
            "topics": ["steel", "industry"],
            "sources": self.citations(
                when.anchor,
                [
                    "Pakistan and Russia signed a protocol on July 11 in Moscow to restore and "
                    "modernise the Pakistan Steel Mills (PSM) in Karachi."
                ],
            ),
            "event": KNOWN_EVENT_ID,
            "date_note": "‘on July 11’ without a year in an article of July 2025: 2025-07-11.",
        }
        self.add("agreements", record, when, "2025")

    def gen_agreement(self) -> None:
        rng = self.rng
        kind = rng.choice(
            ["agreement", "mou", "mou", "protocol", "roadmap", "commitment", "resolution"]
            + ["proposal", "offer"]
        )
        done = {"commitment": "reaffirmed", "resolution": "agreed", "roadmap": "agreed"}
        pending = {"proposal": "proposed", "offer": "proposed"}
        topics = self.topics()
        phrase = self.phrase(topics[0])
        parties = self.pick_actors()
        if len(parties) < 2:
            parties.append("russia" if parties[0] != "russia" else "pakistan")
        event = None
        place = rng.choice(PLACES) if rng.random() < 0.7 else None
        if kind in pending:
            when, status, anchor = self.fact_date(("proposed", "proposed", "expected"))
        elif rng.random() < 0.2 and self.events_by_year:
            year = self.year()
            signed_at = self.events_by_year.get(year) or self.events_by_year[2025]
            event, when, place = rng.choice(signed_at)
            status, anchor = done.get(kind, "signed"), when.anchor
        else:
            when, status, anchor = self.fact_date((done.get(kind, "signed"), "planned", "expected"))
        count = rng.randint(2, 12) if kind == "mou" and rng.random() < 0.3 else None
        first = self.names[parties[0]]
        titles = {
            "agreement": f"Agreement on cooperation in {phrase}",
            "mou": f"Memorandum of Understanding on {phrase}",
            "protocol": f"Protocol on {phrase}",
            "roadmap": f"Roadmap for {phrase}",
            "commitment": f"{first}’s commitment to support {phrase}",
            "resolution": f"Joint resolution on {phrase}",
            "proposal": f"Proposal for {phrase}",
            "offer": f"{first} offers assistance with {phrase}",
        }
        title = titles[kind]
        if count:
            title = f"{NUMBER_WORDS[count].capitalize()} Memoranda of Understanding on {phrase}"
        verb = {"signed": "signed", "agreed": "agreed on", "reaffirmed": "reaffirmed"}.get(
            status, "discussed"
        )
        quote = f"The two sides {verb} a {kind} on {phrase}"
        if count:
            quote = f"{NUMBER_WORDS[count].capitalize()} MoUs on {phrase} were {verb}"
        record: dict[str, Any] = {
            "id": self.unique(f"{kind}-{topics[0]}-{when.text}"),
            "title": title,
            "kind": kind,
            "date": self.date_value(when),
            "place": place,
            "parties": parties,
            "status": status,
            "topics": topics,
            "sources": self.citations(anchor, [quote + "."], before=when.first),
        }
        if event:
            record["event"] = event
        if count:
            record["count"] = count
        if rng.random() < 0.15:
            record["note"] = "The text does not list the documents individually."
        self.add("agreements", record, when, str(when.year))

    def edit_figure(self) -> None:
        """The figure the edit case changes: FY2023-24 trade, last in its file, with a note."""
        period = fiscal_when(2023)
        stated, value = usd_stated(Decimal(self.trade.value("trade_total", period)), 9, 2, False)
        self.ids.add(EDIT_FIGURE_ID)
        record = {
            "id": EDIT_FIGURE_ID,
            "metric": "trade_total",
            "subject": "Pakistan–Russia trade",
            "value": value,
            "unit": "USD",
            "stated": stated,
            "period": period.text,
            "qualifier": "exact",
            "basis": "reported",
            "topics": ["trade"],
            "sources": self.citations(
                period.anchor, [f"Bilateral trade reached a historic high of {stated} in 2023–24."]
            ),
            "note": "Reviewed for the benchmark.",
        }
        self.add("figures", record, period, "2023")

    def gen_figure(self) -> None:
        if self.rng.random() < 0.6:
            self.trade_figure()
        else:
            self.other_figure()

    def trade_figure(self) -> None:
        rng = self.rng
        metric = rng.choices(["trade_total", "exports", "imports", "trade_growth"], [4, 2, 2, 2])[0]
        fy = self.year(last=2025)
        roll = rng.random()
        if metric == "trade_growth" or roll < 0.6 or fy == 2025:
            period = fiscal_when(fy)
            words = rng.choice(
                [f"{fy}–{(fy + 1) % 100:02d}", f"FY{(fy + 1) % 100:02d}",
                 f"the fiscal year {fy}-{(fy + 1) % 100:02d}", f"July {fy} till June {fy + 1}"]
            )  # fmt: skip
        elif roll < 0.75:
            y, m = add_months(fy, 7, rng.randrange(12))
            period = When(f"{y:04d}-{m:02d}", date(y, m, 1), month_end(y, m))
            words = f"{MONTHS[m - 1]} {y}"
        elif roll < 0.85:
            q = rng.randrange(4)
            y1, m1 = add_months(fy, 7, 3 * q)
            y2, m2 = add_months(y1, m1, 2)
            text = f"{y1:04d}-{m1:02d}/{y2:04d}-{m2:02d}"
            period = When(text, date(y1, m1, 1), month_end(y2, m2))
            words = f"{MONTHS[m1 - 1]}–{MONTHS[m2 - 1]} {y2}"
        elif roll < 0.95:
            period = When(str(fy), date(fy, 1, 1), date(fy, 12, 31))
            words = f"calendar year {fy}"
        else:
            text = f"{fy:04d}-07/{fy + 1:04d}-05"
            period = When(text, date(fy, 7, 1), month_end(fy + 1, 5))
            words = f"July {fy} till May {fy + 1}"
        qualifier = rng.choices(["exact", "about", "more than", "over"], [85, 5, 5, 5])[0]
        floor = qualifier in ("more than", "over")
        true = self.trade.value(metric, period)
        if metric == "trade_growth" and true <= 0:
            qualifier, floor = "exact", False  # a fall, stated as its size: "fell 12.4 percent"
        # Real reporting also gives one good's share of a flow (wheat, crude oil), and names
        # the body whose number it is.
        good = None
        if metric in ("exports", "imports") and rng.random() < 0.25:
            good = rng.choice(COMMODITIES[metric])
            true *= rng.uniform(0.05, 0.4)
        if rng.random() < 0.01:  # a source that disagrees with the others
            true *= rng.uniform(1.2, 1.6)
        hedge = "" if qualifier == "exact" else f"{qualifier} "
        if metric == "trade_growth":
            decimals = rng.choice((0, 1))
            number = quantize(Decimal(abs(true)), decimals, floor)
            unit_word = rng.choice(("percent", "per cent", "%"))
            stated = f"{number}{unit_word}" if unit_word == "%" else f"{number} {unit_word}"
            signed = number if true > 0 else -number
            value: int | str = int(signed) if decimals == 0 else str(signed)
            verb = "grew by" if true > 0 else "fell by"
            quote = f"Pakistan–Russia trade {verb} {hedge}{stated} in {words} over the year before"
            subject = "Pakistan–Russia trade, on the previous year"
            unit = "percent"
        else:
            magnitude = 9 if true >= 1e9 and rng.random() < 0.7 else 6
            if true < 1e6:
                magnitude = 3
            decimals = rng.choice((1, 2)) if magnitude == 9 else rng.choice((0, 0, 1))
            stated, value = usd_stated(Decimal(true), magnitude, decimals, floor)
            unit = "USD"
            subject, quote = {
                "trade_total": (
                    rng.choice(["Pakistan–Russia trade", "Russia–Pakistan trade turnover"]),
                    f"Bilateral trade between Pakistan and Russia was {hedge}{stated} in {words}",
                ),
                "exports": (
                    "Pakistan’s exports to Russia (Pakistan → Russia)",
                    f"Pakistan’s exports to Russia stood at {hedge}{stated} in {words}",
                ),
                "imports": (
                    "Pakistan’s imports from Russia (Russia → Pakistan)",
                    f"Imports from Russia reached {hedge}{stated} in {words}",
                ),
            }[metric]
            if good is not None:
                subject = f"{subject}, {good}"
                quote = f"{quote}, in {good} alone"
        record: dict[str, Any] = {
            "id": self.unique(f"fig-{metric}-{period.text}"),
            "metric": metric,
            "subject": subject,
            "value": value,
            "unit": unit,
            "stated": stated,
            "period": self.date_value(period),
            "qualifier": qualifier,
            "basis": "reported",
            "topics": ["trade", "oil-and-gas"] if metric == "imports" and roll < 0.2 else ["trade"],
            "sources": self.citations(period.anchor, [quote + "."]),
        }
        if good is not None:
            record["commodity"] = good
        if self.bodies and rng.random() < 0.3:
            record["reported_by"] = rng.choice(self.bodies)
        if rng.random() < 0.3:
            record["sources"] += self.citations(
                period.anchor, [f"according to central bank data, the figure was {stated}"]
            )
        if rng.random() < 0.15:
            record["date_note"] = f"‘{words}’ read as {period.text}."
        self.add("figures", record, period, str(period.year))
        if metric == "trade_total" and good is None and rng.random() < 0.05:
            # A later report revises the figure: both stay, the later supersedes the earlier.
            revised = dict(record, id=self.unique(f"{record['id']}-revised"))
            revised["supersedes"] = [record["id"]]
            revised["sources"] = self.citations(period.anchor, [quote + ", revised figures show."])
            self.add("figures", revised, period, str(period.year))

    def other_figure(self) -> None:
        rng = self.rng
        kind = rng.choice(["target", "potential", "steel", "capacity", "length", "count"])
        period: When | None = None
        basis = "reported"
        if kind == "target":
            metric, unit, basis, topics = "export_target", "USD", "target", ["trade"]
            number = rng.choice(["1", "2", "2.5", "3", "5", "10"])
            stated, value = f"${number} billion", int(Decimal(number) * 10**9)
            period = fiscal_when(rng.randint(2026, 2032)) if rng.random() < 0.7 else None
            subject = "Pakistan’s exports to Russia, target"
            quote = f"Pakistan aims to raise its exports to Russia to {stated}"
        elif kind == "potential":
            metric, unit, basis, topics = "export_potential", "USD", "potential", ["trade"]
            number = rng.choice(["1.5", "2", "3", "4"])
            stated, value = f"${number} billion", int(Decimal(number) * 10**9)
            subject = "Pakistan’s export potential to Russia"
            quote = f"Pakistan’s export potential to Russia is estimated at {stated}"
        elif kind == "steel":
            metric, unit, basis, topics = "steel_supply_gap", "tonnes", "estimate", ["steel"]
            number = rng.choice(["1.5", "2", "2.5", "3", "3.5", "4"])
            stated, value = f"{number} million tonnes", int(Decimal(number) * 10**6)
            year = self.year(last=2025)
            period = When(str(year), date(year, 1, 1), date(year, 12, 31))
            subject = "Pakistan’s steel supply gap"
            quote = f"Pakistan faces a steel supply gap of {stated} a year"
        elif kind == "capacity":
            metric, unit, topics = "capacity", "MW", ["energy"]
            value = rng.randrange(100, 2500, 50)
            stated = f"{value:,} MW"
            place = rng.choice(PLACES)
            subject = f"Capacity of the {place} power plant"
            quote = f"the {place} power plant, with a capacity of {stated}, was built with help"
        elif kind == "length":
            metric, unit, topics = "length", "km", ["oil-and-gas", "infrastructure"]
            value = rng.randrange(50, 2000, 10)
            stated = f"{value:,} km"
            subject = "Length of the Pakistan Stream gas pipeline"
            quote = f"the pipeline will run {stated} from Karachi to Lahore"
        else:
            metric, unit, topics = "count", "count", ["diplomacy", "transport"]
            value = rng.randint(2, 12)
            stated = NUMBER_WORDS[value] if rng.random() < 0.5 else str(value)
            year = self.year()
            period = When(str(year), date(year, 1, 1), date(year, 12, 31))
            subject = "Weekly direct flights between Moscow and Islamabad"
            quote = f"there are now {stated} direct flights a week between Moscow and Islamabad"
        anchor = period.anchor if period and basis == "reported" else None
        if period is not None and basis == "estimate":
            anchor = period.anchor
        record: dict[str, Any] = {
            "id": self.unique(f"fig-{metric}-{period.text if period else 'undated'}"),
            "metric": metric,
            "subject": subject,
            "value": value,
            "unit": unit,
            "stated": stated,
            "period": self.date_value(period) if period else None,
            "qualifier": rng.choice(["exact", "exact", "about", "up to"]),
            "basis": basis,
            "topics": topics,
            "sources": self.citations(anchor, [quote + "."]),
        }
        # An undated figure is filed with the year of the source it comes from.
        year = period.year if period else self.source_years[record["sources"][0]["source"]]
        self.add("figures", record, period, str(year))

    # --- writing ------------------------------------------------------------------------------

    def write(self, root: Path, facts: list[Fact]) -> tuple[str, int, int]:
        """Write the store in a folder per kind; return the edit file, file count and bytes."""
        root.mkdir(parents=True)
        (root / "topics.yaml").write_text(self.topics_text, encoding="utf-8")
        groups: dict[tuple[str, str], list[Fact]] = {}
        for fact in facts:
            groups.setdefault((fact.kind, fact.file_stem), []).append(fact)
        edit_file = ""
        files, size = 1, len(self.topics_text.encode())
        for (kind, stem), members in sorted(groups.items()):
            members.sort(key=lambda f: f.sort_key)
            edit = [f for f in members if f.record["id"] == EDIT_FIGURE_ID]
            members = [f for f in members if f.record["id"] != EDIT_FIGURE_ID] + edit
            chunks = [
                members[i : i + RECORDS_PER_FILE] for i in range(0, len(members), RECORDS_PER_FILE)
            ]
            for number, chunk in enumerate(chunks, start=1):
                name = f"{stem}.yaml" if number == 1 else f"{stem}-{number}.yaml"
                path = root / kind / name
                path.parent.mkdir(exist_ok=True)
                what = f"synthetic {kind} ({stem}, part {number} of {len(chunks)})"
                text = f"# {what}, written by bench/bench.py. See facts/README.md.\n\n"
                text += "\n".join(yaml_record(f.record) for f in chunk)
                path.write_text(text, encoding="utf-8")
                files += 1
                size += len(text.encode())
                if any(f.record["id"] == EDIT_FIGURE_ID for f in chunk):
                    edit_file = f"{kind}/{name}"
        return edit_file, files, size


def quantize(number: Decimal, decimals: int, floor: bool) -> Decimal:
    step = Decimal(1).scaleb(-decimals)
    return number.quantize(step, rounding=ROUND_FLOOR if floor else ROUND_HALF_EVEN)


def usd_stated(amount: Decimal, magnitude: int, decimals: int, floor: bool) -> tuple[str, int]:
    """`$1.81 billion` and 1810000000 for 1.812e9 at magnitude 9 with two decimals."""
    number = quantize(amount.scaleb(-magnitude), decimals, floor)
    if number <= 0:
        number = Decimal(1).scaleb(-decimals)
    word = {3: "thousand", 6: "million", 9: "billion"}[magnitude]
    prefix = "US$" if magnitude == 6 and decimals == 0 else "$"
    return f"{prefix}{number:,} {word}", int(number.scaleb(magnitude))


class TradeSeries:
    """The 'true' trade each figure reports, so that figures for one period mostly agree.

    A fiscal year's total is the sum of its months, a quarter of its three months, a calendar
    year of the months in it; exports are a share of the total that varies by year.
    """

    def __init__(self, rng: random.Random) -> None:
        totals: dict[int, float] = {}
        value = 1.0
        for year in range(FIRST_YEAR - 2, LAST_YEAR + 2):
            value *= math.exp(rng.gauss(0.08, 0.15))
            totals[year] = value
        scale = 1.812e9 / totals[2023]  # FY2023-24 close to the real $1.81 billion
        self.months: dict[tuple[int, int], float] = {}
        self.share: dict[int, float] = {}
        self.fiscal: dict[int, float] = {}
        for year, total in totals.items():
            weights = [rng.uniform(0.8, 1.2) for _ in range(12)]
            for i, weight in enumerate(weights):
                y, m = add_months(year, 7, i)
                self.months[(y, m)] = total * scale * weight / sum(weights)
            self.fiscal[year] = total * scale
            self.share[year] = rng.uniform(0.15, 0.45)

    def value(self, metric: str, period: When) -> float:
        assert period.first is not None and period.last is not None
        if metric == "trade_growth":
            year = period.first.year
            return (self.fiscal[year] / self.fiscal[year - 1] - 1) * 100
        total = 0.0
        y, m = period.first.year, period.first.month
        while date(y, m, 1) <= period.last:
            total += self.months[(y, m)]
            y, m = add_months(y, m, 1)
        fiscal_year = period.first.year if period.first.month >= 7 else period.first.year - 1
        share = self.share[fiscal_year]
        return {"trade_total": total, "exports": total * share, "imports": total * (1 - share)}[
            metric
        ]


def shipped_store() -> Path:
    """The store pakru answers from without --facts, found without importing pakru."""
    spec = find_spec("pakru")
    if spec is None or spec.origin is None:
        raise SystemExit(
            f"bench: pakru is not importable by {sys.executable}; install it, or set "
            f"PYTHONPATH to the checkout (e.g. PYTHONPATH={BENCH_DIR.parent})"
        )
    package = Path(spec.origin).resolve().parent
    shipped = package / "facts"
    return shipped if shipped.is_dir() else package.parent / "facts"


def count_facts(store: Path) -> int:
    total = 0
    for kind in ("events", "agreements", "figures"):
        for path in [store / f"{kind}.yaml", *sorted((store / kind).rglob("*.yaml"))]:
            if path.is_file():
                total += len(re.findall(r"^- id:", path.read_text(encoding="utf-8"), re.M))
    return total


def ensure_store(workdir: Path, facts: int, seed: int, topics_text: str) -> StoreInfo:
    """The generated store of `facts` facts: re-used when the marker matches, else (re)built."""
    root = workdir / f"store-{facts}"
    marker = root / "generated.json"
    wanted = {"generator": GENERATOR_VERSION, "seed": seed, "facts": facts}
    if marker.is_file():
        try:
            saved = json.loads(marker.read_text(encoding="utf-8"))
        except ValueError:
            saved = {}
        if {key: saved.get(key) for key in wanted} == wanted and (root / "facts").is_dir():
            try:
                info = StoreInfo(**saved["info"])
            except (KeyError, TypeError):  # a marker from an older bench.py: build again
                pass
            else:
                info.path = root / "facts"
                info.reused = True
                return info
    if root.exists():
        shutil.rmtree(root)
    start = time.perf_counter()
    generator = StoreGenerator(facts, seed, topics_text)
    records = generator.generate()
    partial = root / "facts.partial"
    edit_file, files, size = generator.write(partial, records)
    partial.rename(root / "facts")
    elapsed = time.perf_counter() - start
    counts: dict[str, int] = {}
    for record in records:
        counts[record.kind] = counts.get(record.kind, 0) + 1
    info = StoreInfo(
        facts=facts,
        path=root / "facts",
        counts=counts,
        files=files,
        bytes=size,
        edit_file=edit_file,
        known_id=KNOWN_AGREEMENT_ID,
        expected=dict(generator.expected),
        build_seconds=elapsed,
        reused=False,
    )
    saved_info = {**info.__dict__, "path": str(info.path)}
    marker.write_text(json.dumps({**wanted, "info": saved_info}, indent=2), encoding="utf-8")
    return info


# =============================================================================================
# Timing whole processes
# =============================================================================================


@dataclass
class Sample:
    seconds: float
    peak_kib: int
    exit_code: int


# The launcher: a small process that starts every timed child. On Linux, exec() carries the
# spawning process's peak RSS into the child's `ru_maxrss` (after fork and vfork alike), so a child
# spawned by bench.py itself — which holds whole generated stores in memory — would report at least
# bench.py's peak. The launcher imports only what it needs (about 11 MiB, below the ~19 MiB of the
# baseline), reads one JSON job per line and answers with the child's time, peak and exit code.
LAUNCHER = r"""
import json, os, signal, subprocess, sys, threading, time

def run(argv, env, cwd, timeout):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    if timeout > 0:
        timer = threading.Timer(timeout, os.kill, (proc.pid, signal.SIGKILL))
        timer.start()
        # Wait without reaping, so that the pid cannot be re-used before the timer is cancelled.
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        timer.cancel()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return {"seconds": seconds, "peak_kib": peak, "exit_code": proc.returncode}

for line in sys.stdin:
    job = json.loads(line)
    try:
        answer = run(job["argv"], job["env"], job["cwd"], job["timeout"])
    except OSError as error:
        answer = {"error": str(error)}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
"""


class Launcher:
    """Runs whole processes through the launcher: wall time from spawn to exit, and max RSS."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-S", "-c", LAUNCHER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, argv: Sequence[str], env: dict[str, str], cwd: Path, timeout: float) -> Sample:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        job = {"argv": list(argv), "env": env, "cwd": str(cwd), "timeout": timeout}
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline() or "{}")
        if "seconds" not in answer:
            raise SystemExit(f"bench: the launcher could not run {argv}: {answer.get('error')}")
        return Sample(answer["seconds"], answer["peak_kib"], answer["exit_code"])

    def own_peak_kib(self) -> int | None:
        """The launcher's own peak RSS: no child's peak can be measured below it."""
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(match[1]) if match else None

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def stderr_of(argv: Sequence[str], env: dict[str, str], cwd: Path, timeout: float) -> str:
    """Run a failed command again, untimed, to show what it said."""
    try:
        done = subprocess.run(
            list(argv),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            timeout=timeout or None,
        )
    except subprocess.TimeoutExpired:
        return "(timed out again)"
    lines = (done.stderr or done.stdout).strip().splitlines()
    return "\n".join(lines[-15:]) or f"(no output; exit {done.returncode})"


@dataclass
class Case:
    name: str
    store: str  # "shipped" or the size of the synthetic store
    facts: int
    command: list[str]
    baseline: list[str]
    baseline_name: str
    rounds: int
    target: float
    memory_target: float | None
    prepare: Callable[[int], None] | None = None  # before each timed command, untimed
    lean: list[str] | None = None  # a second, informative baseline (LEAN_IMPORTS)
    peak_limit_mib: float | None = None  # a limit on the command's own peak, not a ratio
    # The process whose peak memory the command's is held to, when it is not the time baseline's
    # (run once a round, untimed); and settings added to the command's environment.
    memory_baseline: list[str] | None = None
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Round:
    baseline: Sample
    command: Sample
    lean: Sample | None = None
    memory_baseline: Sample | None = None

    @property
    def ratio(self) -> float:
        return self.command.seconds / self.baseline.seconds

    @property
    def lean_ratio(self) -> float:
        return self.command.seconds / self.lean.seconds if self.lean else math.nan


@dataclass
class Result:
    case: Case
    rounds: list[Round] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.rounds)

    def median(self, pick: Callable[[Round], float]) -> float:
        return statistics.median(pick(r) for r in self.rounds) if self.rounds else math.nan

    @property
    def ratio(self) -> float:
        return self.median(lambda r: r.ratio)

    @property
    def lean_ratio(self) -> float:
        return self.median(lambda r: r.lean_ratio)

    @property
    def peak_mib(self) -> float:
        return max((r.command.peak_kib for r in self.rounds), default=0) / 1024

    @property
    def baseline_peak_mib(self) -> float:
        """The peak of the process the command's memory is held to (the largest over rounds)."""
        return (
            max(((r.memory_baseline or r.baseline).peak_kib for r in self.rounds), default=0) / 1024
        )

    @property
    def memory_ratio(self) -> float:
        return self.peak_mib / self.baseline_peak_mib if self.baseline_peak_mib else math.nan

    @property
    def passed(self) -> bool:
        return self.ok and self.ratio <= self.case.target

    @property
    def memory_passed(self) -> bool | None:
        if self.case.peak_limit_mib is not None:
            return self.ok and self.peak_mib <= self.case.peak_limit_mib
        if self.case.memory_target is None:
            return None
        return self.ok and self.memory_ratio <= self.case.memory_target

    def to_json(self) -> dict[str, Any]:
        case = self.case
        return {
            "case": case.name,
            "store": case.store,
            "facts": case.facts,
            "command": case.command,
            "baseline": case.baseline_name,
            "baseline_command": case.baseline,
            "memory_baseline_command": case.memory_baseline,
            "env": case.env,
            "rounds_asked": case.rounds,
            "failed": not self.ok,
            "error": self.error,
            "raw": [
                {
                    "baseline_s": r.baseline.seconds,
                    "command_s": r.command.seconds,
                    "ratio": r.ratio,
                    "lean_s": r.lean.seconds if r.lean else None,
                    "baseline_peak_kib": r.baseline.peak_kib,
                    "memory_baseline_peak_kib": (
                        r.memory_baseline.peak_kib if r.memory_baseline else None
                    ),
                    "command_peak_kib": r.command.peak_kib,
                }
                for r in self.rounds
            ],
            "median_command_s": finite(self.median(lambda r: r.command.seconds)),
            "median_baseline_s": finite(self.median(lambda r: r.baseline.seconds)),
            "median_ratio": finite(self.ratio),
            "lean_baseline_command": case.lean,
            "median_lean_s": finite(self.median(lambda r: r.lean.seconds if r.lean else math.nan)),
            "median_lean_ratio": finite(self.lean_ratio),
            "target": case.target,
            "pass": self.passed,
            "peak_mib": self.peak_mib,
            "baseline_peak_mib": self.baseline_peak_mib,
            "memory_ratio": finite(self.memory_ratio),
            "memory_target": case.memory_target,
            "peak_limit_mib": case.peak_limit_mib,
            "memory_pass": self.memory_passed,
        }


def finite(value: float) -> float | None:
    """NaN (no complete round) as JSON null: NaN is not JSON."""
    return None if math.isnan(value) else value


class Runner:
    def __init__(self, launcher: Launcher, env: dict[str, str], cwd: Path, timeout: float) -> None:
        self.launcher = launcher
        self.env = env
        self.cwd = cwd
        self.timeout = timeout
        self.failures: list[str] = []

    def run(self, argv: Sequence[str], env: dict[str, str] | None = None) -> Sample:
        return self.launcher.run(argv, {**self.env, **(env or {})}, self.cwd, self.timeout)

    def fail(self, argv: Sequence[str], sample: Sample, when: str) -> str:
        shown = " ".join(argv)
        if self.timeout and sample.exit_code == -signal.SIGKILL:
            message = f"{shown}\n    killed after --timeout {self.timeout:g} s ({when})"
        else:
            said = stderr_of(argv, self.env, self.cwd, self.timeout)
            said = "\n".join("    | " + line for line in said.splitlines())
            message = f"{shown}\n    exited {sample.exit_code} ({when}); it says:\n{said}"
        self.failures.append(message)
        log(f"!!! FAILED: {message}")
        return message

    def warm_up(self, argv: Sequence[str]) -> bool:
        sample = self.run(argv)
        if sample.exit_code != 0:
            self.fail(argv, sample, "warm-up")
            return False
        return True

    def measure(self, case: Case) -> Result:
        result = Result(case)
        label = f"[{case.store}] {case.name}"
        for number in range(case.rounds):
            baseline = self.run(case.baseline)
            if baseline.exit_code != 0:
                result.error = self.fail(case.baseline, baseline, f"baseline, round {number + 1}")
                break
            lean = self.run(case.lean) if case.lean else None
            memory = self.run(case.memory_baseline) if case.memory_baseline else None
            if case.prepare is not None:
                case.prepare(number)
            command = self.run(case.command, case.env)
            if command.exit_code != 0:
                result.error = self.fail(case.command, command, f"round {number + 1}")
                break
            result.rounds.append(Round(baseline, command, lean, memory))
            log(
                f"  {label}: round {number + 1}/{case.rounds}  command {command.seconds:.3f} s, "
                f"{case.baseline_name} {baseline.seconds:.3f} s",
                end="\r" if sys.stderr.isatty() else "\n",
            )
        if result.ok:
            log(
                f"  {label}: median {result.median(lambda r: r.command.seconds):.3f} s, "
                f"ratio {result.ratio:.2f} (target ≤ {case.target:g})" + " " * 20
            )
        return result


class FileEdit:
    """Changes the last line of a store file (a figure's note) before each round; restores it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = path.read_bytes()
        lines = self.original.decode("utf-8").splitlines(keepends=True)
        if not lines or not lines[-1].lstrip().startswith("note:"):
            raise SystemExit(f"bench: the last line of {path} is not a note to edit")
        self.head = "".join(lines[:-1])
        self.indent = lines[-1][: len(lines[-1]) - len(lines[-1].lstrip())]
        self.nonce = time.time_ns()

    def __call__(self, number: int) -> None:
        # New text every round (and every run), so no cache can already hold this content.
        note = f"Reviewed for the benchmark, edit {self.nonce}-{number}."
        self.path.write_text(f"{self.head}{self.indent}note: {json.dumps(note)}\n", "utf-8")

    def restore(self) -> None:
        self.path.write_bytes(self.original)


def log(message: str, end: str = "\n") -> None:
    print(message, file=sys.stderr, end=end, flush=True)


# =============================================================================================
# Report
# =============================================================================================


def verdict(passed: bool | None, ok: bool) -> str:
    if not ok:
        return "FAILED"
    if passed is None:
        return "-"
    return "PASS" if passed else "FAIL"


def table(results: Sequence[Result]) -> str:
    header = [
        "case", "store", "cmd s", "base s", "ratio", "target", "time",
        "peak MiB", "base MiB", "mem×", "mem ≤", "memory", "lean s", "vs lean",
    ]  # fmt: skip
    rows = [header]
    for result in results:
        case = result.case
        ok = result.ok

        def number(value: float, digits: int, ok: bool = ok) -> str:
            return f"{value:.{digits}f}" if ok and not math.isnan(value) else "-"

        rows.append(
            [
                case.name,
                case.store if case.store != "shipped" else f"shipped ({case.facts} facts)",
                number(result.median(lambda r: r.command.seconds), 3),
                number(result.median(lambda r: r.baseline.seconds), 3),
                number(result.ratio, 2),
                f"≤ {case.target:g}",
                verdict(result.passed, ok),
                number(result.peak_mib, 1),
                number(result.baseline_peak_mib, 1),
                number(result.memory_ratio, 2),
                memory_limit(case),
                verdict(result.memory_passed, ok),
                number(result.median(lambda r: r.lean.seconds if r.lean else math.nan), 3),
                number(result.lean_ratio, 2),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    left = {0, 1}
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i in left else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def memory_limit(case: Case) -> str:
    if case.peak_limit_mib is not None:
        return f"≤ {case.peak_limit_mib:g} MiB"
    return f"≤ {case.memory_target:g}" if case.memory_target else "-"


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "python": sys.version,
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "cpu_count": os.cpu_count(),
    }
    if hasattr(os, "getloadavg"):
        info["load_average_at_start"] = os.getloadavg()
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        match = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text())
        if match:
            info["memory_mib"] = int(match[1]) // 1024
    return info


# =============================================================================================
# Main
# =============================================================================================


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time pakru's commands as whole processes against a baseline process.",
    )
    parser.add_argument(
        "--sizes",
        help="comma-separated store sizes in facts (default 1000,10000,100000; --quick: "
        "1000,10000)",
    )
    parser.add_argument("--rounds", type=int, help="rounds per query case (default 15; --quick: 5)")
    parser.add_argument("--check-rounds", type=int, default=3, help="rounds of pakru check")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 5 rounds, small stores")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "pakru-bench",
        help="where generated stores are kept and re-used (default: %(default)s)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=BENCH_DIR / "results.json",
        help="where to write the results (default: bench/results.json)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument(
        "--timeout",
        type=float,
        default=0,
        help="kill any one child after this many seconds, and count it failed (default: none)",
    )
    parser.add_argument(
        "--user-cache",
        action="store_true",
        help="let pakru use the user's cache directory instead of one under --workdir",
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="only generate (or find) the stores and check each once; time no queries",
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or ",".join(str(s) for s in (QUICK_SIZES if args.quick else DEFAULT_SIZES))
    try:
        args.sizes = [int(s.replace("_", "")) for s in sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes takes whole numbers separated by commas, not {sizes!r}")
    if any(s < 100 for s in args.sizes):
        parser.error("each store size must be at least 100 facts")
    if args.rounds is None:
        args.rounds = 5 if args.quick else 15
    if args.rounds < 1 or args.check_rounds < 1:
        parser.error("--rounds and --check-rounds must be at least 1")
    return args


def sqlite_utils_command() -> list[str] | None:
    """sqlite-utils from beside this interpreter, or on the PATH; None if it is not installed."""
    beside = Path(sys.executable).parent / "sqlite-utils"
    found = str(beside) if beside.is_file() else shutil.which("sqlite-utils")
    return [found] if found else None


# Each answer of every row, with the query that has sqlite-utils write the same rows from the
# export (the timeline's: the columns events and agreements share, one row per record).
STREAMS = (
    (["timeline", "-f", "json"], "timeline", []),
    (["events", "-f", "json"], "select * from events", []),
    (["figures", "-f", "csv"], "select * from figures", ["--csv"]),
)


def measure_streams(
    runner: Runner, args: argparse.Namespace, info: StoreInfo, facts: list[str], label: str
) -> list[Result]:
    """Every row as JSON or CSV, side by side with `sqlite-utils query` writing the same rows
    from the database `pakru export --sqlite` wrote (exported once, untimed)."""
    import sqlite3

    sqlite_utils = sqlite_utils_command()
    if sqlite_utils is None:
        log("bench: sqlite-utils is not installed: the streaming cases are skipped")
        return []
    exported = args.workdir.resolve() / f"export-{info.facts}.db"
    done = subprocess.run(
        [*facts, "export", "--sqlite", str(exported), "--force"],
        capture_output=True, text=True, env=runner.env, cwd=runner.cwd,
    )  # fmt: skip
    if done.returncode != 0:
        runner.failures.append(f"export --sqlite {exported}: {done.stderr.strip()}")
        return []
    db = sqlite3.connect(exported)
    try:
        shared = [
            name
            for (name,) in db.execute("SELECT name FROM pragma_table_info('events')")
            if name
            in {row[0] for row in db.execute("SELECT name FROM pragma_table_info('agreements')")}
        ]
    finally:
        db.close()
    columns = ", ".join(f'"{name}"' for name in shared)
    results = []
    for query, sql, options in STREAMS:
        if sql == "timeline":
            sql = f"select {columns} from events union all select {columns} from agreements"
        case = Case(
            " ".join(query) + " (every row)",
            label,
            info.facts,
            [*facts, *query],
            [*sqlite_utils, "query", str(exported), sql, *options],
            "sqlite-utils",
            args.rounds,
            STREAM_TARGET,
            None,
            peak_limit_mib=STREAM_PEAK_MIB,
        )
        results.append(runner.measure(case))
    return results


@dataclass
class StoreSize:
    """The compiled store a first build wrote, against the YAML it holds."""

    facts: int
    compiled_bytes: int
    yaml_bytes: int

    @property
    def ratio(self) -> float:
        return self.compiled_bytes / self.yaml_bytes

    @property
    def passed(self) -> bool:
        return self.ratio <= SIZE_TARGET

    def to_json(self) -> dict[str, Any]:
        return {
            "facts": self.facts,
            "compiled_bytes": self.compiled_bytes,
            "yaml_bytes": self.yaml_bytes,
            "ratio": self.ratio,
            "target": SIZE_TARGET,
            "pass": self.passed,
        }

    def line(self) -> str:
        return (
            f"compiled store of {self.facts:,} facts: {self.compiled_bytes / 2**20:.1f} MiB for "
            f"{self.yaml_bytes / 2**20:.1f} MiB of YAML, {self.ratio:.2f}x "
            f"(target ≤ {SIZE_TARGET:g}x): {'PASS' if self.passed else 'FAIL'}"
        )


def measure_first_build(
    runner: Runner,
    args: argparse.Namespace,
    info: StoreInfo,
    facts: list[str],
    parse: list[str],
    label: str,
) -> tuple[Result, StoreSize | None]:
    """The first answer from a store no cache holds (the compiled store made from the YAML),
    side by side with one C-loader parse of the same files; and the size of what it wrote. Each
    round starts from an empty cache folder of its own, apart from the one the queries use."""
    folder = args.workdir.resolve() / "first-build-cache"

    def empty(_: int) -> None:
        shutil.rmtree(folder, ignore_errors=True)

    case = Case(
        "first build: trade 2023-24 with an empty cache",
        label,
        info.facts,
        [*facts, "trade", "2023-24"],
        parse,
        "C YAML parse",
        args.check_rounds,
        FIRST_BUILD_TARGET,
        None,
        prepare=empty,
        env={"PAKRU_CACHE_DIR": str(folder)},
    )
    result = runner.measure(case)
    written = [path for path in folder.rglob("*") if path.is_file()] if folder.is_dir() else []
    size = (
        StoreSize(info.facts, sum(path.stat().st_size for path in written), info.bytes)
        if result.ok and written
        else None
    )
    shutil.rmtree(folder, ignore_errors=True)
    return result, size


def main(argv: Sequence[str] | None = None) -> int:
    launcher = Launcher()
    try:
        return bench(parse_args(argv), launcher)
    finally:
        launcher.close()


def bench(args: argparse.Namespace, launcher: Launcher) -> int:
    python = sys.executable
    workdir: Path = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    # PYTHONDONTWRITEBYTECODE would make every child compile pakru's modules from source, which
    # an installed pakru never does (pip writes the bytecode); it is dropped so that children
    # measure what a user runs.
    dropped = ("PAKRU_FACTS", "PAKRU_CACHE_DIR", "PYTHONDONTWRITEBYTECODE")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    if env.get("PYTHONPATH"):  # children run in the work dir: `PYTHONPATH=.` must still mean here
        entries = env["PYTHONPATH"].split(os.pathsep)
        env["PYTHONPATH"] = os.pathsep.join(str(Path(e).resolve()) if e else e for e in entries)
    if not args.user_cache:  # keep compiled-store caches of the benchmark out of ~/.cache
        env["XDG_CACHE_HOME"] = str(workdir / "cache")
    runner = Runner(launcher, env, workdir, args.timeout)

    shipped = shipped_store()
    version = subprocess.run(
        [python, "-m", "pakru", "--version"], capture_output=True, text=True, env=env, cwd=workdir
    )
    if version.returncode != 0:
        log(f"bench: `{python} -m pakru --version` failed:\n{version.stderr.strip()}")
        return 2
    log(
        f"bench: {version.stdout.strip()} from {shipped.parent}, Python {platform.python_version()}"
    )

    pakru = [python, "-m", "pakru"]
    baseline = [python, "-c", BASELINE_IMPORTS]
    lean = [python, "-c", LEAN_IMPORTS]
    results: list[Result] = []
    stores: list[StoreInfo] = []
    sizes: list[StoreSize] = []
    topics_text = (shipped / "topics.yaml").read_text(encoding="utf-8")
    started = datetime.now(UTC)

    runner.run(baseline)  # the first start of Python and its imports reads the disk: not timed
    if not args.generate_only:
        command = [*pakru, "trade", "2023-24"]
        runner.warm_up(command)
        case = Case(
            "trade 2023-24",
            "shipped",
            count_facts(shipped),
            command,
            baseline,
            "imports",
            args.rounds,
            SHIPPED_TARGET,
            ANSWER_MEMORY_TARGET,
            lean=lean,
        )
        results.append(runner.measure(case))

    for size in args.sizes:
        log(f"bench: store of {size:,} facts under {workdir} ...")
        info = ensure_store(workdir, size, args.seed, topics_text)
        stores.append(info)
        how = "re-used" if info.reused else f"generated in {info.build_seconds:.1f} s"
        log(f"bench: {info.path}: {info.files} files, {info.bytes / 2**20:.1f} MiB, {how}")
        facts = [*pakru, "--facts", str(info.path)]
        label = f"{size:,}"
        parse = [python, "-c", YAML_PARSE, str(info.path)]
        check_case = Case(
            "check",
            label,
            size,
            [*facts, "check"],
            parse,
            "C YAML parse",
            1 if args.generate_only else args.check_rounds,
            CHECK_TARGET,
            None,
        )
        if args.generate_only:
            results.append(runner.measure(check_case))
            continue
        first_build, written = measure_first_build(runner, args, info, facts, parse, label)
        results.append(first_build)
        if written is not None:
            sizes.append(written)
        # Warm-up: builds whatever cache pakru keeps, so that the queries below find it.
        if not runner.warm_up([*facts, "trade", "2023-24"]):
            log(f"bench: the {label}-fact store failed its warm-up; measuring anyway")
        results.append(runner.measure(check_case))
        queries = [
            ["trade", "2023-24"],
            ["events", "--since", "2024-09", "--topic", "steel"],
            ["events", "--since", "2024-09"],
            ["agreements", "--topic", "steel"],
            ["timeline", "--since", "2024"],
            ["search", "steel"],
            ["show", info.known_id],
            ["conflicts"],  # the first page of a table
        ]
        for query in queries:
            case = Case(
                " ".join(query),
                label,
                size,
                [*facts, *query],
                baseline,
                "imports",
                args.rounds,
                QUERY_TARGET,
                ANSWER_MEMORY_TARGET,
                lean=lean,
            )
            results.append(runner.measure(case))
        edit = FileEdit(info.path / info.edit_file)
        try:
            case = Case(
                f"trade 2023-24 after editing {info.edit_file}",
                label,
                size,
                [*facts, "trade", "2023-24"],
                baseline,
                "imports",
                args.rounds,
                AFTER_EDIT_TARGET,
                UPDATE_MEMORY_TARGET,
                prepare=edit,
                lean=lean,
                memory_baseline=[python, "-c", UPDATE_IMPORTS],
            )
            results.append(runner.measure(case))
        finally:
            edit.restore()
        results += measure_streams(runner, args, info, facts, label)

    report = {
        "date": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "pakru": {"version": version.stdout.strip(), "package": str(shipped.parent)},
        "settings": {
            "sizes": args.sizes,
            "rounds": args.rounds,
            "check_rounds": args.check_rounds,
            "seed": args.seed,
            "generator_version": GENERATOR_VERSION,
            "workdir": str(workdir),
            "cache_home": env.get("XDG_CACHE_HOME"),
            "timeout_s": args.timeout or None,
            "launcher_peak_kib": launcher.own_peak_kib(),
            "baseline": BASELINE_IMPORTS,
            "lean_baseline": LEAN_IMPORTS,
            "yaml_parse": YAML_PARSE,
        },
        "stores": [{**info.__dict__, "path": str(info.path)} for info in stores],
        "results": [result.to_json() for result in results],
        "sizes": [size.to_json() for size in sizes],
        "failures": runner.failures,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print(table(results))
    print()
    for size in sizes:
        print(size.line())
    for info in stores:
        how = f"generated in {info.build_seconds:.1f} s"
        if info.reused:
            how += " by an earlier run, re-used"
        counts = ", ".join(f"{n:,} {kind}" for kind, n in sorted(info.counts.items()))
        print(
            f"store {info.facts:,}: {info.files} files, {info.bytes / 2**20:.1f} MiB ({counts}); "
            f"{how}"
        )
    print(
        "ratio: median over rounds of (command time / time of the baseline run just before it); "
        "baseline 'imports' = python -c 'import typer, rich.console, rich.table'; for check, "
        "'C YAML parse' = every store file through yaml.CSafeLoader. 'lean s', 'vs lean': the "
        "same imports with the collector off and os._exit, as pakru's process runs (no target). "
        "'base MiB': the peak of the process memory is held to: the baseline's, except after an "
        f"edit: python -c '{UPDATE_IMPORTS}'."
    )

    print(f"results: {args.json}")
    if runner.failures:
        print(f"\n{len(runner.failures)} command(s) FAILED (exit code or timeout):")
        for failure in runner.failures:
            print(f"  {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
