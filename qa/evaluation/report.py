"""Show an evaluation: a terminal table, report.json, report.md and a PNG figure.

Rendering only: every figure comes from ``qa.evaluation.evaluate``, so the outputs cannot disagree.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from pathlib import Path

from .evaluate import CURVE_DEPTH, FIGURES, Report

COLUMNS = list(FIGURES)
FAILURE_TEXT = 160
log = logging.getLogger(__name__)


def fmt(key: str, value) -> str:
    """One figure as text: rates with 3 decimals, milliseconds with 1, a dash when undefined."""
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}" if key.endswith("_ms") else f"{value:.3f}"


def grid(headers: list[str], rows: list[list[str]], markdown: bool = False) -> str:
    """A table: aligned columns for a terminal, or a GitHub pipe table."""
    if markdown:
        lines = [headers, ["---"] * len(headers), *rows]
        return "\n".join("| " + " | ".join(_cell(c) for c in line) + " |" for line in lines)
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    def line(cells):
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def figures_table(groups: dict[str, dict], first: str, markdown: bool = False) -> str:
    """One row per group (a type, a document, a configuration) with the count and every figure."""
    headers = [first, "n", "answerable"] + [FIGURES[k][0] for k in COLUMNS]
    rows = [[name, str(s["questions"]), str(s["answerable"])] + [fmt(k, s[k]) for k in COLUMNS]
            for name, s in groups.items()]
    return grid(headers, rows, markdown)


def _sections(report: Report, markdown: bool) -> list[tuple[str, str]]:
    return [("Overall", figures_table({"all": report.summary}, "", markdown)),
            ("Per question type", figures_table(report.by_type, "type", markdown)),
            ("Per document", figures_table(report.by_document, "document", markdown)),
            ("By wording", figures_table(report.by_wording, "wording", markdown))]


def terminal(report: Report) -> str:
    """The report as a terminal reads it: the tables and the number of failures."""
    parts = [_heading(report)]
    for title, table in _sections(report, markdown=False):
        parts += ["", title, table]
    parts += ["", f"{len(report.failures)} question(s) not fully right (listed in report.md)."]
    return "\n".join(parts)


def _heading(report: Report) -> str:
    m = report.meta
    files = ", ".join(m.get("questions", [])) or "?"
    return (f"{report.summary['questions']} questions from {files} against "
            f"{m.get('target', '?')}; a passage counts as found in the top {report.top_k}.")


def markdown(report: Report) -> str:
    """report.md: the tables, the figure and every failure with gold, first passage and answer."""
    parts = ["# Evaluation report", "", _heading(report), "", "![figures](report.png)"]
    for title, table in _sections(report, markdown=True):
        parts += ["", f"## {title}", "", table]
    rows = [[o.id, o.type, o.question, " / ".join(o.answers) or "(unanswerable)",
             _clip(o.first_passage or "–"), o.answer or "–", "; ".join(problems)]
            for o, problems in report.failures]
    parts += ["", f"## Failures ({len(rows)})", "",
              grid(["id", "type", "question", "gold", "first passage", "answer", "problems"],
                   rows, markdown=True) if rows else "None."]
    return "\n".join(parts) + "\n"


def _clip(text: str) -> str:
    return text if len(text) <= FAILURE_TEXT else text[: FAILURE_TEXT - 1] + "…"


def figure(report: Report, path: Path) -> None:
    """The PNG: Hit@k for k = 1..10, Hit@1 / Hit@5 / F1 per question type, latency histogram."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(15, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    curve, types, latency = fig.subplots(1, 3)
    ks = list(range(1, CURVE_DEPTH + 1))
    curve.plot(ks, [v or 0 for v in report.hit_curve], marker="o")
    curve.set(title=f"Hit@k (MRR@10 {fmt('mrr', report.summary['mrr'])})", xlabel="k",
              ylabel="share of answerable questions", ylim=(0, 1.02), xticks=ks)
    curve.grid(alpha=0.3)
    by_type = report.by_type
    names = list(by_type)
    width = 0.27
    for i, key in enumerate(("hit1", "hit5", "f1")):
        xs = [n + (i - 1) * width for n in range(len(names))]
        types.bar(xs, [by_type[t][key] or 0 for t in names], width, label=FIGURES[key][0])
    types.set_xticks(range(len(names)),
                     [f"{t}\n({by_type[t]['answerable']})" for t in names], fontsize=8)
    types.set(title="Per question type (answerable)", ylim=(0, 1.02))
    types.legend(fontsize=8)
    times = [o.latency_ms for o in report.outcomes]
    latency.hist(times, bins=30)
    for key, style in (("latency_p50_ms", "--"), ("latency_p95_ms", ":")):
        value = report.summary[key]
        if value is not None:
            latency.axvline(value, color="black", linestyle=style,
                            label=f"{FIGURES[key][0][:3]} {value:.1f} ms")
    latency.set(title="Latency per question", xlabel="ms", ylabel="questions")
    latency.legend(fontsize=8)
    fig.savefig(path, dpi=100)


