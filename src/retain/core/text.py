"""Tone of customers' words: VADER sentiment (lexicon ships with the package, English)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def tone(text: str) -> float | None:
    """VADER compound sentiment of `text` in -1..1; None for empty text."""
    if not text or not text.strip():
        return None
    return float(_analyzer().polarity_scores(text)["compound"])


def tones(texts: Iterable[str]) -> list[float | None]:
    """`tone` of each text."""
    return [tone(t) for t in texts]
