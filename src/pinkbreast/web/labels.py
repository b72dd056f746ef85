"""Words for stored codes (roles, account statuses, zones, audit actions and outcomes), in the
user's language; the codes are the vocabulary's (:mod:`pinkbreast.vocabulary`)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from pinkbreast import vocabulary as v

ROLE_LABELS = {v.CLINICIAN: _l("Clinician"), v.ADMIN: _l("Administrator"), v.AUDITOR: _l("Auditor")}
STATUS_LABELS = {v.PENDING: _l("Pending"), v.ACTIVE: _l("Active"), v.DEACTIVATED: _l("Deactivated")}
OUTCOME_LABELS = dict(zip(v.AUDIT_OUTCOMES, (_l("Allowed"), _l("Denied")), strict=True))
ZONE_LABELS = {
    v.MALIGNANT: _l("Malignant"),
    v.INDETERMINATE: _l("Indeterminate — refer"),
    v.BENIGN: _l("Benign"),
    v.CHECK_INPUT: _l("Indeterminate — check the input"),
}
# what each audited action means, for the audit page (the code stays shown beside it; an
# action added later without a label is shown by its code alone)
ACTION_LABELS = {
    "access.denied": _l("Access refused"),
    "account.approve": _l("Account approved"),
    "account.create_admin": _l("Administrator account created"),
    "account.deactivate": _l("Account deactivated"),
    "account.notice_failed": _l("Account e-mail not sent"),
    "account.password_change": _l("Password changed"),
    "account.password_reset": _l("Password reset"),
    "account.reactivate": _l("Account reactivated"),
    "account.register": _l("Account requested"),
    "admin.revoke_token": _l("API token revoked by an administrator"),
    "alert.email_failed": _l("Alert e-mail not sent"),
    "alert.raised": _l("Recall alert raised"),
    "alert.resolved": _l("Recall alert resolved"),
    "alert.webhook_failed": _l("Alert webhook failed"),
    "audit.export": _l("Audit trail exported"),
    "batch.download": _l("Batch results downloaded"),
    "batch.view": _l("Batch results opened"),
    "cases.eda": _l("Exploratory report opened"),
    "cases.import": _l("Reference data imported"),
    "cases.adopt": _l("Confirmed predictions adopted as site cases"),
    "case.update": _l("Site case updated to a corrected outcome"),
    "validation.report": _l("Validation on the site's cases opened"),
    "model.propose": _l("Model promotion proposed"),
    "model.promote": _l("Model promotion approved"),
    "model.reject": _l("Model promotion rejected"),
    "model.rollback": _l("Model rolled back"),
    "training.start": _l("Training started"),
    "training.finish": _l("Training finished"),
    "login.failed": _l("Sign-in failed"),
    "login.succeeded": _l("Signed in"),
    "login.throttled": _l("Sign-in slowed down (too many failures)"),
    "logout": _l("Signed out"),
    "outcome.record": _l("Confirmed outcome recorded"),
    "prediction.create": _l("Prediction made"),
    "prediction.create_batch": _l("Batch of predictions made"),
    "prediction.fhir": _l("Prediction exported as FHIR"),
    "prediction.list": _l("Predictions listed"),
    "prediction.report": _l("PDF report made"),
    "prediction.view": _l("Prediction opened"),
    "predictions.export": _l("Predictions exported (backup)"),
    "predictions.export_fhir": _l("Predictions exported as FHIR"),
    "predictions.check_refs": _l("Stored sample references checked"),
    "predictions.import": _l("Predictions imported (restore)"),
    "token.create": _l("API token created"),
    "token.revoke": _l("API token revoked"),
    "token.revoke_all": _l("All API tokens revoked"),
}
RECORD_LABELS = {
    "api_token": _l("API token"),
    "audit_events": _l("audit trail"),
    "batch": _l("batch"),
    "cases": _l("reference data"),
    "site_cases": _l("site cases"),
    "case": _l("site case"),
    "model_version": _l("model version"),
    "model_promotion": _l("model promotion"),
    "training_job": _l("training"),
    "prediction": _l("prediction"),
    "predictions": _l("predictions"),
    "route": _l("page"),
    "user": _l("account"),
}


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        role_label=lambda code: str(ROLE_LABELS.get(code, code)),
        status_label=lambda code: str(STATUS_LABELS.get(code, code)),
        zone_label=lambda code: str(ZONE_LABELS.get(code, code)),
        action_label=lambda code: str(ACTION_LABELS.get(code, "")),
        record_label=lambda code: str(RECORD_LABELS.get(code, code)),
    )
