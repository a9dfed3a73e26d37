"""Concentration: the Herfindahl–Hirschman index (赫芬达尔—赫希曼指数). Pure Python: no Django.

Scale: shares in percent, squared and summed, so the index runs from near 0 (many small units) to 10,000
(one unit holds everything), the scale of the U.S. Department of Justice's merger guidelines. Divide by
10,000 for the 0–1 scale.
"""


def hhi_from_shares(shares_percent):
    """HHI = Σ s_i² with the shares s_i in percent (60, 30, 10 → 3600 + 900 + 100 = 4600).

    The shares are used as given, not rescaled: a list of the largest units only (e.g. the top five
    enterprises of a chain) gives a lower bound of the full index. None for an empty list; ValueError on a
    missing or negative share, or on shares adding up to more than 100 (beyond rounding).
    """
    values = list(shares_percent)
    if not values:
        return None
    if any(s is None or s < 0 for s in values):
        raise ValueError("份额缺失或为负数")
    if sum(float(s) for s in values) > 100.0 + 1e-6 * len(values):
        raise ValueError("各份额之和超过 100%")
    return sum(float(s) ** 2 for s in values)


def hhi(values):
    """HHI of units from their values (e.g. each enterprise's revenue in a chain): the shares are
    s_i = 100·v_i / Σ v, and HHI = Σ s_i² on the 0–10,000 scale. None when there is no value or the total
    is zero; ValueError on a missing or negative value. Units with zero value do not change the index.
    """
    vals = list(values)
    if any(v is None or v < 0 for v in vals):
        raise ValueError("数值缺失或为负数")
    total = sum(float(v) for v in vals)
    if not vals or total <= 0:
        return None
    return sum((100.0 * float(v) / total) ** 2 for v in vals)
