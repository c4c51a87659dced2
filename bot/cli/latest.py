"""`newsbot latest [TOPIC]`: the newest articles, as `/latest` lists them in Telegram."""

import json
import sys
from dataclasses import asdict
from typing import Annotated

import typer

from bot.cli.common import open_root, out, reporting_errors
from index.answers.citing import shown_title
from index.retrieval.latest import newest_found

_SEARCHED = 30


def latest_command(
    topic: Annotated[
        list[str] | None, typer.Argument(help="only articles the search finds on this")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="articles listed")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """The newest articles (title, outlet, date, link); with a TOPIC, those found on it."""
    text = " ".join(" ".join(topic or []).split())
    with reporting_errors(), open_root() as root:
        if text:  # the search needs the model
            articles = newest_found(root.core().ask(text, max(_SEARCHED, limit)), limit)
        else:  # the records alone: no model is loaded
            articles = root.catalog().newest(limit)
    if as_json:
        payload = [
            {k: v for k, v in asdict(a).items() if k not in ("text", "content_hash")}
            for a in articles
        ]
        sys.stdout.write(
            json.dumps({"topic": text or None, "articles": payload}, ensure_ascii=False) + "\n"
        )
        return
    if not articles:
        out.print(f"nothing found on {text!r}" if text else "no articles yet", markup=False)
    for article in articles:
        details = " · ".join(
            part
            for part in (article.outlet or article.source, article.published, article.url)
            if part
        )
        out.print(f"• {shown_title(article)}", highlight=False, markup=False)
        out.print(f"  {details}", highlight=False, markup=False, style="dim")
