"""The ``qa`` command: ask, index, serve and eval, as a click group whose docstrings are its help."""

from __future__ import annotations

import contextlib
import json
import logging
import sys

import click

from .answering.answer import DEFAULT_TOP_K, MAX_TOP_K
from .errors import QAError

LABEL_COLOURS = {"PERSON": "magenta", "ORG": "cyan", "GPE": "green", "LOC": "green", "FAC": "green",
                 "DATE": "yellow", "TIME": "yellow", "NORP": "blue", "CARDINAL": "red",
                 "QUANTITY": "red", "MONEY": "red", "PERCENT": "red", "EVENT": "bright_blue"}


class CLIError(click.ClickException):
    """A QAError shown as one ``Error: ...`` line with the error's own exit code."""

    def __init__(self, error: QAError):
        super().__init__(error.detail)
        self.exit_code = error.exit_code


def build_engine(corpus: str | None, progress: bool = False, recursive: bool = False):
    from .engine import Engine

    try:
        return Engine.from_corpus(corpus, progress=progress, recursive=recursive)
    except QAError as exc:
        raise CLIError(exc) from None


def corpus_option(command):
    """--corpus PATH and --recursive, read from QA_CORPUS and QA_CORPUS_RECURSIVE when not given."""
    command = click.option("--recursive", is_flag=True, envvar="QA_CORPUS_RECURSIVE",
                           help="Read the corpus folder's sub-folders too (default: its own .txt "
                                "files only).")(command)
    return click.option("--corpus", type=click.Path(), envvar="QA_CORPUS", default=None,
                        help="A .txt file or a folder of them (default: corpus/).")(command)


def versions() -> str:
    """The package, spaCy and pipeline versions, read from the installed metadata (nothing is loaded)."""
    from importlib.metadata import version

    import spacy

    from .nlp import pipeline_name

    name = pipeline_name()
    pipeline = spacy.util.get_package_version(name) or "not installed as a package"
    return f"article-qa {version('article-qa')}, spaCy {spacy.__version__}, pipeline {name} {pipeline}"


def _show_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(versions())
        ctx.exit()


def _verbose(ctx: click.Context, _param, value: bool) -> None:
    if value:
        ctx.meta["qa.verbose"] = True
        logging.getLogger().setLevel(logging.INFO)


verbose_option = click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_verbose,
                              help="Log what happens (which cache file, timings).")


@click.group()
@verbose_option
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the article-qa, spaCy and pipeline versions and exit.")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Ask natural-language questions about text articles."""
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    if not ctx.meta.get("qa.verbose"):
        logging.getLogger().setLevel(logging.WARNING)


@cli.command()
@verbose_option
@click.argument("question")
@click.option("--top-k", type=click.IntRange(1, MAX_TOP_K), default=DEFAULT_TOP_K, show_default=True,
              help="How many passages to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON object the API returns.")
@click.option("--document", "documents", multiple=True, metavar="NAME",
              help="Answer from this document only (its file name without .txt); repeat for several.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None, metavar="P",
              help="Give a short answer only when its probability of being right is at least P "
                   "(default: the fitted threshold).")
@corpus_option
def ask(question: str, top_k: int, as_json: bool, documents: tuple[str, ...],
        min_confidence: float | None, corpus: str | None, recursive: bool) -> None:
    """Answer QUESTION from the corpus: the short answer and the ranked passages."""
    if not question.strip():
        raise click.BadParameter("the question is empty: type a question in quotes.",
                                 param_hint="QUESTION")
    try:
        engine = build_engine(corpus, recursive=recursive)
        result = engine.ask(question, top_k, list(documents) or None, min_confidence)
    except QAError as exc:
        raise CLIError(exc) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    colour = sys.stdout.isatty()
    if result.answer:
        a = result.answer
        click.echo(click.style("Answer: ", bold=True) + click.style(a.text, bold=True)
                   + f"  ({a.label}, {a.confidence:.0%} likely right, passage {a.passage_rank})",
                   color=colour)
    else:
        click.echo(f"No short answer: {result.no_answer_reason}")
    for p in result.passages:
        click.echo()
        click.echo(f"{p.rank}. [{p.score:.2f}] {p.document} / {p.section}, sentence "
                   f"{p.sentence_index}")
        click.echo("   " + render(p.text, p.entities, p.matches, colour), color=colour)


