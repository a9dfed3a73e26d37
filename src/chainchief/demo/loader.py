"""Load the demo data set. Idempotent: a second run finds it loaded and changes nothing."""
import random
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from chainchief.accounts.models import Role
from chainchief.chains.models import (
    Chain, ChainDepartment, ChainRole, ChainRoleKind, ChainTier, ChainWorkItem, WorkModel, WorkModelItem,
    WorkStatus
)
from chainchief.core import uscc
from chainchief.core.models import Department, Person, Region, RegionLevel
from chainchief.demo import briefings, data, insights, investment, ledger, service
from chainchief.demo import province as provinces
from chainchief.enterprises.models import (
    Enterprise, Membership, MembershipRole, Qualification, QualificationKind, QualificationLevel,
)
from chainchief.monitoring.models import MonthlyStat

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ENTERPRISES_PER_CHAIN = 20


OTHER_ENTERPRISES = 40  # above-scale enterprises outside the 15 chains, carrying the rest of the city


def is_loaded():
    return Region.objects.filter(code=data.CITY[1]).exists()


@transaction.atomic
def load(seed=2021, stdout=None, province=True):
    """Load every part of the demo that is not there yet. Returns True when anything was added. ``province``:
    also 山东省's provincial chains and two more cities (``demo.province``); without it, 潍坊 alone."""
    added = False
    if not is_loaded():
        _load_base(seed, stdout)
        added = True
    if not MonthlyStat.objects.exists():
        _load_figures(seed, stdout)
        added = True
    added = _load_maps(seed, stdout) or added
    if not service.is_loaded():
        service.load(seed)
        added = True
    if not ledger.is_loaded():
        ledger.load(seed, stdout)
        added = True
    if not insights.is_loaded():
        insights.load(seed, stdout)
        added = True
    if not investment.is_loaded():
        investment.load(seed, stdout)
        added = True
    if province and not provinces.is_loaded():
        provinces.load(seed, stdout)
        added = True
    if not briefings.is_loaded():
        briefings.load(seed, stdout)
        added = True
    return added


def _load_base(seed, stdout):
    rng = random.Random(seed)
    province = Region.objects.create(name=data.PROVINCE[0], code=data.PROVINCE[1], level=RegionLevel.PROVINCE)
    city = Region.objects.create(name=data.CITY[0], code=data.CITY[1], level=RegionLevel.CITY, parent=province)
    districts = [Region.objects.create(name=n, code=c, level=RegionLevel.DISTRICT, parent=city, order=i)
                 for i, (n, c) in enumerate(data.DISTRICTS)]

    work_model = WorkModel.objects.create(name=data.WORK_MODEL, region=city,
                                          description=data.WORK_MODEL_DESCRIPTION)
    items = [WorkModelItem.objects.create(work_model=work_model, name=n, description=d, order=i + 1,
                                          evidence_kinds=kinds, evidence_months=months, evidence_required=required)
             for i, (n, d, kinds, months, required) in enumerate(data.WORK_ITEMS)]
    city.work_model = work_model
    city.save(update_fields=["work_model"])

    tiers = [ChainTier.objects.create(name=n, region=city, target_scale=t, target_year=y, order=i)
             for i, (n, t, y) in enumerate(data.TIERS)]
    departments = {n: Department.objects.create(name=n, short_name=s, region=city) for n, s in data.DEPARTMENTS}
    general = Person.objects.create(name="总链长", title=data.GENERAL_CHIEF_TITLE, region=city)

    chains = []
    for order, (name, short, tier_i, named, lead, supporting, title, _words) in enumerate(data.CHAINS, start=1):
        chain = Chain.objects.create(
            name=name, short_name=short, region=city, tier=tiers[tier_i], order=order,
            is_illustrative=not named,
            description=(f"{name}产业链，{tiers[tier_i].name}重点产业链。"
                         + ("" if named else "（示意：取自潍坊市后续公开名单，仅作演示。）")),
        )
        chief = Person.objects.create(name=f"{name}链长", title=title, region=city, department=None)
        ChainRole.objects.create(chain=chain, person=general, kind=ChainRoleKind.GENERAL_CHIEF, order=0)
        ChainRole.objects.create(chain=chain, person=chief, kind=ChainRoleKind.CHIEF, order=1)
        ChainDepartment.objects.create(chain=chain, department=departments[lead], is_lead=True)
        for s in supporting:
            ChainDepartment.objects.create(chain=chain, department=departments[s], is_lead=False)
        for i, item in enumerate(items):
            # Statuses are computed from the evidence (chains.checklist); the draw keeps the demo's later random
            # choices what they were.
            if i >= 2:
                rng.choice([WorkStatus.DONE, WorkStatus.IN_PROGRESS, WorkStatus.IN_PROGRESS, WorkStatus.MISSING])
            ChainWorkItem.objects.create(chain=chain, item=item)
        chains.append(chain)

    enterprises = _enterprises(rng, chains, districts)
    others = _other_enterprises(rng, districts)
    _users(city, chains, departments, enterprises)
    if stdout:
        stdout.write(f"demo: {len(chains)} chains, {len(enterprises) + len(others)} sample enterprises, "
                     f"7 demo accounts")


