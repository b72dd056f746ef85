"""Forms (Flask-WTF: each carries a CSRF token). Password rules are the service's."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from pinkbreast.services.passwords import MAX_LENGTH, MIN_LENGTH

_REQUIRED = _l("This field is required.")
_NEW_PASSWORD = {"autocomplete": "new-password", "minlength": MIN_LENGTH, "maxlength": MAX_LENGTH}


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(_REQUIRED), Length(max=64)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_REQUIRED), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class RegisterForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(_REQUIRED), Length(max=64)],
        render_kw={"autocomplete": "username"},
    )
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_REQUIRED), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_REQUIRED)], render_kw=_NEW_PASSWORD
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(_REQUIRED), EqualTo("password", _l("The passwords differ."))],
        render_kw=_NEW_PASSWORD,
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("New password"), validators=[DataRequired(_REQUIRED)], render_kw=_NEW_PASSWORD
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(_REQUIRED), EqualTo("password", _l("The passwords differ."))],
        render_kw=_NEW_PASSWORD,
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token (logout, admin actions)."""
