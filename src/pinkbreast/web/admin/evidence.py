"""The site's own evidence: adopt confirmed cases, validate the champion on them, compare the
challenger, and change the served model through a reviewed promotion (admin only)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pinkbreast.ml.champion import ChampionUnavailable
from pinkbreast.services import promotions, site_cases, training_jobs, training_launch
from pinkbreast.services.validation import site_validation
from pinkbreast.web.access import role_required
from pinkbreast.web.admin import bp
from pinkbreast.web.admin.evidence_charts import (
    differences_chart,
    reliability_chart,
    site_figures,
)
from pinkbreast.web.admin.forms import AdoptForm, TrainForm
from pinkbreast.web.auth.forms import ConfirmForm
from pinkbreast.web.extensions import client_address, database


def _settings():
    return current_app.config["PINKBREAST_SETTINGS"]


@bp.get("/validation")
@role_required("admin")
def validation():
    session, settings = database.session, _settings()
    try:
        result = site_validation(
            session=session,
            tracking_uri=settings.mlflow_tracking_uri,
            actor=current_user._get_current_object(),
            client_address=client_address(),
        )
    except ChampionUnavailable:
        result = None
    figure = reliability_chart(result.overall.reliability) if result and result.overall.n else None
    return render_template(
        "admin/validation.html",
        result=result,
        figure=figure,
        site_count=site_cases.count_site_cases(session=session),
        form=AdoptForm(),
        origins=_origins(),
    )


def _origins() -> dict[str, str]:
    return {
        "all": _("All"),
        "typed": _("Typed"),
        "imported": _("Imported (batch)"),
        "api": _("API"),
        "image": _("Image-derived"),
    }


@bp.post("/validation/adopt")
@role_required("admin")
def adopt():
    form = AdoptForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
        return redirect(url_for("admin.validation"), code=303)
    report = site_cases.adopt_confirmed(
        session=database.session,
        actor=current_user._get_current_object(),
        since=form.since.data,
        client_address=client_address(),
    )
    flash(
        _(
            "%(new)s new site cases, %(updated)s updated, %(unchanged)s unchanged.",
            new=report.new,
            updated=report.updated,
            unchanged=report.unchanged,
        ),
        "success",
    )
    return redirect(url_for("admin.validation"), code=303)


@bp.get("/challenger")
@role_required("admin")
def challenger():
    from pinkbreast.ml import aliases
    from pinkbreast.ml.challenger import load_comparison

    session, settings = database.session, _settings()
    uri = settings.mlflow_tracking_uri
    comparison = load_comparison(uri)
    return render_template(
        "admin/challenger.html",
        champion=aliases.version_of(uri, "champion"),
        challenger=aliases.version_of(uri, "challenger"),
        comparison=comparison,
        chart=differences_chart(comparison) if comparison else None,
        site_charts=site_figures(comparison) if comparison else [],
        proposal=promotions.open_proposal(session=session),
        job=training_jobs.latest(session=session),
        is_stale=training_jobs.is_stale,
        train_form=TrainForm(),
        history=promotions.history(session=session),
        reviewers=settings.promotion_reviewers,
        form=ConfirmForm(),
        figure_names={
            "sensitivity": _("Sensitivity at the threshold"),
            "specificity": _("Specificity"),
            "referred": _("Referred"),
            "brier": _("Brier score"),
        },
        kinds={"promotion": _("Promotion"), "rollback": _("Rollback")},
        statuses={
            "proposed": _("Awaiting review"),
            "approved": _("Approved"),
            "rejected": _("Rejected"),
            "rolled_back": _("Rolled back"),
        },
    )


def _decision(service, done: str, **extra):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        service(
            session=database.session,
            actor=current_user._get_current_object(),
            client_address=client_address(),
            **extra,
        )
    except promotions.PromotionRefused as exc:
        flash(_refusal(exc.code), "danger")
    else:
        flash(done, "success")
    return redirect(url_for("admin.challenger"), code=303)


def _refusal(code: str) -> str:
    return {
        "four_eyes": _("A second administrator must approve this proposal."),
        "open": _("Another proposal is already awaiting review."),
        "decided": _("This proposal is no longer awaiting review."),
        "stale": _("The champion changed since the proposal: propose again."),
        "nothing": _("There is nothing to promote or roll back."),
    }.get(code, _("Not allowed."))


@bp.post("/challenger/propose")
@role_required("admin")
def promotion_propose():
    from pinkbreast.ml.challenger import load_comparison

    uri = _settings().mlflow_tracking_uri
    comparison = load_comparison(uri)
    figures = comparison.to_dict() if comparison else {}
    done = _("Promotion proposed: a second administrator must approve it.")
    return _decision(promotions.propose, done, tracking_uri=uri, figures=figures)


@bp.post("/challenger/<int:promotion_id>/approve")
@role_required("admin")
def promotion_approve(promotion_id: int):
    settings = _settings()
    return _decision(
        promotions.approve,
        _("Promotion approved: the challenger is now the champion."),
        tracking_uri=settings.mlflow_tracking_uri,
        promotion_id=promotion_id,
        reviewers=settings.promotion_reviewers,
    )


@bp.post("/challenger/<int:promotion_id>/reject")
@role_required("admin")
def promotion_reject(promotion_id: int):
    return _decision(promotions.reject, _("Proposal rejected."), promotion_id=promotion_id)


@bp.post("/challenger/rollback")
@role_required("admin")
def promotion_rollback():
    return _decision(
        promotions.rollback,
        _("Rolled back: the previous champion is served again."),
        tracking_uri=_settings().mlflow_tracking_uri,
    )


@bp.post("/challenger/train")
@role_required("admin")
def train_challenger():
    form = TrainForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        training_launch.launch(
            session=database.session,
            settings=_settings(),
            actor=current_user._get_current_object(),
            quick=bool(form.quick.data),
            client_address=client_address(),
        )
    except training_jobs.TrainingBusy:
        flash(_("Another training is running: wait for it to finish."), "danger")
    else:
        flash(_("Training started in the background; this page shows its progress."), "success")
    return redirect(url_for("admin.challenger"), code=303)
