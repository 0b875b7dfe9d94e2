"""Gamma-Gamma: the value of a customer's future purchases (Fader & Hardie 2013 note).

A customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, v) across customers; fitted
on customers with at least one repeat purchase, from their frequency and mean value.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

from retain.core.clv.base import Vector, as_array, fit_positive
from retain.core.clv.bgnbd import BGNBD


def log_likelihood(params: Vector, x: Vector, m: Vector) -> Vector:
    """Per-customer log-likelihood of the mean value m over x transactions."""
    p, q, v = params
    px = p * x
    return np.asarray(
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(x * m + v),
        dtype=float,
    )


class GammaGamma:
    """The Gamma-Gamma spend model; `fit` returns self; fitted attributes end in `_`."""

    def fit(self, frequency: object, monetary: object) -> GammaGamma:
        """Maximum-likelihood p, q, v from repeat buyers (frequency > 0, monetary > 0)."""
        x, m = as_array(frequency, "frequency"), as_array(monetary, "monetary")
        if len(x) != len(m):
            raise ValueError("frequency and monetary must have the same length")
        if np.any(x <= 0) or np.any(m <= 0):
            raise ValueError("fit Gamma-Gamma on repeat buyers only: frequency and monetary > 0")

        def neg_ll(params: Vector) -> float:
            value = -float(np.sum(log_likelihood(params, x, m)))
            return value if np.isfinite(value) else 1e300

        start = np.array([1.0, 1.0, float(np.mean(m))])
        self.params_, self.log_likelihood_, self.converged_ = fit_positive(
            neg_ll, start, ("p", "q", "v")
        )
        return self

    def expected_average_value(self, frequency: object, monetary: object) -> Vector:
        """E[value of a future purchase | x, mean value]; the population mean for x = 0."""
        x, m = as_array(frequency, "frequency"), as_array(monetary, "monetary")
        p, q, v = self.params_["p"], self.params_["q"], self.params_["v"]
        if q <= 1:
            raise ValueError("the fitted q is <= 1: the expected value is undefined")
        return np.asarray((p * (x * m + v)) / (p * x + q - 1), dtype=float)


def customer_lifetime_value(
    purchases: BGNBD,
    spend: GammaGamma,
    frequency: object,
    recency: object,
    T: object,
    monetary: object,
    horizon: int,
    discount_rate: float = 0.0,
) -> Vector:
    """Discounted expected value over `horizon` periods: per period, expected purchases in it
    x expected value per purchase / (1 + discount_rate) ** period."""
    if horizon < 1 or discount_rate < 0:
        raise ValueError("horizon must be >= 1 and discount_rate >= 0")
    value = spend.expected_average_value(frequency, monetary)
    total = np.zeros_like(value)
    before = np.zeros_like(value)
    for step in range(1, horizon + 1):
        upto = purchases.expected_purchases(float(step), frequency, recency, T)
        total += (upto - before) * value / (1 + discount_rate) ** step
        before = upto
    return total
