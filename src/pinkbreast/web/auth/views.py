"""Thin views over ``services.accounts`` and ``services.login``."""

from __future__ import annotations

from functools import partial

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from pinkbreast.db.models import ROLES
from pinkbreast.services import account_mail, accounts, login, tokens
from pinkbreast.web.access import public, role_required, signed_in
from pinkbreast.web.auth import bp
from pinkbreast.web.auth.forms import ChangePasswordForm, ConfirmForm, LoginForm, RegisterForm
from pinkbreast.web.extensions import client_address, database, password_hasher
from pinkbreast.web.form_data import given
from pinkbreast.web.messages import FIELDS, describe
from pinkbreast.web.redirects import safe_next
from pinkbreast.web.sessions import end_session, start_session

INVALID_LOGIN = _l("Invalid username or password.")


def show_problems(form, problems: list[str]) -> None:
    """Put each service problem under its field (or above the form)."""
    for code in problems:
        field = getattr(form, FIELDS.get(code, "password"), None)
        (field.errors if field is not None else form.form_errors).append(describe(code))


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        smtp = current_app.config["PINKBREAST_SETTINGS"].monitoring.channels.smtp
        try:
            accounts.register(
                session=database.session,
                hasher=password_hasher(),
                username=given(form.username.data),
                email=given(form.email.data),
                password=given(form.password.data),
                client_address=client_address(),
                on_email_taken=partial(account_mail.send_in_background, smtp) if smtp else None,
            )
        except accounts.AccountError as exc:
            show_problems(form, exc.problems)
        except accounts.RegistrationThrottled as exc:
            form.form_errors.append(_("Too many registrations. Please wait before trying again."))
            page = render_template("auth/register.html", form=form)
            return page, 429, {"Retry-After": str(exc.retry_after)}
        else:
            # The same answer whether the account was created or the name/e-mail was taken.
            flash(_("Thank you. An administrator must approve your account before you can use it."))
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"], endpoint="login")
@public
def login_page():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    try:
        user = login.authenticate(
            session=database.session,
            hasher=password_hasher(),
            username=given(form.username.data),
            password=given(form.password.data),
            client_address=client_address(),
        )
    except login.LoginThrottled as exc:
        form.form_errors.append(_("Too many failed attempts. Please wait before trying again."))
        page = render_template("auth/login.html", form=form)
        return page, 429, {"Retry-After": str(exc.retry_after)}
    if user is None:
        form.form_errors.append(str(INVALID_LOGIN))
        return render_template("auth/login.html", form=form)
    start_session(user)
    if user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return redirect(safe_next(request.args.get("next"), url_for("main.home")))


@bp.post("/logout")
@signed_in
def logout():
    if ConfirmForm().validate_on_submit():
        login.logout(session=database.session, user=current_user, client_address=client_address())
        end_session()
        flash(_("You are logged out."))
    return redirect(url_for("main.home"))


@bp.get("/account")
@role_required(*ROLES)
def account():
    listing = tokens.list_tokens(session=database.session, user=current_user._get_current_object())
    return render_template(
        "auth/account.html",
        user=current_user,
        tokens=listing,
        revoke=ConfirmForm(),
        revoke_url=lambda token: url_for("tokens.revoke", token_id=token.id),
    )


@bp.route("/password", methods=["GET", "POST"])
@role_required(*ROLES)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(
                session=database.session,
                hasher=password_hasher(),
                user=current_user,
                current=given(form.current.data),
                new=given(form.password.data),
                client_address=client_address(),
            )
        except accounts.AccountError as exc:
            show_problems(form, exc.problems)
        except login.LoginThrottled as exc:
            form.form_errors.append(_("Too many failed attempts. Please wait before trying again."))
            page = render_template("auth/change_password.html", form=form)
            return page, 429, {"Retry-After": str(exc.retry_after)}
        else:
            start_session(user)  # the token changed: other sessions end, this one goes on
            flash(_("Your password has been changed."))
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
