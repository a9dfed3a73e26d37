"""A deterministic synthetic data set at city or province scale, for benchmarks.

Province scale: 16 cities, 35 provincial chains with ~2,000 segments, 50,000 above-scale enterprises with
valid USCCs, memberships and segment placements, 36 months of YTD figures (1.8M rows), 300,000 supply links
(6 per enterprise, most between enterprises of the same city), 1,400 tasks (40 per chain, under the chain's
plans for 2021 and 2022), 210 coordination meetings (6 per chain) with 630 decisions and their supervised tasks,
350 key projects (10 per chain) with 4,200 months of investment, and 20,000 enterprise requests (0.4 per
enterprise) at every step of their workflow; city and small scale in proportion. Chains get a lead department
and the province a "1+N 清单" work model; each city gets service commissioners; 50,000 supply capabilities (one
per enterprise) and 2,000 needs in Chinese for the matching benchmark.

On PostgreSQL the bulk rows go in with COPY; elsewhere with bulk_create. Meant for a fresh database (after
migrate): it refuses one that already holds 山东省 or its cities. ``top_up`` (``gen_synthetic --top-up``) adds to
a database generated earlier only the parts it lacks (plans, supply links, tasks, requests, meetings, key
projects and what they need), the same rows a fresh run makes for the same seed.
"""
import io
import random
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from chainchief.accounts.models import Role
from chainchief.chains.models import Chain, ChainTier
from chainchief.core import uscc
from chainchief.core.models import Region, RegionLevel
from chainchief.enterprises.models import Enterprise, Membership, MembershipRole
from chainchief.maps.models import Segment, SegmentPlacement, Stage
from chainchief.monitoring.models import MonthlyStat

CITIES = [("济南市", "370100"), ("青岛市", "370200"), ("淄博市", "370300"), ("枣庄市", "370400"),
          ("东营市", "370500"), ("烟台市", "370600"), ("潍坊市", "370700"), ("济宁市", "370800"),
          ("泰安市", "370900"), ("威海市", "371000"), ("日照市", "371100"), ("临沂市", "371300"),
          ("德州市", "371400"), ("聊城市", "371500"), ("滨州市", "371600"), ("菏泽市", "371700")]
INDUSTRIES = ["动力装备", "汽车", "轨道交通装备", "船舶与海工装备", "航空航天", "工程机械", "农机装备", "高端数控机床",
              "机器人", "集成电路", "新型显示", "虚拟现实", "软件", "云计算", "高端化工", "化工新材料", "轮胎",
              "生物医药", "医疗器械", "食品", "纺织服装", "家电", "钢铁", "有色金属", "铝材", "建材", "造纸",
              "新能源", "储能", "氢能", "光伏", "风电装备", "节能环保", "海洋装备", "现代农业"]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PASSWORD = "Bench#2026"
SYNTHETIC_NOTE = "合成数据，仅用于性能测试。"  # the description of every generated chain


@dataclass(frozen=True)
class Scale:
    cities: int
    districts_per_city: int
    chains: int
    segments_per_chain: int
    enterprises: int
    months: int


SCALES = {
    "small": Scale(cities=2, districts_per_city=3, chains=5, segments_per_chain=12, enterprises=1_000, months=12),
    "city": Scale(cities=1, districts_per_city=12, chains=15, segments_per_chain=40, enterprises=5_000, months=36),
    "province": Scale(cities=16, districts_per_city=6, chains=35, segments_per_chain=57, enterprises=50_000,
                      months=36),
}


def _log(out, text, t0):
    if out:
        out.write(f"  {text} ({time.perf_counter() - t0:.1f} s)")


def generate(scale_name="province", seed=7, out=None):
    scale = SCALES[scale_name]
    if Region.objects.filter(code__in=["370000", *(code for _, code in CITIES)]).exists():
        raise RuntimeError("this database already holds 山东省 or its cities (the demo or an earlier run): "
                           "run gen_synthetic on a fresh DATABASE_URL after migrate, or add what an earlier run "
                           "lacks with --top-up")
    rng = random.Random(seed)
    t0 = time.perf_counter()
    with transaction.atomic():
        province, districts = _regions(scale)
        chains = _chains(scale, province)
        segments = _segments(scale, chains)
        _log(out, f"{len(districts)} districts, {len(chains)} chains, {len(segments)} segments", t0)
        enterprises = _enterprises(rng, scale, districts)
        _log(out, f"{len(enterprises)} enterprises", t0)
        memberships = _memberships(rng, enterprises, chains)
        _placements(rng, memberships, segments)
        _log(out, f"{len(memberships)} memberships and placements", t0)
        rows = _stats(rng, scale, enterprises)
        _log(out, f"{rows} monthly rows", t0)
        _users(province, chains)
        added = _add_missing(province, seed, out, t0)
    from chainchief.monitoring import aggregates

    aggregates.analyze_after_bulk_write()
    written = aggregates.refresh()
    _log(out, f"{written} chain figures pre-aggregated", t0)
    _analyze_all()
    return {"enterprises": len(enterprises), "monthly_rows": rows, "chains": len(chains), "segments": len(segments),
            **added}


