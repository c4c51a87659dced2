"""The `newsbot` command line: every capability of the bot, without Telegram."""

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.answer_text import answer_json, answer_markup
from bot.settings import Settings, SettingsError
from index.errors import NewsbotError
from index.indexer import IndexReport, ProgressCallback
from index.indexer import Progress as IndexProgress
from index.local_files import expand_paths
from index.news_index import NewsIndex

app = typer.Typer(
    name="newsbot",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Answer questions about the news in any language, from the articles you index.",
)
out = Console()
err = Console(stderr=True)


@app.callback()
def _configure() -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    logging.basicConfig(
        level=logging.WARNING, format="newsbot: %(levelname)s %(message)s", stream=sys.stderr
    )


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn a NewsbotError into one clear line on stderr and exit status 1."""
    try:
        yield
    except NewsbotError as exc:
        err.print(f"[red]newsbot: error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None


def settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        raise SettingsError(f"bad settings: {problems}") from None


@app.command()
def index(
    paths: Annotated[list[Path], typer.Argument(help="files or folders of .txt, .md, .html")],
) -> None:
    """Index local articles; unchanged ones are skipped, changed ones replaced."""
    with reporting_errors():
        total = len(expand_paths(paths))
        with NewsIndex.open(settings(), writer=True) as news, progress_bar(total) as advance:
            report = news.index_paths(paths, advance)
        print_report(report)
        if report.failed:
            raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="in any language")],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
    k: Annotated[int | None, typer.Option("--k", min=1, max=50, help="how many passages")] = None,
) -> None:
    """Print the passages that best answer QUESTION, with their sources."""
    with reporting_errors(), NewsIndex.open(settings()) as news:
        answer = news.ask(question, k)
    if as_json:
        sys.stdout.write(json.dumps(answer_json(answer), ensure_ascii=False) + "\n")
    else:
        out.print(answer_markup(answer), highlight=False)


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """What the index holds: articles, passages, languages, sources, model."""
    with reporting_errors(), NewsIndex.open(settings()) as news:
        facts = news.stats()
    if as_json:
        sys.stdout.write(json.dumps(facts.__dict__, ensure_ascii=False) + "\n")
        return
    out.print(f"articles:  {facts.articles} ({facts.embedded_articles} embedded with this model)")
    out.print(f"passages:  {facts.passages}")
    out.print(f"languages: {_counts(facts.languages)}")
    out.print(f"sources:   {_counts(facts.sources)}", highlight=False)
    out.print(f"model:     {facts.model} (collection {facts.collection})", highlight=False)
    if facts.embedded_articles < facts.articles:
        out.print(
            "[yellow]Some articles are not embedded with this model: "
            "run `newsbot reindex`.[/yellow]"
        )


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items()) or "none"


@contextmanager
def progress_bar(total: int | None, description: str = "indexing") -> Iterator[ProgressCallback]:
    """A rich progress bar on stderr: documents done, passages embedded, ETA."""
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[passages]} passages"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(description, total=total, passages=0)

        def advance(event: IndexProgress) -> None:
            bar.update(
                task,
                completed=event.documents,
                passages=event.passages,
                total=event.total if event.total is not None else total,
            )

        yield advance


def print_report(report: IndexReport) -> None:
    for failure in report.failures:
        err.print(f"[red]failed:[/red] {failure.reason}", highlight=False)
    out.print(report.summary())


@app.command()
def run() -> None:
    """Start the Telegram bot: long polling, or a webhook server if NEWSBOT_WEBHOOK_URL is set."""
    from bot import app as bot_app  # the Telegram stack is only needed here

    with reporting_errors():
        bot_app.main(settings())


def main() -> None:
    app()


def _register_commands() -> None:
    from bot.cli_eval import eval_command
    from bot.cli_sources import check_command, reindex_command, sources_app

    app.command("eval")(eval_command)
    app.command("reindex")(reindex_command)
    app.command("check")(check_command)
    app.add_typer(sources_app, name="sources")


_register_commands()


if __name__ == "__main__":
    main()
