#!/usr/bin/env python3
"""Province roll-ups at province scale: each of the province's 35 chains served by one chain in each of its 16
cities (560 city chains with 24 months of pre-aggregated figures, created for the run and rolled back), read as
the province's office: the list of provincial chains with their roll-ups, one chain compared across its cities,
its map assembled from the cities' maps (1,995 provincial segments), its N lists and its alerts assembled from the
cities' (the first chain's 16 city chains carry a copy of its map with their city's enterprises placed as in the
province's). Goals: each ≤ 300 ms (median); the lists, which build every city's full map, ≤ 1 s.

Usage: DATABASE_URL=postgres://… python bench/province.py [--runs 10]
"""
import argparse

from common import Report, bench_user, setup_django, timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    setup_django()
    from decimal import Decimal

    from django.db import transaction
    from django.test import Client

    from chainchief.accounts.roles import Role
    from chainchief.chains.models import Chain, ChainLink
    from chainchief.core.models import Region, RegionLevel
    from chainchief.monitoring import report
    from chainchief.monitoring.models import ChainFigure

    coordinator = bench_user()
    province = coordinator.region
    parents = list(Chain.objects.filter(region=province, is_active=True).order_by("order"))
    cities = list(Region.objects.filter(parent=province, level=RegionLevel.CITY).order_by("pk"))
    period = report.latest_period(coordinator)
    if len(parents) < 30 or len(cities) < 10 or period is None:
        print("this database holds no province: run manage.py gen_synthetic first")
        return
    rep = Report("province")
    with transaction.atomic():
        office = type(coordinator).objects.create(username="bench_province_office", role=Role.PROVINCE,
                                                  region=province)
        city_chains = Chain.objects.bulk_create([
            Chain(name=f"{city.name}{parent.name}", region=city, order=i)
            for i, parent in enumerate(parents) for city in cities])
        ChainLink.objects.bulk_create([ChainLink(chain=c, parent=parents[i // len(cities)])
                                       for i, c in enumerate(city_chains)])
        months = [period.shift(-k) for k in range(24)]
        ChainFigure.objects.bulk_create([
            ChainFigure(region_id=c.region_id, chain=c, period=p.first_day, revenue=Decimal(1000 + i),
                        comparable_current=Decimal(900 + i), comparable_previous=Decimal(800 + i),
                        comparable_units=10, reporters=10, above_scale_reporters=10, members=12, above_scale=10)
            for i, c in enumerate(city_chains) for p in months], batch_size=5000)
        parent = parents[0]
        _city_maps(parent, [c for c in city_chains if c.name.endswith(parent.name)])
        client = Client()
        client.force_login(office)
        cases = [
            ("API provincial chains with roll-ups", f"/api/v1/province/chains?period={period}"),
            ("API one chain compared across 16 cities", f"/api/v1/province/chains/{parent.pk}?period={period}"),
            ("API the provincial map from the cities' maps", f"/api/v1/province/chains/{parent.pk}/map"),
            ("page provincial chains", f"/province/?period={period}"),
            ("page one provincial chain", f"/province/chains/{parent.pk}/?period={period}"),
            ("API its alerts from the cities' chains and enterprises", f"/api/v1/province/chains/{parent.pk}/alerts?period={period}"),
            ("API its N lists (counts) from the cities' lists", f"/api/v1/province/chains/{parent.pk}/lists"),
            ("page its supporting enterprises list", f"/province/chains/{parent.pk}/lists/?list=supporting"),
        ]
        trivial = timed(lambda: client.get("/healthz"), runs=args.runs)
        rep.add("trivial view /healthz", trivial["median_ms"], "ms")
        scale = f"{len(parents)} provincial chains × {len(cities)} cities · {len(city_chains) * len(months):,} figures"
        for label, url in cases:
            def call(url=url):
                r = client.get(url)
                assert r.status_code == 200, (url, r.status_code, r.content[:200])
            t = timed(call, runs=args.runs)
            goal = 1000 if "lists" in url else 300
            rep.add(label, t["median_ms"], "ms", trivial["median_ms"], "× trivial view", f"≤ {goal} ms",
                    t["median_ms"] <= goal, note=f"p95 {t['p95_ms']:.1f} ms · {url} · {scale}")
        transaction.set_rollback(True)
    rep.print()
    rep.save()


def _city_maps(parent, city_chains):
    """Each city chain gets the provincial chain's segments (same names) and the memberships and placements of its
    city's enterprises there."""
    from chainchief.core.models import Region
    from chainchief.enterprises.models import Membership
    from chainchief.maps.models import Segment, SegmentPlacement

    by_id = {seg.pk: seg for seg in Segment.objects.filter(chain=parent)}

    def depth(seg):
        return 0 if seg.parent_id is None else 1 + depth(by_id[seg.parent_id])

    segments = sorted(by_id.values(), key=depth)  # a parent before its children
    placements = list(SegmentPlacement.objects.filter(segment__chain=parent)
                      .values_list("segment_id", "membership__enterprise_id", "membership__enterprise__region_id",
                                   "membership__role"))
    city_of = {}
    for c in city_chains:
        for region_id in Region.subtree_ids(c.region_id):
            city_of[region_id] = c
    for c in city_chains:
        copies = {}
        for seg in segments:
            copies[seg.pk] = Segment.objects.create(chain=c, name=seg.name, stage=seg.stage, order=seg.order,
                                                    parent=copies.get(seg.parent_id))
        mine = [p for p in placements if city_of.get(p[2]) is c]
        members = {e: Membership(chain=c, enterprise_id=e, role=role) for _s, e, _r, role in mine}
        Membership.objects.bulk_create(list(members.values()))
        SegmentPlacement.objects.bulk_create([SegmentPlacement(segment=copies[s], membership=members[e])
                                              for s, e, _r, _role in mine], ignore_conflicts=True)


if __name__ == "__main__":
    main()
