"""The backtest as a self-contained HTML page with inline SVG charts (no scripts, no CDN)."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

W, H, PAD = 420, 260, 36


def _axes(title: str, xlabel: str, ylabel: str) -> list[str]:
    return [
        f'<svg viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{html.escape(title)}">',
        f'<text x="{W / 2}" y="16" text-anchor="middle" font-weight="bold">{html.escape(title)}</text>',
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - 10}" y2="{H - PAD}" stroke="#333"/>',
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{PAD}" y2="24" stroke="#333"/>',
        f'<text x="{W / 2}" y="{H - 6}" text-anchor="middle" font-size="11">{html.escape(xlabel)}</text>',
        f'<text x="12" y="{H / 2}" font-size="11" transform="rotate(-90 12 {H / 2})" text-anchor="middle">{html.escape(ylabel)}</text>',
    ]


def _xy(x: float, y: float, xmax: float, ymax: float) -> tuple[float, float]:
    return PAD + x / xmax * (W - PAD - 10), H - PAD - y / ymax * (H - PAD - 24)


def calibration(table: list[dict[str, float]]) -> str:
    """Predicted vs observed outcome rate per decile, with the diagonal."""
    top = max([1e-9] + [max(r["predicted"], r["observed"]) for r in table])
    parts = _axes("Calibration", "predicted probability", "observed rate")
    x0, y0 = _xy(0, 0, top, top)
    x1, y1 = _xy(top, top, top, top)
    parts.append(
        f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" stroke="#aaa" stroke-dasharray="4"/>'
    )
    for r in table:
        x, y = _xy(r["predicted"], r["observed"], top, top)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#2563eb"/>')
    return "\n".join([*parts, "</svg>"])


def lift(rows: pd.DataFrame, risk: np.ndarray, outcome: str) -> str:
    """Share of outcomes captured by the riskiest x% of rows (gains curve)."""
    order = np.argsort(-risk, kind="stable")
    hits = rows[outcome].to_numpy()[order].astype(float)
    gains = np.concatenate([[0], np.cumsum(hits) / max(1.0, hits.sum())])
    xs = np.linspace(0, 1, len(gains))
    parts = _axes("Outcomes captured", "share of accounts, riskiest first", "share of outcomes")
    points = " ".join(
        f"{_xy(x, y, 1, 1)[0]:.1f},{_xy(x, y, 1, 1)[1]:.1f}"
        for x, y in zip(
            xs[:: max(1, len(xs) // 200)], gains[:: max(1, len(xs) // 200)], strict=True
        )
    )
    parts.append(f'<polyline points="{points}" fill="none" stroke="#dc2626" stroke-width="2"/>')
    a, b = _xy(0, 0, 1, 1), _xy(1, 1, 1, 1)
    parts.append(
        f'<line x1="{a[0]}" y1="{a[1]}" x2="{b[0]}" y2="{b[1]}" stroke="#aaa" stroke-dasharray="4"/>'
    )
    return "\n".join([*parts, "</svg>"])


def distribution(rows: pd.DataFrame, outcome: str) -> str:
    """Histogram of scorecard scores for rows with and without the outcome."""
    bins = np.linspace(0, 100, 21)
    parts = _axes("Score by outcome", "health score", "share of rows")
    series = [(rows[rows[outcome]]["score"], "#dc2626"), (rows[~rows[outcome]]["score"], "#16a34a")]
    shares = [np.histogram(s.dropna(), bins=bins)[0] / max(1, s.notna().sum()) for s, _ in series]
    top = max(1e-9, *(float(s.max()) for s in shares))
    for (_, colour), share in zip(series, shares, strict=True):
        pts = " ".join(
            f"{_xy(bins[i] + 2.5, v, 100, top)[0]:.1f},{_xy(bins[i] + 2.5, v, 100, top)[1]:.1f}"
            for i, v in enumerate(share)
        )
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"/>')
    return "\n".join([*parts, "</svg>"])


def render(data: dict[str, Any], rows: pd.DataFrame, outcome: str) -> str:
    """The whole report page."""
    evals = "".join(
        f"<tr><td>{html.escape(k)}</td>"
        + "".join(
            f"<td>{'-' if v.get(m) is None else f'{v[m]:.3f}'}</td>"
            for m in ("auc", "pr_auc", "brier", "lift_top_decile")
        )
        + "</tr>"
        for k, v in data["evaluations"].items()
    )
    bands = "".join(
        f"<li>{html.escape(b)}: {r:.1%}</li>" for b, r in data["per_band_churn"].items()
    )
    risk = 100 - rows["score"].fillna(50).to_numpy()
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Retain backtest: {html.escape(outcome)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}}td,th{{padding:.2rem .6rem;text-align:right}}</style>
</head><body><h1>Does the health score predict {html.escape(outcome)} within 90 days?</h1>
<p>{html.escape(data["note"])}. Test rows: {data["test_rows"]:,}, outcome rate {data["test_rate"]:.1%}.</p>
<table><tr><th>ranking</th><th>AUC</th><th>PR-AUC</th><th>Brier</th><th>lift top 10%</th></tr>{evals}</table>
<h2>Outcome rate by scorecard band</h2><ul>{bands}</ul>
{calibration(data["evaluations"]["model"]["calibration"])}
{lift(rows, risk, outcome)}
{distribution(rows, outcome)}
</body></html>"""
