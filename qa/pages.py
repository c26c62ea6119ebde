"""GET / : the question page, server-rendered for /?q= so it works without JavaScript too."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from flask import Blueprint, Response, render_template, request
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from spacy.displacy.render import DEFAULT_LABEL_COLORS

from . import current
from .api import MAX_QUESTION, ask, valid_question
from .errors import InvalidQuestionsFile, InvalidRequest
from .questions import SUFFIX, load_questions

log = logging.getLogger(__name__)

PAGE_TOP_K = 5
SURE = 0.8  # from this estimated probability on, an answer is shown as likely right
MAX_EXAMPLES = 4
EXAMPLE_CANDIDATES = 60
EXAMPLE_MAX_CHARS = 48  # short enough to read at a glance and fit a phone's width
OTHER_COLOUR = "#ddd"  # displaCy's colour for a label it has none for
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
    data: Markup  # what app.js needs (labels, titles, top_k), as HTML-safe JSON
    examples: list[str]
    titles: dict[str, str]
    facts: dict[str, Any]


@bp.record_once
def _site(state) -> None:
    state.app.extensions["qa.live"].derive("qa.site", build_site)


def build_site(engine) -> Site:
    labels = entity_labels(engine)
    titles = {d.name: d.title for d in engine.documents}
    data = htmlsafe_json_dumps({"labels": labels, "titles": titles, "top_k": PAGE_TOP_K,
                                "headings": ERROR_HEADINGS})
    return Site(labels, label_css(labels), data, examples(engine), titles,
                {"passages": len(engine.passages), "documents": len(engine.documents),
                 "model": engine.model})


def entity_labels(engine) -> dict[str, dict[str, str]]:
    """Every label of the pipeline or the corpus, with displaCy's colour and spaCy's description."""
    names = set(DEFAULT_LABEL_COLORS)
    if "ner" in engine.nlp.pipe_names:
        names.update(engine.nlp.get_pipe("ner").labels)
    names.update(e.label for p in engine.passages for e in p.entities)
    return {name: {"colour": DEFAULT_LABEL_COLORS.get(name, OTHER_COLOUR),
                   "description": spacy.explain(name) or ""}
            for name in sorted(names) if _SAFE_LABEL.fullmatch(name)}


def label_css(labels: dict[str, dict[str, str]]) -> str:
    """One rule per label setting --label-colour, which style.css uses for marks and swatches."""
    rules = [f'[data-label="{name}"] {{ --label-colour: {meta["colour"]}; }}'
             for name, meta in labels.items() if _COLOUR.fullmatch(meta["colour"])]
    return "/* spaCy displaCy's entity colours (spacy.displacy.render.DEFAULT_LABEL_COLORS) */\n" \
        + "\n".join(rules) + "\n"


def examples(engine) -> list[str]:
    """Example questions the engine answers right, one per question type, checked at start-up
    against the gold answers of each document's ``<name>.questions.jsonl``; none without such files."""
    from .evaluate import RIGHT_F1, token_f1

    found: dict[str, str] = {}
    for q in _listed_questions(engine)[:EXAMPLE_CANDIDATES]:
        result = engine.ask(q.question, 3)
        if (result.answer and result.question_type not in found
                and token_f1(result.answer.text, q.answers) >= RIGHT_F1):
            found[result.question_type] = q.question
            if len(found) == MAX_EXAMPLES:
                break
    return list(found.values())


