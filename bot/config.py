"""Settings, read from the environment (and `.env`) only when asked for.

Nothing here runs at import time: call :func:`load_settings` where the process
starts (the CLI) and pass the result down.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The curriculum shipped with the repository, used when PATHBOT_CURRICULUM is unset.
DEFAULT_CURRICULUM = Path(__file__).resolve().parent.parent / "curriculum" / "ai-engineering.yaml"


class Settings(BaseSettings):
    """Every setting pathbot reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(default=Path("data"), alias="PATHBOT_DATA_DIR")
    database_url: str | None = Field(default=None, alias="PATHBOT_DATABASE_URL")
    curriculum: Path = Field(default=DEFAULT_CURRICULUM, alias="PATHBOT_CURRICULUM")
    timezone: str = Field(default="UTC", alias="PATHBOT_TIMEZONE")
    log_level: str = Field(default="INFO", alias="PATHBOT_LOG_LEVEL")

    discord_token: SecretStr | None = Field(default=None, alias="DISCORD_TOKEN")
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    #: Where Slack's HTTP events arrive when Socket Mode (SLACK_APP_TOKEN) is not used.
    slack_http_host: str = Field(default="0.0.0.0", alias="PATHBOT_SLACK_HOST")  # noqa: S104
    slack_http_port: int = Field(default=3000, alias="PATHBOT_SLACK_PORT")

    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    openai_api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    llm_model: str | None = Field(default=None, alias="PATHBOT_LLM_MODEL")
    llm_timeout_s: float = Field(default=8.0, alias="PATHBOT_LLM_TIMEOUT")
    chroma_url: str | None = Field(default=None, alias="CHROMA_URL")
    #: `pathbot run` loads (or first builds) the /ask index in the background at start,
    #: so the first learner to ask does not wait for it.
    ask_warm_up: bool = Field(default=True, alias="PATHBOT_ASK_WARM_UP")

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy async URL: PATHBOT_DATABASE_URL, or SQLite under the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'pathbot.db').resolve()}"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.openai_base_url and self.llm_model)


def load_settings(**overrides: object) -> Settings:
    """Read settings now; keyword overrides use the field names (for tests and the CLI)."""
    return Settings(**overrides)  # type: ignore[arg-type]
