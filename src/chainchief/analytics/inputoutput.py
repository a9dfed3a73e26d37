"""Input–output analysis of a regional table: coefficients, the Leontief and Ghosh inverses, multipliers and
the Rasmussen linkage indices. Pure numpy: no Django.

Conventions (Miller & Blair, *Input–Output Analysis*, 2nd ed., 2009, ch. 2 and 12):

- ``Z`` is the n×n matrix of intermediate flows, z_ij = sales of sector i to sector j (row: seller, column:
  buyer); ``x`` is the vector of total outputs (总产出). Both in the same money unit.
- Technical (direct input) coefficients, 直接消耗系数: A = Z·diag(x)⁻¹, a_ij = z_ij / x_j.
- Leontief inverse, 完全需要系数 (also 列昂惕夫逆矩阵): L = (I − A)⁻¹, so that x = L·f.
- Total (complete) consumption coefficients, 完全消耗系数: B = L − I = A + A² + A³ + … . Mind the naming:
  in Chinese usage 完全消耗系数 is (I − A)⁻¹ − I, not the Leontief inverse itself; 完全需要系数 is (I − A)⁻¹.
- Allocation (direct output) coefficients, 直接分配系数: B_alloc = diag(x)⁻¹·Z, b_ij = z_ij / x_i; Ghosh
  inverse G = (I − B_alloc)⁻¹.

Matrices are returned as float numpy arrays with the sectors in the order given. Sectors with zero output
have no coefficients: remove them (or merge them into another sector) before calling.
"""
from dataclasses import dataclass

import numpy as np

# Above this condition number I − A is treated as singular: its inverse would carry no reliable digit.
_MAX_CONDITION = 1e12


def _square(matrix, name="Z"):
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] == 0:
        raise ValueError(f"{name} 应为非空方阵（部门 × 部门），实为 {m.shape} 的数组")
    if not np.all(np.isfinite(m)):
        raise ValueError(f"{name} 含有缺失值或无穷大")
    return m


