"""The demo's investment attraction and supply (招商与配套): a catalogue of enterprises outside the city that could
fill the maps' missing segments, leads on them in every stage of the pipeline (one of them stalled), supply links
that make 动力装备 a chain that buys mostly in the city and 新一代信息技术 one that buys mostly outside it, and
needs and capabilities posted for matching, one match already a contact record.

Leads are written through the services, as the lead department and the chain office would; the supply links and
their outside suppliers (two enterprises of 江苏省无锡市) are plain rows, like the demo's enterprises."""
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from chainchief.chains.models import Chain
from chainchief.core import uscc
from chainchief.core.models import Region, RegionLevel
from chainchief.demo import data
from chainchief.enterprises.models import Enterprise, Membership, MembershipRole, SupplyLink
from chainchief.investment import services
from chainchief.investment.models import Capability, ExternalEnterprise, LeadStage
from chainchief.maps.models import Segment

# (name, province, city, main products, [(chain, segment)], size, revenue 万元)
EXTERNALS = [
    ("联合汽车电子有限公司（示例）", "上海市", "上海市", "发动机电控单元、传感器、线束", [("动力装备", "电控单元（ECU）"), ("动力装备", "电控")],
     "large", "3500000"),
    ("无锡威孚电控科技有限公司（示例）", "江苏省", "无锡市", "发动机电控单元、高压共轨系统", [("动力装备", "电控单元（ECU）")],
     "large", "1200000"),
    ("苏州华芯传感技术有限公司（示例）", "江苏省", "苏州市", "压力传感器、氮氧传感器", [("动力装备", "电控")], "medium", "86000"),
    ("宁波精控线束有限公司（示例）", "浙江省", "宁波市", "汽车线束、连接器", [], "medium", "54000"),
    ("长沙博电控制系统有限公司（示例）", "湖南省", "长沙市", "电控单元、变速器控制器", [], "small", "9000"),
    ("天津泰达碳化硅材料有限公司（示例）", "天津市", "天津市", "碳化硅衬底、外延片", [("新一代信息技术", "半导体材料")],
     "medium", "68000"),
    ("深圳工软智联科技有限公司（示例）", "广东省", "深圳市", "嵌入式软件、工业互联网平台", [("新一代信息技术", "工业软件")],
     "medium", "42000"),
    ("合肥锂源电芯有限公司（示例）", "安徽省", "合肥市", "电芯、电池包、储能系统", [("汽车制造", "动力电池")], "large", "980000"),
    ("常州湿法隔膜科技有限公司（示例）", "江苏省", "常州市", "湿法隔膜、涂覆隔膜", [("新型储能", "隔膜")], "medium", "75000"),
    ("上海纺织面料集团有限公司（示例）", "上海市", "上海市", "纺织面料、服装辅料", [], "large", "260000"),
]

# (title, (chain, segment), external, source, stage, days in the past the lead entered each stage so far,
#  intended, contracted, arrived 万元)
LEADS = [
    ("ECU 研发制造基地项目", ("动力装备", "电控单元（ECU）"), 0, "chain", "producing", [720, 600, 480, 400, 300, 60],
     "150000", "120000", "120000"),
    ("高压共轨电控系统项目", ("动力装备", "电控单元（ECU）"), 1, "business", "funded", [540, 420, 300, 200, 40],
     "80000", "60000", "35000"),
    ("发动机传感器生产线项目", ("动力装备", "电控"), 2, "fair", "started", [400, 300, 150, 30], "30000", "25000", None),
    ("电控单元配套项目", ("动力装备", "电控单元（ECU）"), 4, "agency", "signed", [260, 160, 20], "12000", "10000", None),
    ("碳化硅衬底项目", ("新一代信息技术", "半导体材料"), 5, "office", "negotiating", [200, 120], "45000", None, None),
    ("工业互联网平台区域中心", ("新一代信息技术", "工业软件"), 6, "visit", "pitched", [20], "8000", None, None),
    ("动力电池电芯项目", ("汽车制造", "动力电池"), 7, "chain", "negotiating", [300, 210], "200000", None, None),
    ("湿法隔膜项目", ("新型储能", "隔膜"), 8, "fair", "pitched", [150], "20000", None, None),  # stalled: 150 > 60 days
]

