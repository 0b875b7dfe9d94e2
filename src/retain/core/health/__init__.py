"""Health: point-in-time measures, scorecards, growth signals, custom attributes, outcome
labels, the calibrated risk model and its backtest."""
