"""RCA, proximity and density on a five-region, three-product case computed by hand.

Values (rows regions A–E, columns products p1–p3), each region's total 10, product totals 15, 19, 16, all 50:

    A  6  2  2        RCA = (X_rp / 10) / (column total / 50)
    B  2  6  2        A: .6/.30 = 2,     .2/.38 = 10/19, .2/.32 = .625
    C  2  2  6        B: .2/.30 = 2/3,   .6/.38 = 30/19, .625
    D  5  5  0        C: 2/3,            10/19,          .6/.32 = 1.875
    E  0  4  6        D: .5/.30 = 5/3,   .5/.38 = 25/19, 0
                      E: 0,              .4/.38 = 20/19, 1.875

Presence (RCA ≥ 1): A {p1}, B {p2}, C {p3}, D {p1, p2}, E {p2, p3}; ubiquities 2, 3, 2.
Co-occurrence: p1 & p2 in D only, p2 & p3 in E only, p1 & p3 nowhere, so
φ12 = 1/max(2, 3) = 1/3, φ23 = 1/max(3, 2) = 1/3, φ13 = 0.

Density without the product itself, ω_j = Σ_{i≠j} x_i φ_ij / Σ_{i≠j} φ_ij:
    A (x = 1, 0, 0): p1 (0·⅓ + 0·0)/⅓ = 0, p2 (1·⅓ + 0·⅓)/⅔ = .5, p3 (1·0 + 0·⅓)/⅓ = 0
    D (x = 1, 1, 0): p1 (1·⅓)/⅓ = 1, p2 (1·⅓ + 0·⅓)/⅔ = .5, p3 (1·0 + 1·⅓)/⅓ = 1
With the product itself (Hidalgo et al. 2007, φ_jj = 1): D p3 = (0·1 + 1·⅓)/(1 + ⅓) = .25,
D p1 = (1·1 + 1·⅓)/(1 + ⅓) = 1, A p2 = (0·1 + 1·⅓)/(1 + ⅔) = .2.
"""
import numpy as np
import pytest

from chainchief.analytics.relatedness import density, extension_candidates, presence, proximity, rca

X = [[6, 2, 2], [2, 6, 2], [2, 2, 6], [5, 5, 0], [0, 4, 6]]
THIRD = 1 / 3


def test_rca_by_hand():
    R = rca(X)
    expected = np.array([[2, 10 / 19, 0.625], [2 / 3, 30 / 19, 0.625], [2 / 3, 10 / 19, 1.875],
                         [5 / 3, 25 / 19, 0], [0, 20 / 19, 1.875]])
    assert R == pytest.approx(expected)
    assert presence(R).tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1]]


def test_rca_of_exactly_one_counts_as_present():
    # Identical regions: every RCA is exactly 1, every product present everywhere, all φ = 2/2 = 1.
    R = rca([[1, 1], [1, 1]])
    assert presence(R).tolist() == [[1, 1], [1, 1]]
    assert proximity(R) == pytest.approx(np.ones((2, 2)))


def test_proximity_by_hand():
    phi = proximity(rca(X))
    assert phi == pytest.approx(np.array([[1, THIRD, 0], [THIRD, 1, THIRD], [0, THIRD, 1]]))


def test_density_excludes_the_product_itself():
    phi = proximity(rca(X))
    M = presence(rca(X))
    omega = density(M, phi)
    assert omega[0] == pytest.approx([0, 0.5, 0])  # region A
    assert omega[3] == pytest.approx([1, 0.5, 1])  # region D
    assert density(M[3], phi) == pytest.approx([1, 0.5, 1])  # one region's vector


def test_density_with_the_product_itself_as_in_hidalgo_et_al():
    phi = proximity(rca(X))
    omega = density(presence(rca(X)), phi, include_self=True)
    assert omega[3, 2] == pytest.approx(0.25)
    assert omega[3, 0] == pytest.approx(1.0)
    assert omega[0, 1] == pytest.approx(0.2)


def test_density_of_an_unrelated_product_is_nan():
    phi = np.array([[1, 0.5, 0], [0.5, 1, 0], [0, 0, 1]])
    assert np.isnan(density([1, 0, 0], phi)[2])


def test_extension_candidates_for_region_a():
    # A has p1 only: p2 (density .5, related to p1 with φ ⅓) before p3 (density 0, no present neighbour).
    phi = proximity(rca(X))
    out = extension_candidates(presence(rca(X))[0], phi, labels=["p1", "p2", "p3"])
    assert [c.product for c in out] == ["p2", "p3"]
    assert out[0].density == pytest.approx(0.5)
    assert out[0].related == [("p1", pytest.approx(THIRD))]
    assert out[1].related == []


def test_bad_input():
    with pytest.raises(ValueError, match="合计为零"):
        rca([[1, 0], [1, 0]])
    with pytest.raises(ValueError, match="负数"):
        rca([[1, -1], [1, 1]])
    with pytest.raises(ValueError):
        density([1, 0], np.eye(3))
