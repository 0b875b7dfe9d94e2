"""Shifted-beta-geometric: project a cohort's retention (Fader & Hardie 2007, "How to Project
Customer Retention"). Each customer churns at each renewal with probability theta ~ Beta(a, b).
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln

from retain.core.clv.base import Vector, as_array, fit_positive


class ShiftedBetaGeometric:
    """The sBG model fitted on counts alive at the start of each period (cohort size first)."""

    def fit(self, alive: object) -> ShiftedBetaGeometric:
        """Maximum-likelihood alpha, beta from a non-increasing series of counts alive."""
        n = as_array(alive, "alive")
        if len(n) < 3 or np.any(np.diff(n) > 0) or n[0] <= 0:
            raise ValueError(
                "give at least 3 non-increasing counts alive, starting with the cohort size"
            )
        lost = n[:-1] - n[1:]
        periods = np.arange(1, len(n))

        def neg_ll(params: Vector) -> float:
            a, b = params
            churn = betaln(a + 1, b + periods - 1) - betaln(a, b)
            survive = betaln(a, b + periods[-1]) - betaln(a, b)
            return -float(np.sum(lost * churn) + n[-1] * survive)

        self.params_, self.log_likelihood_, self.converged_ = fit_positive(
            neg_ll, np.array([1.0, 1.0]), ("alpha", "beta")
        )
        return self

    def survival(self, t: object) -> Vector:
        """Share of the cohort still alive after t periods."""
        a, b = self.params_["alpha"], self.params_["beta"]
        periods = as_array(t, "t")
        return np.asarray(np.exp(betaln(a, b + periods) - betaln(a, b)), dtype=float)

    def churn_probability(self, t: object) -> Vector:
        """P(a customer churns in period t), t >= 1."""
        a, b = self.params_["alpha"], self.params_["beta"]
        periods = as_array(t, "t")
        return np.asarray(np.exp(betaln(a + 1, b + periods - 1) - betaln(a, b)), dtype=float)

    def retention_rate(self, t: object) -> Vector:
        """Share of those alive at t - 1 who are still alive at t (rises with t)."""
        a, b = self.params_["alpha"], self.params_["beta"]
        periods = as_array(t, "t")
        return np.asarray((b + periods - 1) / (a + b + periods - 1), dtype=float)

    def project(self, size: float, periods: int) -> Vector:
        """Expected customers alive at the start of periods 0..periods for a cohort of `size`."""
        return size * self.survival(np.arange(periods + 1, dtype=float))
