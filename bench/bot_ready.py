"""How soon `newsbot run` is ready after start, and its first answer, as a fresh process.

    python -m bench.bot_ready [--runs 5]

The real `newsbot run` (python-telegram-bot polling) against the fake Bot API of the tests
(127.0.0.1), on a temporary index of the seed articles with the configured model, built once
before the runs. Each run starts a new process with a question already waiting and prints: the
time from the process start to its first getUpdates (ready: it takes updates), to the answer's
sendMessage (the first answer: model, Chroma and the answer cache all cold), and the peak RSS
the process reached by then (VmHWM). The goal (issue 22): ready within 5 s.
"""

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bot.fake_bot_api import TOKEN, FakeBotAPI, message, private_chat, user

REPO = Path(__file__).resolve().parents[1]
QUESTION = "Why was the Budapest summit dropped?"


def peak_mb(pid: int) -> float:
    """The process's peak resident memory so far, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def one_start(env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds to ready, seconds to the first answer, peak MB) of one fresh `newsbot run`."""
    api = FakeBotAPI()
    await api.start()
    person = user(70, "en")
    await api.inject({"message": message(private_chat(person), person, QUESTION)})
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        "run",
        cwd=REPO,
        env=env | {"NEWSBOT_TELEGRAM_API_URL": api.base_url},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await api.next_call("getUpdates", timeout=300)
        ready = time.perf_counter() - started
        await api.next_call("sendMessage", chat_id=person["id"], timeout=300)
        answered = time.perf_counter() - started
        peak = peak_mb(process.pid)
    finally:
        await api.end_polls()
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 60)
        await api.stop()
    return ready, answered, peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as data:
        env = os.environ | {
            "NEWSBOT_DATA_DIR": data,
            "NEWSBOT_TELEGRAM_TOKEN": TOKEN,
            "NEWSBOT_POLL_MINUTES": "0",
        }
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "index", str(REPO / "seeds")],
            cwd=REPO,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        print(f"cpus: {os.cpu_count()}  load: {os.getloadavg()[0]:.1f}  runs: {args.runs}")
        results = [asyncio.run(one_start(env)) for _ in range(args.runs)]
    ready = [r for r, _, _ in results]
    answered = [a for _, a, _ in results]
    print(f"{'':22} {'median s':>9} {'max s':>7}")
    print(f"{'ready (getUpdates)':22} {statistics.median(ready):9.2f} {max(ready):7.2f}  goal 5 s")
    print(f"{'first answer':22} {statistics.median(answered):9.2f} {max(answered):7.2f}")
    print(f"peak RSS by the first answer: {max(p for *_, p in results):.0f} MB")


if __name__ == "__main__":
    main()
