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


def test_the_repr_of_the_settings_hides_every_secret(tmp_path):
    environ = {
        "PINKBREAST_INSTANCE": str(tmp_path),
        "SECRET_KEY": "s3cret-signing-key-" + "k" * 20,
        "DATABASE_URL": "mysql+pymysql://app:db-pass-word@db.example:3306/pinkbreast",
        "MLFLOW_TRACKING_URI": "postgresql+psycopg://ml:ml-pass-word@ml.example/mlflow",
        "PINKBREAST_METRICS_TOKEN": "metrics-" + "t" * 32,
        "SMTP_HOST": "mail.example",
        "SMTP_PASSWORD": "smtp-pass-word",
        "ALERT_WEBHOOK_URL": "https://hooks.example/services/T000/B000/webhook-secret",
    }
    settings = load_settings(environ)
    shown = repr(settings)
    for secret in ("s3cret", "db-pass-word", "ml-pass-word", "metrics-t", "smtp-pass-word"):
        assert secret not in shown
    assert "webhook-secret" not in shown
    assert "mysql+pymysql://app:***@db.example:3306/pinkbreast" in shown  # still says where
    assert "secret_key='***'" in shown and "password='***'" in shown
    assert settings.secret_key == environ["SECRET_KEY"]  # only the repr changes
    assert settings.monitoring.channels.smtp.password == "smtp-pass-word"


def test_a_setting_left_unset_is_shown_as_unset(tmp_path):
    shown = repr(load_settings({"PINKBREAST_INSTANCE": str(tmp_path)}))
    assert "metrics_token=None" in shown and "database_url='sqlite:///" in shown
