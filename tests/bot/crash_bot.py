"""`newsbot run` with the fast deterministic embedder, for tests that kill the bot process.

Everything else is the real thing: settings from the environment, `bot.app.main`, long
polling, the alert job. Only the embedder differs; a test that needs the configured model
runs `python -m bot.cli run` instead.
"""

from bot import app
from bot.services import Services
from bot.settings import Settings
from tests.fakes import HashingEmbedder

if __name__ == "__main__":
    settings = Settings()
    app.main(settings, lambda: Services.open(settings, embedder=HashingEmbedder(budget=60)))
