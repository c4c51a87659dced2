"""Settings of the core, read once from the environment (prefix NEWSBOT_) and `.env`.

The variables stay flat (`NEWSBOT_FETCH_TIMEOUT_SECONDS`), as people set them, and each has
its one default there, on the flat field. A component takes only its own group
(`settings.embedding`, `.reranking`, `.indexing`, `.storage`, `.fetching`, `.writing`,
`.questions`, `.subscriptions`), a small frozen model with no defaults of its own, made from
the flat fields, so what it depends on is plain and no default is written twice.
"""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_MODEL = "intfloat/multilingual-e5-small"


class FetchSettings(BaseModel):
    """How sources are fetched (index/sources/safe_fetch.py, reading.py)."""

    model_config = ConfigDict(frozen=True)

    timeout_seconds: float
    max_bytes: int
    feed_max_items: int
    allow_private_urls: bool
    private_url_hosts: tuple[str, ...]
    user_agent: str
    max_file_bytes: int


class EmbeddingSettings(BaseModel):
    """Which model embeds, and how (index/embedding/embedder.py)."""

    model_config = ConfigDict(frozen=True)

    model: str
    device: str
    query_prompt: str | None
    passage_prompt: str | None
    chunk_tokens: int
    backend: str
    cache_dir: Path | None


class RerankSettings(BaseModel):
    """The optional cross-encoder (index/retrieval/reranker.py)."""

    model_config = ConfigDict(frozen=True)

    model: str | None
    device: str
    candidates: int


class IndexingSettings(BaseModel):
    """How articles are cut and written (index/store/indexer.py)."""

    model_config = ConfigDict(frozen=True)

    batch_size: int
    overlap_sentences: int
    max_passages: int


class StoreSettings(BaseModel):
    """Where the vectors live (index/store/vectors.py)."""

    model_config = ConfigDict(frozen=True)

    chroma_path: Path
    db_path: Path
    chroma_url: str | None
    chroma_database: str


class WriterSettings(BaseModel):
    """The optional answer writer's endpoint and limits (index/answers/writer.py)."""

    model_config = ConfigDict(frozen=True)

    url: str | None
    model: str
    api_key: SecretStr
    timeout_seconds: float
    max_tokens: int
    passages: int


class QuestionSettings(BaseModel):
    """What a question may be, and how many passages answer it (index/news_index.py)."""

    model_config = ConfigDict(frozen=True)

    max_chars: int
    top_k: int


class SubscriptionSettings(BaseModel):
    """Limits on a chat's subscriptions (index/alerts/subscriptions.py)."""

    model_config = ConfigDict(frozen=True)

    max_per_chat: int
    max_topic_chars: int


