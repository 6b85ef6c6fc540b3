"""The indicator result field shows a stored value as people typed it."""

from decimal import Decimal

import pytest

from reviews.forms import IndicatorValueField


@pytest.mark.parametrize("stored, shown", [
    (Decimal("32.00"), "32"), (Decimal("37.85"), "37.85"), (Decimal("37.50"), "37.5"),
    (Decimal("320.00"), "320"), (Decimal("0.00"), "0"), (None, ""),
])
def test_the_result_field_drops_the_columns_trailing_zeros(stored, shown):
    assert IndicatorValueField().prepare_value(stored) == shown
