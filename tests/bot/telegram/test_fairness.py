"""Per-chat fairness: a flood from one chat does not hold back another chat's answer."""

import asyncio

import pytest

from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.fairness import RoundRobinGate
from bot.telegram.services import Services
from tests.bot.fake_bot_api import FakeBotAPI, message, private_chat, running, user

FLOODER = user(8001, name="Flooder")
ASKER = user(8002, name="Asker")
FLOOD = 150


@pytest.fixture
def bot_settings(bot_settings: Settings) -> Settings:
    return bot_settings.model_copy(update={"bot_concurrent_updates": 4})


async def test_a_flood_from_one_chat_does_not_delay_another_chats_answer(
    bot_settings: Settings, services: Services, api: FakeBotAPI
):
    # the whole flood is queued before the bot starts, the other chat's question behind it
    for n in range(FLOOD):
        await api.inject({"message": message(private_chat(FLOODER), FLOODER, f"/subscribe t{n}")})
    question = "Why was the Budapest summit dropped?"
    await api.inject({"message": message(private_chat(ASKER), ASKER, question)})

    async with running(build_application(bot_settings, lambda: services)):
        answer = await api.next_call("sendMessage", chat_id=ASKER["id"], timeout=60)
        before = api.calls[: api.calls.index(answer)]
        flood_before = sum(1 for c in before if c.method == "sendMessage" and c.chat_id == 8001)
        await api.wait_for_count("sendMessage", FLOOD, where=lambda c: c.chat_id == 8001)
        await api.end_polls()

    assert "Budapest" in answer.text
    # arrival order would answer the whole flood first; turns answer the question among the
    # first few: the updates already running, and one turn of the flooder
    assert flood_before < FLOOD // 3, flood_before
    assert len(api.calls_of("sendMessage", FLOODER["id"])) == FLOOD  # nothing of the flood lost


async def test_the_gate_serves_waiting_chats_in_turn_and_each_chat_in_order():
    gate = RoundRobinGate(slots=1)
    served: list[str] = []

    async def work(key: str, n: int) -> None:
        await gate.acquire(key)
        served.append(f"{key}{n}")
        await asyncio.sleep(0)
        gate.release(key)

    await gate.acquire("hold")  # everything below queues
    tasks = [asyncio.create_task(work("a", n)) for n in range(4)]
    tasks += [asyncio.create_task(work("b", n)) for n in range(2)]
    tasks.append(asyncio.create_task(work("c", 0)))
    await asyncio.sleep(0)
    assert gate.waiting() == 7
    gate.release("hold")
    await asyncio.gather(*tasks)
    assert served == ["a0", "b0", "c0", "a1", "b1", "a2", "a3"]
    assert gate.free == 1 and gate.waiting() == 0


async def test_a_cancelled_waiter_gives_up_its_place_and_loses_no_slot():
    gate = RoundRobinGate(slots=1)
    await gate.acquire("a")
    waiter = asyncio.create_task(gate.acquire("b"))
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert gate.waiting() == 0
    gate.release("a")
    assert gate.free == 1


async def test_one_key_holds_at_most_its_share_and_the_rest_goes_to_others():
    gate = RoundRobinGate(slots=4, per_key=2)
    for _ in range(2):
        await gate.acquire("a")
    third = asyncio.create_task(gate.acquire("a"))
    await asyncio.sleep(0)
    assert not third.done() and gate.free == 2  # a's share is used, the slots are not
    await gate.acquire("b")  # another chat gets a free slot at once
    gate.release("a")
    await third  # a's turn again once one of its own finished
    assert gate.free == 1 and gate.waiting() == 0
