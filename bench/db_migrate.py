"""`newsbot db migrate` on a data dir of a given size, and the records' operations on each engine.

    python -m bench.db_migrate [--articles 5000] [--subscriptions 50] [--alerts 20000]

Builds a synthetic SQLite data dir (articles of ~2 KB text, subscriptions, alerts in every
state, votes), starts a throwaway PostgreSQL cluster (tests/postgres.py), then prints:
- the wall time of `newsbot db migrate --to …` (a fresh process, as a user runs it) and the
  rows copied;
- for each engine, the median time of opening the Catalog (migrations checked) and of 200
  claim + mark_sent cycles of the outbox (one sender; pacing is the bot's, not measured here).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from bot.root import open_catalog
from bot.settings import Settings
from index.store.feedback import FeedbackStore
from tests.postgres import running_postgres

REPO = Path(__file__).resolve().parents[1]


def seed(data_dir: Path, articles: int, subscriptions: int, alerts: int) -> None:
    settings = Settings(_env_file=None, data_dir=data_dir)
    with open_catalog(settings) as catalog, catalog.db.connect() as conn:
        body = "word " * 400
        conn.execute(
            text(
                "INSERT INTO articles (id, source, url, title, published, lang, content_hash,"
                " text, outlet, source_id, indexed_at) VALUES (:id, 's', NULL, :t, NULL, 'en',"
                " :h, :x, NULL, NULL, '2026-01-01T00:00:00+00:00')"
            ),
            [{"id": f"a{i}", "t": f"title {i}", "h": f"h{i}", "x": body} for i in range(articles)],
        )
        conn.execute(
            text(
                "INSERT INTO subscriptions (chat_id, topic, lang, created_at)"
                " VALUES (:c, :t, 'en', 'now')"
            ),
            [{"c": 1000 + i, "t": f"topic {i}"} for i in range(subscriptions)],
        )
        states = ["queued", "sent", "failed", "merged"]
        conn.execute(
            text(
                "INSERT INTO alerts (subscription_id, article_id, status, score, passage,"
                " best_sentence, created_at) VALUES (:s, :a, :st, 0.5, 'p', 'b', 'now')"
            ),
            [
                {"s": 1 + i % subscriptions, "a": f"a{i // subscriptions}", "st": states[i % 4]}
                for i in range(alerts)
            ],
        )
    votes = FeedbackStore.in_data_dir(data_dir)
    for i in range(200):
        votes.record(f"answer{i}", i, "q", "en", [], 1)
    votes.close()


def claims(settings: Settings, cycles: int) -> float:
    """Seconds per claim + mark_sent, median of `cycles`."""
    spent = []
    with open_catalog(settings) as catalog:
        for _ in range(cycles):
            start = time.perf_counter()
            claim = catalog.outbox.claim("bench", burst=None)
            if claim is None:
                break
            catalog.outbox.mark_sent(claim)
            spent.append(time.perf_counter() - start)
    return statistics.median(spent)


def opening(settings: Settings, runs: int = 5) -> float:
    spent = []
    for _ in range(runs):
        start = time.perf_counter()
        with open_catalog(settings):
            pass
        spent.append(time.perf_counter() - start)
    return statistics.median(spent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--subscriptions", type=int, default=50)
    parser.add_argument("--alerts", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, running_postgres() as cluster:
        data_dir = Path(folder) / "data"
        seed(data_dir, args.articles, args.subscriptions, args.alerts)
        url = cluster.url(cluster.new_database())
        env = os.environ | {"NEWSBOT_DATA_DIR": str(data_dir)}
        env.pop("NEWSBOT_DATABASE_URL", None)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli.main", "db", "migrate", "--to", url],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        if done.returncode != 0:
            sys.exit(done.stderr)
        rows = {
            line.split(":")[0]: int(line.split(":")[1].split()[0])
            for line in done.stdout.splitlines()
            if line.endswith(" rows")
        }
        print(f"db migrate: {wall:.2f} s wall for {sum(rows.values())} rows {json.dumps(rows)}")
        sqlite = Settings(_env_file=None, data_dir=data_dir)
        migrated = sqlite.model_copy(update={"database_url": url})
        for name, settings in (("sqlite", sqlite), ("postgresql", migrated)):
            print(
                f"{name}: open the catalog {opening(settings) * 1000:.1f} ms (median of 5), "
                f"claim + mark_sent {claims(settings, 200) * 1000:.2f} ms (median of 200)"
            )


if __name__ == "__main__":
    main()
