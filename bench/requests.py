#!/usr/bin/env python3
"""Enterprise requests at province scale (20,000 requests across 50,000 enterprises): the list with filters, the
request page, the statistics (API and page) and one workflow step, each with its query count, beside a trivial
view. Goals: list and statistics ≤ 150 ms, a step ≤ 50 ms (server time, median).

Usage: DATABASE_URL=postgres://… python bench/requests.py [--runs 15]
"""
import argparse

from common import Report, bench_user, setup_django, timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    setup_django()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chainchief.appeals import services
    from chainchief.appeals.models import Request, RequestStatus

    user = bench_user()
    client = Client()
    client.force_login(user)
    total = Request.objects.count()
    if total < 1000:
        print(f"only {total} requests in this database: run manage.py gen_synthetic --top-up first")
    some = Request.objects.filter(status=RequestStatus.HANDLING).exclude(chain=None).order_by("pk").first()
    trivial = timed(lambda: client.get("/healthz"), runs=args.runs)
    rep = Report("requests")
    rep.add("trivial view /healthz", trivial["median_ms"], "ms")
    cases = [
        ("API requests, filtered by status and chain",
         f"/api/v1/requests?status=handling&chain={some.chain_id}&limit=50", 150),
        ("API requests, overdue, searched", "/api/v1/requests?overdue=true&q=贷款&limit=50", 150),
        ("page request list, filtered", "/requests/?status=handling&overdue=1", 150),
        ("API request statistics by department", "/api/v1/requests/stats?by=department", 150),
        ("API request statistics by chain", "/api/v1/requests/stats?by=chain", 150),
        ("page request statistics", "/requests/stats/", 150),
        ("page one request with its timeline", f"/requests/{some.pk}/", 150),
    ]
    for label, url, goal in cases:
        def call(url=url):
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
        t = timed(call, runs=args.runs)
        with CaptureQueriesContext(connection) as q:
            client.get(url)
        rep.add(label, t["median_ms"], "ms", trivial["median_ms"], "× trivial view", f"≤ {goal} ms",
                t["median_ms"] <= goal, note=f"p95 {t['p95_ms']:.1f} ms · {len(q)} queries · {url} · {total:,} requests")

    # One step (an instruction, which leaves the status as it is), rolled back after each run.
    def step():
        with transaction.atomic():
            services.take_step(user, some, "instruct", note="请加快办理")
            transaction.set_rollback(True)
    t = timed(step, runs=args.runs)
    with CaptureQueriesContext(connection) as q:
        step()
    rep.add("a workflow step (service)", t["median_ms"], "ms", trivial["median_ms"], "× trivial view", "≤ 50 ms",
            t["median_ms"] <= 50, note=f"p95 {t['p95_ms']:.1f} ms · {len(q)} queries, rolled back")
    rep.print()
    print(f"results: {rep.save()}")


if __name__ == "__main__":
    main()
