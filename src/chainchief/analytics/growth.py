"""Growth rates as the statisticians compute them. Pure Python: no Django.

Ratios are returned as floats (0.2493 = 24.93%); money stays Decimal in the callers.
"""
from dataclasses import dataclass
from decimal import Decimal


def ratio(current, previous):
    """Simple growth current/previous − 1, or None when the base is missing or not positive."""
    if current is None or previous is None or previous <= 0:
        return None
    return float(Decimal(current) / Decimal(previous)) - 1.0


@dataclass(frozen=True)
class Comparable:
    """Growth on the comparable basis (可比口径): only units reported in both periods."""

    growth: float | None
    current_total: Decimal
    previous_total: Decimal
    units: int  # present in both periods
    only_current: int  # new, or missing last year
    only_previous: int  # missing this period


def comparable_growth(current: dict, previous: dict) -> Comparable:
    """``current`` and ``previous`` map a unit (enterprise id) to its value; None or absent = not reported."""
    cur = {k: v for k, v in current.items() if v is not None}
    prev = {k: v for k, v in previous.items() if v is not None}
    both = cur.keys() & prev.keys()
    cur_total = sum((Decimal(cur[k]) for k in both), Decimal(0))
    prev_total = sum((Decimal(prev[k]) for k in both), Decimal(0))
    return Comparable(
        growth=ratio(cur_total, prev_total) if both else None,
        current_total=cur_total,
        previous_total=prev_total,
        units=len(both),
        only_current=len(cur.keys() - prev.keys()),
        only_previous=len(prev.keys() - cur.keys()),
    )


def cagr(start, end, years):
    """Compound annual growth rate from ``start`` to ``end`` over ``years`` (may be fractional)."""
    if start is None or end is None or start <= 0 or end <= 0 or years <= 0:
        return None
    return (float(end) / float(start)) ** (1.0 / float(years)) - 1.0


def trailing_twelve_months(ytd_now, full_previous_year, ytd_previous_same_month):
    """TTM = this year's YTD + last full year − last year's YTD to the same month."""
    if None in (ytd_now, full_previous_year, ytd_previous_same_month):
        return None
    return ytd_now + full_previous_year - ytd_previous_same_month


def years_to_target(year: int, month: int, target_year: int) -> float:
    """Years from the end of (year, month) to the end of the target year: 2021-06 → 2025 is 4.5."""
    return (target_year - year) + (12 - month) / 12.0
