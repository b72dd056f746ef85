"""English and French: the language comes from the switch in the navbar, else the browser."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_scientific,
    get_locale,
)
from werkzeug.wrappers import Response  # redirect() gives werkzeug's; Flask's subclasses it

from pinkbreast.web.extensions import babel

LANGUAGES = {"en": "English", "fr": "Français"}
COOKIE = "pb_lang"
ONE_YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        get_locale=get_locale,
        languages=LANGUAGES,
        format_date=format_date,
        format_datetime=format_datetime,
        format_percent=format_percent,
        format_decimal=format_decimal,
        format_scientific=format_scientific,
        percent=percent,
    )


def percent(value: float, digits: int = 1) -> str:
    """``value`` as a percentage with ``digits`` decimals, in the locale's own pattern
    ("97.9%", "97,9 %")."""
    locale = get_locale()
    pattern = locale.percent_formats[None].pattern if locale else "#,##0%"
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return format_percent(value, pattern)


def select_locale() -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def remember_language(response: Response, language: str) -> Response:
    """Keep the choice in its own cookie, so it survives logging in and out."""
    if language in LANGUAGES:
        response.set_cookie(
            COOKIE,
            language,
            max_age=ONE_YEAR,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response