def _other_enterprises(rng, districts):
    out = []
    for i in range(OTHER_ENTERPRISES):
        district = rng.choice(districts)
        name = f"潍坊{rng.choice(data.NAME_PARTS)}{rng.choice(data.NAME_PARTS)}{rng.choice(data.OTHER_TRADES)}有限公司"
        while Enterprise.objects.filter(name=name).exists():
            name = name.replace("有限公司", f"{rng.choice(data.NAME_PARTS)}有限公司")
        out.append(Enterprise.objects.create(
            uscc=_uscc(rng, district.code), name=name, region=district, is_above_scale=True, is_sample=True,
            address=f"{district.name}示例路{rng.randint(1, 999)}号",
            description="样例数据：虚构企业（不属于 15 条重点产业链），仅用于演示。"))
    return out


def _load_figures(seed, stdout):
    from chainchief.demo import figures
    from chainchief.monitoring import aggregates

    chains = list(Chain.objects.filter(region__code=data.CITY[1]).order_by("order"))
    members = {}
    primary = set()
    for chain in chains:
        rows = (Membership.objects.filter(chain=chain, enterprise__is_above_scale=True, enterprise__is_sample=True)
                .select_related("enterprise").order_by("enterprise_id"))
        weights = {MembershipRole.MASTER: 12.0, MembershipRole.BACKBONE: 4.0, MembershipRole.SUPPORTING: 1.0}
        members[chain.pk] = [(m.enterprise, weights[m.role]) for m in rows if m.enterprise_id not in primary]
        primary |= {m.enterprise_id for m in rows}
    others = list(Enterprise.objects.filter(is_sample=True, is_above_scale=True, memberships__isnull=True)
                  .order_by("pk"))
    rows = figures.generate(chains, members, others, seed=seed)
    MonthlyStat.objects.bulk_create(rows, batch_size=2000)
    aggregates.refresh()
    if stdout:
        stdout.write(f"demo: {len(rows)} monthly figures 2019-01..2021-09")


def _uscc(rng, district_code):
    body = "91" + district_code + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return uscc.with_check_digit(body)


