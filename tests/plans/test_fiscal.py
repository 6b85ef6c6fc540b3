from datetime import date

import pytest

from plans.lib import fiscal


def test_fiscal_year_2569_runs_from_october_2025_to_september_2026():
    assert fiscal.fiscal_year_bounds(2569) == (date(2025, 10, 1), date(2026, 9, 30))


@pytest.mark.parametrize(
    ("number", "start", "end"),
    [
        (1, date(2025, 10, 1), date(2025, 12, 31)),
        (2, date(2026, 1, 1), date(2026, 3, 31)),
        (3, date(2026, 4, 1), date(2026, 6, 30)),
        (4, date(2026, 7, 1), date(2026, 9, 30)),
    ],
)
def test_quarters_of_2569(number, start, end):
    span = fiscal.quarter_span(2569, number)
    assert (span.start, span.end) == (start, end)


@pytest.mark.parametrize(
    ("day", "year", "quarter"),
    [
        (date(2025, 9, 30), 2568, 4),
        (date(2025, 10, 1), 2569, 1),
        (date(2025, 12, 31), 2569, 1),
        (date(2026, 1, 1), 2569, 2),
        (date(2026, 6, 15), 2569, 3),
        (date(2026, 9, 30), 2569, 4),
    ],
)
def test_fiscal_year_and_quarter_of_a_date(day, year, quarter):
    assert fiscal.fiscal_year_of(day) == year
    assert fiscal.quarter_of(day) == quarter


def test_fiscal_months_start_in_october_of_the_previous_year():
    months = fiscal.fiscal_months(2562)
    assert months[0] == (2018, 10)
    assert months[3] == (2019, 1)
    assert months[-1] == (2019, 9)


@pytest.mark.parametrize("text", ["2569", " 2569 ", "๒๕๖๙"])
def test_parse_year_accepts_arabic_and_thai_digits(text):
    assert fiscal.parse_year_be(text) == 2569


@pytest.mark.parametrize("text", ["", "abc", "69", "25690", "2026", "3000", "25.6"])
def test_parse_year_rejects_malformed_or_gregorian_years(text):
    with pytest.raises(fiscal.FiscalYearError):
        fiscal.parse_year_be(text)


def test_quarter_number_outside_1_to_4_is_refused():
    with pytest.raises(ValueError):
        fiscal.quarter_span(2569, 5)
