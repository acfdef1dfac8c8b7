"""Normalizers, tested by tables of (input, expected) grouped by where the cases came from."""
from decimal import Decimal

import pytest

from parsers.numbers import fraction, parse_count_word, parse_number, percent_to_fraction, qualifier
from parsers.tables import cell_value

PARSE_NUMBER = {
    "2006-07 seed": [("159,000", Decimal("159000")), ("$25,590", Decimal("25590")), ("26,330", Decimal("26330"))],
    "2010-11 pages": [("3.55 million", Decimal("3550000")), ("$8.49", Decimal("8.49")), ("1.6 million", Decimal("1600000")),
                      ("-600", Decimal("-600")), ("$7.50", Decimal("7.5"))],
    "current pages": [("194,800", Decimal("194800")), ("$115.00", Decimal("115")), ("-1,000", Decimal("-1000"))],
    "not numbers": [("", None), ("about", None), ("12-34", None), ("1,23", None), ("See How to Become One", None)],
    # Failures found on real pages.
    "BUGS_CAUGHT": [
        ("2.8 million", Decimal("2800000")),  # must not come out as 2.8E+6 in JSON or SQL
        ("0", Decimal("0")),
        ("\u22126", Decimal("-6")),  # a typographic minus sign is a minus
    ],
}


@pytest.mark.parametrize("text,expected", [case for cases in PARSE_NUMBER.values() for case in cases])
def test_parse_number(text, expected):
    value = parse_number(text)
    assert value == expected
    if value is not None:
        assert "E" not in str(value)


@pytest.mark.parametrize("n,d,expected", [(2, 5, Decimal("0.4")), (1, 3, Decimal("0.333333")), (1, 4, Decimal("0.25")),
                                          (5, 2, None), (1, 0, None)])
def test_fraction(n, d, expected):
    assert fraction(n, d) == expected


@pytest.mark.parametrize("word,expected", [("2", 2), ("two", 2), ("One", 1), ("ten", 10), ("many", None)])
def test_count_words(word, expected):
    assert parse_count_word(word) == expected


@pytest.mark.parametrize("words,expected", [("about", "about"), ("About", "about"), ("approximately", "about"),
                                            ("more than", "more_than"), ("nearly", "less_than"),
                                            ("equal to or greater than", "at_least"), (None, None), ("really", None)])
def test_qualifier(words, expected):
    assert qualifier(words) == expected


def test_percent_to_fraction():
    assert percent_to_fraction(Decimal("39")) == Decimal("0.39")


CELL_VALUES = {
    "2010-11 tables": [("$42,760", (Decimal("42760"), None)), ("26,210", (Decimal("26210"), None)),
                       ("6%", (Decimal("6"), None)), (">166,400", (Decimal("166400"), "more_than")), ("-600", (Decimal("-600"), None))],
    "current tables": [("$239,200 or more", (Decimal("239200"), "at_least")), ("28%", (Decimal("28"), None))],
    "not numbers": [("Get data", (None, None)), ("\u2014", (None, None)), ("", (None, None))],
}


@pytest.mark.parametrize("cell,expected", [case for cases in CELL_VALUES.values() for case in cases])
def test_cell_value(cell, expected):
    assert cell_value(cell) == expected
