"""What workers of one bot share through the records: each test opens the bot's records twice
(two workers on one data dir, or on one PostgreSQL database) and checks that what one did, the
other sees."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.telegram.alerts.pacing import Limits
from bot.telegram.chat_prefs import ChatPrefs
from bot.telegram.shared_records import AnswerRecords, JobPeriods, RateLimits, SharedPacer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def two(tmp_path: Path, database_url: str | None) -> Iterator[tuple[ChatPrefs, ChatPrefs]]:
    """The same records opened by two workers, on each engine."""
    first = ChatPrefs.in_data_dir(tmp_path, database_url)
    second = ChatPrefs.in_data_dir(tmp_path, database_url)
    yield first, second
    first.close()
    second.close()


def test_a_job_runs_once_per_period_whichever_worker_ticks(two):
    clock = Clock()
    first, second = (JobPeriods(db, clock) for db in two)

    assert first.claim("poll", "a", 900) is True
    assert second.claim("poll", "b", 900) is False  # same period: already polled
    clock.now += 899
    assert first.claim("poll", "a", 900) is False
    clock.now += 1
    assert second.claim("poll", "b", 900) is True  # the next period: whoever comes first
    assert first.claim("poll", "a", 900) is False
    assert first.last("poll") == ("b", 1900.0)


def test_a_stopped_worker_leaves_the_next_period_to_the_others(two):
    clock = Clock()
    first, second = (JobPeriods(db, clock) for db in two)
    assert first.claim("poll", "a", 60)
    # "a" is gone: "b" ticks every 10 s and takes each period once.
    taken = []
    for _ in range(30):
        clock.now += 10
        if second.claim("poll", "b", 60):
            taken.append(clock.now)
    assert taken == [1060.0, 1120.0, 1180.0, 1240.0, 1300.0]


def test_workers_racing_for_one_period_get_it_once(tmp_path: Path, database_url: str | None):
    """Eight workers (threads, each with its own engine, as processes have) tick at once."""
    won: list[str] = []
    start = threading.Barrier(8)

    def tick(name: str) -> None:
        prefs = ChatPrefs.in_data_dir(tmp_path, database_url)
        try:
            start.wait()
            if JobPeriods(prefs).claim("poll", name, 3600):
                won.append(name)
        finally:
            prefs.close()

    threads = [threading.Thread(target=tick, args=(f"w{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1


def test_two_workers_pacing_one_token_keep_telegrams_limits_together(two):
    clock = Clock()
    first, second = (SharedPacer(db, clock, Limits(global_per_second=3)) for db in two)

    assert first.reserve(1) == 0
    assert second.reserve(1) == 1.0  # one a second to a private chat, whoever sends
    assert [second.reserve(2), first.reserve(3), second.reserve(4)] == [0, 0, 1.0]  # 3/s in all
    clock.now += 1
    assert second.reserve(4) == 0


def test_fifty_alerts_to_a_group_from_two_workers_go_at_twenty_a_minute(two):
    clock = Clock()
    pacers = [SharedPacer(db, clock) for db in two]
    sent_at: list[float] = []
    turn = 0
    while len(sent_at) < 50:
        wait = pacers[turn % 2].reserve(-100123)
        turn += 1
        if wait:
            clock.now += wait
        else:
            sent_at.append(clock.now)
    for i in range(len(sent_at) - 20):
        assert sent_at[i + 20] - sent_at[i] >= 60  # never 21 within a minute
    assert sent_at[-1] - sent_at[0] == 120


def test_a_retry_after_seen_by_one_worker_holds_the_other(two):
    clock = Clock()
    first, second = (SharedPacer(db, clock) for db in two)
    first.block(None, 5)  # a bot-wide 429
    assert second.reserve(9) == 5
    first.block(7, 30)
    clock.now += 5
    assert second.reserve(7) == 25 and second.reserve(8) == 0


def test_a_rate_limit_counts_a_users_searches_on_every_worker(two):
    clock = Clock()
    first, second = (RateLimits(db, clock) for db in two)
    assert [first.allow("inline:42", 3, 60), second.allow("inline:42", 3, 60)] == [True, True]
    assert first.allow("inline:42", 3, 60) and not second.allow("inline:42", 3, 60)
    assert second.allow("inline:43", 3, 60)  # someone else
    clock.now += 60
    assert second.allow("inline:42", 3, 60)


def test_an_answers_page_and_written_answer_are_seen_by_the_other_worker(two):
    first, second = (AnswerRecords(db, capacity=10) for db in two)
    first.add("a1b2c3d4", "Why was the summit dropped?", "hi")
    second.show("a1b2c3d4", 2)
    first.write("a1b2c3d4", "Talks failed [1].", (1,))

    record = second.get("a1b2c3d4")
    assert record is not None
    assert (record.question, record.lang, record.page) == ("Why was the summit dropped?", "hi", 2)
    assert record.seen == {0, 2}
    assert record.written == ("Talks failed [1].", (1,))
    assert first.get("ffffffff") is None


def test_answer_records_keep_the_newest(two):
    clock = Clock()
    records = AnswerRecords(two[0], capacity=10, clock=clock)
    for n in range(15):
        clock.now += 1
        records.add(f"{n:08x}", f"question {n}", "en")
    assert records.get(f"{4:08x}") is None and records.get(f"{5:08x}") is not None


def test_workers_starting_at_once_on_a_new_database_migrate_it_once(
    tmp_path: Path, database_url: str | None
):
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def open_prefs() -> None:
        start.wait()
        try:
            prefs = ChatPrefs.in_data_dir(tmp_path, database_url)
            prefs.set_language(1, "hi")
            prefs.close()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=open_prefs) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    prefs = ChatPrefs.in_data_dir(tmp_path, database_url)
    assert prefs.language(1) == "hi"
    prefs.close()
