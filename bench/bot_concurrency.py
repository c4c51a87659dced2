"""20 questions at once through the real bot: python-telegram-bot, handlers, model, Chroma.

The bot runs against the fake Bot API server of the tests (tests/bot/fake_bot_api.py, on
127.0.0.1), indexed with the seed articles and the configured model. Each question is a
private message from a different user; its latency is from the moment the update is offered
to getUpdates to the moment the answer reaches sendMessage. The same questions are then
asked one at a time for comparison.

    python -m bench.bot_concurrency [--questions 20]
"""

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from pydantic import SecretStr

from bot.root import Root
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.services import Services
from tests.bot.fake_bot_api import TOKEN, FakeBotAPI, message, private_chat, running, user

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
QUESTIONS = [
    "Why was the Budapest summit dropped?",
    "Will Ukraine receive Tomahawk missiles?",
    "What did Rubio and Lavrov discuss?",
    "What is the price of gold today?",
    "Where would Trump and Putin have met?",
]


async def ask_all(api: FakeBotAPI, people: list[dict], at_once: bool) -> list[float]:
    """Latencies in ms; at once: all updates offered together, else one after another."""

    async def one(person: dict, question: str) -> float:
        started = time.perf_counter()
        await api.inject({"message": message(private_chat(person), person, question)})
        await api.next_call("sendMessage", chat_id=person["id"], timeout=600)
        return (time.perf_counter() - started) * 1000

    asks = [(p, f"{QUESTIONS[i % len(QUESTIONS)]} ({p['id']})") for i, p in enumerate(people)]
    if at_once:
        return list(await asyncio.gather(*(one(p, q) for p, q in asks)))
    return [await one(p, q) for p, q in asks]


@contextlib.asynccontextmanager
async def seed_bot() -> AsyncIterator[tuple[FakeBotAPI, Services]]:
    """The real bot, polling the fake Bot API, over a temporary index of the seed articles
    with the configured model; what it prints first names the machine and the model."""
    api = FakeBotAPI()
    await api.start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            telegram_token=SecretStr(TOKEN),
            telegram_api_url=api.base_url,
            poll_minutes=0,
        )
        services = Root(settings).bot_services()
        try:
            services.news.index_paths([SEEDS])
            facts = services.news.stats()
            print(
                f"cpus: {os.cpu_count()}  model: {facts.model}  articles: {facts.articles}  "
                f"concurrent updates: {settings.bot_concurrent_updates}  "
                f"load: {os.getloadavg()[0]:.1f}"
            )
            async with running(build_application(settings, lambda: services)):
                yield api, services
                await api.end_polls()
        finally:
            services.close()
    await api.stop()


async def main_async(count: int) -> None:
    async with seed_bot() as (api, _):
        await ask_all(api, [user(999)], at_once=False)  # warm up
        print(f"questions: {count}")
        for at_once, label in ((True, "at once"), (False, "one by one")):
            people = [user(10_000 * (1 + at_once) + i) for i in range(count)]
            started = time.perf_counter()
            times = sorted(await ask_all(api, people, at_once))
            total = time.perf_counter() - started
            p95 = times[int(0.95 * (len(times) - 1))]
            print(
                f"{label:>10}: p50 {statistics.median(times):7.0f} ms   p95 {p95:7.0f} ms"
                f"   all answered in {total:5.1f} s"
            )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args(argv)
    asyncio.run(main_async(args.questions))


if __name__ == "__main__":
    main()
