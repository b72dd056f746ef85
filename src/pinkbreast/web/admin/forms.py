"""Administration forms. The audit filter is a GET form (no state change, no CSRF token)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField

# types-WTForms 3.2.1 (the latest) has no SelectChoice, the choice type of WTForms >= 3.2
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import AnyOf, Optional, ValidationError

from pinkbreast.services import query_params
from pinkbreast.services.audit import OUTCOMES, AuditFilter
from pinkbreast.vocabulary import ACCOUNT_STATUSES as STATUSES
from pinkbreast.vocabulary import ROLES
from pinkbreast.web.labels import OUTCOME_LABELS, ROLE_LABELS, STATUS_LABELS


class AdoptForm(FlaskForm):
    since = DateField(_l("Confirmed since (optional)"), validators=[Optional()])

    def validate_since(self, field):
        _in_range(field)


class TrainForm(FlaskForm):
    kind = HiddenField(validators=[AnyOf(["challenger"])])  # what to train, named by the page
    quick = BooleanField(_l("Quick (demonstration: 4 candidates, 2 repeats)"))


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]
    )


class StatusFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("All"))]
        + [SelectChoice(status, STATUS_LABELS[status]) for status in STATUSES],
        validators=[Optional()],
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(_l("User"), validators=[Optional()])
    action = StringField(_l("Action starts with"), validators=[Optional()])
    outcome = SelectField(
        _l("Outcome"),
        choices=[SelectChoice("", _l("All"))]
        + [SelectChoice(value, OUTCOME_LABELS[value]) for value in OUTCOMES],
        validators=[Optional()],
    )
    prediction = StringField(_l("Prediction"), validators=[Optional()])
    since = DateField(_l("From (UTC)"), validators=[Optional()])
    until = DateField(_l("To (UTC, inclusive)"), validators=[Optional()])

    def validate_since(self, field):
        _in_range(field)

    def validate_until(self, field):
        _in_range(field)

    def to_filter(self) -> AuditFilter:
        valid = self.validate()
        since = self.since.data if valid else None
        until = self.until.data if valid else None
        return AuditFilter(
            actor=self.actor.data or "",
            action=self.action.data or "",
            outcome=self.outcome.data or "" if valid else "",
            prediction=self.prediction.data or "",
            since=datetime.combine(since, time(), UTC) if since else None,
            until=datetime.combine(until, time(), UTC) + timedelta(days=1) if until else None,
        )


def _in_range(field) -> None:
    try:
        query_params.within(field.name, field.data)
    except query_params.InvalidParameter as error:
        raise ValidationError(error.problem) from None
