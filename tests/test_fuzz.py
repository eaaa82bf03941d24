"""Random bytes and random YAML in a store file: `check` and an answer give a clear verdict (an
answer, or problems with their file and line, exit 1), never an internal error, never a hang."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA_FACTS, Invoke

# Each example runs two commands on a store of a few records: a few seconds is a hang.
SECONDS_PER_EXAMPLE = 20

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
)
structures = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=25,
)
# A field of a record, or a whole record, or the whole file, replaced by something random.
records = st.dictionaries(
    st.sampled_from(["id", "date", "title", "place", "actors", "status", "topics", "sources"]),
    structures,
    max_size=8,
)


class Hang(Exception):
    """A command ran past the time an example may take."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def expired(signum: int, frame: Any) -> None:
        raise Hang(f"no verdict within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "facts"
    shutil.copytree(DATA_FACTS, folder)
    return folder


def assert_clear_verdict(invoke: Invoke, store: Path, name: str) -> None:
    with time_limit(SECONDS_PER_EXAMPLE):
        checked = invoke("check", facts=store)
        answered = invoke("events", facts=store)
    for result in (checked, answered):
        said = result.stdout + result.stderr
        assert "internal error" not in said, said
        assert result.exit_code in (0, 1), said
    if checked.exit_code == 1:  # every problem is named with its file
        problems = checked.stdout.splitlines()[:-1]
        assert problems and all(line.startswith(("facts/", str(store))) for line in problems)
        assert checked.stdout.endswith("the store cannot be used until fixed.\n")
        assert answered.exit_code == 1
    if answered.exit_code == 1:  # an answer refused is one line, pointing at `pakru check`
        assert answered.stdout == ""
        assert answered.stderr.count("\n") == 1, answered.stderr
    assert (checked.exit_code == 0) == (answered.exit_code == 0), (name, checked, answered)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300))
def test_random_bytes_in_a_store_file(invoke: Invoke, store: Path, data: bytes) -> None:
    (store / "events.yaml").write_bytes(data)
    assert_clear_verdict(invoke, store, "events.yaml")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    document=st.one_of(structures, st.lists(records, max_size=3)),
    kind=st.sampled_from(["events", "figures", "sources", "actors", "topics"]),
)
def test_random_yaml_in_a_store_file(
    invoke: Invoke, store: Path, document: object, kind: str
) -> None:
    text = yaml.safe_dump(document, allow_unicode=True)
    (store / f"{kind}.yaml").write_text(text, encoding="utf-8")
    assert_clear_verdict(invoke, store, f"{kind}.yaml")