def _regions(scale):
    province = Region.objects.create(name="山东省", code="370000", level=RegionLevel.PROVINCE)
    districts = []
    for i, (name, code) in enumerate(CITIES[:scale.cities]):
        city = Region.objects.create(name=name, code=code, level=RegionLevel.CITY, parent=province, order=i)
        for d in range(scale.districts_per_city):
            districts.append(Region(name=f"{name[:-1]}第{d + 1}区", code=f"{code[:4]}{d + 2:02d}",
                                    level=RegionLevel.DISTRICT, parent=city, order=d))
    Region.objects.bulk_create(districts)
    return province, list(Region.objects.filter(level=RegionLevel.DISTRICT).order_by("pk"))


def _chains(scale, province):
    tiers = [ChainTier.objects.create(name="万亿级", region=province, target_scale=Decimal(10000), target_year=2025),
             ChainTier.objects.create(name="五千亿级", region=province, target_scale=Decimal(5000), target_year=2025),
             ChainTier.objects.create(name="千亿级", region=province, target_scale=Decimal(1000), target_year=2025)]
    chains = [Chain(name=f"{INDUSTRIES[i % len(INDUSTRIES)]}产业链", short_name=INDUSTRIES[i % len(INDUSTRIES)][:4],
                    region=province, tier=tiers[0 if i < 3 else 1 if i < 12 else 2], order=i + 1,
                    is_illustrative=True, description=SYNTHETIC_NOTE)
              for i in range(scale.chains)]
    Chain.objects.bulk_create(chains)
    return list(Chain.objects.filter(region=province).order_by("order"))


def _segments(scale, chains):
    rows = []
    stages = [Stage.UPSTREAM, Stage.MIDSTREAM, Stage.DOWNSTREAM]
    for chain in chains:
        for i in range(scale.segments_per_chain):
            rows.append(Segment(chain=chain, stage=stages[i * 3 // scale.segments_per_chain],
                                name=f"{chain.short_name}环节{i + 1:03d}", order=i))
    Segment.objects.bulk_create(rows, batch_size=2000)
    return list(Segment.objects.order_by("pk"))


def _usccs(rng, count, districts):
    seen = set()
    while len(seen) < count:
        d = rng.choice(districts)
        body = "91" + d.code + "".join(rng.choice(ALPHABET) for _ in range(9))
        seen.add((uscc.with_check_digit(body), d.pk))
    return sorted(seen)


def _enterprises(rng, scale, districts):
    now = timezone.now()
    rows = [Enterprise(uscc=code, name=f"合成企业{i:06d}有限公司", short_name=f"合成{i:06d}", region_id=district_id,
                       is_above_scale=True, is_sample=True, founded_on=date(2000 + i % 20, 1 + i % 12, 1),
                       created_at=now, updated_at=now)
            for i, (code, district_id) in enumerate(_usccs(rng, scale.enterprises, districts))]
    Enterprise.objects.bulk_create(rows, batch_size=5000)
    return list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))


def _memberships(rng, enterprises, chains):
    rows = []
    for i, ent in enumerate(enterprises):
        picked = {rng.randrange(len(chains))}
        if rng.random() < 0.5:
            picked.add(rng.randrange(len(chains)))
        for c in picked:
            role = (MembershipRole.MASTER if rng.random() < 0.005 else
                    MembershipRole.BACKBONE if rng.random() < 0.05 else MembershipRole.SUPPORTING)
            rows.append(Membership(enterprise_id=ent, chain_id=chains[c].pk, role=role))
    Membership.objects.bulk_create(rows, batch_size=5000)
    return list(Membership.objects.values_list("pk", "chain_id"))


def _placements(rng, memberships, segments):
    by_chain = {}
    for s in segments:
        by_chain.setdefault(s.chain_id, []).append(s.pk)
    rows = []
    for pk, chain_id in memberships:
        segs = by_chain[chain_id]
        # Skewed: low-numbered segments are crowded, some high-numbered ones stay empty (missing links).
        index = min(int(rng.paretovariate(1.2)) - 1, len(segs) - 1)
        rows.append(SegmentPlacement(membership_id=pk, segment_id=segs[index]))
    SegmentPlacement.objects.bulk_create(rows, batch_size=5000)


def _periods(months):
    start = 2022 * 12 - months  # months ending 2021-12
    return [date(m // 12, m % 12 + 1, 1) for m in range(start, start + months)]


def _stat_rows(rng, scale, enterprises):
    periods = _periods(scale.months)
    for ent in enterprises:
        base = rng.lognormvariate(10.5, 1.2)  # annual revenue in 万元, median ≈ 36,000
        growth = rng.gauss(0.08, 0.12)
        ytd = 0.0
        for p in periods:
            if p.month == 1:
                ytd = 0.0
            ytd += base * (1 + growth) ** (p.year - periods[0].year) / 12 * rng.uniform(0.9, 1.1)
            yield ent, p, round(ytd, 2)


def _stats(rng, scale, enterprises):
    now = timezone.now()
    if connection.vendor == "postgresql":
        return _copy_stats(rng, scale, enterprises, now)
    count, batch = 0, []
    for ent, p, revenue in _stat_rows(rng, scale, enterprises):
        batch.append(MonthlyStat(enterprise_id=ent, period=p, revenue=Decimal(str(revenue)), created_at=now,
                                 updated_at=now))
        if len(batch) >= 10_000:
            MonthlyStat.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    MonthlyStat.objects.bulk_create(batch)
    return count + len(batch)


def _copy_stats(rng, scale, enterprises, now):
    table = MonthlyStat._meta.db_table
    stamp = now.isoformat()
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} (enterprise_id, period, revenue, created_at, updated_at, version) "
                      f"FROM STDIN") as copy:
            buf = io.StringIO()
            for ent, p, revenue in _stat_rows(rng, scale, enterprises):
                buf.write(f"{ent}\t{p.isoformat()}\t{revenue:.2f}\t{stamp}\t{stamp}\t1\n")
                count += 1
                if count % 50_000 == 0:
                    copy.write(buf.getvalue())
                    buf = io.StringIO()
            copy.write(buf.getvalue())
    return count


