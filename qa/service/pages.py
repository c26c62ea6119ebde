"""GET / : the question page, server-rendered for /?q= so it works without JavaScript too."""

from __future__ import annotations

import logging
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import spacy
from flask import Blueprint, Response, render_template, request
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from spacy.displacy.render import DEFAULT_LABEL_COLORS

from ..answering.answer import DEFAULT_TOP_K, MAX_TOP_K
from ..errors import InvalidQuestionsFile, InvalidRequest
from ..evaluation.questions import SUFFIX, load_questions
from ..passages import Passage
from . import current
from .api import MAX_QUESTION, ask, int_arg, valid_question
from .marks import segments

log = logging.getLogger(__name__)

TOP_K_CHOICES = (1, 3, 5, 10, 20)  # offered in the page's picker; any other from 1 to MAX_TOP_K by URL
CONTEXT = 1  # sentences shown before and after a passage on request
SURE = 0.8  # from this estimated probability on, an answer is shown as likely right
MAX_EXAMPLES = 4
EXAMPLE_CANDIDATES = 60
EXAMPLE_MAX_CHARS = 48  # short enough to read at a glance and fit a phone's width
OTHER_COLOUR = "#ddd"  # displaCy's colour for a label it has none for
# displaCy's colours but where two would be mistaken for each other: NORP's purple is PERSON's
COLOUR_CHANGES = {"NORP": "#f5b3d7"}
_SAFE_LABEL = re.compile(r"[A-Za-z0-9_\-]{1,40}")
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")
# The heading over an error, by HTTP status, shared with web/static/app.js through the page's data.
ERROR_HEADINGS = {
    "400": "Something is wrong with the question",
    "404": "There is nothing here",
    "405": "This page cannot be used that way",
    "408": "The request took too long to arrive",
    "413": "The question is too long",
    "415": "Something is wrong with the request",
    "503": "The service is busy",
    "5xx": "The server failed to answer",
    "unreachable": "The server cannot be reached",
}

bp = Blueprint("pages", __name__)


@dataclass(frozen=True)
class Site:
    """What every page shares, computed once per app: labels, their CSS, examples, corpus facts."""

    labels: dict[str, dict[str, str]]
    css: str
    data: Markup  # what app.js needs (labels, titles, paths, top_k), as HTML-safe JSON
    examples: list[str]
    titles: dict[str, str]
    facts: dict[str, Any]
    sentences: dict[str, list[Passage]]  # each document's passages in reading order


@bp.record_once
def _site(state) -> None:
    state.app.extensions["qa.live"].derive("qa.site", build_site)


def build_site(engine) -> Site:
    labels = entity_labels(engine)
    titles = {d.name: d.title for d in engine.documents}
    paths = {name: document_path(name) for name in titles}
    data = htmlsafe_json_dumps({"labels": labels, "titles": titles, "paths": paths,
                                "top_k": DEFAULT_TOP_K, "context": CONTEXT, "headings": ERROR_HEADINGS})
    sentences = engine.document_passages()
    return Site(labels, label_css(labels), data, examples(engine), titles,
                {"passages": len(engine.passages), "documents": len(engine.documents),
                 "model": engine.model}, sentences)


def document_path(name: str) -> str:
    """Where a document's whole text is read (qa/service/reading.py); app.js gets these in the page's data."""
    return "/documents/" + quote(name, safe="")


def entity_labels(engine) -> dict[str, dict[str, str]]:
    """Every label of the pipeline or the corpus, with displaCy's colour and spaCy's description."""
    names = set(DEFAULT_LABEL_COLORS)
    if "ner" in engine.nlp.pipe_names:
        names.update(engine.nlp.get_pipe("ner").labels)
    names.update(*(part.labels for part in engine.parts.values()))
    colours = DEFAULT_LABEL_COLORS | COLOUR_CHANGES
    return {name: {"colour": colours.get(name, OTHER_COLOUR),
                   "description": spacy.explain(name) or ""}
            for name in sorted(names) if _SAFE_LABEL.fullmatch(name)}


def label_css(labels: dict[str, dict[str, str]]) -> str:
    """One rule per label setting --label-colour, which style.css uses for marks and swatches."""
    rules = [f'[data-label="{name}"] {{ --label-colour: {meta["colour"]}; }}'
             for name, meta in labels.items() if _COLOUR.fullmatch(meta["colour"])]
    return ("/* spaCy displaCy's entity colours (spacy.displacy.render.DEFAULT_LABEL_COLORS), but "
            f"{', '.join(COLOUR_CHANGES)} (pages.py COLOUR_CHANGES) */\n" + "\n".join(rules) + "\n")


def examples(engine) -> list[str]:
    """Example questions the engine answers right, one per question type, checked at start-up
    against the gold answers of each document's ``<name>.questions.jsonl``; none without such files."""
    from ..evaluation.evaluate import RIGHT_F1, token_f1

    found: dict[str, str] = {}
    for q in _listed_questions(engine)[:EXAMPLE_CANDIDATES]:
        result = engine.ask(q.question)
        if (result.answer and result.question_type not in found
                and token_f1(result.answer.text, q.answers) >= RIGHT_F1):
            found[result.question_type] = q.question
            if len(found) == MAX_EXAMPLES:
                break
    return list(found.values())


