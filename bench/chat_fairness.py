"""One chat's flood against another chat's question, through the real bot.

    python -m bench.chat_fairness [--flood 1000]

The bot (python-telegram-bot, handlers, the configured model, Chroma over the seeds) polls the
fake Bot API of the tests. One user sends `--flood` /subscribe at once; right behind them a
second user asks a question. Printed: how long the question waited for its answer, how many
of the flood's replies went out before it, and when the flood was done; then the same
question alone, for comparison. Issue 21 measured 32 s behind 1,000 /subscribe.

To measure the code before per-chat fairness, run this file with the older tree first on
`sys.path` (it only needs bench/bot_concurrency.py's seed_bot and tests/bot/fake_bot_api.py).
"""

import argparse
import asyncio
import os
import time

from bench.bot_concurrency import seed_bot
from tests.bot.fake_bot_api import FakeBotAPI, message, private_chat, user

QUESTION = "Why was the Budapest summit dropped?"


async def ask(api: FakeBotAPI, person: dict) -> float:
    started = time.perf_counter()
    await api.inject({"message": message(private_chat(person), person, QUESTION)})
    await api.next_call("sendMessage", chat_id=person["id"], timeout=600)
    return time.perf_counter() - started


async def main_async(flood: int) -> None:
    async with seed_bot() as (api, _):
        await ask(api, user(999))  # warm up
        alone = await ask(api, user(998))
        flooder, asker = user(20_001), user(20_002)
        started = time.perf_counter()
        for n in range(flood):
            await api.inject(
                {"message": message(private_chat(flooder), flooder, f"/subscribe topic {n}")}
            )
        asked_id = 0

        async def ask_tracked() -> float:
            nonlocal asked_id
            started = time.perf_counter()
            update = await api.inject({"message": message(private_chat(asker), asker, QUESTION)})
            asked_id = update["update_id"]
            await api.next_call("sendMessage", chat_id=asker["id"], timeout=600)
            return time.perf_counter() - started

        waited = await ask_tracked()
        answer = next(
            c for c in api.calls if c.method == "sendMessage" and c.chat_id == asker["id"]
        )
        before = api.calls[: api.calls.index(answer)]
        flood_before = sum(
            1 for c in before if c.method == "sendMessage" and c.chat_id == flooder["id"]
        )
        delivery = max(
            i
            for i, c in enumerate(api.calls)
            if c.method == "getUpdates" and int(c.params.get("offset") or 0) <= asked_id
        )
        before_delivery = sum(
            1
            for c in api.calls[:delivery]
            if c.method == "sendMessage" and c.chat_id == flooder["id"]
        )
        await api.wait_for_count(
            "sendMessage", flood, where=lambda c: c.chat_id == flooder["id"], timeout=600
        )
        flood_done = time.perf_counter() - started
        print(f"load after: {os.getloadavg()[0]:.1f}")
        print(f"question alone:                 {alone * 1000:7.0f} ms")
        print(
            f"question behind {flood} /subscribe: {waited * 1000:7.0f} ms "
            f"({flood_before} of the flood's replies went out before it, "
            f"{before_delivery} before the bot received it)"
        )
        print(f"flood of {flood} answered in     {flood_done:7.1f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--flood", type=int, default=1000)
    args = parser.parse_args(argv)
    asyncio.run(main_async(args.flood))


if __name__ == "__main__":
    main()
