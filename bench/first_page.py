"""Time to the first page of an answer, through the real bot: python-telegram-bot, handlers,
model, Chroma, against the fake Bot API server of the tests (127.0.0.1), on the seed index.

A question's time runs from the moment its update is offered to getUpdates to the moment its
answer reaches sendMessage. Warm: the model is loaded and a first question has been asked;
every timed question is new to the answer cache (each carries its asker's number), so it is
searched and its first page built. Then the same questions asked again (from the cache), the
second page ("More ›", built when opened), inline queries and `/latest TOPIC` (each new:
searched like a question), and 20 questions at once.

    python -m bench.first_page [--rounds 30] [--concurrent 20]
"""

import argparse
import asyncio
import statistics
import time

from bench.bot_concurrency import seed_bot
from tests.bot.fake_bot_api import (
    FakeBotAPI,
    callback_query,
    inline_query,
    message,
    private_chat,
    user,
)

QUESTIONS = [
    "Why was the Budapest summit dropped?",
    "Will Ukraine receive Tomahawk cruise missiles?",
    "What territory does Russia demand in Donbas?",
    "When did Rubio and Lavrov speak by phone?",
    "क्या क्रेमलिन ने शिखर सम्मेलन की कोई तारीख तय की थी?",
    "Tổng thống Zelensky muốn gì từ Washington?",
]


async def first_page(api: FakeBotAPI, person: dict, question: str) -> tuple[float, dict]:
    started = time.perf_counter()
    await api.inject({"message": message(private_chat(person), person, question)})
    call = await api.next_call("sendMessage", chat_id=person["id"], timeout=600)
    return (time.perf_counter() - started) * 1000, call.params


async def next_page(api: FakeBotAPI, person: dict, params: dict) -> float | None:
    rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    data = [
        b["callback_data"] for row in rows for b in row if b["callback_data"].startswith("more:")
    ]
    if not data:
        return None
    chat = person["id"]
    bot_message = api.sent[(chat, max(m for c, m in api.sent if c == chat))]
    started = time.perf_counter()
    await api.inject({"callback_query": callback_query(person, bot_message, data[-1])})
    await api.next_call("editMessageText", chat_id=chat, timeout=600)
    return (time.perf_counter() - started) * 1000


async def inline(api: FakeBotAPI, person: dict, query: str) -> float:
    started = time.perf_counter()
    sent = await api.inject({"inline_query": inline_query(person, query)})
    query_id = sent["inline_query"]["id"]
    await api.next_call(
        "answerInlineQuery", where=lambda c: str(c.params["inline_query_id"]) == query_id,
        timeout=600,
    )  # fmt: skip
    return (time.perf_counter() - started) * 1000


async def latest(api: FakeBotAPI, person: dict, topic: str) -> float:
    started = time.perf_counter()
    await api.inject({"message": message(private_chat(person), person, f"/latest {topic}")})
    await api.next_call("sendMessage", chat_id=person["id"], timeout=600)
    return (time.perf_counter() - started) * 1000


def line(label: str, times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    p50 = statistics.median(times)
    return f"{label:>22}: p50 {p50:6.0f} ms   p95 {p95:6.0f} ms   (n={len(times)})"


async def main_async(rounds: int, concurrent: int) -> None:
    async with seed_bot() as (api, _):
        await first_page(api, user(1), "warm-up question about the summit")
        asked = [(user(100 + i), f"{QUESTIONS[i % len(QUESTIONS)]} ({i})") for i in range(rounds)]
        fresh, cached, second = [], [], []
        for person, question in asked:
            ms, params = await first_page(api, person, question)
            fresh.append(ms)
            more = await next_page(api, person, params)
            if more is not None:
                second.append(more)
        for person, question in asked:
            cached.append((await first_page(api, person, question))[0])
        print(line("first page, new", fresh))
        print(line("first page, repeated", cached))
        if second:
            print(line("second page (More ›)", second))
        topics = [
            (user(5_000 + i), f"{QUESTIONS[i % len(QUESTIONS)]} {{{i}}}") for i in range(rounds)
        ]
        print(line("inline query, new", [await inline(api, p, q) for p, q in topics]))
        print(line("/latest topic, new", [await latest(api, p, f"{q}.") for p, q in topics]))
        people = [user(10_000 + i) for i in range(concurrent)]
        started = time.perf_counter()
        await asyncio.gather(
            *(
                first_page(api, p, f"{QUESTIONS[i % len(QUESTIONS)]} [{i}]")
                for i, p in enumerate(people)
            )
        )
        total = time.perf_counter() - started
        print(f"{concurrent:>3} new questions at once: all first pages in {total:5.2f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--concurrent", type=int, default=20)
    args = parser.parse_args(argv)
    asyncio.run(main_async(args.rounds, args.concurrent))


if __name__ == "__main__":
    main()
