"""Start-up: a fresh process to its first answer (warm cache), next to loading the spaCy pipeline alone."""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import time

from .latency import ARTICLE, ROOT

BAR_RATIO = 1.3
HEAVY = ("flask", "werkzeug", "click", "matplotlib", "gunicorn", "tqdm", "bm25s", "psutil")
REPORT = f"import json, sys; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
FIRST_ANSWER = ("from qa.engine import Engine; "
                f"e = Engine.from_corpus({str(ARTICLE)!r}); r = e.ask('Who killed Trotsky?'); "
                f"r.passages[0]; {REPORT}")


def wall(code: str) -> tuple[float, str]:
    """Seconds from starting ``python -c code`` to its exit, and what it printed."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True, env=os.environ.copy()).stdout
    return time.perf_counter() - started, out


def run(quick: bool = False) -> dict:
    """Medians over interleaved runs, after one run that fills the cache; qa's bytecode is compiled
    first, as that run writes it unless PYTHONDONTWRITEBYTECODE is set (spaCy's was at install):
    compiling qa's sources at every start costs 40 ms."""
    from qa.nlp import pipeline_name

    runs = 2 if quick else 7
    load_alone = f"import spacy; spacy.load({pipeline_name()!r}); {REPORT}"
    compileall.compile_dir(ROOT / "qa", quiet=1)
    wall(FIRST_ANSWER)
    pipeline, first, python = [], [], []
    ours = spacy = "[]"
    for _ in range(runs):
        python.append(wall("pass")[0])
        seconds, spacy = wall(load_alone)
        pipeline.append(seconds)
        seconds, ours = wall(FIRST_ANSWER)
        first.append(seconds)
    result = {"runs": runs, "python_s": statistics.median(python),
              "spacy_load_s": statistics.median(pipeline),
              "first_answer_s": statistics.median(first),
              "imported_beyond_spacy": sorted(set(json.loads(ours)) - set(json.loads(spacy)))}
    result["ratio"] = result["first_answer_s"] / result["spacy_load_s"]
    return result


def rows(r: dict) -> list[dict]:
    return [{"bar": "4. start-up to first answer (warm cache)",
             "ours": f"{r['first_answer_s']:.2f} s",
             "baseline": f"import spacy + spacy.load: {r['spacy_load_s']:.2f} s "
                         f"(bare python {r['python_s']:.2f} s)",
             "ratio": f"{r['ratio']:.2f}x", "target": f"<= {BAR_RATIO:g}x",
             "met": r["ratio"] <= BAR_RATIO}]