def _users(province, chains):
    User = get_user_model()
    for username, role, extra in (("bench_coordinator", Role.COORDINATOR, {}), ("bench_leader", Role.LEADER, {}),
                                  ("bench_dept", Role.DEPT, {})):
        user = User(username=username, role=role, region=province, display_name=username, **extra)
        user.set_password(PASSWORD)
        user.save()
        if role == Role.DEPT:
            user.chains.set(chains[:2])


# ---------------------------------------------------------------------------------------------------------------
# Supply links, tasks and requests, and the departments, work model and commissioners they point at. Built from
# what the database holds, with one random stream per part seeded from the seed, so that ``top_up`` adds to an
# earlier data set the same rows a fresh run makes.

LINKS_PER_ENTERPRISE = 6  # province: 300,000
LOCAL_SUPPLY_SHARE = 0.6  # links whose supplier is drawn from the customer's own city
TASKS_PER_CHAIN = 40
PLAN_YEARS = (2021, 2022)  # the years the tasks fall due in; each chain has a plan for each
MEETINGS_PER_CHAIN = 6
DECISIONS_PER_MEETING = 3
PROJECTS_PER_CHAIN = 10
PROJECT_YEAR = 2021  # the plan year of the key projects, with its twelve months reported
REQUESTS_PER_ENTERPRISE = 0.4  # province: 20,000
COMMISSIONERS_PER_CITY = 5
LINK_YEARS = (2019, 2020, 2021)
DEPARTMENTS = [("工业和信息化厅", "工信厅"), ("发展和改革委员会", "发改委"), ("科学技术厅", "科技厅"),
               ("商务厅", "商务厅"), ("农业农村厅", "农业农村厅"), ("卫生健康委员会", "卫健委")]
WORK_MODEL = "1+N 清单"
WORK_ITEMS = ["一张产业链图谱", "重点企业清单", "重点项目清单", "招商引资清单", "创新平台清单", "关键技术攻关清单",
              "政策措施清单"]
PRODUCT_KINDS = ["零部件", "原材料", "关键部件", "总成", "模组", "专用设备", "辅料", "包装材料", "检测服务", "软件系统"]
LINK_SOURCES = ["企业填报", "走访调研", "供需对接会", "统计数据"]
TASK_TITLES = ["绘制产业链图谱并标注强弱缺环节", "更新重点企业清单", "走访链主企业并形成问题清单", "召开产业链调度会",
               "谋划储备重点项目", "开展产业链专题调研", "筹建产业链联盟", "研究出台专项支持政策", "对接招商引资目标企业",
               "组织关键技术攻关", "梳理本地配套需求", "推动上下游产需对接"]
DECISION_TEXTS = ["协调解决链主企业扩产项目用地指标", "组织链上企业开展供应链融资对接", "推动关键零部件联合攻关项目立项",
                  "建立重点项目周调度制度", "组织整机企业与本地配套企业产需对接", "加快在谈招商项目签约落地",
                  "协调重点项目环评和能评审批", "对接职业院校开展技工订单式培养", "梳理企业诉求并逐项交办",
                  "研究制定产业链专项支持政策"]
PROJECT_WORDS = ["智能工厂建设", "扩产", "技术改造", "新材料产业化", "数字化车间", "研发中心建设", "生产线升级",
                 "产业园", "关键零部件", "绿色低碳改造"]
REQUEST_TEXTS = {
    "financing": "流动资金贷款到期续贷困难，希望协调银行支持",
    "labour": "技术工人招聘困难，希望对接职业院校定向培养",
    "land": "扩产项目用地指标不足，希望协调解决",
    "approval": "新建项目环评审批进度较慢，希望加快办理",
    "policy": "技术改造补贴资金尚未兑现，希望协调拨付",
    "market": "产品进入本地整机企业配套体系困难，希望组织产需对接",
    "technology": "关键工艺攻关缺少高校和科研院所支持",
    "utilities": "新增生产线用电容量不足，希望协调增容",
    "energy": "新上生产线需新增用能指标，希望协调解决",
    "logistics": "原材料运输成本偏高，希望协调物流通道",
    "other": "生产经营中遇到其他问题，希望协调解决",
}


