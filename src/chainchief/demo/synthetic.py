"""A deterministic synthetic data set at city or province scale, for benchmarks.

Province scale: 16 cities, 35 provincial chains with ~2,000 segments, 50,000 above-scale enterprises with
valid USCCs, memberships and segment placements, and 36 months of YTD figures (1.8M rows). On PostgreSQL
the bulk rows go in with COPY; elsewhere with bulk_create. Meant for a fresh database (after migrate): it refuses one that already holds 山东省 or its cities.
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
from chainchief.chains.models import Chain, ChainTier, Segment, SegmentPlacement, Stage
from chainchief.core import uscc
from chainchief.core.models import Region, RegionLevel
from chainchief.enterprises.models import Enterprise, Membership, MembershipRole
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
                           "run gen_synthetic on a fresh DATABASE_URL after migrate")
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
    from chainchief.monitoring import aggregates

    aggregates.analyze_after_bulk_write()
    written = aggregates.refresh()
    _log(out, f"{written} chain figures pre-aggregated", t0)
    return {"enterprises": len(enterprises), "monthly_rows": rows, "chains": len(chains), "segments": len(segments)}


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
                    is_illustrative=True, description="合成数据，仅用于性能测试。")
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
