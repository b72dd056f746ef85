"""Account administration pages: list, detail, approve, (de/re)activate, role, reset password,
the account's API tokens (listed, revocable)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pinkbreast.services import administration, tokens
from pinkbreast.services.accounts import AccountError
from pinkbreast.web.access import role_required
from pinkbreast.web.admin import bp
from pinkbreast.web.admin.forms import RoleForm, StatusFilterForm
from pinkbreast.web.auth.forms import ConfirmForm
from pinkbreast.web.extensions import client_address, database, password_hasher
from pinkbreast.web.messages import describe


@bp.get("/accounts")
@role_required("admin")
def accounts():
    form = StatusFilterForm(request.args)
    status = form.status.data if form.validate() else ""
    users = administration.list_users(session=database.session, status=status or "")
    return render_template("admin/accounts.html", users=users, form=form)


@bp.get("/accounts/<int:user_id>")
@role_required("admin")
def account(user_id: int):
    try:
        user = administration.get_user(session=database.session, user_id=user_id)
    except administration.NotFound:
        abort(404)
    forms = {"confirm": ConfirmForm(), "role": RoleForm(role=user.role), "revoke": ConfirmForm()}
    return render_template(
        "admin/account.html",
        user=user,
        tokens=tokens.list_tokens(session=database.session, user=user),
        revoke_url=lambda token: url_for("admin.revoke_token", user_id=user.id, token_id=token.id),
        **forms,
    )


@bp.post("/accounts/<int:user_id>/tokens/<int:token_id>/revoke")
@role_required("admin")
def revoke_token(user_id: int, token_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        tokens.revoke_token(
            session=database.session,
            user=current_user._get_current_object(),
            token_id=token_id,
            client_address=client_address(),
        )
    except tokens.TokenError:
        abort(404)
    flash(_("Token revoked."), "success")
    return redirect(url_for("admin.account", user_id=user_id), code=303)


def _act(service, user_id: int, done: str, *, show=None, **extra):
    """Run one administration service on ``user_id``, say what happened, show the account."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = service(
            session=database.session,
            actor=current_user,
            user_id=user_id,
            client_address=client_address(),
            **extra,
        )
    except administration.NotFound:
        abort(404)
    except AccountError as exc:
        for problem in exc.problems:
            flash(describe(problem), "danger")
    else:
        flash(done, "success")
        if show is not None:
            return show(result)
    return redirect(url_for("admin.account", user_id=user_id))


@bp.post("/accounts/<int:user_id>/approve")
@role_required("admin")
def approve(user_id: int):
    return _act(administration.approve, user_id, _("Account approved."))


@bp.post("/accounts/<int:user_id>/deactivate")
@role_required("admin")
def deactivate(user_id: int):
    return _act(administration.deactivate, user_id, _("Account deactivated."))


@bp.post("/accounts/<int:user_id>/reactivate")
@role_required("admin")
def reactivate(user_id: int):
    return _act(administration.reactivate, user_id, _("Account reactivated."))


@bp.post("/accounts/<int:user_id>/role")
@role_required("admin")
def change_role(user_id: int):
    role = request.form.get("role", "")
    return _act(administration.change_role, user_id, _("Role changed."), role=role)


@bp.post("/accounts/<int:user_id>/reset-password")
@role_required("admin")
def reset_password(user_id: int):
    def show(password: str):
        user = administration.get_user(session=database.session, user_id=user_id)
        return render_template("admin/password_reset.html", user=user, password=password)

    service = administration.reset_password
    return _act(service, user_id, _("Password reset."), show=show, hasher=password_hasher())
