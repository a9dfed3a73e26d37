"""The demo's province: 山东省 runs three provincial chains (高端装备, 现代化工, 现代食品) with their own chiefs, lead
department, work model ("1 个图谱 + N 张清单") and tier target, each served by 潍坊's chains and by those of two
more cities, 青岛 and 烟台, which have small maps and 2019-01..2021-09 figures of their own. The province's
figures and map are rolled up from the cities' (``province``), never copied. Every name and figure is invented,
and no chain shares a name with one of 潍坊's.

Accounts: ``province`` (省链长办 of 山东省: reads every city, writes provincial rows) and ``qingdao`` (青岛's
chain office: sees only 青岛)."""
import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from chainchief.core import uscc
from chainchief.demo import data

CITIES = [("青岛市", "370200", "市北区", "370203"), ("烟台市", "370600", "芝罘区", "370602")]
# Each city chain's chief (a vice mayor of the city) and its lead department.
CITY_CHIEFS = {"青岛市": ("李副市长（示意）", "王副市长（示意）"), "烟台市": ("周副市长（示意）", "吴副市长（示意）")}
# city → chain → (segments [(name, stage)], enterprises, revenue in 2020 亿元, growth 2020→2021)
CITY_CHAINS = {
    "青岛市": {
        "轨道交通装备": ([("钢材", "upstream"), ("轴承", "upstream"), ("牵引电控", "upstream"), ("轨道交通车辆", "midstream"),
                     ("信号系统", "downstream")], 6, 380, 0.14),
        "橡胶化工": ([("原油加工", "upstream"), ("基础化工原料", "upstream"), ("化工新材料", "midstream"),
                  ("橡胶轮胎", "downstream")], 5, 520, 0.11),
    },
    "烟台市": {
        "绿色石化": ([("原油加工", "upstream"), ("精细化学品", "midstream"), ("化工新材料", "midstream"),
                  ("新能源材料", "downstream")], 6, 610, 0.16),
        "海洋食品": ([("畜禽养殖", "upstream"), ("海洋食品", "midstream"), ("饮料乳品", "midstream"),
                  ("冷链物流", "downstream")], 5, 290, 0.07),
    },
}
# provincial chain → (its map, the city chains serving it, its chief and title)
PROVINCIAL = {
    "高端装备": ([("钢材", "upstream"), ("铸锻件", "upstream"), ("轴承", "upstream"), ("电控", "upstream"),
              ("柴油机", "midstream"), ("轨道交通车辆", "midstream"), ("高端数控机床", "midstream"),
              ("工程机械", "downstream"), ("船舶动力", "downstream")],
             {"潍坊市": "动力装备", "青岛市": "轨道交通装备"}, ("赵省长（示意）", "省长")),
    "现代化工": ([("原油加工", "upstream"), ("基础化工原料", "upstream"), ("精细化学品", "midstream"),
              ("化工新材料", "midstream"), ("电子化学品", "midstream"), ("新能源材料", "downstream"), ("氢能", "downstream")],
             {"潍坊市": "高端化工", "青岛市": "橡胶化工", "烟台市": "绿色石化"}, ("钱副省长（示意）", "副省长")),
    "现代食品": ([("粮食种植", "upstream"), ("畜禽养殖", "upstream"), ("肉制品加工", "midstream"), ("粮油加工", "midstream"),
              ("饮料乳品", "midstream"), ("海洋食品", "midstream"), ("冷链物流", "downstream")],
             {"潍坊市": "食品加工", "烟台市": "海洋食品"}, ("孙副省长（示意）", "副省长")),
}
# City segments named their own way that stand for a provincial segment (同一环节 links): (city, chain, segment,
# provincial chain, its segment).
SAME = [("青岛市", "轨道交通装备", "牵引电控", "高端装备", "电控")]
# Key products and technologies tackled (关键产品技术攻关), on city segments and on the province's own map: (city or
# None for the province, chain, segment, name, status, outside party).
TECHNOLOGIES = [
    ("青岛市", "轨道交通装备", "信号系统", "列车自主运行系统（示意）", "in_progress", "合作高校（示意）"),
    ("烟台市", "绿色石化", "新能源材料", "锂电池隔膜材料（示意）", "planned", ""),
    (None, "现代化工", "氢能", "质子交换膜（示意）", "planned", "拟引进省外企业（示意）"),
]
WORK_MODEL = "1个图谱+N张清单"
WORK_ITEMS = ["产业链图谱", "龙头骨干企业清单", "主要配套企业清单", "锻长板领域清单", "补短板环节清单", "关键产品技术攻关清单"]
SEASON = [0.065, 0.065, 0.085, 0.085, 0.085, 0.09, 0.08, 0.08, 0.085, 0.085, 0.09, 0.105]
SEASON_2020 = [0.045, 0.045, 0.07, 0.08, 0.085, 0.09, 0.09, 0.09, 0.095, 0.095, 0.1, 0.115]