class IndexSettings(BaseSettings):
    """What the index needs: where data lives and which model embeds it."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_", env_file=".env", extra="ignore", frozen=True
    )

    data_dir: Path = Field(Path("data"), description="SQLite database and Chroma files")
    embedding_model: str = Field(DEFAULT_MODEL, description="hub id or local path")
    model_cache_dir: Path | None = Field(
        None, description="where the bundled model is built once; empty: ~/.cache/newsbot/models"
    )
    embedding_device: str = Field("cpu", description="torch device for the model")
    embedding_backend: Literal["auto", "torch", "onnx", "onnx-int8"] = Field(
        "auto", description="auto: onnx for the bundled model (torch's vectors, faster), else torch"
    )
    reranker_model: str | None = Field(
        None, description="a cross-encoder (hub id or path) that reorders the passages shown"
    )
    rerank_candidates: int = Field(20, ge=2, le=200, description="relevant passages reordered")
    query_prompt: str | None = Field(None, description="override the model's query prompt")
    passage_prompt: str | None = Field(None, description="override the passage prompt")
    chunk_tokens: int = Field(160, ge=16, description="target passage length in tokens")
    chunk_overlap_sentences: int = Field(1, ge=0, le=3)
    min_score: float | None = Field(
        None, description="below this score nothing is shown; None: the model's measured value"
    )
    close_score: float | None = Field(
        None, description="from this score a passage answers; None: the model's measured value"
    )
    retrieval: Literal["auto", "dense", "lexical", "hybrid"] = Field(
        "auto",
        description="dense vectors, BM25, or both fused; auto picks by the model (see README)",
    )
    transliterate: bool = Field(True, description="BM25 also matches names across scripts")
    top_k: int = Field(5, ge=1, le=50)
    max_question_chars: int = Field(1000, ge=10)
    max_file_bytes: int = Field(20_000_000, ge=1024)
    max_passages_per_article: int = Field(
        100,
        ge=1,
        description="passages cut from one article at most (the rest is not indexed); "
        "identical passages of an article are stored once (docs/security.md)",
    )
    index_batch_size: int = Field(
        32, ge=1, le=1000, description="articles saved, embedded and stored together"
    )

    database_url: str | None = Field(
        None,
        description="postgresql://user@host/db for the records (docs/scaling.md); "
        "unset: SQLite files in the data dir",
    )
    chroma_url: str | None = Field(
        None, description="http(s)://host:port of a Chroma server; unset: embedded store"
    )
    chroma_database: str = Field(
        "default_database", description="database on the Chroma server (one per deployment)"
    )

    # Subscriptions and alerts.
    alert_min_score: float | None = Field(
        None, ge=-1, le=1, description="topic match threshold; empty: the measured default"
    )
    story_min_similarity: float | None = Field(
        None, ge=-1, le=1, description="articles this alike are one story; empty: measured"
    )
    fold_stories: bool = Field(
        True, description="answers show one story once, other outlets named as its siblings"
    )
    max_subscriptions_per_chat: int = Field(20, ge=1)
    max_topic_chars: int = Field(200, ge=10)

    # Fetching feeds and pages from the web: every limit applies to every request.
    fetch_timeout_seconds: float = Field(20.0, gt=0, description="whole request, drip included")
    max_fetch_bytes: int = Field(10_000_000, ge=1024, description="after decompression")
    feed_max_items: int = Field(50, ge=1, description="newest items taken from a feed per fetch")
    allow_private_urls: bool = Field(
        False, description="allow loopback, private and link-local addresses (tests, intranets)"
    )
    private_url_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="host or host:port allowed even when private"
    )
    user_agent: str = Field("newsbot/0.1 (+https://github.com/newsbot)")

    # Written answers (optional): an OpenAI-compatible chat endpoint; unset, passages only.
    llm_url: str | None = Field(None, description="e.g. http://localhost:11434/v1; unset: off")
    llm_model: str = Field("qwen2.5:7b", description="model name the endpoint knows")
    llm_api_key: SecretStr = Field(SecretStr("none"), description="local servers ignore it")
    llm_timeout_seconds: float = Field(20.0, gt=0, description="whole call; then passages only")
    llm_max_tokens: int = Field(400, ge=32, le=4000, description="length cap of one answer")
    llm_passages: int = Field(5, ge=1, le=20, description="best passages the writer may cite")

    @field_validator("private_url_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().lower() for part in value.split(",") if part.strip()]
        return value

    @property
    def fetching(self) -> FetchSettings:
        return FetchSettings(
            timeout_seconds=self.fetch_timeout_seconds,
            max_bytes=self.max_fetch_bytes,
            feed_max_items=self.feed_max_items,
            allow_private_urls=self.allow_private_urls,
            private_url_hosts=tuple(self.private_url_hosts),
            user_agent=self.user_agent,
            max_file_bytes=self.max_file_bytes,
        )

    @property
    def embedding(self) -> EmbeddingSettings:
        return EmbeddingSettings(
            model=self.embedding_model,
            device=self.embedding_device,
            query_prompt=self.query_prompt,
            passage_prompt=self.passage_prompt,
            chunk_tokens=self.chunk_tokens,
            backend=self.embedding_backend,
            cache_dir=self.model_cache_dir,
        )

    @property
    def reranking(self) -> RerankSettings:
        return RerankSettings(
            model=self.reranker_model,
            device=self.embedding_device,
            candidates=self.rerank_candidates,
        )

    @property
    def indexing(self) -> IndexingSettings:
        return IndexingSettings(
            batch_size=self.index_batch_size,
            overlap_sentences=self.chunk_overlap_sentences,
            max_passages=self.max_passages_per_article,
        )

    @property
    def storage(self) -> StoreSettings:
        return StoreSettings(
            chroma_path=self.chroma_path,
            db_path=self.db_path,
            chroma_url=self.chroma_url,
            chroma_database=self.chroma_database,
        )

    @property
    def writing(self) -> WriterSettings:
        return WriterSettings(
            url=self.llm_url,
            model=self.llm_model,
            api_key=self.llm_api_key,
            timeout_seconds=self.llm_timeout_seconds,
            max_tokens=self.llm_max_tokens,
            passages=self.llm_passages,
        )

    @property
    def questions(self) -> QuestionSettings:
        return QuestionSettings(max_chars=self.max_question_chars, top_k=self.top_k)

    @property
    def subscriptions(self) -> SubscriptionSettings:
        return SubscriptionSettings(
            max_per_chat=self.max_subscriptions_per_chat, max_topic_chars=self.max_topic_chars
        )

    @property
    def db_path(self) -> Path:
        return self.data_dir / "newsbot.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"
