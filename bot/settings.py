"""All settings of a running newsbot: the core's plus the Telegram front's."""

from pydantic import Field, SecretStr

from index.settings import IndexSettings

TELEGRAM_API_URL = "https://api.telegram.org/bot"


class Settings(IndexSettings):
    """Read once in `main` from NEWSBOT_* variables and `.env`, then passed down."""

    telegram_token: SecretStr | None = Field(None, description="from @BotFather")
    telegram_api_url: str = Field(TELEGRAM_API_URL, description="Bot API base URL")
    log_level: str = Field("INFO")
