"""Small timing helpers: repeated runs bounded in count and time, summarised as medians and percentiles."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable


def timings(fn: Callable, items: Iterable, rounds: int, budget_s: float) -> list[float]:
    """Seconds per call of ``fn(item)``, over ``rounds`` passes but stopping after ``budget_s``."""
    items = list(items)
    out: list[float] = []
    clock = time.perf_counter
    deadline = clock() + budget_s
    for _ in range(rounds):
        for item in items:
            started = clock()
            fn(item)
            out.append(clock() - started)
        if clock() > deadline:
            break
    return out


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank: no interpolation, so it is a measured value."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary_ms(seconds: list[float]) -> dict:
    """p50 and p99 in milliseconds, and how many samples they come from."""
    return {"p50_ms": percentile(seconds, 0.5) * 1000, "p99_ms": percentile(seconds, 0.99) * 1000,
            "n": len(seconds)}


def median(values: list[float]) -> float:
    return statistics.median(values)
