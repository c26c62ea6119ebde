"""A passage's text cut into the pieces the page marks: entities, question terms, the short answer.

Mirrored by ``segments`` in web/static/app.js, so the page looks the same with or without JavaScript.
"""

from __future__ import annotations

from typing import Any

Segment = dict[str, Any]


def segments(text: str, entities: list[dict], matches: list[dict],
             answer: tuple[int, int] | None = None) -> list[Segment]:
    """The text as entity segments (``label``) and plain ones (label None), each a list of runs.

    A run is flagged ``term`` inside a question term's match and carries ``ref`` (whom it stands for)
    inside a pronoun's. The short answer is the entity flagged ``answer`` when it is one; otherwise
    one segment flagged ``answer`` holds the answer's own segments (entities cut by its edges plain).
    """
    terms = [(m["start"], m["end"], m.get("refers_to")) for m in matches]
    whole = _cut(text, 0, len(text), entities, terms, answer)
    if answer is None or any(s.get("answer") for s in whole):
        return whole
    a, b = answer
    inside = [e for e in entities if a <= e["start"] and e["end"] <= b]
    outside = [e for e in entities if e["end"] <= a or b <= e["start"]]
    return [*_cut(text, 0, a, outside, terms),
            {"label": None, "answer": True, "segments": _cut(text, a, b, inside, terms)},
            *_cut(text, b, len(text), outside, terms)]


def _cut(text: str, start: int, end: int, entities: list[dict], terms: list[tuple],
         answer: tuple[int, int] | None = None) -> list[Segment]:
    """[start, end) as entity and plain segments; overlapping or empty entities are skipped."""
    out, pos = [], start
    for e in sorted(entities, key=lambda e: (e["start"], -e["end"])):
        if e["start"] < pos or e["end"] <= e["start"] or e["end"] > end:
            continue
        if pos < e["start"]:
            out.append({"label": None, "runs": _runs(text, pos, e["start"], terms)})
        out.append({"label": e["label"], "runs": _runs(text, e["start"], e["end"], terms),
                    "answer": answer == (e["start"], e["end"])})
        pos = e["end"]
    if pos < end:
        out.append({"label": None, "runs": _runs(text, pos, end, terms)})
    return out


def _runs(text: str, a: int, b: int, terms: list[tuple]) -> list[dict[str, Any]]:
    """[a, b) cut at the terms' edges: runs flagged term, with ``ref`` where a pronoun stands for someone."""
    cuts = sorted({a, b} | {x for s, e, _ in terms for x in (s, e) if a < x < b})
    out = []
    for x, y in zip(cuts, cuts[1:], strict=False):
        covering = [ref for s, e, ref in terms if s <= x and y <= e]
        run: dict[str, Any] = {"text": text[x:y], "term": bool(covering)}
        if ref := next((r for r in covering if r), None):
            run["ref"] = ref
        out.append(run)
    return out