# (chain, share of purchases bought in the city)
SUPPLY_PLAN = [("动力装备", Decimal("0.86")), ("新一代信息技术", Decimal("0.22"))]
SUPPLY_YEARS = (2024, 2025)

CAPABILITIES = [
    ("曲轴毛坯锻造", "可锻造重型柴油机曲轴毛坯、连杆毛坯，年产能 20 万件，具备热处理和粗加工能力。", "动力装备"),
    ("高压复合绝缘子", "生产 10kV—500kV 高压复合绝缘子、电瓷绝缘子、避雷器，可用于输电线路和变电站。", None),
    ("精梳棉纺织面料", "生产精梳棉纱线、纺织面料、家纺面料，年产面料 3000 万米。", "纺织服装"),
    ("发动机线束与传感器", "为发动机配套线束总成、温度传感器、压力传感器。", "动力装备"),
    ("铝合金压铸件", "铝合金压铸缸盖、变速器壳体，配套数控精加工。", "高端铝材"),
    ("MEMS 麦克风封装测试", "提供 MEMS 麦克风封装测试，月产能 5000 万颗。", "新一代信息技术"),
    ("食品级包装纸", "生产食品级白卡纸、淋膜纸杯纸。", "造纸包装"),
]
NEEDS = [
    ("采购输电线路绝缘子", "需要采购高压复合绝缘子约 2 万支，用于 220kV 输电线路改造，要求有型式试验报告。", None, "600"),
    ("求购曲轴毛坯", "大缸径发动机项目需要曲轴毛坯和连杆毛坯，年需求 3 万件，希望本地配套。", "动力装备", "4500"),
    ("寻找发动机传感器供应商", "需要氮氧传感器、压力传感器配套，年需求 10 万只。", "动力装备", "1200"),
]


def is_loaded():
    return ExternalEnterprise.objects.filter(region__code=data.CITY[1]).exists()


def load(seed=2021, stdout=None):
    User = get_user_model()
    city = Region.objects.get(code=data.CITY[1])
    users = {u.username: u for u in User.objects.filter(username__in=["coordinator", "dept"])}
    office, dept = users["coordinator"], users["dept"]
    today = timezone.localdate()
    chains = {c.name: c for c in Chain.objects.filter(region=city)}
    segments = {(s.chain.name, s.name): s for s in Segment.objects.filter(chain__region=city).select_related("chain")}

    externals = []
    for name, province, ext_city, products, fills, size, revenue in EXTERNALS:
        externals.append(services.create_external(office, {
            "region": city, "name": name, "province": province, "city": ext_city, "main_products": products,
            "size": size, "revenue": Decimal(revenue),
            "segments": [segments[f] for f in fills if f in segments]}))

    for title, where, ext, source, stage, days, intended, contracted, arrived in LEADS:
        chain, seg = chains.get(where[0]), segments.get(where)
        if chain is None:
            continue
        lead_dept = chain.departments.get(is_lead=True).department
        actor = dept if lead_dept.pk == dept.department_id else office
        lead = services.create_lead(actor, {"chain": chain, "segment": seg, "target": externals[ext], "title": title,
                                            "source": source, "department": lead_dept,
                                            "intended_amount": Decimal(intended)},
                                    on=today - datetime.timedelta(days=days[0]))
        stages = list(LeadStage.values)
        for i, ago in enumerate(days[1:], start=1):
            to = stages[i]
            amount = (Decimal(contracted) if to in ("signed", "started") and contracted else
                      Decimal(arrived) if to in ("funded", "producing") and arrived else None)
            if to == "funded" and arrived:
                amount = Decimal(arrived)
            lead = services.advance(actor, lead, to, on=today - datetime.timedelta(days=ago), amount=amount,
                                    note=f"进入{LeadStage(to).label}阶段")
        assert lead.stage == stage, (title, lead.stage, stage)

    _supply_links(city)
    _matching(office, chains)
    if stdout:
        stdout.write(f"demo: {len(externals)} external enterprises, {len(LEADS)} investment leads, supply links")