def _enterprises(rng, chains, districts):
    used_names, used_codes, out = set(), set(), []
    for chain, spec in zip(chains, data.CHAINS):
        words = spec[7]
        for i in range(ENTERPRISES_PER_CHAIN):
            while True:
                name = (rng.choice(data.PLACE_PREFIXES) + rng.choice(data.NAME_PARTS) + rng.choice(data.NAME_PARTS)
                        + rng.choice(words) + rng.choice(data.SUFFIXES))
                if name not in used_names:
                    used_names.add(name)
                    break
            district = rng.choice(districts)
            code = _uscc(rng, district.code)
            while code in used_codes:
                code = _uscc(rng, district.code)
            used_codes.add(code)
            role = (MembershipRole.MASTER if i == 0 else MembershipRole.BACKBONE if i < 5
                    else MembershipRole.SUPPORTING)
            above = role != MembershipRole.SUPPORTING or rng.random() < 0.6
            ent = Enterprise.objects.create(
                uscc=code, name=name, short_name=name.replace("有限公司", "").replace("股份", "")
                .replace("集团", "").replace("科技", "")[:12],
                region=district, address=f"{district.name}示例路{rng.randint(1, 999)}号",
                founded_on=date(rng.randint(1985, 2019), rng.randint(1, 12), rng.randint(1, 28)),
                is_above_scale=above, contact_name="联系人", contact_phone=f"0536-{rng.randint(1000000, 9999999)}",
                description="样例数据：虚构企业，仅用于演示。", is_sample=True,
            )
            Membership.objects.create(enterprise=ent, chain=chain, role=role)
            _qualifications(rng, ent, role)
            out.append(ent)
    # About one enterprise in ten also supplies a second chain.
    for ent in rng.sample(out, len(out) // 10):
        other = rng.choice([c for c in chains if not ent.memberships.filter(chain=c).exists()])
        Membership.objects.create(enterprise=ent, chain=other, role=MembershipRole.SUPPORTING)
    return out


def _qualifications(rng, ent, role):
    chance = {MembershipRole.MASTER: 0.9, MembershipRole.BACKBONE: 0.6, MembershipRole.SUPPORTING: 0.25}[role]
    if rng.random() < chance:
        Qualification.objects.create(enterprise=ent, kind=QualificationKind.HIGH_TECH,
                                     level=QualificationLevel.NATIONAL, year=rng.randint(2015, 2021))
    if rng.random() < chance / 2:
        Qualification.objects.create(enterprise=ent, kind=QualificationKind.SRDI,
                                     level=QualificationLevel.PROVINCIAL, year=rng.randint(2018, 2021))
    if role != MembershipRole.SUPPORTING and rng.random() < 0.3:
        Qualification.objects.create(enterprise=ent, kind=QualificationKind.LITTLE_GIANT,
                                     level=QualificationLevel.NATIONAL, year=rng.randint(2019, 2021))
    if role == MembershipRole.MASTER and rng.random() < 0.4:
        Qualification.objects.create(enterprise=ent, kind=QualificationKind.CHAMPION,
                                     level=QualificationLevel.NATIONAL, year=rng.randint(2016, 2021))


def _users(city, chains, departments, enterprises):
    User = get_user_model()
    power = chains[0]

    def make(username, role, display, **extra):
        user = User(username=username, role=role, display_name=display, region=city, **extra)
        user.set_password(data.DEMO_PASSWORD)
        user.save()
        return user

    make("admin", Role.ADMIN, "系统管理员", is_staff=True, is_superuser=True)
    make("coordinator", Role.COORDINATOR, "链长办")
    make("leader", Role.LEADER, "市领导")
    chief = make("chief", Role.CHIEF, f"{power.name}链长")
    chief_person = power.roles.get(kind=ChainRoleKind.CHIEF).person
    chief_person.user = chief
    chief_person.save(update_fields=["user"])
    chief.chains.set([power])
    lead = power.departments.get(is_lead=True).department
    make("dept", Role.DEPT, f"{lead.short_name}工作人员", department=lead)
    commissioner = make("commissioner", Role.COMMISSIONER, "服务专员")
    commissioner.enterprises.set(enterprises[1:11])
    enterprise_user = make("enterprise", Role.ENTERPRISE, enterprises[0].name)
    enterprise_user.enterprises.set([enterprises[0]])


def _load_maps(seed, stdout):
    """The chain maps: segments, enterprises placed on them, key technologies and cross-chain links. Added to a
    demo that has none yet; the sample enterprises are spread by each segment's profile (see data.CHAIN_MAPS)."""
    from collections import defaultdict

    from chainchief.maps.models import KeyTechnology, MapSettings, Segment, SegmentLink, SegmentPlacement

    city = Region.objects.filter(code=data.CITY[1]).first()
    if city is None or Segment.objects.filter(chain__region=city).exists():
        return False
    rng = random.Random(seed + 7)
    MapSettings.objects.get_or_create(region=city)
    chains = {c.name: c for c in Chain.objects.filter(region=city)}
    segments = {}
    for chain_name, specs in data.CHAIN_MAPS.items():
        chain = chains.get(chain_name)
        if chain is None:
            continue
        members = list(Membership.objects.filter(chain=chain).select_related("enterprise").order_by("id"))
        leaders = [m for m in members if m.role != MembershipRole.SUPPORTING]
        above = [m for m in members if m.role == MembershipRole.SUPPORTING and m.enterprise.is_above_scale]
        below = [m for m in members if m.role == MembershipRole.SUPPORTING and not m.enterprise.is_above_scale]
        parents = {parent for *_rest, parent in specs if parent}
        own, placed, strong = {}, defaultdict(list), []
        for order, (stage, name, products, profile, parent) in enumerate(specs, start=1):
            seg = Segment.objects.create(chain=chain, stage=stage, name=name, key_products=products, order=order,
                                         parent=own.get(parent), description=f"{chain_name}产业链{name}环节。")
            own[name] = seg
            segments[(chain_name, name)] = seg
            if name in parents:
                continue  # enterprises sit on the segments below it
            placed[seg] = _profile_picks(rng, profile, leaders, above, below)
            if profile == "strong":
                strong.append(seg)
        unplaced = [m for m in members if not any(m in picks for picks in placed.values())]
        for m in unplaced:  # every enterprise of the chain stands somewhere on its map
            placed[rng.choice(strong)].append(m)
        for seg, picks in placed.items():
            for m in dict.fromkeys(picks):
                SegmentPlacement.objects.create(segment=seg, membership=m)
    for chain_name, seg_name, name, status, whose, external in data.KEY_TECHNOLOGIES:
        seg = segments.get((chain_name, seg_name))
        if seg is None:
            continue
        holder = (Membership.objects.filter(chain=seg.chain, role=whose).select_related("enterprise")
                  .order_by("id").first() if whose else None)
        KeyTechnology.objects.create(segment=seg, name=name, status=status, external_party=external,
                                     enterprise=holder.enterprise if holder else None,
                                     enterprise_role="holder" if holder else "target")
    for source, target, kind, note in data.SEGMENT_LINKS:
        if source in segments and target in segments:
            SegmentLink.objects.create(source=segments[source], target=segments[target], kind=kind, note=note)
    if stdout:
        stdout.write(f"demo: chain maps with {len(segments)} segments")
    return True


def _profile_picks(rng, profile, leaders, above, below):
    """Enterprises for a segment of the given profile (see data.CHAIN_MAPS)."""

    def some(pool, k, fallback=()):
        pool = list(pool) or list(fallback)
        return rng.sample(pool, min(k, len(pool)))

    if profile == "strong":
        rest = [m for m in above + below]
        picks = some(leaders, 2) + some(above, 3, below)
        return picks + some([m for m in rest if m not in picks], rng.randint(0, 2))
    if profile == "weak":
        pattern = rng.choice(["above+below", "2above+below", "leader+below"])
        if pattern == "leader+below":
            return some(leaders, 1) + some(below, 1, above)
        return some(above, 2 if pattern.startswith("2") else 1, below) + some(below, 1, above)
    if profile == "small":
        return some(below, rng.choice([1, 2]), above)
    return []