def render(text: str, entities, matches, colour: bool) -> str:
    """The passage with entities and matched terms marked: colours in a terminal, brackets when piped.

    Marks always nest: a match that runs past an entity's end is closed before the entity closes and
    reopened after it (``[*Eitingon* PERSON]*′s*``), so piped output can be parsed back.
    """
    cuts = sorted({0, len(text)} | {e.start for e in entities} | {e.end for e in entities}
                  | {m["start"] for m in matches} | {m["end"] for m in matches})
    on, off = ("\x1b[4m", "\x1b[24m") if colour else ("*", "*")
    out: list[str] = []
    entity, matched = None, False
    for a, b in zip(cuts, cuts[1:], strict=False):
        now = next((e for e in entities if e.start <= a < e.end), None)
        inside = any(m["start"] <= a < m["end"] for m in matches)
        if (now is not entity or not inside) and matched:
            out.append(off)
            matched = False
        if now is not entity:
            if entity is not None:
                out.append(_entity_close(entity, colour))
            if now is not None:
                out.append(click.style("", fg=LABEL_COLOURS.get(now.label, "white"), bold=True,
                                       reset=False) if colour else "[")
            entity = now
        if inside and not matched:
            out.append(on)
            matched = True
        out.append(text[a:b])
    if matched:
        out.append(off)
    if entity is not None:
        out.append(_entity_close(entity, colour))
    return "".join(out)


def _entity_close(entity, colour: bool) -> str:
    if colour:
        return click.style("", reset=True) + click.style(f" {entity.label}", dim=True)
    return f" {entity.label}]"


@cli.command()
@verbose_option
@corpus_option
def index(corpus: str | None, recursive: bool) -> None:
    """Parse the corpus and write the on-disk cache, so that serving starts fast."""
    engine = build_engine(corpus, progress=True, recursive=recursive)
    how = "already cached: nothing to parse" if engine.cached else "parsed and cached"
    click.echo(f"indexed {len(engine.passages)} passages from {len(engine.documents)} document(s) "
               f"with {engine.model} ({how})")


@cli.command()
@verbose_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="gunicorn worker processes (they share the preloaded index).")
@corpus_option
def serve(host: str, port: int, workers: int, corpus: str | None, recursive: bool) -> None:
    """Serve the web page and the JSON API with gunicorn."""
    from .service.server import run

    try:
        run(host=host, port=port, workers=workers, corpus=corpus, recursive=recursive)
    except QAError as exc:
        raise CLIError(exc) from None


EVAL_LIMITS = ("min-hit1", "min-hit3", "min-hit5", "min-mrr", "min-em", "min-f1", "min-abstention",
               "max-false-abstention", "max-latency-p95-ms")


def eval_limit_options(command):
    """One --min-FIGURE / --max-FIGURE option per threshold the evaluation can enforce."""
    from .evaluation.evaluate import FIGURES

    for name in reversed(EVAL_LIMITS):
        side, figure = name.split("-", 1)
        label = FIGURES[figure.replace("-", "_")][0]
        command = click.option(f"--{name}", type=click.FloatRange(min=0), default=None,
                               metavar="X", help=f"Exit 1 when {label} is "
                               f"{'below' if side == 'min' else 'above'} X.")(command)
    return command


@cli.command("eval")
@verbose_option
@click.option("--questions", "question_paths", multiple=True, type=click.Path(dir_okay=False),
              help="A question file (JSON lines); repeat for several. Default: <name>.questions"
                   ".jsonl beside each article, else questions.jsonl in the corpus folder.")
@corpus_option
@click.option("--top-k", type=click.IntRange(1, MAX_TOP_K), default=5, show_default=True,
              help="A passage counts as found within the first K (failures list); Hit@1/3/5 and "
                   "MRR@10 are always measured.")
