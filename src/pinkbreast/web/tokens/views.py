"""Create, list and revoke API tokens."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from pinkbreast.services import tokens
from pinkbreast.web.access import CLINICAL_ROLES as API_USERS
from pinkbreast.web.access import role_required
from pinkbreast.web.extensions import client_address, database
from pinkbreast.web.form_data import given
from pinkbreast.web.tokens import bp


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name (what the token is for)"),
        validators=[InputRequired(), Length(max=tokens.NAME_MAX)],
    )
    days = IntegerField(
        _l("Valid for (days)"),
        default=90,
        validators=[InputRequired(), NumberRange(1, tokens.MAX_DAYS)],
    )


class RevokeForm(FlaskForm):
    pass


@bp.route("/tokens", methods=["GET", "POST"])
@role_required(*API_USERS)
def index():
    form = TokenForm()
    created = None
    refused = False
    if form.validate_on_submit():
        cap = current_app.config["PINKBREAST_SETTINGS"].api_tokens_per_user
        try:
            created, _record = tokens.create_token(
                session=database.session,
                user=current_user._get_current_object(),
                name=given(form.name.data),
                days=given(form.days.data),
                client_address=client_address(),
                max_live=cap,
            )
        except tokens.TokenError:
            refused = True
            flash(_("You already hold %(cap)d live tokens: revoke one first.", cap=cap), "danger")
        else:
            form = TokenForm(formdata=None)
    listing = tokens.list_tokens(session=database.session, user=current_user._get_current_object())
    return render_template(
        "tokens/index.html",
        form=form,
        created=created,
        tokens=listing,
        revoke=RevokeForm(),
        revoke_url=lambda token: url_for("tokens.revoke", token_id=token.id),
    ), 400 if form.errors or refused else 200


@bp.post("/tokens/<int:token_id>/revoke")
@role_required(*API_USERS)
def revoke(token_id: int):
    if not RevokeForm().validate_on_submit():
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
    return redirect(url_for("tokens.index"), code=303)
