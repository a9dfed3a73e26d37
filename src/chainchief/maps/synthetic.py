"""A synthetic chain map of any size, for the query-count test and the benchmark (bench/chain_map.py)."""
import random

from django.db import transaction

from chainchief.chains.models import Chain
from chainchief.core import uscc
from chainchief.enterprises.models import Enterprise, Membership, MembershipRole
from chainchief.maps.models import Segment, SegmentPlacement, Stage

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@transaction.atomic
def build_large_chain(region, districts, *, enterprises=5000, segments=30, name="合成测试产业链", seed=7):
    """A chain in ``region`` with ``segments`` segments and ``enterprises`` enterprises, each placed on one or two
    segments; written with bulk inserts (no audit rows: this is test data, not a user's change)."""
    rng = random.Random(seed)
    chain = Chain.objects.create(name=name, short_name="合成", region=region, order=999)
    stages = list(Stage)
    segs = Segment.objects.bulk_create([
        Segment(chain=chain, stage=stages[i % 3].value, name=f"环节{i + 1:03d}", order=i) for i in range(segments)])
    prefix = f"91{rng.randrange(10 ** 6):06d}"
    ents = []
    for i in range(enterprises):
        body = prefix + "".join(rng.choice(ALPHABET) for _ in range(9))
        ents.append(Enterprise(uscc=uscc.with_check_digit(body), name=f"{name}企业{i + 1:05d}",
                               region=rng.choice(districts), is_above_scale=rng.random() < 0.5, is_sample=True))
    ents = Enterprise.objects.bulk_create(ents, batch_size=1000)
    roles = [MembershipRole.MASTER] + [MembershipRole.BACKBONE] * 20
    members = Membership.objects.bulk_create([
        Membership(enterprise=e, chain=chain, role=roles[i] if i < len(roles) else MembershipRole.SUPPORTING)
        for i, e in enumerate(ents)], batch_size=1000)
    placements = []
    for i, m in enumerate(members):
        first = segs[i % segments]
        placements.append(SegmentPlacement(segment=first, membership=m))
        if rng.random() < 0.2:
            second = segs[(i + 1 + rng.randrange(segments - 1)) % segments]
            placements.append(SegmentPlacement(segment=second, membership=m))
    SegmentPlacement.objects.bulk_create(placements, batch_size=1000)
    return chain
