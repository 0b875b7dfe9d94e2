"""Churn (or expansion) probability from point-in-time measures (scikit-learn estimators).

`RiskModel` follows the estimator contract: parameters in __init__, `fit` returns self, fitted
attributes end in `_`. Gradient boosting handles missing measures natively; logistic regression
imputes them (median) and adds missing-value indicators. Probabilities are calibrated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

KINDS = ("gbm", "logistic")
SMALL_DATA_ROWS = 500  # below this many training rows boosting overfits: use logistic


def default_kind(rows: int) -> str:
    """The model kind for a training set of `rows` rows when no time split can choose."""
    return "logistic" if rows < SMALL_DATA_ROWS else "gbm"


def _estimator(kind: str, random_state: int) -> Any:
    if kind == "gbm":
        return HistGradientBoostingClassifier(
            max_iter=200,
            learning_rate=0.05,
            max_leaf_nodes=15,
            l2_regularization=1.0,
            random_state=random_state,
        )
    if kind == "logistic":
        return make_pipeline(
            SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            StandardScaler(),
            LogisticRegression(C=0.5, max_iter=2000),
        )
    raise ValueError(f"unknown model kind {kind!r}: use one of {', '.join(KINDS)}")


class RiskModel:
    """A calibrated classifier of an outcome (e.g. churn within 90 days) from measures."""

    def __init__(
        self,
        kind: str = "gbm",
        features: Sequence[str] = (),
        random_state: int = 0,
        calibration: str = "isotonic",
    ) -> None:
        self.kind = kind
        self.features = tuple(features)
        self.random_state = random_state
        self.calibration = calibration

    def fit(self, X: pd.DataFrame, y: Sequence[bool] | pd.Series) -> RiskModel:
        """Fit on measure rows `X` and outcomes `y`; needs both outcomes present."""
        labels = np.asarray(y, dtype=int)
        if labels.min() == labels.max():
            raise ValueError(
                "the outcome never (or always) happens in the training rows: "
                "a model needs both; use a longer history or another horizon"
            )
        names = list(self.features or X.columns)
        known = X.reindex(columns=names).notna().any()
        self.features_ = [f for f in names if known[f]]  # a never-measured column says nothing
        if not self.features_:
            raise ValueError("every feature is missing in the training rows")
        folds = int(min(3, labels.sum(), len(labels) - labels.sum()))
        base = _estimator(self.kind, self.random_state)
        method = self.calibration if folds >= 2 else "sigmoid"
        self.model_ = CalibratedClassifierCV(base, method=method, cv=max(folds, 2))
        self.model_.fit(self._matrix(X), labels)
        self.base_rate_ = float(labels.mean())
        return self

    def _matrix(self, X: pd.DataFrame) -> np.ndarray:
        matrix: np.ndarray = X.reindex(columns=self.features_).astype(float).to_numpy()
        return matrix

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probability of the outcome for each row."""
        return np.asarray(self.model_.predict_proba(self._matrix(X))[:, 1])

    def importances(self, X: pd.DataFrame, y: Sequence[bool] | pd.Series) -> pd.Series:
        """Permutation importance of each feature (drop in AUC when shuffled)."""
        result = permutation_importance(
            self.model_,
            self._matrix(X),
            np.asarray(y, dtype=int),
            scoring="roc_auc",
            n_repeats=3,
            random_state=self.random_state,
        )
        return pd.Series(result.importances_mean, index=self.features_).sort_values(ascending=False)

    def contributions(self, X: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
        """Per row and feature: change in probability when that feature is set to the
        reference (median) value; positive means the feature raises the risk."""
        p = self.predict_proba(X)
        medians = reference.reindex(columns=self.features_).astype(float).median()
        out = {}
        for f in self.features_:
            swapped = X.reindex(columns=self.features_).astype(float).copy()
            swapped[f] = medians[f]
            out[f] = p - self.predict_proba(swapped)
        return pd.DataFrame(out, index=X.index)
