"""`newsbot subscriptions ...`: see and manage subscriptions without Telegram."""

import json
import sys
from dataclasses import asdict
from typing import Annotated

import typer

from bot.cli.common import open_root, out, reporting_errors

subscriptions_app = typer.Typer(
    no_args_is_help=True, help="Topics chats follow, and the alerts sent for them."
)


@subscriptions_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Every subscription (id, chat, topic, language, paused) and alert counts by status."""
    with reporting_errors(), open_root() as root:
        subscriptions = root.catalog().subscriptions
        found, counts = subscriptions.all(), subscriptions.counts()
    if as_json:
        payload = {"subscriptions": [asdict(s) for s in found], "alerts": counts}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    if not found:
        out.print("no subscriptions yet (`/subscribe topic` in Telegram)")
    for sub in found:
        topic = sub.topic or "(every new article)"
        paused = f"  [paused: {sub.paused_reason}]" if sub.paused_reason else ""
        line = f"#{sub.id} chat {sub.chat_id} [{sub.lang}] {topic}{paused}"
        out.print(line, highlight=False, markup=False)
    alerts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
    out.print(f"alerts: {alerts}", markup=False)


@subscriptions_app.command("add")
def add_command(
    chat_id: Annotated[int, typer.Argument(help="the Telegram chat id to alert")],
    topic: Annotated[str | None, typer.Argument(help="omit for every new article")] = None,
    lang: Annotated[str, typer.Option(help="language of the bot's words in alerts")] = "en",
) -> None:
    """Subscribe a chat, as an operator (also while the bot runs: records only)."""
    with reporting_errors(), open_root() as root:
        made = root.catalog().subscriptions.add(chat_id, topic, lang)
    line = f"subscription #{made.id}: chat {made.chat_id} {made.topic or '(everything)'}"
    out.print(line, highlight=False, markup=False)


@subscriptions_app.command("remove")
def remove_command(
    subscription_id: Annotated[int, typer.Argument(help="the id `subscriptions list` shows")],
) -> None:
    """Delete a subscription."""
    with reporting_errors(), open_root() as root:
        gone = root.catalog().subscriptions.remove(subscription_id)
    out.print(f"removed subscription #{gone.id} of chat {gone.chat_id}")
