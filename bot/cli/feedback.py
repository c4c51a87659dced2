"""`newsbot feedback export`: readers' 👍/👎 votes as JSON lines, an evaluation set to grow."""

import json
import sys

import typer

from bot.cli.common import reporting_errors, settings
from index.store.feedback import FILE_NAME, FeedbackStore

feedback_app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True, help="Readers' votes on the bot's answers."
)


@feedback_app.command("export")
def export_command() -> None:
    """Every vote, oldest first, one JSON object a line: question, lang, what was shown
    (articles and passages), vote (+1/-1), time. No user ids are stored."""
    with reporting_errors():
        current = settings()
        path = current.data_dir / FILE_NAME
        if not current.database_url and not path.exists():
            return  # no vote yet: an empty set, not an error
        for vote in FeedbackStore(path, current.database_url).votes():
            sys.stdout.write(json.dumps(vote.__dict__, ensure_ascii=False) + "\n")
