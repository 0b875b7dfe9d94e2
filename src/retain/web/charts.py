"""Charts as inline SVG, drawn on the server: no chart library, no CDN, readable without JS.

Each function takes plain numbers and labels and returns SVG markup with a `<title>` on every
mark (hover tooltips) and an `aria-label` summary, so a chart is also readable by a screen
reader. Colours come from CSS classes (`s0`..`s5`, `pos`, `neg`, band names) in app.css.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

Fmt = Callable[[float], str]

W, H = 640, 220
PAD_L, PAD_R, PAD_T, PAD_B = 56, 12, 14, 30


def number(v: float) -> str:
    """1234567 -> 1.2M; 12345 -> 12.3k; 12.34 -> 12.3."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.1f}M"
    if a >= 1e4:
        return f"{v / 1e3:.1f}k"
    if a >= 100 or float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:.1f}" if a >= 10 else f"{v:.2g}"


def percent(v: float) -> str:
    """0.123 -> 12.3%."""
    return f"{v * 100:.1f}%"


def _ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    return [
        first + i * step
        for i in range(int((hi - first) / step) + 2)
        if first + i * step <= hi + step * 0.01
    ]


def _svg(body: list[str], label: str, width: int = W, height: int = H) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(body)
        + "</svg>"
    )


class _Frame:
    """Maps data to the plot area and draws the y grid and x labels."""

    def __init__(self, lo: float, hi: float, n: int, fmt: Fmt) -> None:
        ticks = _ticks(lo, hi)
        self.lo, self.hi = min(ticks[0], lo), max(ticks[-1], hi)
        self.n, self.fmt, self.ticks = n, fmt, ticks
        self.step = (W - PAD_L - PAD_R) / max(n, 1)

    def y(self, v: float) -> float:
        span = (self.hi - self.lo) or 1.0
        return PAD_T + (H - PAD_T - PAD_B) * (1 - (v - self.lo) / span)

    def x(self, i: int) -> float:
        return PAD_L + self.step * (i + 0.5)

    def grid(self, labels: Sequence[str]) -> list[str]:
        out = []
        for t in self.ticks:
            y = self.y(t)
            out.append(
                f'<line class="grid" x1="{PAD_L}" x2="{W - PAD_R}" y1="{y:.1f}" y2="{y:.1f}"/>'
            )
            out.append(_text(PAD_L - 6, y + 4, "end", self.fmt(t)))
        every = max(1, math.ceil(len(labels) / 12))
        last = len(labels) - 1
        for i, lab in enumerate(labels):
            if (i % every == 0 and last - i >= every / 2) or i == last:
                out.append(_text(self.x(i), H - 10, "middle", lab))
        return out


def lines(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    fmt: Fmt = number,
    title: str = "",
    zero: bool = False,
) -> str:
    """One line per series over the x labels; None values leave a gap."""
    values = [v for _, vs in series for v in vs if v is not None]
    if not values:
        return _empty(title)
    lo, hi = min(values), max(values)
    if zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    f = _Frame(lo, hi, len(labels), fmt)
    body = f.grid(labels)
    for k, (name, vs) in enumerate(series):
        pts: list[str] = []
        for i, v in enumerate(vs):
            if v is None:
                if len(pts) > 1:
                    body.append(_path(pts, k))
                pts = []
                continue
            pts.append(f"{f.x(i):.1f},{f.y(v):.1f}")
            body.append(
                f'<circle class="s{k}" cx="{f.x(i):.1f}" cy="{f.y(v):.1f}" r="2.5">'
                f"<title>{escape(name)} {escape(labels[i])}: {escape(fmt(v))}</title></circle>"
            )
        if len(pts) > 1:
            body.append(_path(pts, k))
    return _svg(body, title or ", ".join(n for n, _ in series))


def _path(pts: list[str], k: int) -> str:
    return f'<polyline class="line s{k}" points="{" ".join(pts)}"/>'


