"""Demo monthly statistics, 2019-01 to 2021-09, shaped like the 2021 report: the city's above-scale
enterprises had 8,755.1 亿元 revenue in 2020 and grew strongly in the first half of 2021. Chains differ:
some are on track for their tier target, some behind. January is never reported alone (1–2月 merged).
Every figure here is invented; only the city's 2020 total is taken from the report."""
import random
from decimal import ROUND_HALF_UP, Decimal

from chainchief.analytics.periods import Period
from chainchief.monitoring.models import MonthlyStat

CITY_REVENUE_2020 = Decimal("87551000")  # 万元 = 8,755.1 亿元
FIRST, LAST = Period(2019, 1), Period(2021, 9)

# Chain revenue in 2020 (亿元) and growth 2019→2020 and 2020→2021, by chain name. Invented.
CHAIN_SHAPE = {
    "动力装备": (820, 0.04, 0.22), "新一代信息技术": (560, 0.08, 0.30), "高端化工": (700, -0.02, 0.18),
    "食品加工": (620, 0.03, 0.06), "汽车制造": (430, -0.05, 0.09),
    "生物医药": (260, 0.10, 0.24), "纺织服装": (300, -0.08, 0.04), "智能农机": (280, 0.06, 0.20),
    "高端铝材": (240, 0.02, 0.15), "工业母机": (150, 0.01, 0.10), "磁技术": (90, 0.12, 0.26),
    "新型储能": (120, 0.20, 0.45), "造纸包装": (330, 0.00, 0.08), "节能环保": (180, 0.04, -0.03),
    "海洋化工": (300, 0.03, 0.12),
}
# Share of a year's revenue by month (spring festival in Jan/Feb; 2020's first half hit by the epidemic).
SEASON = [0.065, 0.065, 0.085, 0.085, 0.085, 0.09, 0.08, 0.08, 0.085, 0.085, 0.09, 0.105]
SEASON_2020 = [0.045, 0.045, 0.07, 0.08, 0.085, 0.09, 0.09, 0.09, 0.095, 0.095, 0.1, 0.115]


def _q(x):
    return Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _periods():
    p = FIRST
    while p <= LAST:
        yield p
        p = p.shift(1)


def generate(chains, members, others, seed=2021):
    """``chains``: Chain list; ``members``: chain id → [(enterprise, weight)] of above-scale members (primary
    chain only); ``others``: above-scale enterprises outside the chains, which carry the rest of the city.
    Returns the MonthlyStat rows (not saved)."""
    rng = random.Random(seed)
    annual = {}  # enterprise id → {year: revenue 万元}
    for chain in chains:
        base2020, g20, g21 = CHAIN_SHAPE.get(chain.name, (200, 0.05, 0.10))
        ents = members.get(chain.pk, [])
        total_w = sum(w for _, w in ents) or 1
        for ent, w in ents:
            r2020 = base2020 * 10000 * w / total_w
            noise20, noise21 = rng.uniform(-0.08, 0.08), rng.uniform(-0.15, 0.15)
            annual[ent.pk] = {2019: r2020 / (1 + g20 + noise20), 2020: r2020, 2021: r2020 * (1 + g21 + noise21)}
    # Some enterprises start reporting only in 2021 (new above-scale entrants) and a few skip a late month.
    entrants = set(rng.sample(sorted(annual), max(1, len(annual) // 40)))
    in_chains = sum(v[2020] for pk, v in annual.items() if pk not in entrants)
    rest = float(CITY_REVENUE_2020) - in_chains
    weights = [rng.paretovariate(1.5) for _ in others]
    for ent, w in zip(others, weights):
        r2020 = rest * w / sum(weights)
        annual[ent.pk] = {2019: r2020 / 1.02, 2020: r2020, 2021: r2020 * rng.uniform(1.05, 1.30)}
    # A few enterprises fall sharply in 2021 (order losses, relocation): they trigger the drop alerts.
    for pk in rng.sample(sorted(annual), max(1, len(annual) // 30)):
        annual[pk][2021] = annual[pk][2020] * rng.uniform(0.45, 0.7)
    silent = {(pk, Period(2021, m)) for pk in rng.sample(sorted(annual), max(1, len(annual) // 30))
              for m in (rng.choice([6, 7, 8, 9]),)}
    rows = []
    for pk, years in annual.items():
        # Shares of revenue are the enterprise's own and stable within a year, so every YTD figure grows.
        shares = {y: (rng.uniform(0.03, 0.09), rng.uniform(0.02, 0.05), rng.uniform(0.01, 0.04)) for y in years}
        ytd = 0.0
        for p in _periods():
            if p.month == 1:
                ytd = 0.0
            season = SEASON_2020 if p.year == 2020 else SEASON
            ytd += years[p.year] * season[p.month - 1] * rng.uniform(0.97, 1.03)
            if p.month == 12:
                ytd = years[p.year]  # the year's figure is the December YTD
            if p.month == 1 or (pk in entrants and p.year < 2021) or (pk, p) in silent:
                continue  # January comes merged as 1–2月; entrants and silent months have no row
            revenue = _q(ytd)
            rows.append(MonthlyStat(
                enterprise_id=pk, period=p.first_day, revenue=revenue, gross_output=_q(ytd * 0.97),
                profit=_q(ytd * shares[p.year][0]), tax=_q(ytd * shares[p.year][1]),
                rd_spend=_q(ytd * shares[p.year][2]), employees=max(20, int(years[p.year] / 150)),
            ))
    # The 2020 full-year city total is the report's figure exactly: put the rounding cents on the largest row.
    dec = [r for r in rows if r.period == Period(2020, 12).first_day]
    gap = CITY_REVENUE_2020 - sum(r.revenue for r in dec)
    max(dec, key=lambda r: r.revenue).revenue += gap
    return rows
