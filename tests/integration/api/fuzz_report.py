"""`make fuzz`'s summary: requests per status code from schemathesis' HAR report.

    python tests/integration/api/fuzz_report.py fuzz.har [MIN_REQUESTS]

Exits 1 when a 5xx was answered or fewer than MIN_REQUESTS (default 5,000) were made.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def statuses(har: Path) -> Counter[int]:
    """How many requests of the run got each status."""
    entries = json.loads(har.read_text())["log"]["entries"]
    return Counter(int(e["response"]["status"]) for e in entries)


def main(argv: list[str]) -> int:
    counts = statuses(Path(argv[1]))
    least = int(argv[2]) if len(argv) > 2 else 5000
    total = sum(counts.values())
    errors = sum(n for status, n in counts.items() if status >= 500)
    print("| status | requests |\n|---|---|")
    for status, n in sorted(counts.items()):
        print(f"| {status} | {n:,} |")
    print(f"| total | {total:,} |\n5xx answers: {errors}")
    if total < least:
        print(f"fewer than {least:,} requests: raise FUZZ_SECONDS", file=sys.stderr)
    return 1 if errors or total < least else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
