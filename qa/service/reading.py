"""GET /documents/NAME : a document's whole text, its sentences anchored (#s12) for links from passages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..passages import Passage
from . import current

bp = Blueprint("reading", __name__)


@bp.get("/documents/<name>")
def document(name: str):
    """The document's sections and paragraphs, each sentence a span with id s<sentence_index>."""
    site = current.view("qa.site")
    found = next((d for d in current.engine().documents if d.name == name), None)
    if found is None:
        abort(404)
    return render_template("document.html", document=found,
                           sections=sections(found, site.sentences.get(name, [])))


def sections(document, sentences: list[Passage]) -> list[tuple[str, list[list[Passage]]]]:
    """(section, paragraphs) in reading order, each paragraph the passages cut from its text.

    Passages keep no paragraph number, but they were cut from the paragraphs in order, so each is
    found in the paragraph it came from by walking both together.
    """
    out: list[tuple[str, list[list[Passage]]]] = []
    queue = list(sentences)
    for para in document.paragraphs:
        pos, group = 0, []
        while queue and (at := para.text.find(queue[0].text, pos)) >= 0 \
                and queue[0].section == para.section:
            group.append(queue.pop(0))
            pos = at + len(group[-1].text)
        if not group:
            continue
        if not out or out[-1][0] != para.section:
            out.append((para.section, []))
        out[-1][1].append(group)
    if queue:  # a sentence not found in its paragraph's text: shown rather than lost
        out.append((queue[0].section, [queue]))
    return out
