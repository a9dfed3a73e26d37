"""Benchmark: the chain map endpoint on a chain with 5,000 placed enterprises.

Builds a synthetic chain on the configured database (DATABASE_URL, default the demo SQLite), times
GET /api/v1/chains/{id}/map in-process (server time: request handling, queries, rendering JSON; no network),
prints the median of N runs and the number of queries beside the 100 ms goal, and rolls everything back.

    .venv/bin/python bench/chain_map.py [--enterprises 5000] [--segments 30] [--runs 15]
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainchief.settings")

GOAL_MS = 100


class Rollback(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--segments", type=int, default=30)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client

    from chainchief.core.models import Region
    from chainchief.demo import loader
    from chainchief.maps.synthetic import build_large_chain

    from common import Report, bench_user, timed
    from django.db.models import Count

    from chainchief.chains.models import Chain

    if not Region.objects.exists():
        loader.load()
    city = Region.objects.filter(level="city", children__isnull=False).order_by("pk").first()
    districts = list(city.children.all())
    report = Report("chain_map")
    user = bench_user()
    client = Client()
    client.force_login(user)
    trivial = timed(lambda: client.get("/healthz"), runs=args.runs)
    largest = (Chain.objects.annotate(n=Count("memberships")).order_by("-n").first())
    if largest is not None:
        t = timed(lambda: client.get(f"/api/v1/chains/{largest.pk}/map"), runs=args.runs)
        report.add(f"map of the largest chain ({largest.n} members)", t["median_ms"], "ms", trivial["median_ms"],
                   "× trivial view", f"≤ {GOAL_MS} ms", t["median_ms"] <= GOAL_MS, note=f"p95 {t['p95_ms']:.1f} ms")
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            chain = build_large_chain(city, districts, enterprises=args.enterprises, segments=args.segments,
                                      name="基准测试产业链")
            build_s = time.perf_counter() - t0
            url = f"/api/v1/chains/{chain.pk}/map"
            assert client.get(url).status_code == 200  # warm up
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
            queries = []
            with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
                r = client.get(url)
            assert r.status_code == 200, r.status_code
            size_kb = len(r.content) / 1024
            lean = []
            for _ in range(args.runs):
                t = time.perf_counter()
                client.get(url + "?enterprises=false")
                lean.append((time.perf_counter() - t) * 1000)
            median = statistics.median(times)
            vendor = connection.vendor
            print(f"chain map benchmark on {vendor}: {args.enterprises} enterprises, {args.segments} segments "
                  f"(built in {build_s:.1f} s)")
            print(f"  GET map, full      median {median:7.1f} ms  (min {min(times):.1f}, max {max(times):.1f}, "
                  f"n={args.runs})  goal ≤ {GOAL_MS} ms  {'OK' if median <= GOAL_MS else 'OVER'}")
            print(f"  GET map, no list   median {statistics.median(lean):7.1f} ms  goal ≤ {GOAL_MS} ms")
            print(f"  queries per request {len(queries)}  (fixed, independent of the enterprise count)")
            print(f"  response size       {size_kb:.0f} KiB")
            report.add(f"map of a synthetic chain, {args.enterprises} placed", median, "ms", trivial["median_ms"],
                       "× trivial view", f"≤ {GOAL_MS} ms", median <= GOAL_MS,
                       note=f"{len(queries)} queries, {size_kb:.0f} KiB; without the enterprise lists "
                            f"{statistics.median(lean):.1f} ms")
            raise Rollback
    except Rollback:
        pass
    report.print()
    print(f"results: {report.save()}")


if __name__ == "__main__":
    main()
