"""Numbers as people type them: decimal comma or point, never a guessed thousands separator."""

import pytest

from pinkbreast.numbers import NumberProblem, parse_decimal


@pytest.mark.parametrize(
    ("text", "value"),
    [("1001,5", 1001.5), ("1001.5", 1001.5), ("17,99", 17.99), ("0,106", 0.106),
     (" 12 ", 12.0), (",5", 0.5), ("1.234", 1.234), ("1.5e-3", 0.0015), ("2501", 2501.0),
     (14.2, 14.2), ("-1", -1.0)],
)  # fmt: skip
def test_accepted(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [("1.000,5", "both a comma and a point"), ("1,000.5", "both a comma and a point"),
     ("1 001,5", "space or quote inside"), ("1\u202f001", "space or quote inside"),
     ("1,234", "ambiguous: write 1234 (without a thousands comma) or 1.234"),
     ("1,2,3", "more than one separator"), ("abc", "not a number"), ("", "required"),
     ("9" * 400, "too long for a measurement (400 characters)"), (True, "expected a number")],
)  # fmt: skip
def test_refused_with_the_reason(text, reason):
    with pytest.raises(NumberProblem, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_decimal(text)


def test_a_comma_and_three_digits_is_a_decimal_where_people_write_decimal_commas():
    assert parse_decimal("1,095", decimal_comma=True) == 1.095
    with pytest.raises(NumberProblem, match="ambiguous"):
        parse_decimal("1,095")
