"""Outcome-calibrated churn and expansion risk: labels, models, backtests, explanations."""