def write(report: Report, out: str | Path) -> list[Path]:
    """report.json, report.md and report.png in ``out`` (created when missing)."""
    return _write_files(report, out, "report", markdown, figure)


def _write_files(report, out: str | Path, stem: str, to_markdown, draw) -> list[Path]:
    """``stem``.json, .md and .png of a report in ``out`` (created when missing)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = [out / f"{stem}.json", out / f"{stem}.md", out / f"{stem}.png"]
    files[0].write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
    files[1].write_text(to_markdown(report), encoding="utf-8")
    if importlib.util.find_spec("matplotlib") is None:
        log.warning("no %s: matplotlib is not installed; `pip install 'article-qa[eval]'` (or `make "
                    "eval`) adds it", files[2].name)
        return files[:2]
    draw(report, files[2])
    return files


BEST_BY = ("f1", "mrr")  # the best configuration: highest answer F1, then MRR@10
BEST = "◀ best"


def compare_table(rows: list[dict], markdown: bool = False) -> str:
    """The configurations side by side: each figure with its difference to the default, the best
    value of each column starred and the best row (by F1, then MRR@10) marked."""
    columns = [(k, FIGURES[k][0], FIGURES[k][1], lambda k, v: fmt(k, v)) for k in COLUMNS]
    return versus_default(rows, columns, BEST_BY, markdown)


def versus_default(rows: list[dict], columns: list[tuple], best_by: tuple[str, ...],
                   markdown: bool = False) -> str:
    """Rows of configurations, ``columns`` as (key, label, higher is better, format): every cell of
    a row other than the default carries its difference to the default's figure."""
    base = next(r["summary"] for r in rows if r["name"] == "default")
    tops = {k: _top([r["summary"][k] for r in rows], higher) for k, _, higher, _ in columns}
    best = max(rows, key=lambda r: (*(r["summary"][k] or 0 for k in best_by), r["name"] == "default"))["name"]
    headers = ["configuration"] + [label for _, label, _, _ in columns]
    table = []
    for r in rows:
        cells = [r["name"] + (f" {BEST}" if r["name"] == best else "")]
        for key, _, _, show in columns:
            value, cell = r["summary"][key], show(key, r["summary"][key])
            if r["name"] != "default" and isinstance(value, float) and base[key] is not None:
                change = value - base[key]
                shown = show(key, abs(change))
                cell += " (=)" if float(shown) == 0 else f" ({'+' if change > 0 else '−'}{shown})"
            if value is not None and value == tops[key]:
                cell = f"**{cell}**" if markdown else f"{cell}*"
            cells.append(cell)
        table.append(cells)
    return grid(headers, table, markdown)


def _top(values: list, higher: bool):
    present = [v for v in values if v is not None]
    return (max(present) if higher else min(present)) if present else None


def write_compare(rows: list[dict], out: str | Path, meta: dict, squad: bool = False) -> list[Path]:
    """compare.json and compare.md (squad-compare.* for a SQuAD file) in ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stem = "squad-compare" if squad else "compare"
    files = [out / f"{stem}.json", out / f"{stem}.md"]
    files[0].write_text(json.dumps({"meta": meta, "configurations": rows}, ensure_ascii=False,
                                   indent=2) + "\n", encoding="utf-8")
    if squad:
        about = (f"SQuAD 2.0 questions from {meta.get('squad', '?')}: EM and F1 in percent, as the "
                 "official script reports them; sentence Hit@k over the answerable questions.")
        table = squad_compare_table(rows, markdown=True)
    else:
        about = (f"{meta.get('questions_count', '?')} questions from "
                 f"{', '.join(meta.get('questions', []))}; retrieval figures over the answerable ones.")
        table = compare_table(rows, markdown=True)
    files[1].write_text(f"# Ranking configurations compared\n\n{about} The best value of each column "
                        f"is starred; {BEST} marks the best row by {' then '.join(BEST_BY)}; "
                        "bracketed: the difference to the default.\n\n" + table + "\n",
                        encoding="utf-8")
    return files


# ---- SQuAD 2.0 reports

SQUAD_COLUMNS = [("total", "n"), ("exact", "EM"), ("f1", "F1"), ("HasAns_total", "HasAns n"),
                 ("HasAns_exact", "HasAns EM"), ("HasAns_f1", "HasAns F1"), ("NoAns_total", "NoAns n"),
                 ("NoAns_f1", "NoAns"), ("answer_nothing", "answer nothing"), ("hit1", "Hit@1"),
                 ("hit3", "Hit@3"), ("mrr", "MRR@10"), ("answered", "answered"),
                 ("precision", "precision"), ("calibration_gap", "calibration gap")]


SQUAD_COMPARED = ("f1", "exact", "HasAns_f1", "NoAns_f1", "hit1", "hit3", "mrr")


def squad_compare_table(rows: list[dict], markdown: bool = False) -> str:
    """Ranking configurations on a SQuAD file, as compare_table shows them on sample questions."""
    labels = dict(SQUAD_COLUMNS)
    columns = [(k, labels[k], True, _squad_cell) for k in SQUAD_COMPARED]
    return versus_default(rows, columns, BEST_BY[:1] + ("hit1",), markdown)


def _squad_cell(key: str, value) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}" if key in ("exact", "f1", "HasAns_exact", "HasAns_f1", "NoAns_f1",
                                     "answer_nothing") else f"{value:.3f}"


def squad_table(groups: dict[str, dict], first: str, markdown: bool = False) -> str:
    """One row per group with SQuAD 2.0's official figures (percent) and the retrieval ones."""
    headers = [first] + [label for _, label in SQUAD_COLUMNS]
    rows = [[name] + [_squad_cell(k, s[k]) for k, _ in SQUAD_COLUMNS] for name, s in groups.items()]
    return grid(headers, rows, markdown)


