"""Regional specialisation and growth: location quotient (区位熵) and shift-share (偏离—份额分析).
Pure Python: no Django.

The region (e.g. the city) is compared with a reference economy containing it (the province or the nation).
Values may be employment, output or revenue, int, float or Decimal; results are floats. Industries are keyed
by whatever the caller uses (chain id, sector code).
"""
from dataclasses import dataclass


def _positive(*values):
    return all(v is not None and v > 0 for v in values)


def location_quotient(e_ir, e_r, e_in, e_n):
    """Location quotient 区位熵 LQ = (e_ir / e_r) / (e_in / e_n).

    e_ir: industry i in region r; e_r: all industries of region r; e_in: industry i in the reference economy;
    e_n: all industries of the reference economy. LQ > 1: the region is more specialised in i than the
    reference. None when a value is missing, e_ir is negative or a denominator is not positive.
    """
    if e_ir is None or e_ir < 0 or not _positive(e_r, e_in, e_n):
        return None
    return (float(e_ir) / float(e_r)) / (float(e_in) / float(e_n))


def location_quotients(regional: dict, reference: dict, *, regional_total=None, reference_total=None):
    """LQ of every industry in ``regional`` (industry → value) against ``reference`` (industry → value).

    The totals e_r and e_n default to the sums of the given values; pass the economies' own totals when the
    industries listed are only part of them (e.g. the chains of a city against its whole industry).
    An industry absent from ``reference`` gets None.
    """
    e_r = regional_total if regional_total is not None else sum(v for v in regional.values() if v is not None)
    e_n = reference_total if reference_total is not None else sum(v for v in reference.values() if v is not None)
    return {k: location_quotient(v, e_r, reference.get(k), e_n) for k, v in regional.items()}


@dataclass(frozen=True)
class ShiftShareRow:
    """One industry's (or the total's) change e_i¹ − e_i⁰ split into three components that sum to it."""

    start: float
    end: float
    national_share: float  # 份额分量 NS = e⁰·G
    industry_mix: float  # 结构偏离分量 (proportional shift) IM = e⁰·(g_i − G)
    regional_shift: float  # 竞争力偏离分量 (differential shift, competitive effect) RS = e⁰·(r_i − g_i)

    @property
    def change(self) -> float:
        return self.end - self.start

    @property
    def total_shift(self) -> float:
        """Change beyond the reference economy's overall growth: IM + RS = change − NS (总偏离)."""
        return self.industry_mix + self.regional_shift


@dataclass(frozen=True)
class ShiftShare:
    reference_growth: float  # G
    industries: dict  # industry → ShiftShareRow
    total: ShiftShareRow


def shift_share(regional_start: dict, regional_end: dict, reference_start: dict, reference_end: dict, *,
                reference_total_start=None, reference_total_end=None) -> ShiftShare:
    """Classic (Dunn, 1960) three-component shift-share of each industry's change between two years.

    With e_i⁰, e_i¹ the region's values of industry i in the start and end year, E_i⁰, E_i¹ the reference
    economy's, and E⁰, E¹ the reference economy's totals:

        G = E¹/E⁰ − 1 (reference growth, all industries),  g_i = E_i¹/E_i⁰ − 1,  r_i = e_i¹/e_i⁰ − 1
        national share  NS_i = e_i⁰·G
        industry mix    IM_i = e_i⁰·(g_i − G)
        regional shift  RS_i = e_i⁰·(r_i − g_i) = (e_i¹ − e_i⁰) − NS_i − IM_i

    so NS_i + IM_i + RS_i = e_i¹ − e_i⁰ exactly, and the totals are the sums over the industries given. An
    industry the region did not have at the start (e_i⁰ = 0) has NS = IM = 0 and its whole change as RS.
    E⁰ and E¹ default to the sums of the reference values given; pass the economy's totals when the
    industries are only part of it. The four dicts must have the same keys. ValueError on a missing value,
    a negative value, or a reference industry (or total) with a start value that is not positive.
    """
    keys = list(regional_start)
    if not (set(keys) == set(regional_end) == set(reference_start) == set(reference_end)):
        raise ValueError("偏离—份额分析：区域与参照经济的起止年份应包含相同的行业")
    for name, d in (("区域基期", regional_start), ("区域末期", regional_end), ("参照基期", reference_start),
                    ("参照末期", reference_end)):
        bad = [k for k, v in d.items() if v is None or v < 0]
        if bad:
            raise ValueError(f"偏离—份额分析：{name}数值缺失或为负（{'、'.join(map(str, bad[:5]))}）")
    e0 = float(reference_total_start) if reference_total_start is not None else float(sum(reference_start.values()))
    e1 = float(reference_total_end) if reference_total_end is not None else float(sum(reference_end.values()))
    if e0 <= 0:
        raise ValueError("偏离—份额分析：参照经济基期合计应为正数")
    G = e1 / e0 - 1.0
    rows = {}
    for k in keys:
        ref0 = float(reference_start[k])
        if ref0 <= 0:
            raise ValueError(f"偏离—份额分析：参照经济中行业 {k} 的基期数值应为正数")
        g = float(reference_end[k]) / ref0 - 1.0
        start, end = float(regional_start[k]), float(regional_end[k])
        ns, im = start * G, start * (g - G)
        rows[k] = ShiftShareRow(start=start, end=end, national_share=ns, industry_mix=im,
                                regional_shift=(end - start) - ns - im)
    total = ShiftShareRow(
        start=sum(r.start for r in rows.values()), end=sum(r.end for r in rows.values()),
        national_share=sum(r.national_share for r in rows.values()),
        industry_mix=sum(r.industry_mix for r in rows.values()),
        regional_shift=sum(r.regional_shift for r in rows.values()),
    )
    return ShiftShare(reference_growth=G, industries=rows, total=total)
