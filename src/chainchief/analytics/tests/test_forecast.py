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


def test_matches_statsmodels_ols_prediction_interval():
    """The same fit by an independent implementation: statsmodels OLS on ln(y), its 80% prediction interval
    for a new observation, and P(y ≥ target) from its predicted mean and standard error."""
    import numpy as np
    import statsmodels.api as sm
    from scipy import stats

    times = [2019.917, 2020.167, 2020.25, 2020.333, 2020.5, 2020.667, 2020.917, 2021.167, 2021.333, 2021.5]
    values = [820.0, 790.0, 760.0, 770.0, 805.0, 840.0, 880.0, 915.0, 950.0, 990.0]
    at, target = 2026.0, 1000.0
    ours = loglinear(times, values, at, target=target, level=0.8)

    model = sm.OLS(np.log(values), sm.add_constant(np.array(times))).fit()
    pred = model.get_prediction(np.array([[1.0, at]]))
    frame = pred.summary_frame(alpha=0.2)
    mean = float(frame["mean"].iloc[0])
    se_obs = float(np.sqrt(pred.se_mean[0] ** 2 + model.scale))
    assert ours.value == pytest.approx(np.exp(mean), rel=1e-9)
    assert ours.lower == pytest.approx(np.exp(float(frame["obs_ci_lower"].iloc[0])), rel=1e-9)
    assert ours.upper == pytest.approx(np.exp(float(frame["obs_ci_upper"].iloc[0])), rel=1e-9)
    assert ours.probability == pytest.approx(stats.t.sf((np.log(target) - mean) / se_obs, model.df_resid), abs=1e-9)
    assert ours.annual_growth == pytest.approx(np.exp(model.params[1]) - 1, rel=1e-9)