@dataclass
class _Context:
    """What the new parts are built from: the region's enterprises, chains and the people and departments."""

    enterprises: list  # [(pk, region_id)] by pk
    city_of: dict  # region id → id of its city (or of itself above city level)
    above: dict  # region id → ids of it and the regions above it
    chains: list  # [Chain] by (order, pk)
    members: dict  # enterprise pk → [chain pk]
    leads: dict  # chain pk → lead department pk
    items: dict  # chain pk → [work model item pk] of its region's work model
    people: dict  # department pk → [person pk]
    commissioners: dict  # city id → [person pk]
    departments: dict  # region id → [department pk]


def top_up(seed=7, out=None):
    """Add to a synthetic province generated earlier what it lacks (see ``add_missing``)."""
    province = Region.objects.filter(code="370000", chains__description=SYNTHETIC_NOTE).distinct().first()
    if province is None:
        raise RuntimeError("this database holds no synthetic 山东省 (generated chains): run gen_synthetic without "
                           "--top-up first")
    return add_missing(province, seed, out)


def add_missing(region, seed=7, out=None):
    """Supply links, tasks and requests over the enterprises and chains in ``region`` and below, each part only
    when there is none yet, and the lead departments, work model and commissioners they need."""
    with transaction.atomic():
        added = _add_missing(region, seed, out, time.perf_counter())
    _analyze_all()
    return added


# The parts, in the order they are made (plans before the tasks that carry them out); what each adds is counted
# under its key, and under the extra keys it names.
PARTS = ("plans", "supply_links", "tasks", "requests", "meetings", "projects", "capabilities")
EXTRA = {"meetings": ("decisions",), "projects": ("project_months",), "capabilities": ("needs",)}


def _add_missing(province, seed, out, t0):
    _reference(province)
    ctx = _context(province)
    make = {"plans": _plans, "supply_links": _supply_links, "tasks": _tasks, "requests": _requests,
            "meetings": _meetings, "projects": _projects, "capabilities": _capabilities}
    added = {k: 0 for key in PARTS for k in (key, *EXTRA.get(key, ()))}
    for key in PARTS:
        if not _present(key, ctx):
            made = make[key](random.Random(f"{seed}:{key}"), ctx)
            added.update(made if isinstance(made, dict) else {key: made})
            _log(out, ", ".join(f"{added[k]} {k.replace('_', ' ')}" for k in (key, *EXTRA.get(key, ()))), t0)
    return added


def _present(key, ctx):
    """Whether the data set has this part already. Parts made by hand elsewhere (the demo's two dozen requests,
    its tasks, meetings and projects) are not the data set's: a part counts as present from half its proportion
    on. Plans are present when every chain has one for each of PLAN_YEARS."""
    from chainchief.appeals.models import Request
    from chainchief.enterprises.models import SupplyLink
    from chainchief.work.models import KeyProject, Meeting, Plan, Task

    chains = [c.pk for c in ctx.chains if c.pk in ctx.leads]
    if key == "plans":
        have = Plan.objects.filter(chain_id__in=chains, year__in=PLAN_YEARS).count()
        return have == len(chains) * len(PLAN_YEARS)
    if key == "supply_links":
        return SupplyLink.objects.count() >= LINKS_PER_ENTERPRISE * len(ctx.enterprises) / 2
    if key == "capabilities":
        from chainchief.investment.models import Capability

        return Capability.objects.count() >= CAPABILITIES_PER_ENTERPRISE * len(ctx.enterprises) / 2
    if key == "requests":
        return Request.objects.count() >= REQUESTS_PER_ENTERPRISE * len(ctx.enterprises) / 2
    if key == "tasks":
        have = Task.objects.filter(chain_id__in=chains, decision__isnull=True).count()
        return have >= TASKS_PER_CHAIN * len(chains) / 2
    if key == "meetings":
        return Meeting.objects.filter(chain_id__in=chains).count() >= MEETINGS_PER_CHAIN * len(chains) / 2
    return KeyProject.objects.filter(chain_id__in=chains).count() >= PROJECTS_PER_CHAIN * len(chains) / 2


