"""Settings from the environment: embedded development defaults, production fails fast."""

import stat

import pytest

from pinkbreast.config import ConfigError, load_settings


def test_development_defaults_live_in_the_instance_folder(tmp_path):
    settings = load_settings({"PINKBREAST_INSTANCE": str(tmp_path / "inst")})
    assert settings.env == "development"
    assert settings.database_url == f"sqlite:///{tmp_path / 'inst' / 'pinkbreast.db'}"
    assert settings.mlflow_tracking_uri == f"sqlite:///{tmp_path / 'inst' / 'mlflow.db'}"


def test_development_secret_is_generated_once_with_owner_only_permissions(tmp_path):
    environ = {"PINKBREAST_INSTANCE": str(tmp_path)}
    first = load_settings(environ).secret_key
    assert len(first) >= 64
    assert load_settings(environ).secret_key == first
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({}, "SECRET_KEY and DATABASE_URL"),
        ({"SECRET_KEY": "x" * 40}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:///x.db"}, "SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_explicit_settings(tmp_path, environ, missing):
    environ = {"PINKBREAST_ENV": "production", "PINKBREAST_INSTANCE": str(tmp_path), **environ}
    with pytest.raises(ConfigError) as error:
        load_settings(environ)
    message = str(error.value)
    assert "\n" not in message
    assert message == f"Production mode needs {missing} set in the environment."
    assert not (tmp_path / "secret_key").exists()


def test_production_with_explicit_settings_starts(tmp_path):
    settings = load_settings(
        {
            "PINKBREAST_ENV": "production",
            "SECRET_KEY": "s" * 64,
            "DATABASE_URL": "postgresql+psycopg://u@db/pb",
        }
    )
    assert settings.is_production and settings.secret_key == "s" * 64


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="PINKBREAST_ENV must be one of"):
        load_settings({"PINKBREAST_ENV": "staging"})
