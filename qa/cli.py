"""The ``qa`` command: ask, index, serve and eval, as a click group whose docstrings are its help."""

from __future__ import annotations

import json
import logging
import sys

import click

from .errors import QAError

LABEL_COLOURS = {"PERSON": "magenta", "ORG": "cyan", "GPE": "green", "LOC": "green", "FAC": "green",
                 "DATE": "yellow", "TIME": "yellow", "NORP": "blue", "CARDINAL": "red",
                 "QUANTITY": "red", "MONEY": "red", "PERCENT": "red", "EVENT": "bright_blue"}


class CLIError(click.ClickException):
    """A QAError shown as one ``Error: ...`` line with the error's own exit code."""

    def __init__(self, error: QAError):
        super().__init__(error.detail)
        self.exit_code = error.exit_code


def build_engine(corpus: str | None, progress: bool = False):
    from .engine import Engine

    try:
        return Engine.from_corpus(corpus, progress=progress)
    except QAError as exc:
        raise CLIError(exc) from None


corpus_option = click.option("--corpus", type=click.Path(), envvar="QA_CORPUS", default=None,
                             help="A .txt file or a folder of them (default: corpus/).")


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (cache, timings).")
def cli(verbose: bool) -> None:
    """Ask natural-language questions about text articles."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@cli.command()
@click.argument("question")
@click.option("--top-k", type=click.IntRange(1, 50), default=3, show_default=True,
              help="How many passages to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON object the API returns.")
@corpus_option
def ask(question: str, top_k: int, as_json: bool, corpus: str | None) -> None:
    """Answer QUESTION from the corpus: the short answer and the ranked passages."""
    if not question.strip():
        raise click.BadParameter("the question is empty: type a question in quotes.",
                                 param_hint="QUESTION")
    result = build_engine(corpus).ask(question, top_k)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    colour = sys.stdout.isatty()
    if result.answer:
        a = result.answer
        click.echo(click.style("Answer: ", bold=True) + click.style(a.text, bold=True)
                   + f"  ({a.label}, confidence {a.confidence:.2f}, passage {a.passage_rank})",
                   color=colour)
    else:
        click.echo(f"No short answer: {result.no_answer_reason}")
    for p in result.passages:
        click.echo()
        click.echo(f"{p.rank}. [{p.score:.2f}] {p.document} / {p.section}, sentence "
                   f"{p.sentence_index + 1}")
        click.echo("   " + render(p.text, p.entities, p.matches, colour), color=colour)


def render(text: str, entities, matches, colour: bool) -> str:
    """The passage with entities and matched terms marked: colours in a terminal, brackets when piped."""
    marks: list[tuple[int, int, str]] = []
    for e in entities:
        marks.append((e.start, 0, click.style("", fg=LABEL_COLOURS.get(e.label, "white"), bold=True,
                                              reset=False) if colour else "["))
        marks.append((e.end, 1, click.style("", reset=True) + click.style(f" {e.label}", dim=True)
                       if colour else f" {e.label}]"))
    for m in matches:
        marks.append((m["start"], 2, "\x1b[4m" if colour else "*"))
        marks.append((m["end"], -1, "\x1b[24m" if colour else "*"))
    out, pos = [], 0
    for at, _, mark in sorted(marks):
        out.append(text[pos:at])
        out.append(mark)
        pos = at
    out.append(text[pos:])
    return "".join(out)


@cli.command()
@corpus_option
def index(corpus: str | None) -> None:
    """Parse the corpus and write the on-disk cache, so that serving starts fast."""
    engine = build_engine(corpus, progress=True)
    click.echo(f"indexed {len(engine.passages)} passages from {len(engine.documents)} document(s) "
               f"with {engine.model}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="gunicorn worker processes (they share the preloaded index).")
@corpus_option
def serve(host: str, port: int, workers: int, corpus: str | None) -> None:
    """Serve the web page and the JSON API with gunicorn."""
    from .server import run

    try:
        run(host=host, port=port, workers=workers, corpus=corpus)
    except QAError as exc:
        raise CLIError(exc) from None
