"""Relatedness in the product-space sense: revealed comparative advantage, proximity and density, and the
延链 candidates they suggest. Pure numpy: no Django.

After Balassa (1965) for RCA and Hidalgo, Klinger, Barabási & Hausmann (2007), "The product space conditions
the development of nations", *Science* 317: 482–487, for proximity and density. Here a "region" may be a
county of the city or a city of the province, a "product" an industrial chain segment or a sector; the
input is a region × product matrix of values (output, revenue or exports), rows regions, columns products.

Conventions, stated once:

- A region "has" product p when RCA_rp ≥ 1 (the threshold is a parameter; RCA exactly 1 counts as present).
- φ_ij = C_ij / max(u_i, u_j), where C_ij is the number of regions having both i and j and u_i the number
  having i (its ubiquity); this equals min(P(i | j), P(j | i)). φ_ij = 0 when no region has i or j.
  The diagonal is set to φ_jj = 1.
- Density of product j for a region with presence x (x_i ∈ {0, 1}) excludes the product itself:
  ω_j = Σ_{i≠j} x_i φ_ij / Σ_{i≠j} φ_ij, so that a product's density does not depend on whether the region
  already has it. ``include_self=True`` sums over all i with φ_jj = 1 instead, as in Hidalgo et al.'s
  formula. Density is NaN where the denominator is zero (a product related to no other).
"""
from dataclasses import dataclass

import numpy as np


def _matrix(values, name):
    m = np.asarray(values, dtype=float)
    if m.ndim != 2 or 0 in m.shape:
        raise ValueError(f"{name}应为非空的二维表（区域 × 产品），实为 {m.shape} 的数组")
    if not np.all(np.isfinite(m)):
        raise ValueError(f"{name}含有缺失值或无穷大")
    return m


def rca(values):
    """Balassa's revealed comparative advantage (显示性比较优势):

        RCA_rp = (X_rp / Σ_p X_rp) / (Σ_r X_rp / Σ_r Σ_p X_rp),

    the product's share in the region over its share in all regions together. ValueError on a negative
    value or on a region or product whose values are all zero (drop it first).
    """
    X = _matrix(values, "数值表")
    if np.any(X < 0):
        raise ValueError("数值表含有负数")
    rows, cols = X.sum(axis=1), X.sum(axis=0)
    if np.any(rows <= 0):
        raise ValueError(f"第 {'、'.join(str(i + 1) for i in np.flatnonzero(rows <= 0)[:10])} 个区域合计为零")
    if np.any(cols <= 0):
        raise ValueError(f"第 {'、'.join(str(i + 1) for i in np.flatnonzero(cols <= 0)[:10])} 个产品合计为零")
    return (X / rows[:, np.newaxis]) / (cols / X.sum())[np.newaxis, :]


def presence(rca_matrix, threshold=1.0):
    """M_rp = 1 where RCA_rp ≥ threshold, else 0 (int array of the same shape)."""
    return (np.asarray(rca_matrix, dtype=float) >= threshold).astype(int)


def proximity(rca_matrix, threshold=1.0):
    """Product × product proximity φ_ij = min(P(RCA_i ≥ 1 | RCA_j ≥ 1), P(RCA_j ≥ 1 | RCA_i ≥ 1)) from a
    region × product RCA matrix; φ symmetric, φ_jj = 1, φ_ij = 0 where i or j is present in no region."""
    M = presence(_matrix(rca_matrix, "RCA 表"), threshold).astype(float)
    C = M.T @ M
    u = np.diag(C)
    largest = np.maximum(u[:, np.newaxis], u[np.newaxis, :])
    phi = np.divide(C, largest, out=np.zeros_like(C), where=largest > 0)
    np.fill_diagonal(phi, 1.0)
    return phi


def density(presence_matrix, phi, *, include_self=False):
    """Density ω_rj = Σ_i x_ri φ_ij / Σ_i φ_ij of each product j for each region r, the sums over i ≠ j
    (or over all i, with φ_jj = 1, when ``include_self``).

    ``presence_matrix`` is a region × product 0/1 matrix, or one region's vector; the result has its shape,
    NaN where no other product is related to j.
    """
    x = np.asarray(presence_matrix, dtype=float)
    p = np.array(phi, dtype=float)
    if p.ndim != 2 or p.shape[0] != p.shape[1] or x.shape[-1] != p.shape[0]:
        raise ValueError(f"邻近度矩阵应为 {x.shape[-1]} × {x.shape[-1]} 的方阵，实为 {p.shape}")
    np.fill_diagonal(p, 1.0 if include_self else 0.0)
    denominator = p.sum(axis=0)
    numerator = x @ p
    return np.divide(numerator, denominator, out=np.full(numerator.shape, np.nan), where=denominator > 0)


@dataclass(frozen=True)
class Candidate:
    product: object  # label (or index) of a product the region lacks
    density: float
    related: list  # [(label of a present product, φ)], closest first: the reason for the suggestion


def extension_candidates(presence_row, phi, *, labels=None, reasons=3, include_self=False):
    """延链 suggestions for one region: the products it lacks (x_j = 0), densest first (NaN last, ties in
    the given order), each with up to ``reasons`` present products most proximate to it (φ > 0)."""
    x = np.asarray(presence_row, dtype=float)
    if x.ndim != 1:
        raise ValueError("应给出一个区域的产品有无向量")
    p = np.asarray(phi, dtype=float)
    names = list(labels) if labels is not None else list(range(x.shape[0]))
    if len(names) != x.shape[0]:
        raise ValueError(f"产品名称应有 {x.shape[0]} 个，实为 {len(names)} 个")
    omega = density(x, p, include_self=include_self)
    present, missing = np.flatnonzero(x > 0), np.flatnonzero(x <= 0)
    # For every missing product at once: the present products by φ, highest first, ties in the given order (a
    # stable sort of −φ keeps the ascending index among equals). Present and missing are disjoint: i ≠ j.
    near = p[np.ix_(present, missing)]
    order = np.argsort(-near, axis=0, kind="stable")[:reasons]
    out = []
    for k, j in enumerate(missing):
        related = [(names[present[r]], float(near[r, k])) for r in order[:, k] if near[r, k] > 0]
        out.append(Candidate(product=names[j], density=float(omega[j]), related=related))
    out.sort(key=lambda c: (np.isnan(c.density), -c.density if not np.isnan(c.density) else 0.0))
    return out
