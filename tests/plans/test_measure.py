"""Indicator values print with the decimals their unit calls for."""

from decimal import Decimal

import pytest

from plans.lib.thaidate import format_measure, unit_places


@pytest.mark.parametrize("value, unit, text", [
    (Decimal("800.00"), "คน", "800"),
    (Decimal("1200.00"), "แห่ง", "1,200"),
    (Decimal("45.00"), " โรงเรียน ", "45"),
    (Decimal("3.00"), "ครั้ง", "3"),
    ("800.00", "เล่ม", "800"),            # the annual report's snapshot keeps values as text
    (Decimal("85.3"), "ร้อยละ", "85.30"),
    (Decimal("90"), "ร้อยละ", "90.00"),
    (Decimal("3.00"), "คะแนน", "3.00"),
    (Decimal("5.00"), "ระดับ", "5"),       # any other unit: as entered
    (Decimal("4.27"), "ระดับ", "4.27"),
    (Decimal("2.50"), "", "2.5"),
    (Decimal("12.5"), "คน", "12.5"),       # a count entered with a fraction keeps it
    ("ทุกโรงเรียน", "แห่ง", "ทุกโรงเรียน"),  # a qualitative target is text
    (None, "คน", ""),
])
def test_units_decide_the_decimals(value, unit, text):
    assert format_measure(value, unit) == text


def test_thai_digits_and_places():
    assert format_measure(Decimal("1800.00"), "คน", digits="thai") == "๑,๘๐๐"
    assert unit_places(Decimal("800.00"), "คน") == 0 and unit_places(Decimal("1"), "ร้อยละ") == 2
