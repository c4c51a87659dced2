"""`newsbot run` with the fast deterministic embedder, for tests that kill the bot process.

Everything else is the real thing: settings from the environment, `bot.telegram.app.main`, long
polling, the alert job. Only the embedder differs; a test that needs the configured model
runs `python -m bot.cli.main run` instead.
"""

from bot.root import Root
from bot.settings import Settings
from bot.telegram import app
from tests.fakes import HashingEmbedder

if __name__ == "__main__":
    settings = Settings()
    app.main(settings, lambda: Root(settings).bot_services(embedder=HashingEmbedder(budget=60)))
