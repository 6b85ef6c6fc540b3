from datetime import date, datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from plans.lib import thaidate


def test_short_date_in_buddhist_era_with_thai_month():
    assert thaidate.format_date(date(2026, 1, 8)) == "8 ม.ค. 2569"


def test_long_date_and_thai_digits():
    assert thaidate.format_date(date(2026, 1, 8), "long") == "8 มกราคม พ.ศ. 2569"
    assert thaidate.format_date(date(2026, 1, 8), digits="thai") == "๘ ม.ค. ๒๕๖๙"


def test_non_breaking_spaces_keep_a_date_on_one_line():
    assert thaidate.format_date(date(2026, 1, 8), nbsp=True) == "8\u00a0ม.ค.\u00a02569"


def test_english_keeps_the_buddhist_era():
    assert thaidate.format_date(date(2026, 1, 8), language="en") == "8 Jan 2569"


def test_baht_has_thousands_separators_and_satang():
    assert thaidate.format_baht(Decimal("1234567.5")) == "1,234,567.50"
    assert thaidate.format_baht("0.005") == "0.01"
    assert thaidate.format_baht(1500, unit=True) == "1,500.00\u00a0บาท"
    assert thaidate.format_baht(1500, digits="thai") == "๑,๕๐๐.๐๐"
    assert thaidate.format_baht("not a number") == ""


def test_datetime_gets_thai_clock_suffix():
    assert thaidate.format_datetime(datetime(2026, 1, 9, 23, 59)) == "9 ม.ค. 2569 23:59 น."


def render(template, **context):
    return Template(template).render(Context(context))


def test_template_filters_are_builtins():
    day = date(2025, 10, 1)
    with translation.override("th"):
        assert render("{{ d|thaidate }}", d=day) == "1 ต.ค. 2568"
        assert render('{{ d|thaidate:"long,thai" }}', d=day) == "๑ ตุลาคม พ.ศ. ๒๕๖๘"
        assert render("{{ a|baht }}", a=Decimal("2500000")) == "2,500,000.00"
        assert render("{{ y|fiscal_label }}", y=2569) == "ปีงบประมาณ พ.ศ. 2569"
        assert render("{{ n|thnum }}", n=12345) == "12,345"
        assert render("{{ q|quarter_label }}", q=2) == "ไตรมาส 2"
    with translation.override("en"):
        assert render("{{ y|fiscal_label }}", y=2569) == "Fiscal year 2569 BE"
        assert render("{{ d|thaidate }}", d=day) == "1 Oct 2568"


def test_date_field_accepts_buddhist_era_and_iso():
    import pytest
    from django import forms

    from plans.forms import ThaiDateField

    field = ThaiDateField()
    assert field.clean("8/1/2569") == date(2026, 1, 8)
    assert field.clean("๘/๑/๒๕๖๙") == date(2026, 1, 8)
    assert field.clean("2026-01-08") == date(2026, 1, 8)
    assert field.clean("08/01/2026") == date(2026, 1, 8)
    for bad in ("31/2/2569", "hello", "2026-13-01"):
        with pytest.raises(forms.ValidationError):
            field.clean(bad)
