"""Maximum-likelihood fitting shared by the CLV models: optimise log-parameters with scipy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

Vector = NDArray[np.float64]
LOG_BOUND = 9.0  # parameters stay within e^-9 .. e^9: beyond that the model is degenerate


def fit_positive(
    neg_ll: Callable[[Vector], float], start: Vector, names: tuple[str, ...]
) -> tuple[dict[str, float], float, bool]:
    """Minimise a negative log-likelihood over positive parameters (searched as logs).

    Returns the parameters by name, the maximised log-likelihood and whether it converged."""

    def objective(logs: Vector) -> float:
        return neg_ll(np.exp(np.clip(logs, -LOG_BOUND, LOG_BOUND)))

    result = minimize(
        objective,
        np.log(start),
        method="Nelder-Mead",
        options={"maxiter": 20_000, "xatol": 1e-8, "fatol": 1e-10},
    )
    polish = minimize(objective, result.x, method="L-BFGS-B")
    best = polish if polish.fun <= result.fun else result
    values = np.exp(np.clip(best.x, -LOG_BOUND, LOG_BOUND))
    params = {n: float(v) for n, v in zip(names, values, strict=True)}
    return params, -float(best.fun), bool(result.success or polish.success)


def as_array(values: object, name: str) -> Vector:
    """A 1-D float array; says which input is wrong otherwise."""
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be a one-dimensional array of finite numbers")
    return array
