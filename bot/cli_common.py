"""What every `newsbot` command shares: consoles, settings, errors, the progress bar.

Kept apart from `bot/cli.py` so command modules can import it without importing the app.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.settings import Settings, SettingsError
from index.errors import NewsbotError
from index.indexer import IndexReport, ProgressCallback
from index.indexer import Progress as IndexProgress

out = Console()
err = Console(stderr=True)


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
