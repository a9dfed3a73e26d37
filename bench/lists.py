#!/usr/bin/env python3
"""Enterprise search and the API list endpoints (enterprises, supply links, tasks, requests) at the configured
database's scale, beside a trivial view.

Usage: DATABASE_URL=postgres://… python bench/lists.py [--user bench_coordinator]
"""
import argparse

from common import Report, bench_user, setup_django, throughput, timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", default=None)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    from chainchief.appeals.models import Request, RequestStatus
    from chainchief.chains.models import Chain
    from chainchief.enterprises.models import Enterprise, SupplyLink

    user = bench_user(args.user)
    client = Client()
    client.force_login(user)
    some = Enterprise.objects.order_by("pk")[Enterprise.objects.count() // 2]
    chain = Chain.objects.order_by("pk").first()
    word = some.name[2:8]
    cases = [
        ("API enterprises, first page", "/api/v1/enterprises?limit=50"),
        ("API enterprises, search by name", f"/api/v1/enterprises?q={word}"),
        ("API enterprises, by USCC", f"/api/v1/enterprises?uscc={some.uscc}"),
        ("API enterprises, by chain", f"/api/v1/enterprises?chain={chain.pk}&limit=50"),
        ("API enterprises, deep page", "/api/v1/enterprises?limit=50&offset=40000"),
        ("API chains", "/api/v1/chains"),
        ("API memberships", "/api/v1/memberships?limit=100"),
        ("page enterprise list, search", f"/enterprises/?q={word}"),
        ("API supply links, first page", "/api/v1/supply-links?limit=50"),
        ("API supply links of one enterprise", f"/api/v1/supply-links?enterprise={some.pk}"),
        ("API tasks of one chain", f"/api/v1/tasks?chain={chain.pk}&limit=100"),
        ("API requests, first page by status", f"/api/v1/requests?status={RequestStatus.HANDLING}&limit=50"),
    ]
    if not (SupplyLink.objects.exists() and Request.objects.exists()):
        print("no supply links or requests in this database: run manage.py gen_synthetic --top-up first")
    trivial = timed(lambda: client.get("/healthz"), runs=args.runs)
    trivial_rps = throughput(lambda: client.get("/healthz"), seconds=2)
    rep = Report("lists")
    rep.add("trivial view /healthz", trivial["median_ms"], "ms", note=f"{trivial_rps:.0f} req/s")
    for label, url in cases:
        def call(url=url):
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
        t = timed(call, runs=args.runs)
        rows = client.get(url).json().get("count") if url.startswith("/api/") else None
        rep.add(label, t["median_ms"], "ms", trivial["median_ms"], "× trivial view", "p95 ≤ 300 ms",
                t["p95_ms"] <= 300, note=f"p95 {t['p95_ms']:.1f} ms · {url}"
                + (f" · {rows:,} rows" if rows is not None else ""))
    rep.print()
    print(f"results: {rep.save()}")


if __name__ == "__main__":
    main()
