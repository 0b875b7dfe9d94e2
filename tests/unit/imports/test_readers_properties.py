"""Hypothesis on the pure parts of imports: the cell parsers and validators never raise
anything but ValueError, and whatever they accept fits its store column; the CSV reader never
raises anything but ImportFailed, and reads back any file csv.writer writes."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import math
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retain.errors import ImportFailed
from retain.imports import files
from retain.imports.schema import Column, Limit
from retain.imports.types import EARLIEST, LATEST, YEAR_MAX, YEAR_MIN
from retain.imports.validate import parent_cycles, parse_cell

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AMOUNT = Limit(max_digits=14, decimal_places=2)
NAME = Limit(max_length=30, one_line=True)
SEATS = Limit(int_range=(0, 2_147_483_647))
OBJECT = Limit(json_shape="object")

near_numbers = st.one_of(
    st.text(),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.integers().map(str),
    st.from_regex(r"-?\d{0,20}(\.\d{0,4})?([eE][+-]?\d{1,5})?", fullmatch=True),
)
near_times = st.one_of(
    st.text(),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat()),
    st.from_regex(
        r"\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d)?(\.\d{1,6})?(Z|[+-]\d\d:\d\d)?)?", fullmatch=True
    ),
)
json_texts = st.one_of(
    st.text(),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=8,
    ).map(json.dumps),
)


def accepted(col: Column, value: Any, limit: Limit) -> Any:
    """The parsed value, or None when the parser refused it with a ValueError."""
    try:
        return parse_cell(col, value, limit)
    except ValueError as exc:
        message = str(exc)
    assert message  # a refusal always says what is wrong
    return None


@SETTINGS
@given(near_numbers)
def test_accepted_amounts_fit_the_column(text: str) -> None:
    amount = accepted(Column("amount", "decimal", minimum=0.0), text, AMOUNT)
    if amount is not None:
        assert isinstance(amount, Decimal)
        assert amount.is_finite()
        assert 0 <= amount < Decimal(10) ** 12
        assert amount == amount.quantize(Decimal("0.01"))
        _, digits, exponent = amount.as_tuple()
        assert isinstance(exponent, int)
        assert len(digits) <= 14 or amount == 0


@SETTINGS
@given(near_numbers)
def test_accepted_integers_fit_the_column(text: str) -> None:
    seats = accepted(Column("licensed_seats", "int", minimum=0), text, SEATS)
    if seats is not None:
        assert isinstance(seats, int)
        assert 0 <= seats <= 2_147_483_647


@SETTINGS
@given(near_numbers)
def test_accepted_floats_are_finite(text: str) -> None:
    value = accepted(Column("sentiment", "float", minimum=-1.0, maximum=1.0), text, Limit())
    if value is not None:
        assert math.isfinite(value)
        assert -1.0 <= value <= 1.0


@SETTINGS
@given(near_times)
def test_accepted_times_are_utc_in_the_window(text: str) -> None:
    stamp = accepted(Column("created_at", "datetime"), text, Limit())
    if stamp is not None:
        assert stamp.tzinfo is not None
        assert stamp.utcoffset() == dt.timedelta(0)
        assert EARLIEST <= stamp < LATEST
        stamp.astimezone(dt.timezone(dt.timedelta(hours=14)))  # any display zone: no overflow
        stamp.astimezone(dt.timezone(dt.timedelta(hours=-14)))


@SETTINGS
@given(near_times)
def test_accepted_dates_are_in_the_window(text: str) -> None:
    day = accepted(Column("start_date", "date"), text, Limit())
    if day is not None:
        assert YEAR_MIN <= day.year <= YEAR_MAX
        assert day + dt.timedelta(days=366) > day  # room to add a year


@SETTINGS
@given(st.text())
def test_accepted_text_fits_the_column(text: str) -> None:
    value = accepted(Column("name"), text, NAME)
    if value is not None:
        assert len(value) <= 30
        assert not {"\x00", "\n", "\r"} & set(value)
        value.encode("utf-8")


@SETTINGS
@given(json_texts)
def test_accepted_json_attributes_are_storable_objects(text: str) -> None:
    value = accepted(Column("custom_attributes", "json"), text, OBJECT)
    if value is not None:
        assert isinstance(value, dict)
        dumped = json.dumps(value, ensure_ascii=False, allow_nan=False)
        dumped.encode("utf-8")
        assert "\\u0000" not in json.dumps(value)


@SETTINGS
@given(st.dictionaries(st.integers(0, 12), st.one_of(st.none(), st.integers(0, 12))))
def test_parent_cycles_are_exactly_the_keys_that_reach_themselves(parents: dict) -> None:
    cycles = parent_cycles(parents, list(parents))
    for key in parents:
        node, seen = parents.get(key), set()
        while node is not None and node != key and node not in seen:
            seen.add(node)
            node = parents.get(node)
        assert (key in cycles) == (node == key)
        if key in cycles:
            cycle = cycles[key]
            assert cycle[0] == cycle[-1] == key
            assert all(parents.get(a) == b for a, b in itertools.pairwise(cycle))


def read_text(text: str, name: str = "accounts.csv") -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8", newline="")
        return files.read(path) if name == "accounts.csv" else files.read_events(path)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab,"\n\r \x00é'), max_size=60))
def test_reading_any_text_raises_only_located_problems(text: str) -> None:
    for name in ("accounts.csv", "events.csv"):
        problems = []
        try:
            read_text(text, name)
        except ImportFailed as exc:
            problems = exc.problems
        assert all(p.file.endswith(name) for p in problems)


cells = st.text(alphabet=st.sampled_from("ab, \"\n\r'é;"), max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.lists(st.lists(cells, min_size=n, max_size=n), min_size=1, max_size=5)
    )
)
def test_what_csv_writer_writes_reads_back_unchanged(rows: list[list[str]]) -> None:
    header = [f"c{i}" for i in range(len(rows[0]))]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "accounts.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([header, *rows])
        got_header, records = files.read(path)
    assert got_header == header
    assert [[rec[h] for h in header] for rec in records] == rows
