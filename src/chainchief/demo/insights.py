"""The demo's 产业分析 data: a small illustrative input–output table of Weifang (8 sectors, six of them mapped to
the city's chains, two counted as 其他) and illustrative reference totals of 山东省 for 2019 and 2020, and
illustrative counts of the enterprises of eight other Shandong cities on the segments of Weifang's chain maps, so
that the linkages, location quotients, shift-share, concentration and 延链 suggestions all have figures.
Everything here is illustrative (示意数据): the table is marked so, the reference totals and counts say so in their
source.

The reference totals are set from the demo's own December figures: each chain's provincial value is chosen so
that its location quotient is the one listed below, and grows by the listed rate from 2019 to 2020."""
import random
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from chainchief.chains.models import Chain
from chainchief.core.models import Region
from chainchief.demo import data
from chainchief.insights import services
from chainchief.insights.models import IOTable, ReferenceTotal, SegmentPresence
from chainchief.monitoring.models import ChainFigure

TITLE = "潍坊市投入产出简表（示意）"
YEAR = 2020
WAN_PER_YI = 10000

# (sector, chain it is counted in or None for 其他, total output in 亿元)
SECTORS = [
    ("农林牧渔业", None, 900),
    ("食品和烟草", "食品加工", 1300),
    ("纺织服装鞋帽", "纺织服装", 700),
    ("化学产品", "高端化工", 1800),
    ("通用和专用设备", "动力装备", 1200),
    ("交通运输设备", "汽车制造", 1000),
    ("通信设备、计算机和其他电子设备", "新一代信息技术", 900),
    ("服务业", None, 4000),
]
# Intermediate flows in 亿元: row sells to column, columns in the order of SECTORS.
FLOWS = [
    [90, 520, 60, 30, 2, 2, 1, 60],
    [40, 150, 10, 20, 5, 5, 3, 220],
    [5, 10, 220, 10, 8, 25, 5, 60],
    [110, 60, 110, 600, 70, 90, 60, 120],
    [40, 20, 10, 40, 260, 180, 20, 60],
    [10, 5, 2, 5, 60, 300, 10, 120],
    [3, 5, 5, 15, 90, 80, 280, 90],
    [60, 150, 70, 250, 190, 160, 130, 900],
]

PROVINCE = "山东省"
PROVINCE_TOTAL = {2019: Decimal("960000000"), 2020: Decimal("993600000")}  # 万元 (9.6 and 9.94 万亿元)
SOURCE = "示意数据"
# Location quotient aimed at in 2019 and the province's growth 2019→2020, cycled over the chains in order.
LQ = [1.8, 1.3, 0.9, 1.5, 1.2, 0.7, 1.6, 0.8, 1.1, 2.0, 0.6, 1.4, 1.0, 0.85, 1.25]
GROWTH = [0.06, 0.12, -0.02, 0.03, 0.04, 0.09, 0.01, 0.05, 0.02, 0.07, -0.04, 0.08, 0.03, 0.00, 0.05]


# Other cities of the province whose (illustrative) counts of enterprises per segment make the 延链 matrix; each is
# strong in the chains listed (most segments held by several enterprises), thin elsewhere.
PLACES = [("青岛市", ("汽车制造", "新一代信息技术", "食品加工", "高端化工")),
          ("烟台市", ("高端化工", "食品加工", "汽车制造")),
          ("淄博市", ("高端化工", "高端铝材", "生物医药")),
          ("济南市", ("新一代信息技术", "工业母机", "生物医药")),
          ("临沂市", ("食品加工", "纺织服装", "造纸包装")),
          ("济宁市", ("动力装备", "智能农机", "纺织服装")),
          ("东营市", ("高端化工", "海洋化工", "新型储能")),
          ("聊城市", ("汽车制造", "动力装备", "智能农机"))]
PRESENCE_SOURCE = "示意数据（演示用，非调查结果）"


def is_loaded():
    return IOTable.objects.filter(region__code=data.CITY[1], title=TITLE).exists() and \
        SegmentPresence.objects.filter(region__code=data.CITY[1]).exists()


def load(seed=2021, stdout=None):
    city = Region.objects.get(code=data.CITY[1])
    office = get_user_model().objects.get(username="coordinator")
    if not SegmentPresence.objects.filter(region=city).exists():
        _presence(office, city, seed)
    if IOTable.objects.filter(region=city, title=TITLE).exists():
        return
    chains = {c.name: c for c in Chain.objects.filter(region=city)}
    sectors = [(name, Decimal(x * WAN_PER_YI - sum(row) * WAN_PER_YI), Decimal(x * WAN_PER_YI))
               for (name, _chain, x), row in zip(SECTORS, FLOWS)]
    flows = [[Decimal(v * WAN_PER_YI) for v in row] for row in FLOWS]
    table = services.create_table(office, region=city, year=YEAR, title=TITLE, sectors=sectors, flows=flows,
                                  is_illustrative=True, source=SOURCE)
    by_name = {s.name: s for s in table.sectors.all()}
    services.map_sectors(office, table, {by_name[name].pk: chains.get(chain) for name, chain, _x in SECTORS})
    if not ReferenceTotal.objects.filter(region=city, reference=PROVINCE).exists():
        _reference_totals(office, city)
    if stdout:
        stdout.write("demo: illustrative input–output table and reference totals")


def _december(city, year):
    return {f.chain_id: f.revenue for f in ChainFigure.objects.filter(region=city, period=date(year, 12, 1))}


def _reference_totals(office, city):
    start = _december(city, 2019)
    city_total = start.get(None)
    if not city_total:
        return
    for year, total in PROVINCE_TOTAL.items():
        services.set_reference_total(office, region=city, reference=PROVINCE, year=year, industry="全部工业",
                                     value=total, is_total=True, source=SOURCE)
    for k, chain in enumerate(Chain.objects.filter(region=city).order_by("order", "pk")):
        revenue = start.get(chain.pk)
        if not revenue:
            continue
        v2019 = Decimal(float(revenue) / float(city_total) * float(PROVINCE_TOTAL[2019]) / LQ[k % len(LQ)])
        v2020 = v2019 * Decimal(1 + GROWTH[k % len(GROWTH)])
        for year, value in ((2019, v2019), (2020, v2020)):
            services.set_reference_total(office, region=city, reference=PROVINCE, year=year, industry=chain.name,
                                         chain=chain, value=value.quantize(Decimal("0.01")), source=SOURCE)


def _presence(office, city, seed):
    """Each place's illustrative count on every segment of the city's chains: 2–14 enterprises on most segments of
    its strong chains, 0–3 (often none) elsewhere, drawn from a fixed seed."""
    from chainchief.core import services as core
    from chainchief.maps.models import Segment

    rng = random.Random(seed)
    segments = list(Segment.objects.filter(chain__region=city).select_related("chain").order_by("chain__order", "order",
                                                                                                 "pk"))
    for place, strong in PLACES:
        for s in segments:
            if s.chain.name in strong:
                n = rng.randint(2, 14) if rng.random() < 0.85 else 0
            else:
                n = rng.randint(1, 3) if rng.random() < 0.35 else 0
            if n:
                core.create(office, SegmentPresence, {"region": city, "place": place, "segment": s, "enterprises": n,
                                                      "source": PRESENCE_SOURCE})
