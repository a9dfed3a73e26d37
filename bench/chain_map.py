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
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client

    from chainchief.chains.map_synthetic import build_large_chain
    from chainchief.core.models import Region
    from chainchief.demo import loader

    if not loader.is_loaded():
        loader.load()
    city = Region.objects.get(code="370700")
    districts = list(city.children.all())
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            chain = build_large_chain(city, districts, enterprises=args.enterprises, segments=args.segments,
                                      name="基准测试产业链")
            build_s = time.perf_counter() - t0
            user = get_user_model().objects.get(username="coordinator")
            client = Client()
            client.force_login(user)
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
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
