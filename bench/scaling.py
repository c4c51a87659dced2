"""Questions and alerts per second with 1 and 2 bot workers on one machine.

    python -m bench.scaling [--workers 1 2] [--questions 48] [--alerts 400] [--model bundled]

Each worker is a real `newsbot run` process (`--model fake`: the tests' bot process with the
hashing embedder, to measure the bot without the model) on one data dir and one Chroma server
(`chroma run`, started here), talking to its own fake Bot API on 127.0.0.1 (one Telegram
behind them: the messages sent are shared). The bench plays the load balancer: updates go to
the workers in turn.

- questions/s: `--questions` private questions from as many users, all offered at once after
  a warm-up question per worker; from the first offer to the last answer. Each question is
  made distinct (a number appended) so no worker answers from its cache.
- alerts/s: `--alerts` alerts queued for 50 chats before the workers start, pacing off
  (NEWSBOT_ALERT_PACING=false), bursts not folded; from the first alert to the last, and the
  number sent twice (must be 0).

Printed first: CPUs, load average, model.
"""

import argparse
import asyncio
import json
import os
import signal
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from bot.root import open_core
from bot.settings import Settings
from index.models import ExtractedDocument, SourceDocument
from tests.bot.fake_bot_api import TOKEN, FakeBotAPI, message, private_chat, user
from tests.chroma_server import running_chroma_server
from tests.fakes import HashingEmbedder

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
QUESTIONS = REPO.parent / "shared" / "eval" / "seed_questions.jsonl"
CHATS = range(9001, 9051)
ALERT_TITLE = "Scaling story"


def questions(count: int) -> list[str]:
    path = QUESTIONS if QUESTIONS.exists() else Path("/work/shared/eval/seed_questions.jsonl")
    base = [json.loads(line)["question"] for line in path.read_text().splitlines() if line]
    return [f"{base[n % len(base)]} {n}" for n in range(count)]


class Workers:
    """N worker processes, each with its own fake Bot API."""

    def __init__(self, n: int, env: dict[str, str], model: str, logs: Path) -> None:
        self.n, self.env, self.model, self.logs = n, env, model, logs
        self.apis: list[FakeBotAPI] = []
        self.processes: list[asyncio.subprocess.Process] = []

    async def __aenter__(self) -> "Workers":
        sent: dict = {}
        for i in range(self.n):
            api = FakeBotAPI()
            api.sent = sent
            await api.start()
            self.apis.append(api)
            command = ["-m", "bot.cli.main", "run"]
            if self.model == "fake":
                command = ["-m", "tests.bot.crash_bot"]
            with (self.logs / f"worker{i}.log").open("ab") as sink:
                self.processes.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable,
                        *command,
                        cwd=REPO,
                        stdout=sink,
                        stderr=sink,
                        env={**self.env, "NEWSBOT_TELEGRAM_API_URL": api.base_url},
                    )  # fmt: skip
                )
        return self

    async def __aexit__(self, *exc: object) -> None:
        for api in self.apis:
            await api.end_polls()
        for process in self.processes:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
        for process in self.processes:
            await asyncio.wait_for(process.wait(), 120)
        for api in self.apis:
            await api.stop()

    async def ask(self, person: dict, question: str, api: FakeBotAPI) -> None:
        await api.inject({"message": message(private_chat(person), person, question)})
        await api.next_call("sendMessage", chat_id=person["id"], timeout=900)


def alert_count(apis: list[FakeBotAPI]) -> Counter[tuple[int, str]]:
    found: Counter[tuple[int, str]] = Counter()
    for api in apis:
        for call in api.calls_of("sendMessage"):
            if ALERT_TITLE in call.text and call.chat_id is not None:
                found[(call.chat_id, call.text.split(ALERT_TITLE, 1)[1][:6])] += 1
    return found


def settled(data_dir: Path, expected: int) -> bool:
    with sqlite3.connect(data_dir / "newsbot.sqlite3") as conn:
        rows = dict(conn.execute("SELECT status, COUNT(*) FROM alerts GROUP BY status").fetchall())
    return sum(rows.values()) == expected and not {"queued", "sending"} & set(rows)


