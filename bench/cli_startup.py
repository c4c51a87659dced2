"""Wall time and peak memory of the `newsbot` commands that need no model.

    python -m bench.cli_startup [--runs 5] [--data-dir DIR]

Each command runs as a fresh process (a cold start, as a user types it), `--runs` times; the
median wall time, the median CPU time (user + system: what the start costs whatever else runs
on the machine) and the largest peak RSS (the child's own `ru_maxrss`) are printed, with the
goal (< 1.5 s and < 120 MB on 2 cores). Without --data-dir, a temporary data dir is built from
the sample articles (`seeds/`) with the configured model, plus one source and one
subscription, so every command has records to read. `ask` (the cold question: it loads the
model; goal 2 s and 500 MB) is timed `--ask-runs` times.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL_SECONDS, GOAL_MB = 1.5, 120
COMMANDS = [
    ["--help"],
    ["sources", "list"],
    ["subscriptions", "list"],
    ["stats"],
    ["check", "--dry-run"],
]


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(seconds, CPU seconds, peak RSS in MB, exit status) of one `newsbot ARGS` process."""
    command = [sys.executable, "-m", "bot.cli", *args]
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, child.returncode  # Linux: ru_maxrss in KiB


def prepare(data_dir: Path, env: dict[str, str]) -> None:
    for args in (
        ["index", str(REPO / "seeds")],
        ["sources", "add", str(REPO / "seeds"), "--no-fetch"],
        ["subscriptions", "add", "42", "Budapest summit"],
    ):
        subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=REPO, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--ask-runs", type=int, default=1, help="cold `ask` processes to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = args.data_dir or Path(scratch)
        env = os.environ | {"NEWSBOT_DATA_DIR": str(data_dir)}
        if args.data_dir is None:
            prepare(data_dir, env)
        print(f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; {args.runs} cold starts "
              f"each; goal < {GOAL_SECONDS} s, < {GOAL_MB} MB (ask: 2 s, 500 MB)")  # fmt: skip
        print(f"{'command':24} {'median s':>9} {'max s':>7} {'cpu s':>6} {'peak MB':>8}  goal")
        for command in [*COMMANDS, ["ask", "Why was the Budapest summit dropped?"]]:
            runs = args.ask_runs if command[0] == "ask" else args.runs
            results = [timed(command, env) for _ in range(runs)]
            if any(status != 0 for *_, status in results):
                print(f"{' '.join(command)[:24]:24} failed (exit {results[0][3]})")
                continue
            seconds = [s for s, *_ in results]
            cpu = statistics.median(c for _, c, _, _ in results)
            peak = max(mb for _, _, mb, _ in results)
            median = statistics.median(seconds)
            met = "(loads the model)" if command[0] == "ask" else (
                "met" if median < GOAL_SECONDS and peak < GOAL_MB else "NOT met")  # fmt: skip
            print(f"{' '.join(command)[:24]:24} {median:9.2f} {max(seconds):7.2f} {cpu:6.2f} "
                  f"{peak:8.0f}  {met}")  # fmt: skip


if __name__ == "__main__":
    main()
