"""Input–output analysis against Miller & Blair's two-sector illustration, with the rest worked by hand.

Miller, R. E. & Blair, P. D. (2009), *Input–Output Analysis: Foundations and Extensions*, 2nd ed., Cambridge
University Press, §2.3 (Table 2.3): Z = [[150, 500], [200, 100]], x = (1000, 2000), final demand (350, 1700);
A = [[.15, .25], [.20, .05]]; (I − A)⁻¹ = [[1.254, .330], [.264, 1.122]].

By hand: det(I − A) = .85·.95 − .25·.20 = .7575, so L = (1/.7575)·[[.95, .25], [.20, .85]]
= [[1.254125, .330033], [.264026, 1.122112]]. The allocation coefficients are B = [[.15, .50], [.10, .05]],
det(I − B) = .85·.95 − .50·.10 = .7575 again, so G = (1/.7575)·[[.95, .50], [.10, .85]].
"""
import time

import numpy as np
import pytest

from chainchief.analytics import inputoutput as io

Z = [[150, 500], [200, 100]]
X = [1000, 2000]


def test_technical_coefficients_as_published():
    # a_ij = z_ij / x_j: 150/1000, 500/2000, 200/1000, 100/2000
    assert io.technical_coefficients(Z, X) == pytest.approx(np.array([[0.15, 0.25], [0.20, 0.05]]))


def test_leontief_inverse_as_published_and_from_first_principles():
    L = io.leontief_inverse(io.technical_coefficients(Z, X))
    # Miller & Blair's figures, to the 3 decimals they print, and the 4-decimal hand values.
    assert np.round(L, 3) == pytest.approx(np.array([[1.254, 0.330], [0.264, 1.122]]))
    assert np.round(L, 4) == pytest.approx(np.array([[1.2541, 0.3300], [0.2640, 1.1221]]))
    # The exact inverse of [[.85, −.25], [−.20, .95]] by the adjugate over the determinant .7575.
    assert L == pytest.approx(np.array([[0.95, 0.25], [0.20, 0.85]]) / 0.7575, abs=1e-12)
    # L (I − A) = I, and L reproduces the table's outputs from its final demand (350, 1700).
    assert L @ (np.eye(2) - io.technical_coefficients(Z, X)) == pytest.approx(np.eye(2), abs=1e-12)
    assert io.final_demand(Z, X) == pytest.approx(np.array([350.0, 1700.0]))
    assert io.total_output(L, [350, 1700]) == pytest.approx(np.array([1000.0, 2000.0]))


def test_new_final_demand():
    # f = (600, 1500): x1 = (.95·600 + .25·1500)/.7575 = 945/.7575 = 1247.5248,
    #                  x2 = (.20·600 + .85·1500)/.7575 = 1395/.7575 = 1841.5842
    L = io.leontief_inverse(io.technical_coefficients(Z, X))
    assert io.total_output(L, [600, 1500]) == pytest.approx(np.array([1247.5248, 1841.5842]), abs=1e-4)


def test_total_consumption_coefficients_are_L_minus_I():
    # 完全消耗系数 = (I − A)⁻¹ − I = [[.254125, .330033], [.264026, .122112]], and equals A + A² + A³ + …
    A = io.technical_coefficients(Z, X)
    B = io.total_consumption_coefficients(A)
    assert B == pytest.approx(np.array([[0.254125, 0.330033], [0.264026, 0.122112]]), abs=1e-6)
    series, power = np.zeros((2, 2)), np.eye(2)
    for _ in range(80):
        power = power @ A
        series += power
    assert B == pytest.approx(series, abs=1e-12)


def test_multipliers_and_power_of_dispersion():
    # Column sums of L: (.95 + .20)/.7575 = 1.518152, (.25 + .85)/.7575 = 1.452145.
    # 影响力系数: 1.15 / mean(1.15, 1.10) = 1.15/1.125 = 1.022222, 1.10/1.125 = 0.977778.
    L = io.leontief_inverse(io.technical_coefficients(Z, X))
    assert io.output_multipliers(L) == pytest.approx(np.array([1.518152, 1.452145]), abs=1e-6)
    assert io.power_of_dispersion(L) == pytest.approx(np.array([1.022222, 0.977778]), abs=1e-6)


