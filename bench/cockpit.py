#!/usr/bin/env python3
"""Cockpit at the configured database's scale: server time of the monitoring API and the cockpit page
beside the bare SQL of the same aggregate over the raw monthly rows, and throughput beside a trivial view.

Usage: DATABASE_URL=postgres://… python bench/cockpit.py [--period 2021-12] [--user bench_coordinator]
Goals: cockpit ≤ 1.5× bare SQL; cockpit throughput ≥ 1/3 of the trivial view's.
"""
import argparse

from common import Report, bench_user, setup_django, throughput, timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--period", default=None)
    parser.add_argument("--user", default=None)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client

    from chainchief.analytics.periods import Period
    from chainchief.monitoring import aggregates
    from chainchief.monitoring.models import MonthlyStat

    user = bench_user(args.user)
    latest = MonthlyStat.objects.order_by("-period").values_list("period", flat=True).first()
    period = Period.parse(args.period) if args.period else Period.of(latest)
    previous = period.shift(-12).first_day
    rows = MonthlyStat.objects.filter(period__in=[period.first_day, previous]).count()
    total = MonthlyStat.objects.count()

    def bare_sql():
        # The same aggregate computed from the raw rows: per chain and per district, this period and a year ago.
        aggregates._chain_sums(period.first_day, previous)
        aggregates._district_sums(period.first_day, previous)

    client = Client()
    client.force_login(user)
    from chainchief.accounts.models import ApiToken

    bearer = Client(headers={"Authorization": f"Bearer {ApiToken.issue(user)[1]}"})
    api_url = f"/api/v1/monitoring/chains?period={period}"
    page_url = f"/monitoring/?period={period}"

    def api():
        r = client.get(api_url)
        assert r.status_code == 200, r.status_code

    def page():
        r = client.get(page_url)
        assert r.status_code == 200, r.status_code

    def trivial():
        client.get("/healthz")

    sql_t = timed(bare_sql, runs=args.runs)
    api_t = timed(api, runs=args.runs)
    page_t = timed(page, runs=args.runs)
    trivial_rps = throughput(trivial)
    me_rps = throughput(lambda: client.get("/api/v1/me"))
    api_rps = throughput(api)
    bearer_rps = throughput(lambda: bearer.get(api_url))

    rep = Report("cockpit")
    rep.add("bare SQL aggregate (raw rows)", sql_t["median_ms"], "ms",
            note=f"{rows:,} monthly rows of {period} and a year earlier, {total:,} rows in all; {connection.vendor}")
    rep.add("monitoring API /monitoring/chains", api_t["median_ms"], "ms", sql_t["median_ms"], "× bare SQL",
            "≤ 1.5× bare SQL", api_t["median_ms"] <= 1.5 * sql_t["median_ms"])
    rep.add("cockpit page /monitoring/", page_t["median_ms"], "ms", sql_t["median_ms"], "× bare SQL",
            "≤ 1.5× bare SQL", page_t["median_ms"] <= 1.5 * sql_t["median_ms"])
    rep.add("trivial view /healthz throughput", trivial_rps, "req/s")
    rep.add("authenticated trivial API /api/v1/me", me_rps, "req/s", trivial_rps, "of trivial view",
            note="session, user and scope: the floor of any page or endpoint that reads data")
    rep.add("monitoring API throughput", api_rps, "req/s", trivial_rps, "of trivial view", "≥ 1/3 of trivial",
            api_rps >= trivial_rps / 3, note="signed in with a session")
    rep.add("monitoring API throughput, bearer token", bearer_rps, "req/s", trivial_rps, "of trivial view",
            "≥ 1/3 of trivial", bearer_rps >= trivial_rps / 3)
    rep.print()
    print(f"results: {rep.save()}")


if __name__ == "__main__":
    main()
