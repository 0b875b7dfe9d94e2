"""Probabilistic CLV: parameter recovery on simulated customers, published sBG estimates, and
the models' invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from retain.core.clv import (
    BGNBD,
    GammaGamma,
    ShiftedBetaGeometric,
    customer_lifetime_value,
    simulate,
)
from retain.core.clv.bgnbd import log_likelihood

TRUE_BGNBD = {"r": 1.2, "alpha": 6.0, "a": 1.5, "b": 6.0}
TRUE_GG = {"p": 1.5, "q": 6.0, "v": 20.0}


def within(
    fitted: dict[str, float], true: dict[str, float], tolerance: float = 0.10
) -> dict[str, float]:
    errors = {k: fitted[k] / true[k] - 1 for k in true}
    assert all(abs(e) <= tolerance for e in errors.values()), errors
    return errors


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bgnbd_recovers_simulated_parameters_within_10_percent(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, t_x, T = simulate.bgnbd(5000, **TRUE_BGNBD, T=104, rng=rng)
    model = BGNBD().fit(x, t_x, T)
    within(model.params_, TRUE_BGNBD)
    assert model.converged_


@pytest.mark.parametrize("seed", [1, 3, 5])
def test_gamma_gamma_recovers_simulated_parameters_within_10_percent(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 25, 5000).astype(float)
    m = simulate.gamma_gamma(x, **TRUE_GG, rng=rng)
    within(GammaGamma().fit(x, m).params_, TRUE_GG)


def test_sbg_matches_fader_hardie_2007() -> None:
    regular = ShiftedBetaGeometric().fit([1000, 869, 743, 653, 593, 551, 517, 491])
    assert regular.params_ == pytest.approx({"alpha": 0.668, "beta": 3.806}, abs=2e-3)
    high_end = ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    assert high_end.params_ == pytest.approx({"alpha": 0.704, "beta": 1.182}, abs=2e-3)
    projected = regular.project(1000, 12)
    assert projected[7] == pytest.approx(491, rel=0.03)  # fits the observed tail
    assert all(np.diff(regular.retention_rate(np.arange(1, 13, dtype=float))) > 0)


def test_sbg_recovers_a_simulated_cohort() -> None:
    counts = simulate.sbg(20_000, 0.8, 2.5, 10, np.random.default_rng(4))
    within(ShiftedBetaGeometric().fit(counts).params_, {"alpha": 0.8, "beta": 2.5})


def test_bgnbd_likelihood_matches_numerical_integration() -> None:
    """One customer's likelihood, by integrating over lambda and p directly."""
    r, alpha, a, b = 0.8, 3.0, 1.2, 2.5
    x, t_x, T = 2.0, 4.0, 10.0

    def integrand(p: float, lam: float) -> float:
        alive = (1 - p) ** x * lam**x * np.exp(-lam * T)
        dead = p * (1 - p) ** (x - 1) * lam**x * np.exp(-lam * t_x)
        return (alive + dead) * stats.gamma.pdf(lam, r, scale=1 / alpha) * stats.beta.pdf(p, a, b)

    expected, _ = integrate.dblquad(integrand, 0, 50, 0, 1)
    got = log_likelihood(np.array([r, alpha, a, b]), np.array([x]), np.array([t_x]), np.array([T]))
    assert np.exp(got[0]) == pytest.approx(expected, rel=1e-4)


def test_predictions_and_clv() -> None:
    rng = np.random.default_rng(9)
    x, t_x, T = simulate.bgnbd(3000, **TRUE_BGNBD, T=104, rng=rng)
    model = BGNBD().fit(x, t_x, T)
    alive = model.probability_alive(x, t_x, T)
    assert np.all(alive[x == 0] == 1.0)
    quiet = (x > 3) & (T - t_x > 60)
    recent = (x > 3) & (T - t_x < 5)
    assert alive[quiet].mean() < alive[recent].mean()
    later = model.expected_purchases(52, x, t_x, T)
    assert np.all(later >= model.expected_purchases(26, x, t_x, T))
    assert model.expected_purchases_new(104) == pytest.approx(x.mean(), rel=0.1)
    rep = x > 0
    spend = GammaGamma().fit(x[rep], simulate.gamma_gamma(x[rep], **TRUE_GG, rng=rng))
    value = customer_lifetime_value(
        model, spend, x[rep], t_x[rep], T[rep], np.full(rep.sum(), 30.0), 12, 0.01
    )
    assert np.all(value >= 0)
    undiscounted = customer_lifetime_value(
        model, spend, x[rep], t_x[rep], T[rep], np.full(rep.sum(), 30.0), 12
    )
    assert np.all(value <= undiscounted)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 30),
    st.floats(0.1, 50),
    st.floats(0, 1),
)
def test_probability_alive_is_a_probability(x: int, T: float, share: float) -> None:
    model = BGNBD()
    model.params_ = {"r": 0.5, "alpha": 3.0, "a": 1.5, "b": 4.0}
    t_x = T * share if x > 0 else 0.0
    if x > 0 and t_x == 0:
        t_x = T / 2
    p = model.probability_alive([x], [t_x], [T])[0]
    assert 0 <= p <= 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([1, 2], [0.5, 1], [3]), "same length"),
        (([-1, 1, 1, 1], [1, 1, 1, 1], [2, 2, 2, 2]), "cannot be negative"),
        (([1, 1, 1, 1], [3, 1, 1, 1], [2, 2, 2, 2]), "cannot exceed T"),
        (([1, 1, 1, 1], [0, 1, 1, 1], [2, 2, 2, 2]), "recency above 0"),
    ],
)
def test_bad_input_says_what_to_fix(args: tuple[list[float], ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BGNBD().fit(*args)
    with pytest.raises(ValueError, match="repeat buyers"):
        GammaGamma().fit([0, 1], [10, 10])
    with pytest.raises(ValueError, match="non-increasing"):
        ShiftedBetaGeometric().fit([100, 120, 90])


def test_expectations_hold_below_a_equals_one() -> None:
    """Monte Carlo check of E[X(t)] for a < 1, where 1/p has no mean but X(t) does."""
    model = BGNBD()
    model.params_ = {"r": 0.8, "alpha": 4.0, "a": 0.7, "b": 2.5}
    rng = np.random.default_rng(0)
    lam = rng.gamma(0.8, 1 / 4.0, 400_000)
    p = rng.beta(0.7, 2.5, 400_000)
    simulated = np.mean((1 - np.exp(-lam * p * 30)) / p)
    assert model.expected_purchases_new(30) == pytest.approx(simulated, rel=0.01)
