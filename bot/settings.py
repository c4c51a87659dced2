"""All settings of a running newsbot: the core's plus the Telegram front's.

As in the core (index/settings.py), the variables stay flat (`NEWSBOT_BOT_PAGE_HITS`), each
with its one default on the flat field, and each part of the bot takes only its group:
`settings.telegram` (the Bot API), `.webhook`, `.admins` (who manages sources, how often they
are polled), `.delivery` (alerts), `.inline` (inline mode), `.chats` (answers in chats and how
many updates are served at once).
"""

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from index.settings import IndexSettings

TELEGRAM_API_URL = "https://api.telegram.org/bot"

# Ids Telegram uses for messages that are not from a person: the anonymous group admin bot
# and Telegram's own service account. Anyone can appear as them, so they are never admins.
UNTRUSTED_IDS = frozenset({1087968824, 777000})


class TelegramSettings(BaseModel):
    """How the bot reaches the Bot API (bot/telegram/app.py)."""

    model_config = ConfigDict(frozen=True)

    token: SecretStr | None
    api_url: str

    @property
    def file_url(self) -> str:
        """The file URL that belongs with `api_url` (…/bot -> …/file/bot)."""
        base = self.api_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("bot")] + "file/bot"
        return base + "/file"


class WebhookSettings(BaseModel):
    """Webhook mode (bot/telegram/app.py): on when `url` is set; otherwise long polling."""

    model_config = ConfigDict(frozen=True)

    url: str | None
    secret: SecretStr | None
    listen: str
    port: int

    @property
    def path(self) -> str:
        """The path the webhook server answers on: the path of the public URL."""
        return urlsplit(self.url or "").path.strip("/")


class AdminSettings(BaseModel):
    """Who manages sources, and how often they are fetched (bot/telegram/handlers/admin.py)."""

    model_config = ConfigDict(frozen=True)

    ids: tuple[int, ...]
    poll_minutes: float


class DeliverySettings(BaseModel):
    """How alerts leave the outbox (bot/telegram/alerts/delivery.py)."""

    model_config = ConfigDict(frozen=True)

    interval_seconds: float
    lease_seconds: float
    burst: int
    pacing: bool


class InlineSettings(BaseModel):
    """Inline mode's cache and per-user limit (bot/telegram/inline_cache.py)."""

    model_config = ConfigDict(frozen=True)

    cache_seconds: int
    per_minute: int


class ChatSettings(BaseModel):
    """Answers in chats (pages, the More button's cache) and how updates are served
    (bot/telegram/handlers/questions.py, app.py)."""

    model_config = ConfigDict(frozen=True)

    page_hits: int
    max_pages: int
    answer_cache: int
    answer_records: int
    concurrent_updates: int
    max_retries: int
    group_messages_per_minute: int


class Settings(IndexSettings):
    """Read once in `main` from NEWSBOT_* variables and `.env`, then passed down."""

    telegram_token: SecretStr | None = Field(None, description="from @BotFather")
    telegram_api_url: str = Field(TELEGRAM_API_URL, description="Bot API base URL")
    log_level: str = Field("INFO")

    # Webhook mode: set the public URL and a secret; otherwise the bot long-polls.
    webhook_url: str | None = Field(None, description="public HTTPS URL Telegram posts to")
    webhook_secret: SecretStr | None = Field(None, description="X-Telegram-Bot-Api-Secret-Token")
    webhook_listen: str = Field("127.0.0.1", description="address the webhook server binds")
    webhook_port: int = Field(8443, ge=1, le=65535)

    # Admins and sources.
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Telegram user ids allowed to manage sources"
    )
    poll_minutes: float = Field(15.0, ge=0, description="fetch sources this often; 0: never")

    alert_interval_seconds: float = Field(
        5.0, ge=0, description="how often alerts are sent; 0: not by this process"
    )
    alert_lease_seconds: float = Field(
        120.0,
        gt=0,
        description="an alert left 'sending' this long by a stopped process is marked failed",
    )
    alert_pacing: bool = Field(
        True, description="keep Telegram's send limits per token (off: only for benchmarks)"
    )
    alert_burst: int = Field(
        3,
        ge=0,
        description="more alerts than this due at once for one subscription are one digest",
    )

    # Inline mode (@bot question in any chat).
    inline_cache_seconds: int = Field(
        300, ge=0, description="how long Telegram and the bot keep an inline query's results"
    )
    inline_per_minute: int = Field(
        20, ge=1, description="inline searches one user may start per minute"
    )

    # Answers in chats.
    bot_page_hits: int = Field(3, ge=1, le=10, description="articles per message page")
    bot_max_pages: int = Field(5, ge=1, le=10, description="pages the More button walks")
    bot_answer_cache: int = Field(1000, ge=10, description="answers kept for More buttons")
    bot_answer_records: int = Field(
        10_000, ge=10, description="answers any worker can page or vote on (in the records)"
    )
    bot_concurrent_updates: int = Field(32, ge=1, le=512, description="chats served at once")
    bot_max_retries: int = Field(3, ge=0, le=10, description="retries after a 429 from Telegram")
    bot_group_messages_per_minute: int = Field(
        20, ge=1, description="PTB's rate limiter: messages per group per minute"
    )

    @property
    def telegram(self) -> TelegramSettings:
        return TelegramSettings(token=self.telegram_token, api_url=self.telegram_api_url)

    @property
    def webhook(self) -> WebhookSettings:
        return WebhookSettings(
            url=self.webhook_url,
            secret=self.webhook_secret,
            listen=self.webhook_listen,
            port=self.webhook_port,
        )

    @property
    def admins(self) -> AdminSettings:
        return AdminSettings(ids=tuple(self.admin_ids), poll_minutes=self.poll_minutes)

    @property
    def delivery(self) -> DeliverySettings:
        return DeliverySettings(
            interval_seconds=self.alert_interval_seconds,
            lease_seconds=self.alert_lease_seconds,
            burst=self.alert_burst,
            pacing=self.alert_pacing,
        )

    @property
    def inline(self) -> InlineSettings:
        return InlineSettings(
            cache_seconds=self.inline_cache_seconds, per_minute=self.inline_per_minute
        )

    @property
    def chats(self) -> ChatSettings:
        return ChatSettings(
            page_hits=self.bot_page_hits,
            max_pages=self.bot_max_pages,
            answer_cache=self.bot_answer_cache,
            answer_records=self.bot_answer_records,
            concurrent_updates=self.bot_concurrent_updates,
            max_retries=self.bot_max_retries,
            group_messages_per_minute=self.bot_group_messages_per_minute,
        )

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(" ", ",").split(",") if p.strip()]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError(
                    "NEWSBOT_ADMIN_IDS must be numeric Telegram user ids, comma-separated"
                )
            value = [int(p) for p in parts]
        if isinstance(value, list) and UNTRUSTED_IDS & set(value):
            raise ValueError(
                "NEWSBOT_ADMIN_IDS must not contain 1087968824 (anonymous group admins) or "
                "777000 (Telegram service messages): anyone can post as them"
            )
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> "Settings":
        if self.webhook_url and not self.webhook_secret:
            raise ValueError(
                "NEWSBOT_WEBHOOK_URL is set but NEWSBOT_WEBHOOK_SECRET is not: webhook mode "
                "needs a secret token (1-256 characters A-Z, a-z, 0-9, _ and -)"
            )
        return self