def test_sensitivity_of_dispersion_from_ghosh_and_traditional():
    # B_alloc = [[150/1000, 500/1000], [200/2000, 100/2000]] = [[.15, .50], [.10, .05]]
    # G = [[.95, .50], [.10, .85]]/.7575; row sums 1.45/.7575 and .95/.7575, mean 1.20/.7575
    #   → 感应度系数 1.45/1.2 = 1.208333, .95/1.2 = 0.791667.
    # Traditional (row sums of L): 1.20 and 1.05 over 1.125 → 1.066667, 0.933333.
    B_alloc = io.allocation_coefficients(Z, X)
    assert B_alloc == pytest.approx(np.array([[0.15, 0.50], [0.10, 0.05]]))
    G = io.ghosh_inverse(B_alloc)
    assert G == pytest.approx(np.array([[0.95, 0.50], [0.10, 0.85]]) / 0.7575, abs=1e-12)
    assert io.sensitivity_of_dispersion(G) == pytest.approx(np.array([1.208333, 0.791667]), abs=1e-6)
    L = io.leontief_inverse(io.technical_coefficients(Z, X))
    assert io.sensitivity_of_dispersion_from_leontief(L) == pytest.approx(np.array([1.066667, 0.933333]),
                                                                            abs=1e-6)
    # G = diag(x)⁻¹ L diag(x): g_12 = l_12 · x_2 / x_1 = .330033 · 2
    assert G[0, 1] == pytest.approx(L[0, 1] * 2)


def test_linkages_bundle():
    k = io.linkages(Z, X)
    assert k.L[1, 1] == pytest.approx(0.85 / 0.7575)
    assert k.B == pytest.approx(k.L - np.eye(2))
    assert k.final_demand == pytest.approx(np.array([350.0, 1700.0]))
    assert k.power_of_dispersion.mean() == pytest.approx(1.0)
    assert k.sensitivity_of_dispersion[0] == pytest.approx(1.45 / 1.2)


@pytest.mark.parametrize("Z_, x_, message", [
    ([[150, 500, 1], [200, 100, 1]], [1000, 2000], "方阵"),
    ([[150, 500], [200, 100]], [1000, 0], "总产出为零"),
    ([[150, 500], [200, 100]], [1000, -5], "总产出为零或负数"),
    ([[150, 500], [200, 100]], [1000, 2000, 3000], "2 个部门"),
    ([[150, float("nan")], [200, 100]], [1000, 2000], "缺失"),
])
def test_bad_tables_are_refused(Z_, x_, message):
    with pytest.raises(ValueError, match=message):
        io.technical_coefficients(Z_, x_)


def test_singular_table_is_refused():
    # Each sector sells its whole output to the other: A = [[0, 1], [1, 0]], I − A = [[1, −1], [−1, 1]], det 0.
    with pytest.raises(ValueError, match="奇异"):
        io.linkages([[0, 100], [100, 0]], [100, 100])
    # Nearly so: column sums of A of 1 − 10⁻¹⁵.
    eps = 1e-15
    with pytest.raises(ValueError, match="奇异"):
        io.leontief_inverse([[0, 1 - eps], [1 - eps, 0]])


def test_aggregate_sectors_into_chains():
    # Sectors 1 and 3 form chain "甲", sector 2 chain "乙":
    # z'_甲甲 = z11 + z13 + z31 + z33 = 1 + 3 + 7 + 9 = 20; z'_甲乙 = z12 + z32 = 2 + 8 = 10;
    # z'_乙甲 = z21 + z23 = 4 + 6 = 10; z'_乙乙 = 5; x' = (10 + 30, 20).
    labels, Zg, xg = io.aggregate([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [10, 20, 30], ["甲", "乙", "甲"])
    assert labels == ["甲", "乙"]
    assert Zg == pytest.approx(np.array([[20, 10], [10, 5]]))
    assert xg == pytest.approx(np.array([40, 20]))


def test_150_sectors_well_under_a_second():
    # A province's table: 150 sectors, value added 30–60% of output, so I − A is comfortably invertible.
    rng = np.random.default_rng(150)
    n = 150
    x = rng.uniform(1e3, 1e5, n)
    share = rng.uniform(0.4, 0.7, n)  # intermediate inputs / output of each buyer
    weights = rng.random((n, n))
    Zr = weights / weights.sum(axis=0) * share * x
    start = time.perf_counter()
    k = io.linkages(Zr, x)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0
    assert k.L @ (np.eye(n) - k.A) == pytest.approx(np.eye(n), abs=1e-9)
    assert k.output_multipliers.min() > 1
