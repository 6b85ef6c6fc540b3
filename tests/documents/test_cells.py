"""Typed values out of spreadsheet cells: dates as Thai offices type them."""

from datetime import date, datetime

import pytest

from documents.excel import cells


@pytest.mark.parametrize("value, expected", [
    ("8/1/2569", date(2026, 1, 8)),  # Buddhist era, day first
    ("๘/๑/๒๕๖๙", date(2026, 1, 8)),  # Thai digits
    (" 8.1.2569 ", date(2026, 1, 8)),
    ("8-1-2026", date(2026, 1, 8)),  # Common Era
    ("2026-01-08", date(2026, 1, 8)),  # ISO
    ("2569-01-08", date(2026, 1, 8)),  # ISO with a Buddhist-era year
    (datetime(2569, 1, 8), date(2026, 1, 8)),  # Excel read 8/1/2569 as the year 2569
    (46030, date(2026, 1, 8)),  # an Excel serial number
    (None, None),
    ("  ", None),
])
def test_a_date_reads_what_offices_type(value, expected):
    assert cells.a_date(value) == expected


@pytest.mark.parametrize("value", ["31/2/2569", "ปลายปี", "8/13/2569", "29/2/2567-"])
def test_a_date_refuses_what_is_not_a_date(value):
    with pytest.raises(cells.CellError) as error:
        cells.a_date(value)
    assert error.value.code == "bad_date"


def test_money_reads_thai_digits_and_baht():
    assert str(cells.money("๑,๒๐๐.๕๐ บาท")) == "1200.50"
