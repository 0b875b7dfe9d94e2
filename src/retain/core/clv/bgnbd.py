"""BG/NBD: how many purchases a customer will make and whether they are still alive.

Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way". Purchases follow a Poisson
process with rate lambda ~ Gamma(r, alpha); after each purchase a customer drops out with
probability p ~ Beta(a, b). Inputs per customer: frequency x (repeat purchases), recency t_x
(time of the last purchase since the first) and age T, in one time unit.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, gammaln, hyp2f1

from retain.core.clv.base import Vector, as_array, fit_positive


def _check(x: Vector, t_x: Vector, T: Vector) -> None:
    if not len(x) == len(t_x) == len(T):
        raise ValueError("frequency, recency and T must have the same length")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(T < 0):
        raise ValueError("frequency, recency and T cannot be negative")
    if np.any(t_x > T):
        raise ValueError("recency cannot exceed T (the last purchase cannot be after today)")
    if np.any((x > 0) & (t_x == 0)):
        raise ValueError("a customer with repeat purchases needs a recency above 0")


def log_likelihood(params: Vector, x: Vector, t_x: Vector, T: Vector) -> Vector:
    """Per-customer log-likelihood (FHL 2005, eq. 6, in log space)."""
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return np.asarray(a1 + a2 + np.logaddexp(a3, a4), dtype=float)


class BGNBD:
    """The BG/NBD model; `fit` returns self; fitted attributes end in `_`."""

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    def fit(self, frequency: object, recency: object, T: object) -> BGNBD:
        """Maximum-likelihood estimates of r, alpha, a, b."""
        x, t_x, age = (
            as_array(frequency, "frequency"),
            as_array(recency, "recency"),
            as_array(T, "T"),
        )
        _check(x, t_x, age)
        if len(x) < 4:
            raise ValueError("fit needs at least 4 customers")

        def neg_ll(p: Vector) -> float:
            value = -float(np.sum(log_likelihood(p, x, t_x, age))) + self.penalizer * float(
                np.sum(p**2)
            )
            return value if np.isfinite(value) else 1e300

        start = np.array([1.0, max(float(np.mean(age)), 1.0), 1.0, 1.0])
        self.params_, self.log_likelihood_, self.converged_ = fit_positive(
            neg_ll, start, ("r", "alpha", "a", "b")
        )
        return self

    def _p(self) -> tuple[float, float, float, float]:
        p = self.params_
        return p["r"], p["alpha"], p["a"], p["b"]

    def probability_alive(self, frequency: object, recency: object, T: object) -> Vector:
        """P(still alive | history); 1 for customers without repeat purchases."""
        x, t_x, age = (
            as_array(frequency, "frequency"),
            as_array(recency, "recency"),
            as_array(T, "T"),
        )
        r, alpha, a, b = self._p()
        log_ratio = (r + x) * (np.log(alpha + age) - np.log(alpha + t_x))
        odds = np.where(x > 0, a / np.maximum(b + x - 1, 1e-12) * np.exp(log_ratio), 0.0)
        return np.asarray(1.0 / (1.0 + odds), dtype=float)

    def expected_purchases(self, t: float, frequency: object, recency: object, T: object) -> Vector:
        """E[purchases in the next t | history] (FHL 2005, eq. 10). The closed form is analytic in
        a with a removable singularity at 1, so it holds for a < 1 too (checked by simulation)."""
        x, t_x, age = (
            as_array(frequency, "frequency"),
            as_array(recency, "recency"),
            as_array(T, "T"),
        )
        r, alpha, a, b = self._p()
        a = a if abs(a - 1) > 1e-7 else 1 + 1e-7
        z = t / (alpha + age + t)
        head = (a + b + x - 1) / (a - 1)
        body = 1 - ((alpha + age) / (alpha + age + t)) ** (r + x) * hyp2f1(
            r + x, b + x, a + b + x - 1, z
        )
        return np.asarray(head * body * self.probability_alive(x, t_x, age), dtype=float)

    def expected_purchases_new(self, t: float) -> float:
        """E[purchases in (0, t]] for a customer just acquired (FHL 2005, eq. 9)."""
        r, alpha, a, b = self._p()
        a = a if abs(a - 1) > 1e-7 else 1 + 1e-7
        z = t / (alpha + t)
        return float(
            (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))
        )
