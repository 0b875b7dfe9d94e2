"""Simulators with known parameters, for parameter-recovery tests and demos."""

from __future__ import annotations

import numpy as np

from retain.core.clv.base import Vector


def bgnbd(
    n: int, r: float, alpha: float, a: float, b: float, T: float, rng: np.random.Generator
) -> tuple[Vector, Vector, Vector]:
    """(frequency, recency, T) of n customers observed for T after their first purchase."""
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T:
                break
            x[i] += 1
            t_x[i] = t
            if rng.random() < p[i]:
                break
    return x, t_x, np.full(n, float(T))


def gamma_gamma(
    frequency: Vector, p: float, q: float, v: float, rng: np.random.Generator
) -> Vector:
    """Mean transaction value of customers with the given numbers of transactions (> 0)."""
    nu = rng.gamma(q, 1 / v, len(frequency))
    return np.array([rng.gamma(p, 1 / nu[i], int(k)).mean() for i, k in enumerate(frequency)])


def sbg(size: int, alpha: float, beta: float, periods: int, rng: np.random.Generator) -> Vector:
    """Counts alive at the start of periods 0..periods for a cohort of `size`."""
    theta = rng.beta(alpha, beta, size)
    lifetimes = rng.geometric(theta)  # the period in which each customer churns
    return np.array([np.sum(lifetimes > t) for t in range(periods + 1)], dtype=float)
