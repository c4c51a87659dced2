"""`newsbot feedback export`: readers' 👍/👎 votes as JSON lines, an evaluation set to grow."""

import json
import sys

import typer

from bot.cli.common import open_root, reporting_errors
from index.store.feedback import FILE_NAME

feedback_app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True, help="Readers' votes on the bot's answers."
)


@feedback_app.command("export")
def export_command() -> None:
    """Every vote, oldest first, one JSON object a line: question, lang, what was shown
    (articles and passages), vote (+1/-1), time. No user ids are stored."""
    with reporting_errors(), open_root() as root:
        if not (root.settings.data_dir / FILE_NAME).exists():
            return  # no vote yet: an empty set, not an error
        for vote in root.feedback().votes():
            sys.stdout.write(json.dumps(vote.__dict__, ensure_ascii=False) + "\n")