def _outside_suppliers():
    """Two suppliers in 江苏省无锡市: outside the city, so their sales count as bought outside."""
    # Listed after the demo's own province and city (regions are ordered by ``order``, then code).
    province, _ = Region.objects.get_or_create(code="320000", defaults={"name": "江苏省", "level": RegionLevel.PROVINCE,
                                                                        "order": 99})
    wuxi, _ = Region.objects.get_or_create(code="320200", defaults={"name": "无锡市", "level": RegionLevel.CITY,
                                                                    "parent": province, "order": 99})
    return [Enterprise.objects.get_or_create(uscc=uscc.with_check_digit(f"91320200MA1WX{n:03d}0"), defaults={
        "name": name, "region": wuxi, "is_above_scale": True, "is_sample": True,
        "description": "样例数据：本市以外的配套企业，用于演示本地配套率。"})[0]
        for n, name in ((1, "无锡外地配套样例一有限公司（样例）"), (2, "无锡外地配套样例二有限公司（样例）"))]


def _supply_links(city):
    outside = _outside_suppliers()
    local = list(Enterprise.objects.filter(region__in=Region.subtree_ids(city.pk)).order_by("pk")
                 .values_list("pk", flat=True))
    rows = []
    for chain_name, share in SUPPLY_PLAN:
        chain = Chain.objects.get(region=city, name=chain_name)
        buyers = list(Membership.objects.filter(chain=chain).order_by("role", "pk")
                      .values_list("enterprise_id", "role")[:10])
        for year in SUPPLY_YEARS:
            for k, (buyer, role) in enumerate(buyers):
                base = Decimal(8000 if role == MembershipRole.MASTER else 1500) + 100 * k
                share_k = share + Decimal(((k % 3) - 1) * 6) / 100  # buyers differ a little: so do segments
                near = [pk for pk in local if pk != buyer]
                supplier = near[(k * 7 + year) % len(near)]
                rows.append(SupplyLink(supplier_id=supplier, customer_id=buyer, chain=chain, year=year,
                                       product=f"{chain.short_name or chain.name}配套件",
                                       annual_amount=(base * share_k).quantize(Decimal("0.01")), source="企业填报"))
                rows.append(SupplyLink(supplier=outside[k % 2], customer_id=buyer, chain=chain, year=year,
                                       product=f"{chain.short_name or chain.name}外购件",
                                       annual_amount=(base * (1 - share_k)).quantize(Decimal("0.01")),
                                       source="企业填报"))
    SupplyLink.objects.bulk_create(rows)


def _matching(office, chains):
    members = {}
    for ent, chain in Membership.objects.filter(chain__in=chains.values()).order_by("pk").values_list(
            "enterprise_id", "chain__name"):
        members.setdefault(chain, []).append(ent)
    others = list(Enterprise.objects.filter(memberships__isnull=True, region__code__startswith=data.CITY[1][:4])
                  .order_by("pk").values_list("pk", flat=True))
    used = set()

    def pick(chain_name):
        pool = members.get(chain_name) or others
        for pk in pool[1:] + pool[:1]:
            if pk not in used:
                used.add(pk)
                return pk
        return pool[0]

    for title, text, chain_name in CAPABILITIES:
        services.create_capability(office, {"enterprise": pick(chain_name) if chain_name else others[0],
                                            "chain": chains.get(chain_name), "title": title, "text": text})
    needs = []
    for title, text, chain_name, amount in NEEDS:
        enterprise = members["动力装备"][0] if chain_name else others[1]
        needs.append(services.create_need(office, {"enterprise": enterprise, "chain": chains.get(chain_name),
                                                   "title": title, "text": text, "amount": Decimal(amount)}))
    crank = Capability.objects.get(title="曲轴毛坯锻造")
    services.record_contact(office, needs[1], crank, {"outcome": "intent", "note": "已组织双方对接，达成供货意向"})
