"""The alert pacer with a fake clock: Telegram's limits kept, RetryAfter honoured."""

from bot.telegram.alerts.pacing import Limits, Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_fifty_alerts_to_one_group_are_spread_at_twenty_a_minute():
    clock = Clock()
    pacer = Pacer(clock)
    sent_at: list[float] = []
    while len(sent_at) < 50:
        wait = pacer.reserve(-100123)
        if wait:
            clock.now += wait
        else:
            sent_at.append(clock.now)
    for i in range(len(sent_at) - 20):
        assert sent_at[i + 20] - sent_at[i] >= 60  # never 21 within a minute
    assert sent_at[-1] - sent_at[0] == 120  # and no slower than the limit


def test_private_chats_one_a_second_and_the_global_limit():
    clock = Clock()
    pacer = Pacer(clock, Limits(global_per_second=3))
    assert pacer.reserve(1) == 0
    assert pacer.reserve(1) == 1.0
    assert [pacer.reserve(chat) for chat in (2, 3, 4)] == [0, 0, 1.0]


def test_retry_after_blocks_until_its_deadline():
    clock = Clock()
    pacer = Pacer(clock)
    pacer.block(7, 30)
    assert pacer.reserve(7) == 30
    assert pacer.reserve(8) == 0  # other chats go on
    clock.now += 30
    assert pacer.reserve(7) == 0
    pacer.block(None, 5)  # a bot-wide 429
    assert pacer.reserve(9) == 5
