"""Forecast of a chain's annual scale: a log-linear trend with a prediction interval. Pure numpy/scipy.

Fit ln(y) = a + b·t by least squares on a series of annualised values (trailing twelve months), extrapolate
to the target time, and give the point forecast, a prediction interval and the probability that the value
reaches the target under the fitted model's t distribution. Successive TTM points overlap, so the interval
is narrower than the truth; the page says so.
"""
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class Forecast:
    value: float
    lower: float
    upper: float
    probability: float | None  # P(value ≥ target), None without a target
    annual_growth: float  # exp(b) − 1 per year
    points: int


def loglinear(times, values, at, *, target=None, level=0.8):
    """``times`` in years (e.g. 2021.5), ``values`` positive. None when fewer than 4 usable points."""
    t = np.asarray(times, dtype=float)
    y = np.asarray(values, dtype=float)
    keep = np.isfinite(t) & np.isfinite(y) & (y > 0)
    t, y = t[keep], y[keep]
    n = len(t)
    if n < 4:
        return None
    ly = np.log(y)
    t0 = t.mean()
    x = t - t0
    sxx = float((x ** 2).sum())
    if sxx == 0:
        return None
    b = float((x * (ly - ly.mean())).sum() / sxx)
    a = float(ly.mean())
    resid = ly - (a + b * x)
    dof = n - 2
    s = float(np.sqrt((resid ** 2).sum() / dof))
    xf = at - t0
    se = s * float(np.sqrt(1 + 1 / n + xf ** 2 / sxx))
    mean = a + b * xf
    q = float(stats.t.ppf(0.5 + level / 2, dof))
    prob = None
    if target is not None and target > 0:
        if se == 0:
            prob = 1.0 if mean >= np.log(target) else 0.0
        else:
            prob = float(stats.t.sf((np.log(target) - mean) / se, dof))
    return Forecast(value=float(np.exp(mean)), lower=float(np.exp(mean - q * se)),
                    upper=float(np.exp(mean + q * se)), probability=prob,
                    annual_growth=float(np.exp(b) - 1), points=n)
