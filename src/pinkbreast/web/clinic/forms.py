"""Forms generated from the feature schema: one field per model input, bound by name."""

from __future__ import annotations

import uuid
from datetime import date

from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from pinkbreast import sample_refs
from pinkbreast.features import BY_NAME, Feature

SAMPLE_REF_PATTERN = sample_refs.PATTERN


def parse_number(text: str) -> str:
    """Accept a decimal comma (French keyboards) as well as a decimal point."""
    text = (text or "").strip()
    return text.replace(",", ".") if text.count(",") == 1 and "." not in text else text


class FeatureValue:
    """Server-side check of one raw measurement against the schema's hard limits."""

    def __init__(self, feature: Feature):
        self.feature = feature

    def __call__(self, form, field) -> None:
        problem = self.feature.problem(parse_number(field.data))
        if problem:
            raise ValidationError(
                _l("Expected a number between 0 and %(max)s.", max=f"{self.feature.maximum:g}")
            )


def _label(name: str) -> LazyString:
    return LazyString(lambda: BY_NAME[name].label(str(get_locale() or "en")))


def _feature_field(feature: Feature) -> StringField:
    return StringField(
        _label(feature.name),
        validators=[InputRequired(_l("This value is required.")), FeatureValue(feature)],
        filters=[parse_number],
        render_kw={
            "type": "number",
            "step": "any",
            "min": "0",
            "max": f"{feature.maximum:g}",
            "inputmode": "decimal",
            "autocomplete": "off",
        },
    )


def not_in_future(form, field) -> None:
    if field.data and field.data > date.today():
        raise ValidationError(_l("The date cannot be in the future."))


class _SampleFields(FlaskForm):
    sample_ref = StringField(
        _l("Sample reference"),
        validators=[
            InputRequired(_l("This value is required.")),
            Length(max=64),
            Regexp(
                SAMPLE_REF_PATTERN,
                message=_l("Letters, digits, spaces and . _ / - only (no patient names)."),
            ),
        ],
        render_kw={"maxlength": "64", "autocomplete": "off"},
    )
    sample_date = DateField(_l("Sample date"), validators=[Optional(), not_in_future])
    token = HiddenField()
    paste = TextAreaField(_l("Paste 30 values"), validators=[Optional()])


def prediction_form(features: list[str], **kwargs) -> FlaskForm:
    """A form with one field per model feature, plus sample reference, date and a token."""
    fields = {name: _feature_field(BY_NAME[name]) for name in features}
    form_class = type("PredictionForm", (_SampleFields,), fields)
    form = form_class(**kwargs)
    if not form.token.data:
        form.token.data = uuid.uuid4().hex
    return form


class OutcomeForm(FlaskForm):
    diagnosis = RadioField(
        _l("Confirmed diagnosis"),
        choices=[("M", _l("Malignant")), ("B", _l("Benign"))],
        validators=[InputRequired(_l("Choose malignant or benign."))],
    )
    confirmed_on = DateField(
        _l("Date of confirmation"),
        validators=[InputRequired(_l("This value is required.")), not_in_future],
    )
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class BatchForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["csv", "txt", "data"], _l("A CSV file, please.")),
        ],
    )
