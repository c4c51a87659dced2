"""Fetching sources, once per period across every process that polls: bot workers and
`newsbot worker` indexers alike.

Each source is its own job in the records (`source:<id>` in `JobPeriods`): a process that
ticks claims the sources that are due, one claim each, and fetches and indexes only those.
M processes share the sources between them, a stopped one leaves its sources to the next tick
of another, and no source is fetched twice in one period. Articles a crash left saved but not
embedded are finished by the `embed-missing` job, claimed the same way.

`newsbot worker` (`run_worker`) is such a process without Telegram: with a Chroma server
(NEWSBOT_CHROMA_URL), any number of them index at once; with the embedded store, the data
dir's one-writer lock lets one run.
"""

import logging
import os
import signal
import socket
import threading
import uuid
from dataclasses import dataclass, field
from types import FrameType
from typing import TYPE_CHECKING

from bot.root import Root
from bot.settings import Settings
from bot.telegram.chat_prefs import ChatPrefs
from bot.telegram.shared_records import JobPeriods
from index.news_index import NewsIndex
from index.store.indexer import IndexReport

if TYPE_CHECKING:
    from index.embedding.embedder import Embedder

log = logging.getLogger(__name__)

EMBED_MISSING = "embed-missing"
TICK_SECONDS = 60.0  # how often a process asks which sources are due


def worker_name() -> str:
    """Who claimed a job, for logs and `job_periods`: host, process id and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def source_job(source_id: int) -> str:
    return f"source:{source_id}"


@dataclass
class PollRound:
    """What one tick of one process did."""

    reports: dict[str, IndexReport] = field(default_factory=dict)  # by source name
    failed: dict[str, str] = field(default_factory=dict)  # source name -> the error

    def summary(self) -> str:
        done = "; ".join(f"{name}: {r.summary()}" for name, r in self.reports.items())
        return done or "nothing was due"


def poll_due(news: NewsIndex, periods: JobPeriods, worker: str, period: float) -> PollRound:
    """Fetch and index each source that is due and that this process claims first, then
    finish what an earlier crash left unembedded (also once per period). Slow: call it off
    the event loop."""
    polled = PollRound()
    for source in news.catalog.sources.all():
        if not periods.claim(source_job(source.id), worker, period):
            continue  # not due, or another process took it
        try:
            polled.reports[source.name] = news.refresh(source.id)
        except Exception as exc:  # one broken source must not stop the others
            log.exception("polling source %s failed; its next period retries", source.name)
            polled.failed[source.name] = str(exc)[:200]
    if periods.claim(EMBED_MISSING, worker, period):
        news.embed_missing()
    return polled


def run_worker(
    settings: Settings,
    embedder: "Embedder | None" = None,
    stop: threading.Event | None = None,
) -> None:
    """`newsbot worker`: poll the due sources every tick until SIGINT or SIGTERM (or `stop`).

    `embedder` replaces the configured model (tests); the core is built by the root, with the
    lock."""
    stop = stop or threading.Event()
    period = settings.poll_minutes * 60
    tick = min(period, TICK_SECONDS)

    def stopping(signum: int, frame: FrameType | None) -> None:
        log.info("stopping after the current source (signal %s)", signum)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, stopping)
        signal.signal(signal.SIGTERM, stopping)
    root = Root(settings)  # the composition root builds the core (with the lock)
    try:
        news = root.core(lock=True, embedder=embedder)
    except BaseException:
        root.close()
        raise
    prefs: ChatPrefs | None = None
    try:
        prefs = root.chat_prefs()
        periods = JobPeriods(prefs)
        name = worker_name()
        news.match_pending()  # articles a crash left between embedding and their alerts
        log.info("newsbot worker %s is up: sources polled every %g min", name, period / 60)
        while not stop.is_set():
            polled = poll_due(news, periods, name, period)
            if polled.reports or polled.failed:
                log.info("polled sources: %s", polled.summary())
            stop.wait(tick)
    finally:
        if prefs is not None:
            prefs.close()
        root.close()  # closes the core it built
