"""One percentage helper for every figure that is a part of a whole (evaluation scores, M&E health)."""

from decimal import ROUND_HALF_UP, Decimal


def percent(part, whole, places: int = 2) -> Decimal | None:
    """``part`` of ``whole`` in percent, rounded half up to ``places`` decimals; None when there is no whole
    (None, zero or less: no indicators, no budget, no forms due…) or no part."""
    if part is None or whole is None or Decimal(whole) <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
