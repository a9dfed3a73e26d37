"""Shared helpers of the benchmark scripts: Django setup, timing, the results table and JSON.

Each script prints its figures with, beside each, the limit it is measured against in the same run, and
appends a JSON record to bench/results/ so that runs can be compared over time.
"""
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def setup_django():
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainchief.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    import django

    django.setup()
    from django.conf import settings

    # Benchmarks measure the application, not static-file manifests.
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def bench_user(username=None):
    """The account a benchmark acts as: the one named, else the coordinator of the widest region."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if username:
        return User.objects.get(username=username)
    return User.objects.filter(role="coordinator").order_by("region__level", "pk").first()


def timed(fn, runs=20, warmup=3):
    """Median and p95 wall time of ``fn()`` in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return {"median_ms": statistics.median(samples), "p95_ms": samples[max(0, int(len(samples) * 0.95) - 1)],
            "runs": runs}


def throughput(fn, seconds=3.0):
    """Calls of ``fn()`` per second, sequentially, for about ``seconds``."""
    fn()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    return n / (time.perf_counter() - start)


def database_label():
    from django.db import connection

    return f"{connection.vendor} {connection.settings_dict.get('NAME')}"


class Report:
    def __init__(self, name):
        self.name, self.rows = name, []

    def add(self, case, figure, unit, limit=None, limit_label="", goal=None, met=None, note=""):
        ratio = (figure / limit) if (limit not in (None, 0) and figure is not None) else None
        self.rows.append({"case": case, "figure": figure, "unit": unit, "limit": limit, "limit_label": limit_label,
                          "ratio": ratio, "goal": goal, "met": met, "note": note})

    def print(self):
        print(f"\n== {self.name} ({database_label()})")
        header = f"{'case':42} {'figure':>14} {'limit':>14}  {'ratio':>7}  {'goal':24} {'met':4}"
        print(header)
        print("-" * len(header))
        for r in self.rows:
            fig = f"{r['figure']:.1f} {r['unit']}" if r["figure"] is not None else "—"
            lim = f"{r['limit']:.1f}" if r["limit"] is not None else "—"
            ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "—"
            met = {True: "yes", False: "NO", None: ""}[r["met"]]
            print(f"{r['case'][:42]:42} {fig:>14} {lim:>14}  {ratio:>7}  {(r['goal'] or '')[:24]:24} {met:4}"
                  + (f"  {r['limit_label']}" if r["limit_label"] else ""))
            if r["note"]:
                print(f"    {r['note']}")

    def save(self):
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        record = {"name": self.name, "time": stamp, "database": database_label(),
                  "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}, "rows": self.rows}
        path = RESULTS / f"{stamp}-{self.name}.json"
        path.write_text(json.dumps(record, ensure_ascii=False, indent=2))
        return path