def _listed_questions(engine) -> list:
    """The short questions of each document's question file, as ``qa eval`` reads them."""
    paths = [Path(f) for d in engine.documents if d.path
             and os.path.isfile(f := os.path.splitext(d.path)[0] + SUFFIX)]
    if not paths:
        return []
    try:
        listed = load_questions(paths)
    except InvalidQuestionsFile as exc:
        log.warning("no example questions: %s", exc.detail)
        return []
    return [q for q in listed if q.answerable and 0 < len(q.question) <= EXAMPLE_MAX_CHARS]


@bp.get("/")
def index():
    """The page; with ?q= it carries that question's answer and passages, rendered here."""
    q = request.args.get("q", "")
    if not q.strip():
        return render_page()
    try:
        question = valid_question(q, "question")
        top_k = passage_count(request.args.get("top_k"))
    except InvalidRequest as exc:
        return render_page(q, error=exc.detail), 400
    chosen = request.args.get("document") or None
    if chosen is not None and chosen not in current.view("qa.site").titles:
        return render_page(question, error=f"There is no document named {chosen[:40]!r}: choose one "
                           "from the list.", status=404, top_k=top_k), 404
    result = ask(question, top_k, [chosen] if chosen else None)
    return render_page(question, result=result, document=chosen, top_k=top_k)


def passage_count(raw: str | None) -> int:
    """The page's top_k: checked as the API checks it, refused in the page's words."""
    try:
        return int_arg({"top_k": raw} if raw is not None else {}, "top_k", DEFAULT_TOP_K, 1, MAX_TOP_K)
    except InvalidRequest:
        raise InvalidRequest(f"The number of passages to show (top_k={raw[:20]}) must be a whole number "
                             f"from 1 to {MAX_TOP_K}.", fields=["top_k"]) from None


@bp.get("/labels.css")
def labels_css():
    """The entity colours as CSS, generated from spaCy's at start-up."""
    response = Response(current.view("qa.site").css, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def error_heading(status: int) -> str:
    """The heading over an error message: what kind of error it is (app.js picks it the same way)."""
    return ERROR_HEADINGS.get(str(status)) or ERROR_HEADINGS["5xx" if status >= 500 else "400"]


def render_page(question: str = "", result: dict | None = None, error: str | None = None,
                status: int = 400, document: str | None = None, top_k: int = DEFAULT_TOP_K) -> str:
    """The page, with a result (answer, legend, passages), an error message (of an HTTP status),
    or neither. A message is shown once, as a sentence: in its card, the status line left empty."""
    site: Site = current.view("qa.site")
    view = present(result, site) if result else None
    return render_template(
        "index.html", question=question, view=view, error=sentence(error), examples=site.examples,
        facts=site.facts, titles=site.titles, top_k=top_k, max_question=MAX_QUESTION,
        top_k_choices=sorted({*TOP_K_CHOICES, top_k}), data=site.data, document=document,
        heading=error_heading(status) if error else "", status=view["summary"] if view else "")


def present(result: dict, site: Site) -> dict[str, Any]:
    """The result as the template shows it: passages cut into marked runs, the labels they use."""
    answer = result["answer"]
    passages = []
    for p in result["passages"]:
        span = ((answer["start"], answer["end"])
                if answer and answer["passage_rank"] == p["rank"] else None)
        passages.append({**p, "title": site.titles.get(p["document"], p["document"]),
                         "segments": segments(p["text"], p["entities"], p["matches"], span),
                         "href": f"{document_path(p['document'])}#s{p['sentence_index']}",
                         **around(site.sentences.get(p["document"], []), p["sentence_index"])})
    used = dict.fromkeys(e["label"] for p in result["passages"] for e in p["entities"])
    legend = [(label, site.labels.get(label, {}).get("description", "")) for label in used]
    return {"answer": answer, "certainty": certainty(answer), "reason": sentence(result["no_answer_reason"]),
            "passages": passages, "legend": legend, "summary": summary(result)}


def around(sentences: list[Passage], index: int) -> dict[str, list[str]]:
    """The CONTEXT sentences before and after the one at ``index`` of its document."""
    return {"before": [p.text for p in sentences[max(0, index - CONTEXT):index]],
            "after": [p.text for p in sentences[index + 1:index + 1 + CONTEXT]]}


def certainty(answer: dict | None) -> dict[str, str] | None:
    """How sure the answer is, in words: its estimated chance of being right; app.js says the same."""
    if not answer:
        return None
    chance = f"{math.floor(answer['confidence'] * 100 + 0.5)}%"  # halves up, as JavaScript's Math.round
    if answer["confidence"] >= SURE:
        return {"kind": "sure", "text": f"Likely right: an estimated {chance} chance."}
    return {"kind": "possible", "text": f"A possible answer: an estimated {chance} chance of being "
                                        "right. Check it in the passage."}


def sentence(text: str | None) -> str:
    """A message as a sentence of its own (the engine's and the API's begin in lower case, to be
    part of one); app.js does the same."""
    return text[:1].upper() + text[1:] if text else ""


def summary(result: dict) -> str:
    """The status line (a live region) for passages found; none without: the card says why, once."""
    n = len(result["passages"])
    if not n:
        return ""
    found = f"{n} passage{'s' if n != 1 else ''} found."
    a = result["answer"]
    return f"Answer: {a['text']} ({a['label']}). {found}" if a else f"No short answer. {found}"