def _analyze_all():
    """Planner statistics for every table after a bulk load (PostgreSQL): without them the planner takes
    70,000 enterprises for a few hundred and scans instead of using the search indexes. Outside a transaction
    also VACUUM, which marks the freshly written pages all-visible: until then an index-only scan reads the table
    too (counting a chain's 2,000 members visits 800 pages instead of 3). Autovacuum would get there eventually;
    a benchmark must not depend on when (or on whether it is switched on)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def _reference(province):
    """A lead department for every chain that has none, a work model for every region with chains and none,
    and service commissioners in every city without any."""
    from chainchief.chains.models import ChainDepartment, WorkModel, WorkModelItem
    from chainchief.core.models import Department, Person

    regions = Region.subtree_ids(province.pk)
    chains = list(Chain.objects.filter(region_id__in=regions).exclude(departments__is_lead=True)
                  .select_related("region").order_by("order", "pk"))
    for i, chain in enumerate(chains):
        # Two chains in three led by the industry department, the others by the department of their field.
        name, short = DEPARTMENTS[0 if i % 3 else 1 + i // 3 % (len(DEPARTMENTS) - 1)]
        department, created = Department.objects.get_or_create(
            region=chain.region, name=f"{chain.region.name}{name}", defaults={"short_name": short})
        if created:
            Person.objects.bulk_create([Person(name=f"{short}{title}", title=title, department=department,
                                               region=chain.region) for title in ("产业链专班负责人", "产业处处长")])
        ChainDepartment.objects.create(chain=chain, department=department, is_lead=True)
    for region in Region.objects.filter(pk__in=regions, work_model__isnull=True, chains__isnull=False).distinct():
        model, created = WorkModel.objects.get_or_create(
            name=WORK_MODEL, region=province, defaults={"description": "合成数据：“1 图谱 + N 清单”工作模式。"})
        if created:
            WorkModelItem.objects.bulk_create([WorkModelItem(work_model=model, name=n, order=i + 1)
                                               for i, n in enumerate(WORK_ITEMS)])
        region.work_model = model
        region.save(update_fields=["work_model"])
    for city in Region.objects.filter(pk__in=regions, level=RegionLevel.CITY).order_by("pk"):
        if not Person.objects.filter(region__in=Region.subtree_ids(city.pk), title="服务专员").exists():
            Person.objects.bulk_create([Person(name=f"{city.name[:-1]}服务专员{k + 1}", title="服务专员", region=city)
                                        for k in range(COMMISSIONERS_PER_CITY)])


def _context(province):
    from chainchief.chains.models import ChainDepartment, WorkModelItem
    from chainchief.core.models import Department, Person

    regions = {pk: (parent, level) for pk, parent, level in
               Region.objects.filter(pk__in=Region.subtree_ids(province.pk)).values_list("pk", "parent_id", "level")}

    def chain_up(pk):
        out = []
        while pk in regions:
            out.append(pk)
            pk = regions[pk][0]
        return out

    above = {pk: chain_up(pk) for pk in regions}
    city_of = {pk: next((r for r in up if regions[r][1] == RegionLevel.CITY), up[0]) for pk, up in above.items()}
    chains = list(Chain.objects.filter(region_id__in=regions).select_related("region").order_by("order", "pk"))
    members = {}
    for ent, chain in (Membership.objects.filter(chain__in=chains).order_by("pk")
                       .values_list("enterprise_id", "chain_id")):
        members.setdefault(ent, []).append(chain)
    leads = dict(ChainDepartment.objects.filter(chain__in=chains, is_lead=True).values_list("chain_id",
                                                                                               "department_id"))
    by_model = {}
    for pk, model in WorkModelItem.objects.order_by("order", "pk").values_list("pk", "work_model_id"):
        by_model.setdefault(model, []).append(pk)
    items = {c.pk: by_model.get(c.region.work_model_id, []) for c in chains}
    people, commissioners, departments = {}, {}, {}
    for pk, department, region, title in (Person.objects.filter(region_id__in=regions).order_by("pk")
                                          .values_list("pk", "department_id", "region_id", "title")):
        if title == "服务专员":
            commissioners.setdefault(city_of[region], []).append(pk)
        elif department is not None:
            people.setdefault(department, []).append(pk)
    for pk, region in Department.objects.filter(region_id__in=regions).order_by("pk").values_list("pk", "region_id"):
        departments.setdefault(region, []).append(pk)
    enterprises = list(Enterprise.objects.filter(region_id__in=regions).order_by("pk").values_list("pk", "region_id"))
    return _Context(enterprises=enterprises, city_of=city_of, above=above, chains=chains, members=members,
                    leads=leads, items=items, people=people, commissioners=commissioners, departments=departments)


def _write(model, columns, rows):
    """Insert ``rows`` (tuples of ``columns``, by attname) with COPY on PostgreSQL, else with bulk_create; the
    timestamps and the version every row carries are added here. Returns the number of rows."""
    now = timezone.now()
    columns = [*columns, "created_at", "updated_at", "version"]
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, now, now, 1))
                    count += 1
        return count
    batch = []
    for row in rows:
        batch.append(model(**dict(zip(columns, (*row, now, now, 1)))))
        if len(batch) == 5000:
            model.objects.bulk_create(batch)
            count, batch = count + len(batch), []
    model.objects.bulk_create(batch)
    return count + len(batch)


def _supply_links(rng, ctx):
    """LINKS_PER_ENTERPRISE links per enterprise, unique per (supplier, customer, product, year). A link's chain is
    one of its customer's (else its supplier's) chains; most suppliers are in the customer's city."""
    from chainchief.enterprises.models import SupplyLink

    ents = ctx.enterprises
    if len(ents) < 2:
        return 0
    by_city = {}
    for pk, region in ents:
        by_city.setdefault(ctx.city_of[region], []).append(pk)
    short = {c.pk: c.short_name or c.name for c in ctx.chains}
    wanted, seen, rows = LINKS_PER_ENTERPRISE * len(ents), set(), []
    for _ in range(wanted * 20):
        if len(rows) == wanted:
            break
        customer, region = ents[rng.randrange(len(ents))]
        local = by_city[ctx.city_of[region]]
        supplier = rng.choice(local) if rng.random() < LOCAL_SUPPLY_SHARE and len(local) > 1 else \
            ents[rng.randrange(len(ents))][0]
        if supplier == customer:
            continue
        chains = ctx.members.get(customer) or ctx.members.get(supplier)
        chain = rng.choice(chains) if chains and rng.random() < 0.9 else None
        product = f"{short[chain] if chain else ''}{rng.choice(PRODUCT_KINDS)}"
        year = rng.choice(LINK_YEARS)
        if (supplier, customer, product, year) in seen:
            continue
        seen.add((supplier, customer, product, year))
        amount = None if rng.random() < 0.1 else Decimal(f"{rng.lognormvariate(6.0, 1.3):.2f}")  # median ≈ 400 万元
        rows.append((supplier, customer, chain, product, amount, year, rng.choice(LINK_SOURCES), ""))
    return _write(SupplyLink, ["supplier_id", "customer_id", "chain_id", "product", "annual_amount", "year",
                               "source", "note"], rows)


