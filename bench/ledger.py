#!/usr/bin/env python3
"""The work ledger at province scale (35 chains × 40 tasks, with plans, meetings and their decisions, key projects
and their months): a chain's ledger page and a user's "my work" page, each with its query count, beside a trivial
view; then the same pages again after a chain's ledger has grown fivefold (rolled back), to show that the query
count does not grow with the rows. Goals: each page ≤ 100 ms server time (median), the same number of queries
before and after the growth.

Usage: DATABASE_URL=postgres://… python bench/ledger.py [--runs 15]
"""
import argparse

from common import Report, bench_user, setup_django, timed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    setup_django()
    from datetime import timedelta
    from decimal import Decimal

    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from chainchief.work.models import Decision, KeyProject, Meeting, ProjectMonth, Task

    coordinator = bench_user()
    dept = bench_user("bench_dept")
    chain_id = (Task.objects.values("chain_id").annotate(n=Count("pk")).order_by("-n", "chain_id")
                .values_list("chain_id", flat=True).first())
    if chain_id is None or Task.objects.count() < 1000:
        print("too few tasks in this database: run manage.py gen_synthetic --top-up first")
        return
    counts = {"tasks": Task.objects.count(), "meetings": Meeting.objects.count(),
              "decisions": Decision.objects.count(), "projects": KeyProject.objects.count(),
              "project months": ProjectMonth.objects.count()}
    scale = " · ".join(f"{n:,} {k}" for k, n in counts.items())
    clients = {}
    for user in (coordinator, dept):
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    trivial = timed(lambda: clients[coordinator.username].get("/healthz"), runs=args.runs)
    rep = Report("ledger")
    rep.add("trivial view /healthz", trivial["median_ms"], "ms")
    cases = [
        ("page a chain's ledger (coordinator)", coordinator.username, f"/work/chains/{chain_id}/"),
        ("page a chain's ledger, overdue tasks", coordinator.username, f"/work/chains/{chain_id}/?overdue=1"),
        ("page my work (coordinator: supervised tasks)", coordinator.username, "/work/"),
        ("page my work (lead department)", dept.username, "/work/"),
        ("page calendar of the month", coordinator.username, "/work/calendar/"),
        ("API tasks of a chain, overdue", coordinator.username, f"/api/v1/tasks?chain={chain_id}&overdue=true"),
        ("API key projects behind schedule", coordinator.username, f"/api/v1/projects?chain={chain_id}&behind=true"),
    ]

    def queries(client, url):
        with CaptureQueriesContext(connection) as q:
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
        return len(q)

    for label, username, url in cases:
        client = clients[username]

        def call(client=client, url=url):
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code)
        t = timed(call, runs=args.runs)
        n = queries(client, url)
        goal = 100
        rep.add(label, t["median_ms"], "ms", trivial["median_ms"], "× trivial view", f"≤ {goal} ms",
                t["median_ms"] <= goal, note=f"p95 {t['p95_ms']:.1f} ms · {n} queries · {url} · {scale}")

    # The query counts to compare are taken after writes in a transaction both times — a token write, then a
    # fivefold growth of the chain's ledger (tasks due in the past and the future, meetings with decisions,
    # projects with months) — so that what a write in a transaction costs (the data stamp moves, a cached figure
    # is read afresh) is the same on both sides and only the number of rows differs. Both are rolled back.
    sample = Task.objects.filter(chain_id=chain_id).order_by("pk").first()
    today = timezone.localdate()

    def grow(factor):
        n = Task.objects.filter(chain_id=chain_id).count() * factor or 1
        Task.objects.bulk_create([
            Task(chain_id=chain_id, title=f"增量任务 {i}", lead_department_id=dept.department_id or sample.lead_department_id,
                 due_on=today + timedelta(days=i % 60 - 30), status=("not_started", "in_progress", "done")[i % 3])
            for i in range(n)])
        meeting = Meeting.objects.filter(chain_id=chain_id).first()
        meetings = Meeting.objects.bulk_create([
            Meeting(region_id=meeting.region_id, chain_id=chain_id, title=f"增量调度会 {i}", held_on=today - timedelta(days=i))
            for i in range(factor * Meeting.objects.filter(chain_id=chain_id).count() or 1)])
        Decision.objects.bulk_create([
            Decision(meeting=m, chain_id=chain_id, text="增量议定事项", lead_department_id=sample.lead_department_id,
                     due_on=today) for m in meetings for _ in range(3)])
        project = KeyProject.objects.filter(chain_id=chain_id).first()
        projects = KeyProject.objects.bulk_create([
            KeyProject(chain_id=chain_id, enterprise_id=project.enterprise_id, name=f"增量项目 {i}", year=project.year,
                       total_investment=Decimal(1000), annual_plan=Decimal(500), stage="building", started_on=today)
            for i in range(factor * KeyProject.objects.filter(chain_id=chain_id).count() or 1)])
        ProjectMonth.objects.bulk_create([ProjectMonth(project=p, year=p.year, month=m, completed=Decimal(30))
                                          for p in projects for m in range(1, 13)])
        return f"{n:,} more tasks, {len(meetings)} meetings, {len(projects)} projects"

    def counted():
        out = {}
        for _label, username, url in cases:
            clients[username].get(url)
            out[url, username] = queries(clients[username], url)
        return out

    with transaction.atomic():
        grow(0)
        before = counted()
        transaction.set_rollback(True)
    with transaction.atomic():
        grown = grow(4)
        after = counted()
        transaction.set_rollback(True)
    for label, username, url in cases:
        b, a = before[url, username], after[url, username]
        rep.add(f"queries after fivefold growth: {label}", a, "queries", b, "× before", f"= {b}", a == b, note=grown)
    rep.print()
    print(f"results: {rep.save()}")


if __name__ == "__main__":
    main()
