"""Index build throughput (``qa index``: parse, passages, index, no cache) next to raw ``nlp.pipe``.

The corpus is the article's paragraphs repeated and shuffled to about 20k sentences, written as a
folder of articles; both sides parse the same paragraphs with the same pipeline in the same run.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from .latency import ARTICLE

SENTENCES = 20_000
QUICK_SENTENCES = 1_500
FILES = 20
BATCH = 64  # what passages.parse uses
BAR_RATIO = 0.8


def write_corpus(folder: Path, sentences: int, seed: int = 0) -> tuple[int, list[str]]:
    """Shuffled copies of the article's paragraphs in ``FILES`` articles; (copies, paragraphs)."""
    from qa.corpus import read_corpus

    article = read_corpus(ARTICLE)[0]
    per_copy = 38  # sentences in the article; the exact count is measured, this only sizes it
    copies = max(1, round(sentences / per_copy))
    paragraphs = [p.text for p in article.paragraphs] * copies
    random.Random(seed).shuffle(paragraphs)
    for i in range(FILES):
        part = paragraphs[i::FILES]
        (folder / f"part-{i:02d}.txt").write_text(f"{article.title} {i}\n\n" + "\n\n".join(part)
                                                  + "\n", encoding="utf-8")
    return copies, paragraphs


def raw_pipe(nlp, texts: list[str], n_process: int) -> tuple[int, float]:
    """Sentences and seconds of spaCy alone over ``texts``."""
    started = time.perf_counter()
    sentences = sum(1 for doc in nlp.pipe(texts, batch_size=BATCH, n_process=n_process)
                    for _ in doc.sents)
    return sentences, time.perf_counter() - started


def run(quick: bool = False) -> dict:
    from qa.engine import Engine
    from qa.nlp import load_pipeline, pipeline_name
    from qa.passages import PARALLEL_MIN_PARAGRAPHS

    nlp = load_pipeline(pipeline_name())
    with tempfile.TemporaryDirectory() as tmp:
        copies, paragraphs = write_corpus(Path(tmp), QUICK_SENTENCES if quick else SENTENCES)
        n_process = 2 if len(paragraphs) >= PARALLEL_MIN_PARAGRAPHS else 1
        raw_sentences, raw_s = raw_pipe(nlp, paragraphs, n_process)
        started = time.perf_counter()
        engine = Engine.from_corpus(tmp, use_cache=False)
        ours_s = time.perf_counter() - started
    sample = paragraphs[: max(1, len(paragraphs) // 10)]
    one_sentences, one_s = raw_pipe(nlp, sample, 1)
    two_sentences, two_s = raw_pipe(nlp, sample, 2)
    result = {"paragraphs": len(paragraphs), "copies": copies, "sentences": len(engine.passages),
              "n_process": n_process, "ours_s": ours_s, "raw_s": raw_s,
              "ours_sentences_per_s": len(engine.passages) / ours_s,
              "raw_sentences_per_s": raw_sentences / raw_s,
              "sample_paragraphs": len(sample),
              "raw_1_process_sentences_per_s": one_sentences / one_s,
              "raw_2_processes_sentences_per_s": two_sentences / two_s}
    result["ratio"] = result["ours_sentences_per_s"] / result["raw_sentences_per_s"]
    result["two_processes_speedup"] = (result["raw_2_processes_sentences_per_s"]
                                       / result["raw_1_process_sentences_per_s"])
    return result


def rows(r: dict) -> list[dict]:
    return [{"bar": f"5. index build, {r['sentences']} sentences (n_process={r['n_process']})",
             "ours": f"{r['ours_sentences_per_s']:.0f} sentences/s",
             "baseline": f"raw nlp.pipe: {r['raw_sentences_per_s']:.0f} sentences/s "
                         f"(1 process {r['raw_1_process_sentences_per_s']:.0f}, "
                         f"2: {r['raw_2_processes_sentences_per_s']:.0f})",
             "ratio": f"{r['ratio']:.2f}x", "target": f">= {BAR_RATIO:g}x, both cores",
             "met": r["ratio"] >= BAR_RATIO and r["n_process"] == 2}]