async def measure_questions(n: int, env: dict[str, str], model: str, count: int, logs: Path):
    async with Workers(n, env, model, logs) as workers:
        await asyncio.gather(
            *(
                workers.ask(user(500 + i), "Budapest summit", api)
                for i, api in enumerate(workers.apis)
            )
        )  # warm up: every worker up and its model loaded
        asked = questions(count)
        started = time.perf_counter()
        await asyncio.gather(
            *(workers.ask(user(1000 + i), q, workers.apis[i % n]) for i, q in enumerate(asked))
        )
        return count / (time.perf_counter() - started)


async def measure_alerts(
    n: int, env: dict[str, str], model: str, data_dir: Path, count: int, logs: Path
):
    env = {**env, "NEWSBOT_ALERT_PACING": "false", "NEWSBOT_ALERT_BURST": "1000",
           "NEWSBOT_ALERT_INTERVAL_SECONDS": "0.1"}  # fmt: skip
    async with Workers(n, env, model, logs) as workers:
        deadline = time.monotonic() + 900
        while not settled(data_dir, count):
            assert time.monotonic() < deadline, "alerts not settled in 15 min"
            await asyncio.sleep(0.05)
        times = sorted(
            c.at
            for api in workers.apis
            for c in api.calls_of("sendMessage")
            if ALERT_TITLE in c.text
        )
        got = alert_count(workers.apis)
    doubled = sum(1 for v in got.values() if v > 1)
    return len(times) / max(times[-1] - times[0], 1e-9), doubled, len(times)


def seed_alerts(settings: Settings, embedder, count: int) -> None:
    """`count` alerts queued: each chat subscribed to every article, count/50 new articles."""
    with open_core(settings, lock=True, embedder=embedder) as news:
        for chat in CHATS:
            news.catalog.subscriptions.add(chat, None, "en")
        docs = []
        for i in range(count // len(CHATS)):
            words = " ".join(uuid.uuid5(uuid.NAMESPACE_URL, f"{i}-{w}").hex[:9] for w in range(12))
            title = f"{ALERT_TITLE} {i:05d}"
            url = f"https://scaling.example.org/{i}"
            docs.append(
                SourceDocument(url, "Wire", ExtractedDocument(f"{title}: {words}.", title, url=url))
            )
        news.index_documents(docs)


async def main_async(args: argparse.Namespace) -> None:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"cpus: {os.cpu_count()}  load: {load}  model: {args.model}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with running_chroma_server(root) as chroma_url:
            for n in args.workers:
                for kind in ("questions", "alerts"):
                    data_dir = root / f"data-{n}-{kind}"
                    database = f"bench-{n}-{kind}"
                    settings = Settings(
                        _env_file=None, data_dir=data_dir, chroma_url=chroma_url,
                        chroma_database=database, story_min_similarity=0.99,
                    )  # fmt: skip
                    embedder = HashingEmbedder(budget=60) if args.model == "fake" else None
                    with open_core(settings, lock=True, embedder=embedder) as news:
                        news.index_paths([SEEDS])
                    if kind == "alerts":
                        seed_alerts(settings, embedder, args.alerts)
                    env = {
                        **os.environ,
                        "NEWSBOT_DATA_DIR": str(data_dir),
                        "NEWSBOT_CHROMA_URL": chroma_url,
                        "NEWSBOT_CHROMA_DATABASE": database,
                        "NEWSBOT_TELEGRAM_TOKEN": TOKEN,
                        "NEWSBOT_POLL_MINUTES": "0",
                        "NEWSBOT_STORY_MIN_SIMILARITY": "0.99",
                        "NEWSBOT_LOG_LEVEL": "WARNING",
                    }
                    if kind == "questions":
                        rate = await measure_questions(n, env, args.model, args.questions, root)
                        print(f"workers: {n}  questions/s: {rate:6.2f}  ({args.questions} at once)")
                    else:
                        rate, doubled, sent = await measure_alerts(
                            n, env, args.model, data_dir, args.alerts, root
                        )
                        print(
                            f"workers: {n}  alerts/s: {rate:7.1f}  sent: {sent}  doubled: {doubled}"
                        )
    print(f"load after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--questions", type=int, default=48)
    parser.add_argument("--alerts", type=int, default=400)
    parser.add_argument("--model", choices=["bundled", "fake"], default="bundled")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