def _listed_questions(engine) -> list:
    """The short questions of each document's question file, as ``qa eval`` reads them."""
    paths = [f for d in engine.documents if d.path
             and (f := Path(d.path).with_name(Path(d.path).stem + SUFFIX)).is_file()]
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
    except InvalidRequest as exc:
        return render_page(q, error=sentence(exc.detail)), 400
    chosen = request.args.get("document") or None
    if chosen is not None and chosen not in current.view("qa.site").titles:
        return render_page(question, error=f"There is no document named {chosen[:40]!r}: choose one "
                           "from the list.", status=404), 404
    result = ask(question, PAGE_TOP_K, [chosen] if chosen else None)
    return render_page(question, result=result, document=chosen)


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
                status: int = 400, document: str | None = None) -> str:
    """The page, with a result (answer, legend, passages), an error message (of an HTTP status),
    or neither."""
    site: Site = current.view("qa.site")
    view = present(result, site) if result else None
    return render_template(
        "index.html", question=question, view=view, error=error, examples=site.examples,
        facts=site.facts, titles=site.titles, top_k=PAGE_TOP_K, max_question=MAX_QUESTION,
        data=site.data, document=document, heading=error_heading(status) if error else "",
        status=error or (view["summary"] if view else ""))


def present(result: dict, site: Site) -> dict[str, Any]:
    """The result as the template shows it: passages cut into marked runs, the labels they use."""
    answer = result["answer"]
    passages = []
    for p in result["passages"]:
        span = ((answer["start"], answer["end"])
                if answer and answer["passage_rank"] == p["rank"] else None)
        passages.append({**p, "title": site.titles.get(p["document"], p["document"]),
                         "segments": segments(p["text"], p["entities"], p["matches"], span)})
    used = dict.fromkeys(e["label"] for p in result["passages"] for e in p["entities"])
    legend = [(label, site.labels.get(label, {}).get("description", "")) for label in used]
    return {"answer": answer, "certainty": certainty(answer), "reason": sentence(result["no_answer_reason"]),
            "passages": passages, "legend": legend, "summary": summary(result)}


def certainty(answer: dict | None) -> dict[str, str] | None:
    """How sure the answer is, in words: its estimated chance of being right; app.js says the same."""
    if not answer:
        return None
    chance = f"{round(answer['confidence'] * 100)}%"
    if answer["confidence"] >= SURE:
        return {"kind": "sure", "text": f"Likely right: an estimated {chance} chance."}
    return {"kind": "possible", "text": f"A possible answer: an estimated {chance} chance of being "
                                        "right. Check it in the passage."}


def sentence(text: str | None) -> str:
    """The engine's lower-case reason as a sentence of its own; app.js does the same."""
    return text[:1].upper() + text[1:] if text else ""


def summary(result: dict) -> str:
    """One sentence for screen readers (the live region); app.js says the same."""
    n = len(result["passages"])
    if not n:
        return "No passage matches."
    found = f"{n} passage{'s' if n != 1 else ''} found."
    a = result["answer"]
    return f"Answer: {a['text']} ({a['label']}). {found}" if a else f"No short answer. {found}"


def segments(text: str, entities: list[dict], matches: list[dict],
             answer: tuple[int, int] | None = None) -> list[dict[str, Any]]:
    """The text cut into entity and plain segments, each a list of runs (flagged: question term).

    Mirrors ``segments`` in web/static/app.js, so the page looks the same with or without JavaScript.
    """
    terms = [(m["start"], m["end"]) for m in matches]

    def runs(a: int, b: int) -> list[dict[str, Any]]:
        cuts = sorted({a, b} | {x for s, e in terms for x in (s, e) if a < x < b})
        return [{"text": text[x:y], "term": any(s <= x and y <= e for s, e in terms)}
                for x, y in zip(cuts, cuts[1:], strict=False)]

    out, pos = [], 0
    for e in sorted(entities, key=lambda e: (e["start"], -e["end"])):
        if e["start"] < pos or e["end"] <= e["start"]:
            continue
        if pos < e["start"]:
            out.append({"label": None, "runs": runs(pos, e["start"])})
        out.append({"label": e["label"], "runs": runs(e["start"], e["end"]),
                    "answer": answer == (e["start"], e["end"])})
        pos = e["end"]
    if pos < len(text):
        out.append({"label": None, "runs": runs(pos, len(text))})
    return out
