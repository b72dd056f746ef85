"""Forms generated from the feature schema: one field per model input, bound by name."""

from __future__ import annotations

import uuid
from datetime import date

from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField, StringField, TextAreaField

# types-WTForms 3.2.1 (the latest) has no SelectChoice, the choice type of WTForms >= 3.2
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from pinkbreast import vocabulary
from pinkbreast.features import BY_NAME, Feature
from pinkbreast.numbers import NumberProblem, normalise, parse_decimal

SAMPLE_REF_PATTERN = vocabulary.SAMPLE_REF_PATTERN
DIAGNOSIS_LABELS = {"M": _l("Malignant"), "B": _l("Benign")}


def decimal_comma() -> bool:
    """Whether the page's language writes decimals with a comma ("1,095" is then 1.095)."""
    return str(get_locale() or "en") == "fr"


def parse_number(text: str) -> str:
    """The typed text as a dot-decimal number (see :mod:`pinkbreast.numbers`), or unchanged
    when it is refused (the field's validator then says why)."""
    return normalise(text, decimal_comma=decimal_comma())


NUMBER_PROBLEMS = {
    "required": _l("This value is required."),
    "too_long": _l("Too long for a measurement (%(text)s characters)."),
    "space": _l("“%(text)s” has a space inside: write the number without separators."),
    "both": _l(
        "“%(text)s” has both a comma and a point: write it without thousands separators, "
        "with one decimal comma or point."
    ),
    "many": _l("“%(text)s” has more than one separator: write one decimal comma or point."),
    "ambiguous": _l(
        "“%(text)s” is ambiguous (a thousands separator or a decimal comma?): write it "
        "without a thousands separator, or with a decimal point."
    ),
    "not_number": _l("“%(text)s” is not a number."),
}


class FeatureValue:
    """Server-side check of one raw measurement: read by :func:`parse_decimal`, then the
    schema's hard limits; the message says what was wrong with what was typed."""

    def __init__(self, feature: Feature):
        self.feature = feature

    def __call__(self, form, field) -> None:
        try:
            typed = field.raw_data[0] if field.raw_data else field.data
            value = parse_decimal(typed, decimal_comma=decimal_comma())
        except NumberProblem as problem:
            raise ValidationError(NUMBER_PROBLEMS[problem.kind] % {"text": problem.text}) from None
        if self.feature.positive and value == 0:
            raise ValidationError(_l("0 is impossible here: a nucleus has a size."))
        if self.feature.problem(value):
            raise ValidationError(
                _l(
                    "%(value)s is outside what a measurement can be: expected a number between "
                    "0 and %(max)s.",
                    value=f"{value:g}",
                    max=f"{self.feature.maximum:g}",
                )
            )


def _label(name: str) -> LazyString:
    return LazyString(lambda: BY_NAME[name].label(str(get_locale() or "en")))


def _feature_field(feature: Feature) -> StringField:
    return StringField(
        _label(feature.name),
        validators=[InputRequired(_l("This value is required.")), FeatureValue(feature)],
        render_kw={
            # text, not number: a browser's number field drops a decimal comma it does not
            # expect ("1001,5" -> 10015); the server's parser is the one authority
            "type": "text",
            "inputmode": "decimal",
            "autocomplete": "off",
            "spellcheck": "false",
            "maxlength": "40",
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
            Length(max=vocabulary.SAMPLE_REF_MAX),
            Regexp(
                SAMPLE_REF_PATTERN,
                message=_l("Letters, digits, spaces and . _ / - only (no patient names)."),
            ),
        ],
        render_kw={"maxlength": str(vocabulary.SAMPLE_REF_MAX), "autocomplete": "off"},
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
        choices=[SelectChoice(code, DIAGNOSIS_LABELS[code]) for code in vocabulary.DIAGNOSES],
        validators=[InputRequired(_l("Choose malignant or benign."))],
    )
    confirmed_on = DateField(
        _l("Date of confirmation"),
        validators=[InputRequired(_l("This value is required.")), not_in_future],
    )
    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=vocabulary.NOTE_MAX)]
    )


class BatchForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["csv", "txt", "data"], _l("A CSV file, please.")),
        ],
    )


class MeasureForm(FlaskForm):
    image = FileField(
        _l("Aspirate image"),
        validators=[
            FileRequired(_l("Choose an image.")),
            FileAllowed(["png", "jpg", "jpeg", "tif", "tiff"], _l("A PNG, JPEG or TIFF image.")),
        ],
    )
    pixel_size = StringField(
        _l("Pixel size (µm per pixel)"),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "maxlength": "20"},
    )
