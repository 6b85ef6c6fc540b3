"""Thai text helpers of documents: digits, the Buddhist era, terms kept on one line."""

from datetime import datetime

from documents.text import arabic_digits, be_datetime, keep_terms_together, thai_digits, thai_digits_html


def test_digits_both_ways():
    assert thai_digits(2569) == "๒๕๖๙"
    assert arabic_digits("พ.ศ. ๒๕๖๙") == "พ.ศ. 2569"


def test_a_moment_prints_with_the_buddhist_era_year():
    assert be_datetime(datetime(2026, 1, 8, 14, 5)) == "8 ม.ค. 2569 14:05 น."


def test_html_helpers_change_text_only():
    html = '<p class="c12">งบประมาณ 2569</p><style>p { margin: 12pt }</style>&#160;'
    assert thai_digits_html(html) == '<p class="c12">งบประมาณ ๒๕๖๙</p><style>p { margin: 12pt }</style>&#160;'
    assert keep_terms_together(html) == (
        '<p class="c12"><span class="nw">งบประมาณ</span> 2569</p><style>p { margin: 12pt }</style>&#160;')