def bridge(
    labels: Sequence[str],
    up: Sequence[tuple[str, Sequence[float]]],
    down: Sequence[tuple[str, Sequence[float]]],
    fmt: Fmt = number,
    title: str = "MRR bridge",
) -> str:
    """Stacked bars per period: gains above zero, losses (given as positive numbers) below,
    and the net movement as a dot."""
    n = len(labels)
    tops = [sum(vs[i] for _, vs in up) for i in range(n)]
    bottoms = [-sum(vs[i] for _, vs in down) for i in range(n)]
    if not n:
        return _empty(title)
    f = _Frame(min([0.0, *bottoms]), max([0.0, *tops]), n, fmt)
    body = f.grid(labels)
    width = f.step * 0.6
    for i in range(n):
        x = f.x(i) - width / 2
        base = 0.0
        for k, (name, vs) in enumerate(up):
            body.append(
                _bar(f, x, width, base, base + vs[i], f"s{k}", f"{name} {labels[i]}: {fmt(vs[i])}")
            )
            base += vs[i]
        base = 0.0
        for k, (name, vs) in enumerate(down):
            cls = f"s{k + len(up)}"
            body.append(
                _bar(f, x, width, base, base - vs[i], cls, f"{name} {labels[i]}: -{fmt(vs[i])}")
            )
            base -= vs[i]
        net = tops[i] + bottoms[i]
        body.append(
            f'<circle class="net" cx="{f.x(i):.1f}" cy="{f.y(net):.1f}" r="3.5">'
            f"<title>net {escape(labels[i])}: {escape(fmt(net))}</title></circle>"
        )
    body.append(
        f'<line class="zero" x1="{PAD_L}" x2="{W - PAD_R}" y1="{f.y(0):.1f}" y2="{f.y(0):.1f}"/>'
    )
    return _svg(body, title)


def _bar(f: _Frame, x: float, w: float, a: float, b: float, cls: str, tip: str) -> str:
    y1, y2 = f.y(max(a, b)), f.y(min(a, b))
    h = max(y2 - y1, 0)
    return (
        f'<rect class="{cls}" x="{x:.1f}" y="{y1:.1f}" width="{w:.1f}" height="{h:.1f}">'
        f"<title>{escape(tip)}</title></rect>"
    )


def _text(x: float, y: float, anchor: str, content: str, cls: str = "axis") -> str:
    """A text label (escaped)."""
    return (
        f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">'
        f"{escape(content)}</text>"
    )


def bars(
    labels: Sequence[str],
    values: Sequence[float],
    classes: Sequence[str] = (),
    fmt: Fmt = number,
    title: str = "",
) -> str:
    """Vertical bars, one per label (class per bar, e.g. the band)."""
    if not labels:
        return _empty(title)
    f = _Frame(min([0.0, *values]), max([0.0, *values]), len(labels), fmt)
    body = f.grid(labels)
    w = f.step * 0.7
    for i, v in enumerate(values):
        cls = classes[i] if i < len(classes) else "s0"
        body.append(_bar(f, f.x(i) - w / 2, w, 0.0, v, cls, f"{labels[i]}: {fmt(v)}"))
    return _svg(body, title)


def heatmap(
    rows: Sequence[str],
    cols: Sequence[str],
    cells: Sequence[Sequence[float | None]],
    title: str = "",
) -> str:
    """A grid of shares (0..1, may exceed 1), darker for higher; empty cells stay blank."""
    cw, ch, left, top = 34, 20, 92, 22
    width, height = left + cw * max(len(cols), 1) + 4, top + ch * max(len(rows), 1) + 4
    body = [_text(left + cw * j + cw / 2, top - 8, "middle", c) for j, c in enumerate(cols)]
    for i, r in enumerate(rows):
        body.append(_text(left - 6, top + ch * i + 14, "end", r))
        for j, v in enumerate(cells[i]):
            if v is None:
                continue
            shade = max(0.08, min(1.0, v))
            x, y = left + cw * j, top + ch * i
            body.append(
                f'<rect class="heat" x="{x}" y="{y}" width="{cw - 2}" height="{ch - 2}" '
                f'fill-opacity="{shade:.2f}"><title>{escape(r)} month {escape(cols[j])}: '
                f"{v:.0%}</title></rect>"
            )
            light = "cell light" if shade > 0.55 else "cell"
            body.append(_text(x + cw / 2 - 1, y + 13, "middle", f"{v * 100:.0f}", light))
    return _svg(body, title, width, height)


def sparkline(values: Sequence[float | None], title: str = "") -> str:
    """A small trend line without axes (e.g. a score over 90 days)."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(pts) < 2:
        return ""
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    span, n = (hi - lo) or 1.0, max(len(values) - 1, 1)
    coords = " ".join(f"{i * 100 / n:.1f},{28 - (v - lo) / span * 26:.1f}" for i, v in pts)
    return (
        f'<svg class="spark" viewBox="0 0 100 30" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(title)}"><polyline points="{coords}"/></svg>'
    )


def _empty(title: str) -> str:
    return f'<p class="empty">No data yet for {escape(title or "this chart")}.</p>'
