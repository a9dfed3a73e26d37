#!/usr/bin/env python3
"""Analytics core on synthetic tables: the Leontief inverse and the full set of linkage indices of a
province-size input–output table, and product-space density for many regions and products.

Usage: python bench/analytics.py [--sectors 150] [--runs 20]
Goal: Leontief inverse of a 150-sector table ≤ 1 s (issue 17); the whole set of linkages within the same limit.
"""
import argparse

import numpy as np

from common import Report, setup_django, timed


def synthetic_table(n, seed=150):
    """A plausible table: outputs 10³–10⁵, intermediate inputs 40–70% of each buyer's output."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(1e3, 1e5, n)
    weights = rng.random((n, n))
    return weights / weights.sum(axis=0) * rng.uniform(0.4, 0.7, n) * x, x


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sectors", type=int, default=150)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup_django()  # for the report's database label only; the analytics core does not use Django
    from chainchief.analytics import inputoutput as io
    from chainchief.analytics.relatedness import density, presence, proximity, rca

    report = Report("analytics")
    limit_ms = 1000.0
    for n in sorted({args.sectors, 500}):
        Z, x = synthetic_table(n)
        A = io.technical_coefficients(Z, x)
        goal = n == args.sectors  # the larger table is shown for scale, without a goal
        t = timed(lambda: io.leontief_inverse(A), runs=args.runs)
        report.add(f"Leontief inverse, {n} sectors", t["median_ms"], "ms", limit_ms, "1 s",
                   goal="≤ 1 s" if goal else None, met=(t["p95_ms"] <= limit_ms) if goal else None,
                   note=f"p95 {t['p95_ms']:.1f} ms")
        t = timed(lambda: io.linkages(Z, x), runs=args.runs)
        report.add(f"all linkages, {n} sectors", t["median_ms"], "ms", limit_ms, "1 s",
                   goal="≤ 1 s" if goal else None, met=(t["p95_ms"] <= limit_ms) if goal else None,
                   note=f"A, L, B, G and the indices; p95 {t['p95_ms']:.1f} ms")
    rng = np.random.default_rng(7)
    values = rng.lognormal(0, 1.5, (150, 1000)) * (rng.random((150, 1000)) < 0.6)
    values[:, values.sum(axis=0) == 0] = 1.0

    def relatedness():
        R = rca(values)
        return density(presence(R), proximity(R))

    t = timed(relatedness, runs=max(5, args.runs // 4))
    report.add("RCA, proximity, density: 150 × 1000", t["median_ms"], "ms", limit_ms, "1 s", goal="≤ 1 s",
               met=t["p95_ms"] <= limit_ms, note=f"p95 {t['p95_ms']:.1f} ms")
    report.print()
    print(f"results: {report.save()}")


if __name__ == "__main__":
    main()
