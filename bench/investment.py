#!/usr/bin/env python3
"""Investment and supply at province scale: a chain's local supply rate for a year over the 300,000 supply links
(the chain, its segments and its chain-masters from one grouped query), and matching one need against the 50,000
supply capabilities (jieba + BM25, the index built once per process and refreshed on change). Goals: the rate
≤ 200 ms, a match ≤ 300 ms (median). Also reported: building the index once, refreshing it after one capability
changed, and the rate and match API calls beside a trivial view.

Usage: DATABASE_URL=postgres://… python bench/investment.py [--runs 15]
"""
import argparse
import time

from common import Report, bench_user, setup_django, timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    setup_django()
    from django.db import transaction
    from django.db.models import Count
    from django.test import Client

    from chainchief.chains.models import Chain
    from chainchief.enterprises.models import Membership, SupplyLink
    from chainchief.investment import matching, supply
    from chainchief.investment.models import Capability, Need

    coordinator = bench_user()
    links, caps = SupplyLink.objects.count(), Capability.objects.filter(status="open").count()
    if links < 100_000 or caps < 10_000:
        print(f"{links:,} supply links and {caps:,} capabilities: run manage.py gen_synthetic --top-up first")
        return
    # The chain whose members bought the most that year: the largest rate to compute.
    year = SupplyLink.objects.values("year").annotate(n=Count("pk")).order_by("-n").values_list("year", flat=True)[0]
    chain_id = (Membership.objects.values("chain_id").annotate(n=Count("pk")).order_by("-n", "chain_id")
                .values_list("chain_id", flat=True).first())
    chain = Chain.objects.select_related("region").get(pk=chain_id)
    members = Membership.objects.filter(chain=chain).count()
    chain_links = supply.links_of(chain, year).count()
    rep = Report("investment")
    client = Client()
    client.force_login(coordinator)
    trivial = timed(lambda: client.get("/healthz"), runs=args.runs)
    rep.add("trivial view /healthz", trivial["median_ms"], "ms")

    t = timed(lambda: supply.chain_rate(chain, year), runs=args.runs)
    rate = supply.chain_rate(chain, year)
    rep.add("local supply rate of a chain for a year", t["median_ms"], "ms", trivial["median_ms"], "× trivial view",
            "≤ 200 ms", t["median_ms"] <= 200,
            note=f"p95 {t['p95_ms']:.1f} ms · {chain.name}: {members:,} members, {chain_links:,} of {links:,} links "
                 f"in {year} · rate {rate.rate}%")
    t = timed(lambda: supply.rates(chain, year, coordinator), runs=args.runs)
    rep.add("… with its segments and chain-masters", t["median_ms"], "ms", trivial["median_ms"], "× trivial view",
            "≤ 200 ms", t["median_ms"] <= 200, note=f"p95 {t['p95_ms']:.1f} ms")

    def api_rate():
        r = client.get(f"/api/v1/investment/chains/{chain.pk}/supply-rate?year={year}")
        assert r.status_code == 200, r.content
    t = timed(api_rate, runs=args.runs)
    rep.add("API supply-rate (chain, segments, masters)", t["median_ms"], "ms", trivial["median_ms"],
            "× trivial view", note=f"p95 {t['p95_ms']:.1f} ms")

    matching.capabilities.reset()
    start = time.perf_counter()
    matching.capabilities.refresh()
    build = (time.perf_counter() - start) * 1000
    rep.add("build the match index once", build, "ms", note=f"{len(matching.capabilities.index):,} open capabilities")
    need = Need.objects.order_by("pk").first()
    found = matching.match(coordinator, need, k=10)
    t = timed(lambda: matching.match(coordinator, need, k=10), runs=args.runs)
    top = found[0] if found else None
    rep.add("match one need against every capability", t["median_ms"], "ms", trivial["median_ms"], "× trivial view",
            "≤ 300 ms", t["median_ms"] <= 300,
            note=f"p95 {t['p95_ms']:.1f} ms · {caps:,} capabilities · need “{need.title}” → "
                 + (f"“{top['capability'].title}” ({', '.join(top['terms'])})" if top else "no match"))
    dept = bench_user("bench_dept")
    t = timed(lambda: matching.match(dept, need, k=10), runs=args.runs)
    rep.add("… as a lead department (permission filter)", t["median_ms"], "ms", note=f"p95 {t['p95_ms']:.1f} ms")

    def api_match():
        r = client.get(f"/api/v1/investment/needs/{need.pk}/matches")
        assert r.status_code == 200, r.content
    t = timed(api_match, runs=args.runs)
    rep.add("API need matches", t["median_ms"], "ms", trivial["median_ms"], "× trivial view",
            note=f"p95 {t['p95_ms']:.1f} ms")

    # One capability changes: the next match refreshes the index (rolled back afterwards).
    with transaction.atomic():
        cap = Capability.objects.filter(status="open").order_by("pk").first()
        cap.text = cap.text + "；新增曲轴毛坯锻造能力"
        cap.save()
        start = time.perf_counter()
        matching.match(coordinator, need, k=10)
        refresh = (time.perf_counter() - start) * 1000
        rep.add("match right after one capability changed", refresh, "ms",
                note="re-reads the changed row, recomputes the BM25 statistics")
        transaction.set_rollback(True)
    matching.capabilities.reset()

    rep.print()
    print(f"results: {rep.save()}")


if __name__ == "__main__":
    main()
