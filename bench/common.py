"""What every benchmark here shares: where the repository and the samples are, where results go
(never into the repository), and how a figure is put beside its baseline."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The shared samples, found as the tests find them (tests/conftest.py: SHARED).
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples" / "sample-cases.json"


def results_path(given: Path | None, name: str) -> Path:
    """Where a run writes its figures: the path given, else a fresh temporary folder (a bench run
    from a clean clone leaves the repository as it was)."""
    if given is not None:
        given.parent.mkdir(parents=True, exist_ok=True)
        return given
    return Path(tempfile.mkdtemp(prefix="mediator-bench-")) / name


def machine() -> dict[str, object]:
    return {"date": time.strftime("%Y-%m-%d %H:%M"), "python": sys.version.split()[0],
            "platform": platform.platform(), "cpus": os.cpu_count()}


def write_results(path: Path, results: dict[str, object]) -> None:
    path.write_text(json.dumps({"machine": machine(), **results}, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nresults written to {path}")


def pct(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ratio_text(app: Sequence[float], base: Sequence[float]) -> str:
    """The paired ratio app/baseline: median, and the spread over the pairs (min–max)."""
    pairs = [a / b for a, b in zip(app, base) if b > 0]
    if not pairs:
        return "—"
    med = statistics.median(pairs)
    return f"{med:.1f}× ({min(pairs):.1f}–{max(pairs):.1f})" if len(pairs) > 1 else f"{med:.1f}×"
