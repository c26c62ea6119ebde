"""Where a worker's rebuild after one PUT goes, in-process: ``python -m benchmarks.rebuild``.

The synthetic corpus of the living benchmark (50 sentences an article, its parses cached), one Live
with the service's views, then PUT-like rounds: the writer's parse and write, then the stages every
worker runs (read the folder, rebuild the engine beside the old one, derive the views). ``--profile``
adds cProfile's heaviest calls of the last round. Not part of ``make bench``: it judges no bar.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from pathlib import Path

from .living import article, synthetic_folder
from .scratch import scratch


def stages(live, folder: Path, word: str, profile: cProfile.Profile | None = None) -> dict[str, float]:
    """Seconds of each stage of one PUT of a 40-sentence article, as the writer and a worker run them."""
    from qa import folder as corpus_folder

    times: dict[str, float] = {}

    def timed(name, fn):
        started = time.perf_counter()
        out = fn()
        times[name] = time.perf_counter() - started
        return out

    data = article(word).encode()
    timed("writer: parse and cache", lambda: live.library.prepare(word, data))
    timed("writer: write the file", lambda: corpus_folder.write(folder, word, data))
    old = live._snapshot.engine
    if profile:
        profile.enable()
    entries = timed("read the folder", lambda: live.library.load(old.entries, skip_bad=True))
    engine = timed("rebuild the engine", lambda: old.rebuilt(entries))
    views = timed("derive the views", lambda: {n: b(engine) for n, b in live._derivers.items()})
    if profile:
        profile.disable()
    live._swap(next(live._seq), live.library.folder_stamp(), time.time_ns(), engine, views)
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rebuild", description=__doc__)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5, choices=range(1, 27))
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    with scratch("qa-bench-rebuild-") as work:
        os.environ["QA_CACHE_DIR"] = str(work / "cache")
        from qa.engine import Engine
        from qa.live import Live
        from qa.service.api import catalog
        from qa.service.pages import build_site

        (work / "corpus").mkdir()
        started = time.perf_counter()
        synthetic_folder(work / "corpus", args.passages, work / "cache")
        print(f"synthetic corpus of {args.passages:,} passages: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        live = Live(Engine.from_corpus(work / "corpus"))
        live.derive("qa.catalog", catalog)
        live.derive("qa.site", build_site)
        print(f"start-up from the cache: {time.perf_counter() - started:.1f} s")
        profile = cProfile.Profile() if args.profile else None
        runs = [stages(live, work / "corpus", f"zebrafinch{chr(97 + i)}",
                       profile if i == args.rounds - 1 else None) for i in range(args.rounds)]
        print(f"median of {args.rounds} rounds (first round):")
        for name in runs[0]:
            print(f"  {name:22s} {statistics.median(r[name] for r in runs) * 1000:7.0f} ms"
                  f"  ({runs[0][name] * 1000:.0f})")
        if profile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
