#!/usr/bin/env python3
"""A bounded load run on loopback: gunicorn serves the app on 127.0.0.1, locust drives 50 users for 60 s.

Usage: DATABASE_URL=postgres://… python bench/load.py [--users 50] [--seconds 60] [--workers 3]
Goals: 0 errors, p95 ≤ 300 ms. Traffic goes only to 127.0.0.1; both processes stop by themselves.
"""
import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ROOT, Report, setup_django


def wait_up(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except Exception:
            time.sleep(0.5)
    return False


def rss_mb(pid):
    total = 0
    for child in [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                              text=True).stdout.split()]:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=18791)
    parser.add_argument("--user", default=None)
    args = parser.parse_args()
    setup_django()
    from chainchief.accounts.models import ApiToken
    from common import bench_user

    user = bench_user(args.user)
    _, token = ApiToken.issue(user)  # password hashing is measured once elsewhere, not 50 times in the ramp-up
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DJANGO_SETTINGS_MODULE": "chainchief.settings",
           "BENCH_TOKEN": token, "BENCH_USER": user.username}
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "chainchief.wsgi:application", "-b", f"127.0.0.1:{args.port}",
         "-w", str(args.workers), "--threads", "2", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True)
    try:
        if not wait_up(base + "/healthz"):
            sys.exit("the server did not start")
        with tempfile.TemporaryDirectory() as tmp:
            prefix = os.path.join(tmp, "run")
            subprocess.run(
                [str(bin_dir / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                 "-u", str(args.users), "-r", str(max(1, args.users // 5)), "-t", f"{args.seconds}s",
                 "--host", base, "--csv", prefix, "--only-summary", "--stop-timeout", "5"],
                cwd=ROOT, env=env, timeout=args.seconds + 120, check=False)
            rows = list(csv.DictReader(open(prefix + "_stats.csv")))
        rss = rss_mb(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    rep = Report("load")
    for r in rows:
        name = r["Name"] if r["Name"] != "Aggregated" else "all requests"
        count, failures = int(r["Request Count"]), int(r["Failure Count"])
        p95 = float(r["95%"]) if r["95%"] not in ("N/A", "") else None
        rep.add(f"{name} p95", p95, "ms", None, "", "p95 ≤ 300 ms, 0 errors",
                (p95 is not None and p95 <= 300) and failures == 0,
                note=f"{count} requests, {failures} errors, {float(r['Requests/s']):.1f} req/s, "
                     f"median {r['50%']} ms")
    rep.add("server RSS after the run", rss, "MB", note=f"gunicorn, {args.workers} workers × 2 threads")
    rep.print()
    print(f"results: {rep.save()}")


if __name__ == "__main__":
    main()