CAPABILITIES_PER_ENTERPRISE = 1  # province: 50,000 supply capabilities for matching
NEEDS_PER_ENTERPRISE = 0.04  # province: 2,000 needs
MATCH_WORDS = ["曲轴", "连杆", "缸体", "缸盖", "齿轮", "轴承", "活塞", "喷油器", "涡轮增压器", "传感器", "线束", "电控单元",
               "变速箱", "液压阀", "密封件", "紧固件", "弹簧", "铸件", "锻件", "冲压件", "注塑件", "压铸件", "钣金件",
               "电机", "减速器", "控制器", "电池包", "电芯", "隔膜", "电解液", "正极材料", "负极材料", "绝缘子", "电缆",
               "变压器", "开关柜", "光学镜头", "扬声器", "麦克风", "芯片", "电路板", "显示屏", "触摸屏", "结构件",
               "纺织面料", "纱线", "染料", "助剂", "树脂", "橡胶", "轮胎", "钢材", "铝型材", "铜材", "玻璃", "陶瓷",
               "包装纸", "纸箱", "塑料薄膜", "涂料", "胶粘剂", "催化剂", "溶剂", "添加剂", "饲料", "面粉", "食用油",
               "原料药", "医疗器械", "试剂", "导管", "数控系统", "伺服驱动", "刀具", "夹具", "模具", "工业软件"]
MATCH_PROCESSES = ["锻造", "铸造", "机加工", "热处理", "表面处理", "焊接", "装配", "检测", "注塑", "冲压", "研发设计",
                   "精密加工", "喷涂", "电镀", "封装测试", "来料加工", "定制开发"]


def _capabilities(rng, ctx):
    """A supply capability per enterprise (and a need per 25), in Chinese, from a product vocabulary, for the
    matching benchmark: each names two to four products, one or two processes and a capacity."""
    from chainchief.investment.matching import tokens
    from chainchief.investment.models import Capability, Need

    short = {c.pk: c.short_name or c.name for c in ctx.chains}

    def text(ent):
        products = rng.sample(MATCH_WORDS, rng.randint(2, 4))
        chains = ctx.members.get(ent) or []
        chain = rng.choice(chains) if chains else None
        title = f"{short[chain] if chain else ''}{products[0]}"
        body = (f"主要生产{'、'.join(products)}，具备{'、'.join(rng.sample(MATCH_PROCESSES, rng.randint(1, 2)))}能力，"
                f"年产能约 {rng.randint(1, 500)} 万件，可为{short[chain] if chain else '本地'}企业配套。")
        return chain, title, body

    rows = []
    for pk, _region in ctx.enterprises[:int(CAPABILITIES_PER_ENTERPRISE * len(ctx.enterprises))]:
        chain, title, body = text(pk)
        rows.append((pk, chain, title[:100], body, "open", " ".join(tokens(f"{title[:100]}\n{body}"))))
    made = _write(Capability, ["enterprise_id", "chain_id", "title", "text", "status", "terms"], rows)
    needs = []
    for pk, _region in rng.sample(ctx.enterprises, int(NEEDS_PER_ENTERPRISE * len(ctx.enterprises))):
        chain, title, body = text(pk)
        needs.append((pk, chain, f"采购{title}"[:100], body.replace("主要生产", "需要采购").replace("可为", "用于"),
                      "open", None))
    return {"capabilities": made, "needs": _write(Need, ["enterprise_id", "chain_id", "title", "text", "status",
                                                          "amount"], needs)}


STATUS_WEIGHTS = (("done", 10), ("in_progress", 7), ("not_started", 3))
PROGRESS = {"done": "已按期完成。", "in_progress": "正在推进，已完成阶段目标。", "not_started": ""}


def _plans(rng, ctx):
    """A development plan for each of PLAN_YEARS on every chain with a lead department that has none for it."""
    from chainchief.work.models import Plan

    have = set(Plan.objects.filter(chain__in=ctx.chains).values_list("chain_id", "year"))
    rows = [(chain.pk, year, f"{chain.name}{year}年发展计划",
             f"稳链：稳住{chain.name}链主和骨干企业生产经营。\n补链：招引缺链、弱链环节配套企业。\n"
             "延链：向下游高附加值环节延伸。\n强链：支持龙头企业技术创新，提高本地配套率。")
            for chain in ctx.chains if chain.pk in ctx.leads for year in PLAN_YEARS if (chain.pk, year) not in have]
    return _write(Plan, ["chain_id", "year", "title", "goals"], rows)


