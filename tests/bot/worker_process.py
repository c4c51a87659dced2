"""`newsbot worker` with the fast deterministic embedder, for tests that run several of them.

Everything else is the real thing: settings from the environment, `bot.polling.run_worker`,
its signals and its loop. Only the embedder differs (`python -m bot.cli.main worker` loads the
configured model).
"""

from bot.logs import configure_logging
from bot.polling import run_worker
from bot.settings import Settings
from tests.fakes import HashingEmbedder

if __name__ == "__main__":
    settings = Settings()
    configure_logging(settings.log_level)
    run_worker(settings, embedder=HashingEmbedder(budget=60))