def _outputs(x, n):
    v = np.asarray(x, dtype=float)
    if v.ndim != 1 or v.shape[0] != n:
        raise ValueError(f"总产出向量应有 {n} 个部门的数值，实为 {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("总产出含有缺失值或无穷大")
    zero = np.flatnonzero(v <= 0)
    if zero.size:
        listed = "、".join(str(i + 1) for i in zero[:10]) + ("等" if zero.size > 10 else "")
        raise ValueError(f"第 {listed} 个部门的总产出为零或负数，无法计算系数：请删除或合并这些部门")
    return v


def _inverse_of_identity_minus(m, what):
    """(I − m)⁻¹ by solving (I − m)·X = I; ValueError when I − m is singular or nearly so."""
    eye = np.eye(m.shape[0])
    lhs = eye - m
    message = f"I − {what} 为奇异矩阵（或接近奇异），逆矩阵不存在：请检查系数的列和（或行和）是否达到 1"
    try:
        inv = np.linalg.solve(lhs, eye)
    except np.linalg.LinAlgError:
        raise ValueError(message) from None
    # 1-norm condition number ‖M‖₁·‖M⁻¹‖₁, free once the inverse is known.
    if not np.all(np.isfinite(inv)) or np.linalg.norm(lhs, 1) * np.linalg.norm(inv, 1) > _MAX_CONDITION:
        raise ValueError(message)
    return inv


def final_demand(Z, x):
    """Final demand implied by the table: f = x − Z·1 (total output less intermediate sales)."""
    z = _square(Z)
    return _outputs(x, z.shape[0]) - z.sum(axis=1)


def technical_coefficients(Z, x):
    """Direct input coefficients 直接消耗系数 A = Z·diag(x)⁻¹: a_ij = z_ij / x_j (column j divided by x_j).

    ValueError when Z is not square, when x does not match it, or when an output is zero or negative.
    """
    z = _square(Z)
    return z / _outputs(x, z.shape[0])[np.newaxis, :]


def allocation_coefficients(Z, x):
    """Direct output (allocation) coefficients 直接分配系数 B_alloc = diag(x)⁻¹·Z: b_ij = z_ij / x_i (row i
    divided by x_i), the Ghosh model's counterpart of A."""
    z = _square(Z)
    return z / _outputs(x, z.shape[0])[:, np.newaxis]


def leontief_inverse(A):
    """Leontief inverse 完全需要系数矩阵 L = (I − A)⁻¹, computed with numpy.linalg.solve.

    l_ij is the output of sector i needed, directly and indirectly, per unit of final demand for sector j.
    ValueError when A is not square or I − A is singular (1-norm condition number above 10¹²).
    """
    return _inverse_of_identity_minus(_square(A, "A"), "A")


def total_consumption_coefficients(A):
    """完全消耗系数 B = (I − A)⁻¹ − I = A + A² + A³ + … (direct plus all indirect inputs, without the unit of
    the final product itself). Not to be confused with 完全需要系数 (I − A)⁻¹ = ``leontief_inverse``."""
    L = leontief_inverse(A)
    return L - np.eye(L.shape[0])


def ghosh_inverse(B_alloc):
    """Ghosh inverse G = (I − B_alloc)⁻¹ of the allocation coefficients; g_ij is the output of sector j
    enabled, directly and indirectly, per unit of primary input into sector i. G = diag(x)⁻¹·L·diag(x)."""
    return _inverse_of_identity_minus(_square(B_alloc, "B"), "B")


def output_multipliers(L):
    """Simple output multipliers 产出乘数: column sums of L, m_j = Σ_i l_ij (total output of all sectors per
    unit of final demand for sector j)."""
    return _square(L, "L").sum(axis=0)


def total_output(L, f):
    """Demand-driven output x = L·f for a final-demand vector f (e.g. a scenario's new final demand)."""
    m = _square(L, "L")
    v = np.asarray(f, dtype=float)
    if v.shape != (m.shape[0],):
        raise ValueError(f"最终需求向量应有 {m.shape[0]} 个部门的数值，实为 {v.shape}")
    return m @ v


def power_of_dispersion(L):
    """Rasmussen power of dispersion 影响力系数 (backward linkage): column sums of L over their mean,

        U_j = Σ_i l_ij / ((1/n) Σ_i Σ_j l_ij).

    U_j > 1: a unit of final demand for sector j pulls more output from the economy than the average sector.
    """
    sums = output_multipliers(L)
    return sums / sums.mean()


def sensitivity_of_dispersion(G):
    """Sensitivity of dispersion 感应度系数 (forward linkage) from the Ghosh inverse: row sums of G over their
    mean,

        S_i = Σ_j g_ij / ((1/n) Σ_i Σ_j g_ij),

    the supply-side measure recommended by Miller & Blair (2009, §12.2). S_i > 1: sector i's output feeds
    more of the economy than the average sector's.
    """
    sums = _square(G, "G").sum(axis=1)
    return sums / sums.mean()


def sensitivity_of_dispersion_from_leontief(L):
    """The traditional 感应度系数 of Chinese input–output textbooks: row sums of the Leontief inverse over
    their mean, S_i = Σ_j l_ij / ((1/n) Σ_i Σ_j l_ij).

    A row sum of L answers "how much must sector i produce if the final demand of every sector rises by one
    unit", whatever the sectors' sizes; Miller & Blair (2009, §12.2) prefer the Ghosh row sums
    (``sensitivity_of_dispersion``) for forward linkage. Offered for comparison with published Chinese figures.
    """
    sums = _square(L, "L").sum(axis=1)
    return sums / sums.mean()


@dataclass(frozen=True)
class Linkages:
    """Every coefficient and index of one table, sectors in the table's order."""

    A: np.ndarray  # 直接消耗系数
    L: np.ndarray  # 完全需要系数 (I − A)⁻¹
    B: np.ndarray  # 完全消耗系数 (I − A)⁻¹ − I
    B_alloc: np.ndarray  # 直接分配系数
    G: np.ndarray  # Ghosh inverse (I − B_alloc)⁻¹
    final_demand: np.ndarray
    output_multipliers: np.ndarray
    power_of_dispersion: np.ndarray  # 影响力系数
    sensitivity_of_dispersion: np.ndarray  # 感应度系数 (Ghosh)
    sensitivity_of_dispersion_from_leontief: np.ndarray  # 感应度系数 (traditional, row sums of L)


def linkages(Z, x):
    """All of the above from the intermediate flows Z and total outputs x (one factorisation each of I − A
    and I − B_alloc)."""
    A = technical_coefficients(Z, x)
    L = leontief_inverse(A)
    B_alloc = allocation_coefficients(Z, x)
    G = ghosh_inverse(B_alloc)
    return Linkages(
        A=A, L=L, B=L - np.eye(L.shape[0]), B_alloc=B_alloc, G=G, final_demand=final_demand(Z, x),
        output_multipliers=output_multipliers(L), power_of_dispersion=power_of_dispersion(L),
        sensitivity_of_dispersion=sensitivity_of_dispersion(G),
        sensitivity_of_dispersion_from_leontief=sensitivity_of_dispersion_from_leontief(L),
    )


def aggregate(Z, x, groups):
    """Merge sectors into groups (e.g. a table's sectors into the city's chains): z'_kl = Σ_{i∈k, j∈l} z_ij,
    x'_k = Σ_{i∈k} x_i.

    ``groups`` gives one label per sector (every sector must be placed; put the rest under a label such as
    其他). Returns (labels in order of first appearance, Z', x'). Coefficients of the merged table differ from
    merged coefficients of the full one (aggregation bias): compute indices on the table the page shows.
    """
    z = _square(Z)
    v = np.asarray(x, dtype=float)
    if len(groups) != z.shape[0] or v.shape != (z.shape[0],):
        raise ValueError(f"部门归并：应为 {z.shape[0]} 个部门各给出一个归属，实为 {len(groups)} 个")
    labels = list(dict.fromkeys(groups))
    index = {label: k for k, label in enumerate(labels)}
    S = np.zeros((len(labels), z.shape[0]))
    S[[index[g] for g in groups], np.arange(z.shape[0])] = 1.0
    return labels, S @ z @ S.T, S @ v
