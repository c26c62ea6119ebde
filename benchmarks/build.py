"""Index build throughput (``qa index``: parse, passages, index, no cache) next to raw ``nlp.pipe``.

The corpus is the article's paragraphs repeated and shuffled to about 20k sentences, written as a
folder of articles; both sides parse the same paragraphs with the same pipeline in the same run.
"""

from __future__ import annotations

import os
import random
import resource
import tempfile
import time
from pathlib import Path

from .latency import ARTICLE

SENTENCES = 20_000
QUICK_SENTENCES = 1_500
SAMPLE = 400  # paragraphs per half for one process against two
FILES = 20
BATCH = 64  # what passages.parse uses
BAR_RATIO = 0.8


def paragraphs(sentences: int, seed: int = 0) -> tuple[str, list[str]]:
    """The article's title and its paragraphs, copied to about ``sentences`` and shuffled."""
    from qa.corpus import read_corpus

    article = read_corpus(ARTICLE)[0]
    per_copy = 38  # sentences in the article; the exact count is measured, this only sizes it
    texts = [p.text for p in article.paragraphs] * max(1, round(sentences / per_copy))
    random.Random(seed).shuffle(texts)
    return article.title, texts


def write_corpus(folder: Path, title: str, texts: list[str]) -> None:
    """``texts`` as ``FILES`` articles in ``folder``."""
    folder.mkdir()
    for i in range(FILES):
        (folder / f"part-{i:02d}.txt").write_text(f"{title} {i}\n\n" + "\n\n".join(texts[i::FILES])
                                                  + "\n", encoding="utf-8")


def measured(work) -> tuple[int, float, float]:
    """(sentences, wall seconds, cores busy on average) of ``work()``, child processes included."""
    before, children = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    sentences = work()
    wall = time.perf_counter() - started
    after, done = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.user + after.system - before.user - before.system
           + done.ru_utime + done.ru_stime - children.ru_utime - children.ru_stime)
    return sentences, wall, cpu / wall


def raw_pipe(nlp, texts: list[str], n_process: int) -> int:
    """Sentences found by spaCy alone over ``texts``."""
    return sum(1 for doc in nlp.pipe(texts, batch_size=BATCH, n_process=n_process)
               for _ in doc.sents)


def abba(first, second) -> tuple[dict, dict]:
    """Two workloads on two halves in the order A B B A, so drifts in machine load cancel."""
    runs = [first(0), second(0), second(1), first(1)]
    return _total(runs[0], runs[3]), _total(runs[1], runs[2])


def _total(a: tuple[int, float, float], b: tuple[int, float, float]) -> dict:
    sentences, wall = a[0] + b[0], a[1] + b[1]
    return {"sentences": sentences, "seconds": wall, "sentences_per_s": sentences / wall,
            "cores_busy": (a[1] * a[2] + b[1] * b[2]) / wall}


def run(quick: bool = False) -> dict:
    """qa's build against raw nlp.pipe (both halves ABBA), and one process against two."""
    from qa.engine import Engine
    from qa.nlp import load_pipeline, pipeline_name
    from qa.passages import PARALLEL_MIN_PARAGRAPHS

    nlp = load_pipeline(pipeline_name())
    title, texts = paragraphs(QUICK_SENTENCES if quick else SENTENCES)
    halves = [texts[::2], texts[1::2]]
    n_process = 2 if len(halves[0]) >= PARALLEL_MIN_PARAGRAPHS else 1
    with tempfile.TemporaryDirectory() as tmp:
        folders = [Path(tmp) / "a", Path(tmp) / "b"]
        for folder, half in zip(folders, halves, strict=True):
            write_corpus(folder, title, half)
        raw, ours = abba(
            lambda i: measured(lambda: raw_pipe(nlp, halves[i], n_process)),
            lambda i: measured(lambda: len(Engine.from_corpus(folders[i], use_cache=False)
                                           .passages)))
    samples = [halves[0][:SAMPLE], halves[1][:SAMPLE]]
    one, two = abba(lambda i: measured(lambda: raw_pipe(nlp, samples[i], 1)),
                    lambda i: measured(lambda: raw_pipe(nlp, samples[i], 2)))
    return {"paragraphs": len(texts), "n_process": n_process, "ours": ours, "raw": raw,
            "ratio": ours["sentences_per_s"] / raw["sentences_per_s"],
            "sample_paragraphs": 2 * SAMPLE, "raw_1_process": one, "raw_2_processes": two,
            "two_processes_speedup": two["sentences_per_s"] / one["sentences_per_s"]}


def rows(r: dict) -> list[dict]:
    o, w = r["ours"], r["raw"]
    return [{"bar": f"5. index build, {o['sentences']} sentences (n_process={r['n_process']})",
             "ours": f"{o['sentences_per_s']:.0f} sentences/s, {o['cores_busy']:.1f} cores busy",
             "baseline": f"raw nlp.pipe: {w['sentences_per_s']:.0f} sentences/s, "
                         f"{w['cores_busy']:.1f} cores (1 process "
                         f"{r['raw_1_process']['sentences_per_s']:.0f}, 2: "
                         f"{r['raw_2_processes']['sentences_per_s']:.0f})",
             "ratio": f"{r['ratio']:.2f}x", "target": f">= {BAR_RATIO:g}x, both cores",
             "met": r["ratio"] >= BAR_RATIO and r["n_process"] == 2}]