def is_loaded():
    from chainchief.chains.models import ChainLink

    return ChainLink.objects.exists()


def _q(x):
    return Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _stats(rng, enterprise, annual):
    """YTD rows from 2019-02 to 2021-09 (January merged into 1–2月), from the enterprise's revenue per year."""
    from chainchief.monitoring.models import MonthlyStat

    rows = []
    for year in (2019, 2020, 2021):
        season = SEASON_2020 if year == 2020 else SEASON
        ytd = 0.0
        for month in range(1, 13 if year < 2021 else 10):
            ytd += annual[year] * season[month - 1] * rng.uniform(0.97, 1.03)
            if month == 12:
                ytd = annual[year]
            if month == 1:
                continue
            revenue = _q(ytd)
            rows.append(MonthlyStat(enterprise=enterprise, period=date(year, month, 1), revenue=revenue,
                                    gross_output=_q(ytd * 1.05), profit=_q(ytd * 0.06), tax=_q(ytd * 0.03),
                                    rd_spend=_q(ytd * 0.02), employees=rng.randint(80, 3000)))
    return rows


def load(seed=2021, stdout=None):
    from chainchief.accounts.roles import Role
    from chainchief.chains.models import (Chain, ChainDepartment, ChainLink, ChainRole, ChainRoleKind, ChainTier,
                                          ChainWorkItem, WorkModel, WorkModelItem)
    from chainchief.core.models import Department, Person, Region, RegionLevel
    from chainchief.enterprises.models import Enterprise, Membership, MembershipRole
    from chainchief.maps.models import KeyTechnology, LinkKind, MapSettings, Segment, SegmentLink, SegmentPlacement
    from chainchief.monitoring import aggregates
    from chainchief.monitoring.models import MonthlyStat

    rng = random.Random(seed + 18)
    province = Region.objects.get(code="370000")
    chains = {("潍坊市", c.name): c for c in Chain.objects.filter(region__code="370700")}
    stats = []
    for order, (city_name, city_code, district_name, district_code) in enumerate(CITIES, start=2):
        city, _ = Region.objects.get_or_create(code=city_code, defaults={
            "name": city_name, "level": RegionLevel.CITY, "parent": province, "order": order})
        district, _ = Region.objects.get_or_create(code=district_code, defaults={
            "name": district_name, "level": RegionLevel.DISTRICT, "parent": city})
        MapSettings.objects.get_or_create(region=city)
        city_office = Department.objects.get_or_create(name=f"{city_name}工业和信息化局", region=city,
                                                       defaults={"short_name": "市工信局"})[0]
        for k, (chain_name, (segments, count, revenue, growth)) in enumerate(CITY_CHAINS[city_name].items(), start=1):
            chain = Chain.objects.create(name=chain_name, region=city, order=k, is_illustrative=True,
                                         description="示意数据：演示省市联动的虚构产业链。")
            chief = Person.objects.create(name=CITY_CHIEFS[city_name][k - 1], title="副市长", region=city)
            ChainRole.objects.create(chain=chain, person=chief, kind=ChainRoleKind.CHIEF)
            ChainDepartment.objects.create(chain=chain, department=city_office, is_lead=True)
            chains[city_name, chain_name] = chain
            segs = [Segment.objects.create(chain=chain, name=n, stage=s, order=i) for i, (n, s) in enumerate(segments)]
            weights = [8.0] + [3.0] * 2 + [1.0] * (count - 3)
            for i in range(count):
                body = "91" + district_code + "".join(rng.choice("0123456789") for _ in range(9))
                ent = Enterprise.objects.create(
                    uscc=uscc.with_check_digit(body), name=f"{city_name[:2]}{chain_name}样例企业{i + 1}（示意）",
                    region=district, is_above_scale=True, is_sample=True,
                    description="示意数据：虚构样例企业，仅用于演示省市联动。")
                role = MembershipRole.MASTER if i == 0 else MembershipRole.BACKBONE if i < 3 else MembershipRole.SUPPORTING
                membership = Membership.objects.create(enterprise=ent, chain=chain, role=role)
                for seg in {segs[i % len(segs)], segs[(i + 2) % len(segs)]}:
                    SegmentPlacement.objects.create(segment=seg, membership=membership)
                r2020 = revenue * 10000 * weights[i] / sum(weights)
                annual = {2019: r2020 / 1.04, 2020: r2020, 2021: r2020 * (1 + growth + rng.uniform(-0.05, 0.05))}
                stats += _stats(rng, ent, annual)
        # The rest of the city's industry, outside these chains: the city's total for its location quotients.
        body = "91" + district_code + "".join(rng.choice("0123456789") for _ in range(9))
        rest = Enterprise.objects.create(uscc=uscc.with_check_digit(body), name=f"{city_name[:2]}其他工业样例企业（示意）",
                                         region=district, is_above_scale=True, is_sample=True,
                                         description="示意数据：虚构样例企业，代表该市产业链以外的规上工业。")
        total = sum(v[2] for v in CITY_CHAINS[city_name].values()) * 10000 * 2.5
        stats += _stats(rng, rest, {2019: total / 1.05, 2020: total, 2021: total * 1.09})
    MonthlyStat.objects.bulk_create(stats, batch_size=2000)

    office = Department.objects.get_or_create(name="省工业和信息化厅", region=province,
                                              defaults={"short_name": "省工信厅"})[0]
    tier = ChainTier.objects.get_or_create(name="标志性产业链", region=province,
                                           defaults={"target_scale": Decimal(10000), "target_year": 2025})[0]
    work_model, created = WorkModel.objects.get_or_create(name=WORK_MODEL, region=province, defaults={
        "description": "山东省产业链工作模式：1 个产业链图谱 + N 张清单（示意）"})
    items = ([WorkModelItem.objects.create(work_model=work_model, name=n, order=i + 1,
                                           evidence_kinds=["map", "task"] if "图谱" in n else ["task"])
              for i, n in enumerate(WORK_ITEMS)]
             if created else list(work_model.items.all()))
    for order, (name, (segments, serving, chief)) in enumerate(PROVINCIAL.items(), start=1):
        parent = Chain.objects.create(name=name, region=province, tier=tier, order=order, is_illustrative=True,
                                      description="示意数据：省级产业链，数据由服务该链的各市产业链汇总。")
        for i, (n, s) in enumerate(segments):
            Segment.objects.create(chain=parent, name=n, stage=s, order=i)
        person = Person.objects.create(name=chief[0], title=chief[1], region=province)
        ChainRole.objects.create(chain=parent, person=person, kind=ChainRoleKind.CHIEF)
        ChainDepartment.objects.create(chain=parent, department=office, is_lead=True)
        for item in items:
            ChainWorkItem.objects.create(chain=parent, item=item)
        for city_name, chain_name in serving.items():
            ChainLink.objects.create(chain=chains[city_name, chain_name], parent=parent)
        chains["山东省", name] = parent
    for city_name, chain_name, segment, parent_name, target in SAME:
        SegmentLink.objects.create(source=Segment.objects.get(chain=chains[city_name, chain_name], name=segment),
                                   target=Segment.objects.get(chain=chains["山东省", parent_name], name=target),
                                   kind=LinkKind.SAME, note="市级图谱细分的同一环节")
    for city_name, chain_name, segment, name, status, party in TECHNOLOGIES:
        KeyTechnology.objects.create(segment=Segment.objects.get(chain=chains[city_name or "山东省", chain_name],
                                                                 name=segment),
                                     name=name, status=status, external_party=party)
    aggregates.refresh()

    User = get_user_model()
    for username, role, display, region in (("province", Role.PROVINCE, "山东省链长办", province),
                                            ("qingdao", Role.COORDINATOR, "青岛市链长办",
                                             Region.objects.get(code="370200"))):
        user = User(username=username, role=role, display_name=display, region=region)
        user.set_password(data.DEMO_PASSWORD)
        user.save()
    if stdout:
        stdout.write("demo: 山东省 with three provincial chains served by 潍坊, 青岛 and 烟台\n")
