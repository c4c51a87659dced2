"""The `newsbot` command line: every capability of the bot, without Telegram."""

import json
import os
import sys
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import (
    StepReporter,
    err,
    open_root,
    out,
    print_report,
    progress_bar,
    reporting_errors,
    settings,
)
from bot.logs import configure_logging
from bot.user_input import undecodable
from index import progress
from index.errors import InputError, SettingsError

if TYPE_CHECKING:
    from index.catalog import IndexStats

app = typer.Typer(
    name="newsbot",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Click's plain help: typer's rich panels print every flag as `--help <bool>`.
    rich_markup_mode=None,
    help="Answer questions about the news in any language, from the articles you index.",
)


def _print_version(asked: bool) -> None:
    if asked:
        out.print(f"newsbot {version('newsbot')}", highlight=False, markup=False)
        raise typer.Exit()


@app.callback()
def _configure(
    _version: Annotated[
        bool,
        typer.Option(
            "--version", help="print the version and exit", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    progress.install(StepReporter(err))


@app.command()
def index(
    paths: Annotated[list[Path], typer.Argument(help="files or folders of .txt, .md, .html")],
) -> None:
    """Index local articles; unchanged ones are skipped, changed ones replaced."""
    from index.sources.local_files import expand_paths

    with reporting_errors(), open_root() as root:
        total = len(expand_paths(paths))
        news = root.core(lock=True)
        with progress_bar(total) as advance:
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
    """Print the passages that best answer QUESTION, with their sources.

    With NEWSBOT_LLM_URL set, a short written answer citing them comes first."""
    from bot.cli.answer_text import (
        answer_json,
        answer_markup,
        blocks_json,
        with_best_sentences,
        written_json,
    )

    with reporting_errors():
        if undecodable(question):
            raise InputError(
                "the question is not valid UTF-8 text: check your terminal's encoding (locale)"
            )
        with open_root() as root:
            news = root.core()
            answer = news.ask(question, k, sentences=False)
            pages = news.answer_pages(answer, max(1, len(answer.hits)))
            blocks = pages.all_blocks()
            answer = with_best_sentences(answer, blocks)
            written = news.write_answer(answer)
            writing = news.writes_answers
    if as_json:  # its citations name passages: `hits` in order
        shape = answer_json(answer) | blocks_json(blocks)
        shape |= written_json(answer, written) if writing else {}
        sys.stdout.write(json.dumps(shape, ensure_ascii=False) + "\n")
    else:
        shown = pages.renumbered(written) if written else None
        out.print(answer_markup(answer, blocks, shown), highlight=False)


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """What the index holds: articles, passages, languages, sources, model.

    Read from the article database alone: the model is the one the last indexing used. A vector
    store that lost what the records name (or cannot be read) is said last, exit status 1."""
    with reporting_errors(), open_root() as root:
        catalog = root.catalog()
        facts = catalog.stats()
        problem = catalog.vectors_problem(facts)
    if as_json:
        sys.stdout.write(json.dumps(facts.__dict__, ensure_ascii=False) + "\n")
    else:
        _print_stats(facts)
    if problem is not None:  # the records are shown; the vectors need the fix named
        with reporting_errors():
            raise problem


def _print_stats(facts: "IndexStats") -> None:
    from index.answers.citing import source_label

    out.print(f"articles:  {facts.articles} ({facts.embedded_articles} embedded with the model)")
    out.print(f"passages:  {facts.passages}")
    out.print(f"languages: {_counts(facts.languages)}", markup=False)
    named: dict[str, int] = {}
    for name, count in facts.sources.items():  # a local file by its name, never its path
        named[source_label(name)] = named.get(source_label(name), 0) + count
    out.print(f"sources:   {_counts(named)}", highlight=False, markup=False)
    # Each on one line, unwrapped: a model's name is never cut mid-parenthesis.
    out.print(f"model:     {facts.model}", highlight=False, markup=False, soft_wrap=True)
    out.print(f"vectors:   {facts.collection}", highlight=False, markup=False, soft_wrap=True)
    if facts.embedded_articles < facts.articles:
        out.print(
            "[yellow]Some articles are not embedded with the model: run `newsbot reindex`.[/yellow]"
        )


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items()) or "none"


@app.command()
def run() -> None:
    """Start the Telegram bot: long polling, or a webhook server if NEWSBOT_WEBHOOK_URL is set."""
    from bot.telegram import app as bot_app  # the Telegram stack is only needed here

    with reporting_errors():
        bot_app.main(settings())


@app.command()
def worker() -> None:
    """Index the sources as they come due, without Telegram: run several of them (and the bot)
    against one Chroma server (NEWSBOT_CHROMA_URL); each source is fetched once per period."""
    from bot.polling import run_worker

    with reporting_errors():
        chosen = settings()
        if chosen.poll_minutes <= 0:
            raise SettingsError("NEWSBOT_POLL_MINUTES is 0: a worker would never fetch anything")
        configure_logging(chosen.log_level)
        run_worker(chosen)


def main() -> None:
    configure_logging("WARNING")  # once, here: `newsbot run` sets its own level and format
    app()


def _register_commands() -> None:
    from bot.cli.data import backup_command, restore_command
    from bot.cli.db import db_app
    from bot.cli.evaluation import eval_command
    from bot.cli.feedback import feedback_app
    from bot.cli.latest import latest_command
    from bot.cli.sources import check_command, reindex_command, sources_app
    from bot.cli.subscriptions import subscriptions_app

    app.command("eval")(eval_command)
    app.command("latest")(latest_command)
    app.command("reindex")(reindex_command)
    app.command("check")(check_command)
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    app.add_typer(sources_app, name="sources")
    app.add_typer(subscriptions_app, name="subscriptions")
    app.add_typer(feedback_app, name="feedback")
    app.add_typer(db_app, name="db")


_register_commands()


if __name__ == "__main__":
    main()
