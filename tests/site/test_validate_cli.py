"""`pinkbreast validate`: the champion on the adopted site cases, with a plain verdict; and
`pinkbreast train --challenger` refuses to run without site cases."""

from click.testing import CliRunner

from pinkbreast.cli import cli
from pinkbreast.db.session import session_factory
from pinkbreast.ml.data import load_reference
from pinkbreast.services import site_cases
from pinkbreast.services.cases import import_cases
from tests.site import helpers


def _site(settings, n: int) -> None:
    session = session_factory(settings.database_url)()
    carla = helpers.user(session)
    reference = load_reference()
    for _, row in reference.head(n).iterrows():
        values = {name: row[name] for name in reference.columns[2:]}
        helpers.confirmed(session, carla, values, diagnosis=row["diagnosis"], source="api")
    session.commit()
    site_cases.adopt_confirmed(session=session, actor=carla)
    session.close()


def test_validate_says_too_few_cases_and_writes_the_report(
    settings, champion_tracking_uri, monkeypatch, tmp_path
):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", champion_tracking_uri)
    _site(settings, 12)
    output = tmp_path / "report.html"

    result = CliRunner().invoke(cli, ["validate", "--output", str(output)])

    assert result.exit_code == 0, result.output
    assert "on 12 site cases" in result.output
    assert "Too few cases to conclude" in result.output
    assert "api" in result.output  # the provenance group
    html = output.read_text(encoding="utf-8")
    assert "Too few cases to conclude" in html and "<img" in html


def test_validate_refuses_a_bad_width(settings):
    result = CliRunner().invoke(cli, ["validate", "--width", "2"])
    assert result.exit_code == 2 and "--width" in result.output


def test_challenger_needs_site_cases(settings, champion_tracking_uri, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", champion_tracking_uri)
    session = session_factory(settings.database_url)()
    import_cases(session=session, frame=load_reference().head(50), source="wdbc")
    session.close()

    result = CliRunner().invoke(cli, ["train", "--challenger", "--quick"])

    assert result.exit_code == 1
    assert "no adopted site cases" in result.output
