"""`newsbot sources ...`, `newsbot reindex` and `newsbot check`: following the news."""

import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import err, open_root, out, print_report, progress_bar, reporting_errors
from index.errors import InputError
from index.sources.registry import Source

if TYPE_CHECKING:
    from bot.root import Root
    from index.news_index import NewsIndex
    from index.store.consistency import ConsistencyReport

sources_app = typer.Typer(
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Feeds, web pages and local folders that newsbot follows.",
)


@sources_app.command("add")
def add_command(
    location: Annotated[str, typer.Argument(help="an RSS/Atom feed URL, a page URL or a path")],
    name: Annotated[str | None, typer.Option(help="how answers name it")] = None,
    fetch: Annotated[bool, typer.Option(help="fetch and index it right away")] = True,
) -> None:
    """Follow a source; its kind (feed, page, path) is found by reading it once."""
    with reporting_errors(), open_root() as root:
        news = root.core(lock=True)
        source = news.add_source(location, name)
        out.print(
            f"added source #{source.id}: {source.kind} {source.name}", highlight=False, markup=False
        )
        if fetch:
            with progress_bar(None, "fetching") as advance:
                report = news.refresh(source.id, advance)
            print_report(report)
            if report.failed:  # the source is added; what failed is listed above
                raise typer.Exit(1)


@sources_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON array")] = False,
) -> None:
    """Every source: id, kind, name, last fetch, last error, article count."""
    with reporting_errors(), open_root() as root:
        sources = root.catalog().sources.all()
    if as_json:
        sys.stdout.write(json.dumps([asdict(s) for s in sources], ensure_ascii=False) + "\n")
        return
    if not sources:
        out.print("no sources yet: `newsbot sources add URL_OR_PATH`")
    for source in sources:
        out.print(describe(source), highlight=False, markup=False)


def describe(source: Source) -> str:
    fetched = source.last_fetch_at or "never fetched"
    line = (
        f"#{source.id} {source.kind:4} {source.name} — {source.location}\n"
        f"    {source.articles} articles; last fetch {fetched}"
    )
    if source.last_error:
        line += f"\n    last error: {source.last_error}"
    return line


@sources_app.command("remove")
def remove_command(
    source_id: Annotated[int, typer.Argument(help="the id `sources list` shows")],
    purge: Annotated[bool, typer.Option(help="also delete its articles from the index")] = False,
) -> None:
    """Stop following a source; its articles stay searchable unless --purge."""
    with reporting_errors(), open_root() as root:
        source, deleted = root.core(lock=True).remove_source(source_id, purge)
    kept = f"{deleted} articles deleted" if purge else "its articles stay searchable"
    out.print(f"removed source #{source.id} {source.name}; {kept}", highlight=False, markup=False)


def reindex_command(
    source: Annotated[int | None, typer.Option("--source", help="only this source id")] = None,
    full: Annotated[
        bool, typer.Option("--full", help="also rebuild every vector (e.g. after a model change)")
    ] = False,
) -> None:
    """Fetch sources, index what is new or changed, finish any interrupted run.

    With --full, a vector store that cannot be opened is moved aside and rebuilt."""
    with reporting_errors(), open_root() as root:
        news = root.core(lock=True, recover_store=full)
        said_moved(news)
        with progress_bar(None, "fetching") as advance:
            report = news.refresh(source, advance)
        print_report(report)
        with progress_bar(root.catalog().count(), "rebuilding" if full else "embedding") as advance:
            embedded = news.rebuild(advance) if full else news.embed_missing(advance)
        if full or embedded.changed:
            out.print(f"{'rebuilt' if full else 'finished'}: {embedded.summary()}", markup=False)
        if report.failed:
            raise typer.Exit(1)


def check_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="report only, repair nothing")] = False,
    rebuild: Annotated[
        bool,
        typer.Option("--rebuild", help="rebuild every vector from the article database first"),
    ] = False,
) -> None:
    """Verify that the article database and the vector store agree; repair drift.

    With --rebuild, every vector is made anew from the article database (a damaged vector
    store is moved aside first)."""
    with reporting_errors():
        if rebuild and dry_run:
            raise InputError("--rebuild writes; it cannot be a --dry-run")
        with open_root() as root:
            report = _dry_check(root) if dry_run else _check(root, rebuild)
    out.print(report.summary(), markup=False)
    if not report.consistent and not report.repaired:
        err.print("run `newsbot check` without --dry-run to repair it")
        raise typer.Exit(1)


def _dry_check(root: "Root") -> "ConsistencyReport":
    """Compare without the model: the records and the collection the last writer used."""
    from index.store.consistency import ConsistencyReport

    store = root.vectors()
    if store is None:  # nothing was ever embedded: nothing can disagree yet
        return ConsistencyReport(articles=root.catalog().count())
    return root.catalog().check(store)


def _check(root: "Root", rebuild: bool) -> "ConsistencyReport":
    news = root.core(lock=True, recover_store=rebuild)
    said_moved(news)
    if rebuild:
        with progress_bar(root.catalog().count(), "rebuilding") as advance:
            rebuilt = news.rebuild(advance)
        out.print(f"rebuilt: {rebuilt.summary()}", markup=False)
    return news.check(repair=True)


def said_moved(news: "NewsIndex") -> None:
    if news.store_moved_aside is not None:
        err.print(
            f"the vector store could not be opened: moved it to {news.store_moved_aside}; "
            "building it anew from the article database",
            highlight=False,
            markup=False,
        )