def _tasks(rng, ctx):
    """TASKS_PER_CHAIN tasks per chain with a lead department, due in 2021–2022 under the plan of their year, in
    every status."""
    from chainchief.work.models import Plan, Task

    statuses = [s for s, n in STATUS_WEIGHTS for _ in range(n)]
    plans = {(c, y): pk for pk, c, y in Plan.objects.filter(chain__in=ctx.chains, year__in=PLAN_YEARS)
             .values_list("pk", "chain_id", "year")}
    start = date(2021, 1, 1).toordinal()
    rows = []
    for chain in ctx.chains:
        lead = ctx.leads.get(chain.pk)
        if lead is None:
            continue
        items, people = ctx.items[chain.pk], ctx.people.get(lead, [])
        for k in range(TASKS_PER_CHAIN):
            title = TASK_TITLES[k % len(TASK_TITLES)]
            status = rng.choice(statuses)
            due = date.fromordinal(start + rng.randrange(730))
            rows.append((
                chain.pk, rng.choice(items) if items and rng.random() < 0.8 else None, f"{title}（第{k + 1}项）",
                f"{chain.name}产业链：{title}。", lead, rng.choice(people) if people and rng.random() < 0.7 else None,
                due, status, PROGRESS[status], plans.get((chain.pk, due.year)), ""))
    return _write(Task, ["chain_id", "work_item_id", "title", "description", "lead_department_id", "responsible_id",
                         "due_on", "status", "progress", "plan_id", "reminded"], rows)


def _meetings(rng, ctx):
    """MEETINGS_PER_CHAIN coordination meetings per chain with a lead department, held in 2021–2022 and chaired by
    one of its staff, each with DECISIONS_PER_MEETING decisions and the supervised task that carries each out."""
    from datetime import timedelta

    from chainchief.work.models import Decision, Meeting, Task

    statuses = [s for s, n in STATUS_WEIGHTS for _ in range(n)]
    start = date(2021, 1, 1).toordinal()
    meetings, plan = [], {}
    for chain in ctx.chains:
        lead = ctx.leads.get(chain.pk)
        if lead is None:
            continue
        people = ctx.people.get(lead, [])
        held = sorted(date.fromordinal(start + rng.randrange(700)) for _ in range(MEETINGS_PER_CHAIN))
        for k, day in enumerate(held):
            title = f"{chain.name}第{k + 1}次调度会"
            meetings.append((chain.region_id, chain.pk, title, day, f"{chain.region.name}会议中心",
                             rng.choice(people) if people else None,
                             f"会议听取了{chain.name}上次调度会议定事项落实情况，研究部署下一阶段工作。", "held"))
            texts = rng.sample(DECISION_TEXTS, DECISIONS_PER_MEETING)
            plan[(chain.pk, title)] = [(text, lead, rng.choice(people) if people and rng.random() < 0.7 else None,
                                        day + timedelta(days=rng.choice((15, 30, 60, 90))), rng.choice(statuses))
                                       for text in texts]
    count = _write(Meeting, ["region_id", "chain_id", "title", "held_on", "place", "chair_id", "minutes", "status"],
                   meetings)
    ids = {(c, t): pk for pk, c, t in Meeting.objects.filter(chain__in=ctx.chains).values_list("pk", "chain_id",
                                                                                                 "title")}
    decisions = [(ids[key], key[0], text, lead, person, due)
                 for key, rows in plan.items() for text, lead, person, due, _status in rows]
    made = _write(Decision, ["meeting_id", "chain_id", "text", "lead_department_id", "responsible_id", "due_on"],
                  decisions)
    decided = {(m, text): pk for pk, m, text in Decision.objects.filter(meeting_id__in=ids.values())
               .values_list("pk", "meeting_id", "text")}
    tasks = [(ids[key], key[0], decided[(ids[key], text)], text, lead, person, due, status)
             for key, rows in plan.items() for text, lead, person, due, status in rows]
    _write(Task, ["chain_id", "decision_id", "title", "description", "lead_department_id", "responsible_id",
                  "due_on", "status", "progress", "reminded"],
           ((chain, decision, text, text, lead, person, due, status, PROGRESS[status], "")
            for _meeting, chain, decision, text, lead, person, due, status in tasks))
    return {"meetings": count, "decisions": made}


