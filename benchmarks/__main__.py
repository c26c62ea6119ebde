"""``python -m benchmarks`` (``make bench``): run every measurement, print one table, save results."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import sys
import tempfile
import time
from importlib import import_module
from importlib.metadata import version
from pathlib import Path

MODULES = ("latency", "http", "scale", "startup", "build", "memory", "living")
RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict:
    """Where the figures were measured: they mean little without it."""
    cpu = platform.processor()
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in
                   Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    return {"cpu": cpu, "cores": os.cpu_count(), "system": platform.platform(),
            "python": platform.python_version(),
            "packages": {p: version(p) for p in ("spacy", "numpy", "rank-bm25", "bm25s", "flask",
                                                 "gunicorn")}}


def table(rows: list[dict]) -> str:
    """A Markdown table: one line per bar."""
    head = ["bar", "ours", "baseline (same run)", "ratio", "target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        met = "yes" if r["met"] else "**no**"
        lines.append(f"| {r['bar']} | {r['ours']} | {r['baseline']} | {r['ratio']} | "
                     f"{r['target']} | {met} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="a fast smoke run: smaller corpora, fewer rounds; writes no results and "
                             "judges no bar")
    parser.add_argument("--only", nargs="+", choices=MODULES, default=list(MODULES),
                        help="run only these measurements")
    args = parser.parse_args(argv)
    os.environ.setdefault("QA_CACHE_DIR", tempfile.mkdtemp(prefix="qa-bench-cache-"))
    started = time.perf_counter()
    results: dict = {}
    rows: list[dict] = []
    for name in args.only:
        module = import_module(f"benchmarks.{name}")
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        results[name] = module.run(quick=args.quick)
        results[name]["took_s"] = time.perf_counter() - t
        rows += module.rows(results[name])
    report = {"date": datetime.date.today().isoformat(), "quick": args.quick,
              "machine": machine(), "took_s": time.perf_counter() - started,
              "table": rows, "results": results}
    print(table(rows))
    if "scale" in results:
        print()
        from .scale import table as scale_table

        print(scale_table(results["scale"]))
    print(f"\n{report['date']}, {report['machine']['cpu']}, {report['machine']['cores']} cores; "
          f"took {report['took_s']:.0f} s")
    if not args.quick:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "latest.json").write_text(json.dumps(report, indent=1) + "\n")
        if "scale" in results:
            from .scale import plot

            plot(results["scale"], RESULTS / "scale.png")
    return 0 if args.quick or all(r["met"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