@click.option("--url", metavar="http://HOST:PORT", default=None,
              help="Ask a running server's JSON API instead of an in-process engine.")
@click.option("--out", type=click.Path(file_okay=False), default="eval-out", show_default=True,
              help="Folder for report.json, report.md, report.png (and compare.*).")
@click.option("--squad", "squad_file", type=click.Path(dir_okay=False), default=None,
              help="Evaluate on a SQuAD 2.0 JSON file instead: its articles become a corpus folder "
                   "(in the cache folder), scored with SQuAD 2.0's official figures.")
@click.option("--compare", is_flag=True,
              help="Rank with several configurations (naive baseline, default, each normalisation "
                   "step on its own and removed, BM25 variants) on the same questions.")
@eval_limit_options
def eval_command(question_paths: tuple[str, ...], corpus: str | None, recursive: bool, top_k: int,
                 url: str | None, out: str, squad_file: str | None, compare: bool,
                 **limits: float | None) -> None:
    """Measure answer quality on sample questions: Hit@k, MRR@10, EM/F1, abstention, latency."""
    if squad_file:
        if question_paths or corpus:
            raise click.UsageError("--squad brings its own articles and questions: drop --questions "
                                   "and --corpus.")
        if compare and url:
            raise click.UsageError("--compare builds its engines in-process: drop --url.")
        return squad_eval(squad_file, url, out, compare)
    from datetime import UTC, datetime

    from .corpus import read_corpus
    from .engine import corpus_path
    from .evaluation import report as rendering
    from .evaluation.evaluate import below_thresholds, configurations, engine_ask, evaluate, http_ask
    from .evaluation.evaluate import compare as compare_configurations
    from .evaluation.questions import load_questions, locate_evidence, question_files

    if url and not url.startswith(("http://", "https://")):
        raise click.BadParameter("give the server's address as http://HOST:PORT.",
                                 param_hint="--url")
    if url and compare:
        raise click.UsageError("--compare builds its engines in-process: drop --url.")
    source = corpus or corpus_path()
    try:
        files = list(question_paths) or question_files(source, recursive)
        questions = load_questions(files)
        engine = None if url else build_engine(corpus, progress=True, recursive=recursive)
        if engine is not None or not question_paths or corpus is not None:
            documents = engine.documents if engine is not None else read_corpus(source, recursive)
            questions = locate_evidence(questions, documents)
        target = url or f"the in-process engine ({engine.model}, BM25 {engine.index.variant})"
        meta = {"questions": [str(f) for f in files], "questions_count": len(questions),
                "corpus": str(source), "target": target,
                "date": datetime.now(UTC).isoformat(timespec="seconds")}
        rounds = len(configurations()) if compare else 1
        with progress_bar(rounds * len(questions)) as progress:
            if compare:
                rows = compare_configurations(
                    compared_engines(source, recursive=recursive),
                    lambda ask: evaluate(ask, questions, top_k, progress).summary)
            else:
                report = evaluate(http_ask(url) if url else engine_ask(engine), questions, top_k,
                                  progress, meta)
    except QAError as exc:
        raise CLIError(exc) from None
    if compare:
        click.echo(rendering.compare_table(rows))
        written = rendering.write_compare(rows, out, meta)
        summary = next(r["summary"] for r in rows if r["name"] == "default")
    else:
        click.echo(rendering.terminal(report))
        written = rendering.write(report, out)
        summary = report.summary
    click.echo(f"\nwrote {', '.join(map(str, written))}")
    given = {name.split("_", 1)[1]: v for name, v in limits.items() if v is not None}
    if failed := below_thresholds(summary, given):
        raise click.ClickException("below the quality thresholds:\n  " + "\n  ".join(failed))


@contextlib.contextmanager
def progress_bar(total: int):
    """A progress function for the evaluation loops: one bar on stderr (none when it is not a terminal)."""
    from tqdm import tqdm

    with tqdm(total=total, desc="eval", unit="q", file=sys.stderr, disable=None) as bar:
        def progress(items):
            for item in items:
                yield item
                bar.update()

        yield progress


