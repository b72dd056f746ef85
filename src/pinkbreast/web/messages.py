"""What the services' problem codes mean, in the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from pinkbreast.services.passwords import MAX_LENGTH, MIN_LENGTH

PROBLEMS = {
    "username_invalid": _l(
        "Usernames are 3 to 64 characters: letters, digits, dots, dashes and underscores."
    ),
    "email_invalid": _l("Enter a valid e-mail address."),
    "username_taken": _l("This username is already taken."),
    "email_taken": _l("An account already uses this e-mail address."),
    "password_too_short": _l("Use at least %(n)d characters.", n=MIN_LENGTH),
    "password_too_long": _l("Use at most %(n)d characters.", n=MAX_LENGTH),
    "password_common": _l("This password is too common: choose another one."),
    "password_contains_username": _l("The password must not contain your username."),
    "password_contains_email": _l("The password must not contain your e-mail address."),
    "password_contains_product": _l("The password must not contain the name of this product."),
    "password_unchanged": _l("The new password must differ from the current one."),
    "current_wrong": _l("The current password is not correct."),
    "last_admin": _l("This is the last administrator: it cannot be removed or demoted."),
    "not_pending": _l("This account is not awaiting approval."),
    "not_deactivated": _l("This account is not deactivated."),
    "role_invalid": _l("Unknown role."),
}
FIELDS = {
    "username_invalid": "username",
    "username_taken": "username",
    "email_invalid": "email",
    "email_taken": "email",
    "current_wrong": "current",
}


def describe(code: str) -> str:
    return str(PROBLEMS.get(code, code))