def reliability_table(rel: dict, markdown: bool = False) -> str:
    """Answers given per confidence bucket, with the share of them that is right (F1 >= 0.5)."""
    rows = [[f"{b['low']:.1f}–{b['high']:.1f}", str(b["answers"]),
             "–" if b["confidence"] is None else f"{b['confidence']:.3f}",
             "–" if b["share_right"] is None else f"{b['share_right']:.3f}"] for b in rel["buckets"]]
    return grid(["confidence", "answers", "mean confidence", "share right"], rows, markdown)


def _squad_sections(report, markdown: bool) -> list[tuple[str, str]]:
    rel = report.reliability
    gap = "–" if rel["calibration_gap"] is None else f"{rel['calibration_gap']:.3f}"
    precision = "–" if rel["precision"] is None else f"{rel['precision']:.3f}"
    return [("Overall (EM and F1 in percent, as SQuAD 2.0's evaluation script reports them)",
             squad_table({"all": report.summary}, "", markdown)),
            ("Per question type", squad_table(report.by_type, "type", markdown)),
            (f"Reliability of the {rel['answers']} answers given (calibration gap {gap}, "
             f"precision {precision})", reliability_table(rel, markdown))]


def squad_terminal(report) -> str:
    parts = [f"{report.summary['total']} questions from {report.meta.get('squad', '?')} against "
             f"{report.meta.get('target', '?')}."]
    for title, table in _squad_sections(report, markdown=False):
        parts += ["", title, table]
    return "\n".join(parts)


def squad_markdown(report) -> str:
    parts = ["# SQuAD 2.0 evaluation", "", squad_terminal(report).split("\n", 1)[0], "",
             "![figures](squad-report.png)"]
    for title, table in _squad_sections(report, markdown=True):
        parts += ["", f"## {title}", "", table]
    return "\n".join(parts) + "\n"


def squad_figure(report, path: Path) -> None:
    """The PNG: F1 per question type (HasAns and NoAns) and the reliability diagram."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    types, diagram = fig.subplots(1, 2)
    by_type = report.by_type
    names = list(by_type)
    for i, (key, label) in enumerate((("HasAns_f1", "HasAns F1"), ("NoAns_f1", "NoAns"))):
        xs = [n + (i - 0.5) * 0.4 for n in range(len(names))]
        types.bar(xs, [by_type[t][key] or 0 for t in names], 0.4, label=label)
    types.set_xticks(range(len(names)), [f"{t}\n({by_type[t]['total']})" for t in names], fontsize=8)
    types.set(title="Per question type (percent)", ylim=(0, 102))
    types.legend(fontsize=8)
    rel = report.reliability
    filled = [b for b in rel["buckets"] if b["answers"]]
    diagram.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfect calibration")
    diagram.plot([b["confidence"] for b in filled], [b["share_right"] for b in filled], marker="o",
                 label="answers given")
    for b in filled:
        diagram.annotate(str(b["answers"]), (b["confidence"], b["share_right"]), fontsize=7,
                         xytext=(3, 3), textcoords="offset points")
    gap = rel["calibration_gap"]
    diagram.set(title=f"Reliability (gap {gap:.3f})" if gap is not None else "Reliability",
                xlabel="confidence", ylabel="share right (F1 ≥ 0.5)", xlim=(0, 1), ylim=(0, 1))
    diagram.legend(fontsize=8)
    fig.savefig(path, dpi=100)


def write_squad(report, out: str | Path) -> list[Path]:
    """squad-report.json, squad-report.md and squad-report.png in ``out``."""
    return _write_files(report, out, "squad-report", squad_markdown, squad_figure)