def _projects(rng, ctx):
    """PROJECTS_PER_CHAIN key projects per chain with a lead department, each an enterprise of the chain's on one
    of its segments, in every stage and kind, planned for PROJECT_YEAR with its twelve months of investment."""
    from chainchief.work.models import KeyProject, ProjectKind, ProjectMonth, ProjectStage

    segments = {}
    for pk, chain in Segment.objects.filter(chain__in=ctx.chains).order_by("pk").values_list("pk", "chain_id"):
        segments.setdefault(chain, []).append(pk)
    members = {}
    for ent, chains in ctx.members.items():
        for chain in chains:
            members.setdefault(chain, []).append(ent)
    stages, kinds = list(ProjectStage), list(ProjectKind)
    rows, months = [], {}
    for chain in ctx.chains:
        lead = ctx.leads.get(chain.pk)
        pool = members.get(chain.pk)
        if lead is None or not pool:
            continue
        for k in range(PROJECTS_PER_CHAIN):
            stage = stages[k % len(stages)]
            total = Decimal(f"{rng.lognormvariate(9.5, 0.8):.2f}")  # median ≈ 13,000 万元
            annual = (total * Decimal(str(rng.uniform(0.2, 0.6)))).quantize(Decimal("0.01"))
            planned_start = date(PROJECT_YEAR - 1, rng.randint(1, 12), 1)
            planned_finish = date(PROJECT_YEAR + rng.randint(0, 2), rng.randint(1, 12), 28)
            started = planned_start if stage != ProjectStage.PREPARING else None
            finished = (date(PROJECT_YEAR, rng.randint(6, 12), 15)
                        if stage in (ProjectStage.COMPLETED, ProjectStage.OPERATING) else None)
            name = f"{chain.short_name or chain.name}{rng.choice(PROJECT_WORDS)}项目（第{k + 1}项）"
            rows.append((chain.pk, rng.choice(pool), rng.choice(segments[chain.pk]) if chain.pk in segments else None,
                         name, rng.choice(kinds).value, total, PROJECT_YEAR, annual, stage.value, planned_start,
                         planned_finish, started, finished, lead))
            pace = Decimal(str(rng.uniform(0.4, 1.1))) if stage != ProjectStage.PREPARING else Decimal("0.05")
            months[(chain.pk, name)] = [(annual * pace / 12).quantize(Decimal("0.01")) for _ in range(12)]
    count = _write(KeyProject, ["chain_id", "enterprise_id", "segment_id", "name", "kind", "total_investment", "year",
                                "annual_plan", "stage", "planned_start_on", "planned_finish_on", "started_on",
                                "finished_on", "department_id"], rows)
    ids = {(c, n): pk for pk, c, n in KeyProject.objects.filter(chain__in=ctx.chains).values_list("pk", "chain_id",
                                                                                                    "name")}
    made = _write(ProjectMonth, ["project_id", "year", "month", "completed"],
                  ((ids[key], PROJECT_YEAR, m, amount) for key, amounts in months.items()
                   for m, amount in enumerate(amounts, start=1)))
    return {"projects": count, "project_months": made}


def _requests(rng, ctx):
    """REQUESTS_PER_ENTERPRISE requests per enterprise, received 2019–2021, at every step of the workflow."""
    from datetime import timedelta

    from chainchief.appeals.models import Request, RequestCategory, RequestStatus, Satisfaction, Urgency

    S = RequestStatus
    ents = ctx.enterprises
    statuses = ([S.SUBMITTED] * 3 + [S.ACCEPTED] * 4 + [S.REJECTED] * 2 + [S.ASSIGNED] * 7 + [S.HANDLING] * 11
                + [S.REPLIED] * 9 + [S.REVIEWED] * 9 + [S.CLOSED] * 55)
    answered = (S.REPLIED, S.REVIEWED, S.CLOSED)
    satisfactions = [Satisfaction.SATISFIED] * 7 + [Satisfaction.BASIC] * 2 + [Satisfaction.UNSATISFIED]
    urgencies = [Urgency.NORMAL] * 7 + [Urgency.URGENT] * 2 + [Urgency.CRITICAL]
    categories = list(RequestCategory)
    start = date(2019, 1, 1).toordinal()
    rows = []
    for _ in range(round(REQUESTS_PER_ENTERPRISE * len(ents))):
        ent, region = ents[rng.randrange(len(ents))]
        chains = ctx.members.get(ent, [])
        chain = rng.choice(chains) if chains and rng.random() < 0.8 else None
        category = rng.choice(categories)
        status = rng.choice(statuses)
        # The department it is assigned to serves the enterprise's region or one above it.
        reachable = [d for r in ctx.above[region] for d in ctx.departments.get(r, [])]
        lead = ctx.leads.get(chain) if chain else None
        department = None
        if status not in (S.SUBMITTED, S.ACCEPTED, S.REJECTED):
            department = lead if lead in reachable else (rng.choice(reachable) if reachable else None)
            if department is None:  # nobody to assign it to: it stays accepted
                status = S.ACCEPTED
        commissioners = ctx.commissioners.get(ctx.city_of[region], [])
        received = date.fromordinal(start + rng.randrange(1095))
        due = received + timedelta(days=rng.choice((5, 7, 10, 15))) if status != S.SUBMITTED else None
        if status == S.REJECTED:
            due = None
        replied = received + timedelta(days=rng.randint(1, 20)) if status in answered else None
        closed = (replied or received) + timedelta(days=rng.randint(1, 10)) if status == S.CLOSED else None
        satisfaction = rng.choice(satisfactions) if status in (S.REVIEWED, S.CLOSED) else ""
        text = REQUEST_TEXTS[category.value]
        rows.append((ent, chain, category.value, rng.choice(urgencies), "office", text.split("，")[0],
                     f"企业反映：{text}。", status.value, department,
                     rng.choice(commissioners) if commissioners and rng.random() < 0.7 else None, received,
                     due, replied, closed, "已协调解决。" if replied else "",
                     "不属于政府部门职责范围。" if status == S.REJECTED else "", satisfaction))
    return _write(Request, ["enterprise_id", "chain_id", "category", "urgency", "channel", "title", "content", "status",
                            "department_id", "commissioner_id", "received_on", "due_on", "replied_on", "closed_on",
                            "reply", "reject_reason", "satisfaction"], rows)
