"""The one percentage helper (plans/lib/ratios.py) that evaluation scores and the M&E health figures use."""

from decimal import Decimal

from evaluation import scoring
from plans.lib.ratios import percent
from reporting import health


def test_percent_rounds_half_up_to_the_places_asked():
    assert percent(1, 3) == Decimal("33.33")
    assert percent(2, 3, places=1) == Decimal("66.7")
    assert percent(1, 8, places=1) == Decimal("12.5")
    assert percent(1, 16, places=1) == Decimal("6.3")  # 6.25 → 6.3, half up
    assert percent(Decimal("50000.25"), Decimal("100000.50")) == Decimal("50.00")


def test_no_whole_or_no_part_is_no_figure():
    assert percent(1, 0) is None and percent(1, None) is None and percent(None, 5) is None
    assert percent(1, -4) is None


def test_both_callers_use_it_with_their_places():
    assert scoring.percent(1, 3) == percent(1, 3, places=2) == Decimal("33.33")
    assert health.share(1, 3) == percent(1, 3, places=1) == Decimal("33.3")
    assert health.share(0, 0) is None and scoring.percent(3, 0) is None
