"""Settings, read from the environment (and `.env`) only when asked for.

Nothing here runs at import time: call :func:`load_settings` where the process
starts (the CLI) and pass the result down.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

#: The curriculum shipped with the repository, used when PATHBOT_CURRICULUM is unset.
DEFAULT_CURRICULUM = Path(__file__).resolve().parent.parent / "curriculum" / "ai-engineering.yaml"


DISCORD_API_URL = "https://discord.com/api/v10"


class Settings(BaseSettings):
    """Every setting pathbot reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(default=Path("data"), alias="PATHBOT_DATA_DIR")
    database_url: str | None = Field(default=None, alias="PATHBOT_DATABASE_URL")
    curriculum: Path = Field(default=DEFAULT_CURRICULUM, alias="PATHBOT_CURRICULUM")
    timezone: str = Field(default="UTC", alias="PATHBOT_TIMEZONE")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", alias="PATHBOT_LOG_LEVEL"
    )
    #: text on a terminal, JSON lines otherwise (for a log collector); or say which.
    log_format: Literal["auto", "text", "json"] = Field(default="auto", alias="PATHBOT_LOG_FORMAT")

    discord_token: SecretStr | None = Field(default=None, alias="DISCORD_TOKEN")
    #: While developing: slash commands synced to this one server, where they change at
    #: once (global commands can take up to an hour to show).
    discord_dev_guild_id: int | None = Field(default=None, alias="DISCORD_DEV_GUILD_ID")
    #: Sharding, for a bot in many servers: how many shards in all, and which of them
    #: this process runs ("0,1"; default: all). Several processes on one PostgreSQL
    #: split the gateway; each sends at its share of Discord's rate.
    discord_shard_count: int | None = Field(default=None, ge=1, alias="DISCORD_SHARD_COUNT")
    discord_shard_ids: str | None = Field(default=None, alias="DISCORD_SHARD_IDS")
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    #: Slack's Web API (GovSlack: https://slack-gov.com/api/; tests: a fake on 127.0.0.1).
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    #: Installs into many workspaces (Slack's OAuth, /slack/install) instead of one
    #: SLACK_BOT_TOKEN: the app's client id and secret (Basic Information).
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    #: Encrypts what must not leak with a database dump (installed workspaces' tokens)
    #: and seals the dashboard's sign-in links and sessions.
    #: Several, comma-separated: the first encrypts, all decrypt (to rotate the key).
    secret_key: SecretStr | None = Field(default=None, alias="PATHBOT_SECRET_KEY")
    #: Where people reach `pathbot run`'s HTTP server from outside (behind HTTPS): the
    #: dashboard's sign-in links and Slack's OAuth redirect are built on it.
    public_url: str | None = Field(default=None, alias="PATHBOT_PUBLIC_URL")
    #: Discord's REST API and gateway, for the bot and `pathbot doctor` (tests: fakes on
    #: 127.0.0.1). Left at Discord's, discord.py's own addresses are used.
    discord_api_url: str = Field(default=DISCORD_API_URL, alias="PATHBOT_DISCORD_API_URL")
    discord_gateway_url: str | None = Field(default=None, alias="PATHBOT_DISCORD_GATEWAY_URL")
    #: `pathbot run`'s one HTTP server: /healthz, /readyz, /metrics, and Slack's events
    #: when Socket Mode (SLACK_APP_TOKEN) is not used. Loopback by default (a laptop);
    #: the container listens on 0.0.0.0. PATHBOT_SLACK_HOST/PORT are the older names.
    http_host: str = Field(
        default="127.0.0.1",
        validation_alias=AliasChoices("PATHBOT_HTTP_HOST", "PATHBOT_SLACK_HOST", "http_host"),
    )
    http_port: int = Field(
        default=8080,
        ge=0,
        le=65535,
        validation_alias=AliasChoices("PATHBOT_HTTP_PORT", "PATHBOT_SLACK_PORT", "http_port"),
    )

    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    openai_api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    llm_model: str | None = Field(default=None, alias="PATHBOT_LLM_MODEL")
    llm_timeout_s: float = Field(default=8.0, alias="PATHBOT_LLM_TIMEOUT")
    chroma_url: str | None = Field(default=None, alias="CHROMA_URL")
    #: Where the /ask index (embedded Chroma and its cache) lives; default: the data dir.
    #: The image builds it into its own directory, so a new container answers at once.
    index_dir: Path | None = Field(default=None, alias="PATHBOT_INDEX_DIR")
    #: `pathbot run` loads (or first builds) the /ask index in the background at start,
    #: so the first learner to ask does not wait for it.
    ask_warm_up: bool = Field(default=True, alias="PATHBOT_ASK_WARM_UP")

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("discord_shard_ids", mode="after")
    @classmethod
    def _shard_ids(cls, value: str | None) -> str | None:
        if value is not None and not all(part.strip().isdigit() for part in value.split(",")):
            raise ValueError("DISCORD_SHARD_IDS is a comma-separated list of shard numbers: 0,1")
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.discord_shard_ids is not None and self.discord_shard_count is None:
            raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT")
        shards = self.discord_shards
        if shards is not None and shards[1][-1] >= shards[0]:
            raise ValueError(f"DISCORD_SHARD_IDS must be below DISCORD_SHARD_COUNT ({shards[0]})")
        return self

    @property
    def discord_shards(self) -> tuple[int, tuple[int, ...]] | None:
        """(shard count, this process's shards), or None when not sharding."""
        if self.discord_shard_count is None:
            return None
        count = self.discord_shard_count
        if self.discord_shard_ids is None:
            return count, tuple(range(count))
        return count, tuple(sorted({int(part) for part in self.discord_shard_ids.split(",")}))

    @property
    def slack_installs(self) -> bool:
        """Slack in many workspaces through its OAuth flow (SLACK_CLIENT_ID set), rather
        than one SLACK_BOT_TOKEN."""
        return bool((self.slack_client_id or "").strip())

    def secrets(self) -> list[str]:
        """Every secret value set, to keep out of logs and replies."""
        values = [
            secret.get_secret_value()
            for secret in (
                self.discord_token,
                self.slack_bot_token,
                self.slack_app_token,
                self.slack_signing_secret,
                self.slack_client_secret,
                self.secret_key,
                self.openai_api_key,
            )
            if secret is not None
        ]
        if self.secret_key is not None:  # each key of a rotation list, on its own too
            values += [key.strip() for key in self.secret_key.get_secret_value().split(",")]
        password = make_url(self.resolved_database_url).password if self.database_url else None
        if password:
            values.append(str(password))
        return [value for value in values if len(value.strip()) >= 4]

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
