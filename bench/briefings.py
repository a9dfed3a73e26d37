#!/usr/bin/env python3
"""Briefings at province scale: the province's monthly briefing (35 chains) and one chain's one-pager, each made
as Word and as PDF through the same service the pages and the command use, with the time of each step.
Goals: the monthly briefing ≤ 20 s and a one-pager ≤ 3 s, Word and PDF each. Generated rows and files are rolled
back and removed.

Usage: DATABASE_URL=postgres://… python bench/briefings.py [--runs 3]
"""
import argparse
import shutil
import tempfile
import time

from common import Report, bench_user, setup_django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import transaction

    from chainchief.analytics.periods import Period
    from chainchief.briefings import pdf, services, word
    from chainchief.briefings.models import Briefing, BriefingKind
    from chainchief.chains.models import Chain
    from chainchief.monitoring import report

    user = bench_user()
    period = report.latest_period(user)
    chains = Chain.objects.filter(region=user.region, is_active=True)
    if period is None or chains.count() < 30:
        print("this database holds no province: run manage.py gen_synthetic first")
        return
    chain = chains.order_by("order").first()
    settings.BRIEFING_DIR = tempfile.mkdtemp(prefix="briefings-")
    rep = Report("briefings")
    scale = f"{chains.count()} chains · period {period} · as {user.username}"

    def measure(kind, target):
        steps = {"content": [], "charts": [], "docx": [], "pdf": []}
        for _ in range(args.runs):
            with transaction.atomic():
                b = services.prepare(user, {"kind": kind, "period": period, "chain": target, "region": user.region})
                b = Briefing.objects.select_related("region", "chain").get(pk=b.pk)
                t = time.perf_counter()
                content = services.build_content(user, b)
                steps["content"].append(time.perf_counter() - t)
                t = time.perf_counter()
                images = services.build_images(content)
                steps["charts"].append(time.perf_counter() - t)
                texts = services._texts(b, content)
                t = time.perf_counter()
                word.render(texts, content, images)
                steps["docx"].append(time.perf_counter() - t)
                t = time.perf_counter()
                pdf.render(texts, content, images)
                steps["pdf"].append(time.perf_counter() - t)
                transaction.set_rollback(True)
        return {k: sorted(v)[len(v) // 2] for k, v in steps.items()}

    for label, kind, target, goal in (("monthly briefing of the province", BriefingKind.MONTHLY, None, 20.0),
                                      ("one-pager of a chain", BriefingKind.CHAIN, chain.pk, 3.0)):
        s = measure(kind, target)
        shared = s["content"] + s["charts"]
        for fmt in ("docx", "pdf"):
            total = shared + s[fmt]
            rep.add(f"{label}, {fmt}", total, "s", goal, "× goal", f"≤ {goal:g} s", total <= goal,
                    note=f"figures {s['content']:.2f} s · charts {s['charts']:.2f} s · writing {s[fmt]:.2f} s · {scale}")
    shutil.rmtree(settings.BRIEFING_DIR, ignore_errors=True)
    rep.print()
    rep.save()


if __name__ == "__main__":
    main()