def compared_engines(corpus, **fixed):
    """``qa eval --compare``'s engines: one in-process engine over ``corpus`` per configuration."""
    from .engine import Engine
    from .evaluation.evaluate import engine_ask

    return lambda normalisation, variant, **bm25: engine_ask(Engine.from_corpus(
        corpus, normalisation=normalisation, variant=variant, **fixed, **bm25))


def squad_eval(path: str, url: str | None, out: str, compare: bool = False) -> None:
    """``qa eval --squad FILE``: the official SQuAD 2.0 figures, in-process or over a server (or,
    with ``compare``, for every ranking configuration)."""
    from datetime import UTC, datetime

    from .answering.reader import Reader
    from .cache import cache_dir
    from .engine import Engine
    from .evaluation import report as rendering
    from .evaluation import squad
    from .evaluation.evaluate import compare as compare_configurations
    from .evaluation.evaluate import configurations, engine_ask, http_ask

    if url and not url.startswith(("http://", "https://")):
        raise click.BadParameter("give the server's address as http://HOST:PORT.", param_hint="--url")
    try:
        articles, questions = squad.load(path)
        folder = squad.write_corpus(articles, cache_dir())
        click.echo(f"{len(articles)} article(s) and {len(questions)} questions; the articles are the "
                   f"corpus folder {folder}", err=True)
        if url:
            ask_fn = http_ask(url)
            passages = squad.http_passages(url, [a.name for a in articles])
        else:
            # the confidence as fitted: for SQuAD's own mix of answerable questions
            engine = Engine.from_corpus(folder, progress=True, reader=Reader())
            ask_fn, passages = engine_ask(engine), squad.engine_passages(engine)
        meta = {"squad": str(path), "corpus": str(folder), "target": url or "the in-process engine",
                "date": datetime.now(UTC).isoformat(timespec="seconds")}
        rounds = len(configurations()) if compare else 1
        with progress_bar(rounds * len(questions)) as progress:
            if compare:
                rows = compare_configurations(
                    compared_engines(folder, reader=Reader()),
                    lambda ask: squad.evaluate_squad(ask, articles, questions, passages,
                                                     progress).summary)
            else:
                report = squad.evaluate_squad(ask_fn, articles, questions, passages, progress, meta)
    except QAError as exc:
        raise CLIError(exc) from None
    if compare:
        click.echo(rendering.squad_compare_table(rows))
        written = rendering.write_compare(rows, out, meta, squad=True)
        click.echo(f"\nwrote {', '.join(map(str, written))}")
        return
    click.echo(rendering.squad_terminal(report))
    written = rendering.write_squad(report, out)
    click.echo(f"\nwrote {', '.join(map(str, written))}")


url_option = click.option("--url", metavar="http://HOST:PORT", required=True,
                          help="The running server (`qa serve`) to change.")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--name", default=None, metavar="NAME",
              help="The document's name (default: the file name without .txt).")
@url_option
def add(file: str, name: str | None, url: str) -> None:
    """Add FILE to a running server's corpus, or replace the document of that name (token in
    QA_ADMIN_TOKEN); every worker answers from it within 2 s."""
    from pathlib import Path

    from . import client

    try:
        status, summary = client.add(url, Path(file), name)
    except QAError as exc:
        raise CLIError(exc) from None
    verb = "added" if status == 201 else "replaced"
    click.echo(f"{verb} {summary.get('name')} ({summary.get('title')!r}): {summary.get('passages')} "
               f"passages in {len(summary.get('sections', []))} section(s)")


@cli.command()
@click.argument("name")
@url_option
def remove(name: str, url: str) -> None:
    """Remove the document NAME from a running server's corpus (token in QA_ADMIN_TOKEN)."""
    from . import client

    try:
        client.remove(url, name)
    except QAError as exc:
        raise CLIError(exc) from None
    click.echo(f"removed {name}")
