import math

import pytest

from chainchief.analytics.forecast import loglinear


def test_exact_exponential_series_recovers_its_growth():
    # y = 100 · 1.1^t exactly: the fit returns 10% a year and 100·1.1^5 = 161.051 at t = 5.
    times = [0, 1, 2, 3, 4]
    values = [100 * 1.1 ** t for t in times]
    f = loglinear(times, values, 5, target=150)
    assert f.annual_growth == pytest.approx(0.10, abs=1e-9)
    assert f.value == pytest.approx(161.051, abs=1e-3)
    assert f.probability == 1.0  # no residual: certain


def test_noisy_series_interval_and_probability():
    # Residuals ±2% around a 10%/year trend: the interval brackets the point, probability is monotone.
    times = [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]
    noise = [1.02, 0.98, 1.02, 0.98, 1.02, 0.98, 1.02, 0.98]
    values = [100 * math.exp(math.log(1.1) * t) * e for t, e in zip(times, noise)]
    low = loglinear(times, values, 6, target=150)
    high = loglinear(times, values, 6, target=250)
    assert low.lower < low.value < low.upper
    assert low.probability > 0.9 > 0.1 > high.probability


def test_too_few_points():
    assert loglinear([0, 1, 2], [1, 2, 3], 5) is None
