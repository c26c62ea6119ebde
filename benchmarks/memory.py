"""Resident memory of one process serving the article, and serving a 100k-passage synthetic corpus.

Each figure comes from a fresh subprocess that builds the engine and answers questions, next to a
process that only loads the spaCy pipeline. The synthetic passages are made directly (Zipf words,
no entities), since parsing 100k sentences with spaCy would take most of an hour here.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from .latency import ARTICLE, ROOT, questions

SYNTHETIC = 100_000
QUICK_SYNTHETIC = 10_000
PER_DOCUMENT = 1_000


def synthetic_engine(size: int):
    """An Engine over ``size`` synthetic passages: the scale benchmark's corpus as sentences."""
    from qa.corpus import Document, Paragraph
    from qa.engine import Engine
    from qa.nlp import load_pipeline, pipeline_id, pipeline_name, word_spans
    from qa.passages import Passage, link_neighbours

    from .scale import corpus

    passages, documents = [], []
    for i, words in enumerate(corpus(size)):
        name = f"synthetic-{i // PER_DOCUMENT:04d}"
        if i % PER_DOCUMENT == 0:
            documents.append(Document(name, f"Synthetic {i // PER_DOCUMENT}", "",
                                      (Paragraph("Introduction", "x"),)))
        text = " ".join(words) + "."
        tokens = [(s, e, "", False) for s, e in word_spans(text[:-1])] + [
            (len(text) - 1, len(text), "", True)]
        passages.append(Passage(i, name, "Introduction", i % PER_DOCUMENT, text, [], tokens))
    link_neighbours(passages)
    nlp = load_pipeline(pipeline_name())
    return Engine(documents, passages, nlp, pipeline_id(nlp))


def child(kind: str, size: int) -> dict:
    """Build what one worker holds, answer questions, report resident and unique memory in MiB."""
    import psutil

    process = psutil.Process()
    if kind == "spacy":
        from qa.nlp import load_pipeline, pipeline_name

        load_pipeline(pipeline_name())
        asked = []
    elif kind == "article":
        from qa.engine import Engine

        engine = Engine.from_corpus(ARTICLE)
        asked = questions()
    else:
        engine = synthetic_engine(size)
        words = [p.text.split()[:4] for p in engine.passages[:: max(1, size // 100)]]
        asked = [" ".join(w) + "?" for w in words]
    for q in asked * 3:
        engine.ask(q)
    info = process.memory_full_info()
    return {"rss_mib": info.rss / 2**20, "uss_mib": info.uss / 2**20, "questions": len(asked)}


def measure(kind: str, size: int = 0) -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.memory", kind, str(size)], cwd=ROOT,
                         capture_output=True, text=True, timeout=600, check=True).stdout
    return json.loads(out.splitlines()[-1])


def run(quick: bool = False) -> dict:
    size = QUICK_SYNTHETIC if quick else SYNTHETIC
    return {"spacy_only": measure("spacy"), "article": measure("article"),
            "synthetic": {**measure("synthetic", size), "passages": size}}


def rows(r: dict) -> list[dict]:
    base = r["spacy_only"]["rss_mib"]
    return [{"bar": "6. memory of one process (RSS)",
             "ours": f"article {r['article']['rss_mib']:.0f} MiB; "
                     f"{r['synthetic']['passages'] // 1000}k passages "
                     f"{r['synthetic']['rss_mib']:.0f} MiB",
             "baseline": f"spaCy pipeline alone: {base:.0f} MiB",
             "ratio": f"+{r['article']['rss_mib'] - base:.0f} / "
                      f"+{r['synthetic']['rss_mib'] - base:.0f} MiB",
             "target": "report", "met": True}]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="measure one process's memory")
    parser.add_argument("kind", choices=("spacy", "article", "synthetic"))
    parser.add_argument("size", type=int, nargs="?", default=SYNTHETIC)
    args = parser.parse_args()
    print(json.dumps(child(args.kind, args.size)))
