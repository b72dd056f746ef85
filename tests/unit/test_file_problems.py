"""A rejected file's problems read in French on French pages; every message the table readers
write is matched (a new message without a translation pattern fails here)."""

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from pinkbreast.tables import SAMPLES, FileRejected, Problem, parse_table
from pinkbreast.web import file_problems


@pytest.fixture
def french():
    app = Flask(__name__, root_path=str(file_problems.__file__).rsplit("/", 1)[0])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = "translations"
    Babel(app)
    with app.test_request_context(), force_locale("fr"):
        yield


def _rejected(text: str) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        parse_table(text, SAMPLES, name="lot.csv")
    return caught.value


def test_a_bad_cell_is_located_and_explained_in_french(french):
    from pinkbreast.features import FEATURE_NAMES

    header = ",".join(["sample_ref", *FEATURE_NAMES])
    row = ",".join(["S-1", "-5", *["1"] * 29])
    lines = file_problems.problem_lines(_rejected(f"{header}\n{row}\n"))
    assert lines == [
        "lot.csv, ligne 2, colonne 2 (radius_mean) : une valeur positive ou nulle était "
        "attendue, reçu '-5'"
    ]


@pytest.mark.parametrize(
    "message",
    [
        "the file holds no rows",
        "12 rows; at most 10",
        "expected 31 cells, found 30",
        "unknown column",
        "expected a value <= 50000, got 99999",
        "expected a number, got 'abc'",
        "duplicate id 842302 (first on line 2)",
    ],
)
def test_every_known_message_is_translated(french, message):
    translated = file_problems.message(message)
    assert translated != message  # matched and translated


def test_an_unknown_message_is_shown_as_written(french):
    line = file_problems.problem_line(Problem("f.csv", None, None, "something new"))
    assert line == "f.csv : something new"
