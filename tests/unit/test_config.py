from pathlib import Path

import pytest

from bot.config import DEFAULT_CURRICULUM, load_settings


def test_defaults_use_sqlite_under_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    for name in ("PATHBOT_DATABASE_URL", "PATHBOT_DATA_DIR", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.curriculum == DEFAULT_CURRICULUM
    assert settings.resolved_database_url == (
        f"sqlite+aiosqlite:///{(tmp_path / 'data' / 'pathbot.db').resolve()}"
    )
    assert not settings.llm_enabled


def test_environment_and_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATHBOT_DATABASE_URL", "postgresql+asyncpg://u@h/db")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("PATHBOT_LLM_MODEL", "small")
    settings = load_settings()
    assert settings.resolved_database_url == "postgresql+asyncpg://u@h/db"
    assert settings.llm_enabled
    assert load_settings(data_dir=tmp_path / "x").data_dir == tmp_path / "x"


def test_dotenv_file_is_read_when_settings_are_loaded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PATHBOT_TIMEZONE", raising=False)
    (tmp_path / ".env").write_text("PATHBOT_TIMEZONE=Europe/Berlin\n")
    assert load_settings().timezone == "Europe/Berlin"


def test_env_example_lists_every_setting() -> None:
    """A setting an organiser cannot find in .env.example does not exist for them."""
    from pathlib import Path

    from pydantic import AliasChoices

    from bot.config import Settings

    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    missing = []
    for name, field in Settings.model_fields.items():
        choices = field.validation_alias
        env = (
            str(choices.choices[0])
            if isinstance(choices, AliasChoices)
            else field.alias or name.upper()
        )
        if env not in example:
            missing.append(env)
    assert missing == []
