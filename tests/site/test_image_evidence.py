"""The notice on image-derived results stays until the site's own confirmed image-derived cases
support the champion: conclusive intervals and a sensitivity whose lower 95% bound reaches the
recall alert threshold (services/image_evidence.py); then the page, the PDF and the FHIR report
say the site's cases support it instead."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from pinkbreast.db.models import Outcome, User
from pinkbreast.db.session import session_scope
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.ml.data import load_reference
from pinkbreast.services import predictions, site_cases
from pinkbreast.services.image_evidence import image_evidence, validated
from tests.clinic.test_measure_page import _form_fields, review
from tests.reports.helpers import pdf_text
from tests.site import helpers

IMAGE = predictions.ImageSource(
    sha256="ab" * 32, name="site.png", width=64, height=64, pixel_size_um=0.25,
    method_version="1", code_version="test", contours=[[[1, 1], [9, 1], [9, 9], [1, 9]]],
)  # fmt: skip


def adopt_image_cases(session, user, tracking_uri: str, per_class: int) -> None:
    """``per_class`` malignant and as many benign reference patients, measured from images,
    scored by the champion, confirmed and adopted as site cases."""
    reference = load_reference()
    chosen = reference.groupby("diagnosis").sample(n=per_class, random_state=3)
    stored = predictions.create_predictions(
        session=session,
        submission=predictions.Submission(user=user, source="form", explain=False),
        samples=[
            predictions.Sample(row, image=IMAGE)
            for row in chosen[list(FEATURE_NAMES)].to_dict("records")
        ],
        tracking_uri=tracking_uri,
    )
    with session.begin():
        for record, diagnosis in zip(stored.records, chosen["diagnosis"], strict=True):
            session.add(Outcome(prediction_id=record.id, diagnosis=diagnosis, note="",
                                confirmed_on=record.created_at.date(),
                                recorded_by_id=user.id))  # fmt: skip
    site_cases.adopt_confirmed(session=session, actor=user)


def test_the_evidence_needs_conclusive_intervals_and_the_recall_floor(
    session, champion_tracking_uri
):
    carla = helpers.user(session)
    session.commit()

    def evidence(floor: float = 0.85, version: str | None = None):
        return image_evidence(session=session, tracking_uri=champion_tracking_uri,
                              floor=floor, version=version)  # fmt: skip

    none_yet = evidence()
    assert none_yet.figures.n == 0 and not none_yet.adequate
    helpers.confirmed(session, carla, source="form")  # a typed case: not image-derived
    session.commit()
    site_cases.adopt_confirmed(session=session, actor=carla)
    assert evidence().figures.n == 0

    adopt_image_cases(session, carla, champion_tracking_uri, per_class=4)
    few = evidence()
    assert few.figures.n == 8 and not few.figures.conclusive and not few.adequate
    assert few.figures.needed_malignant > 0

    adopt_image_cases(session, carla, champion_tracking_uri, per_class=90)
    enough = evidence()
    assert enough.figures.n == 188 and enough.figures.conclusive
    assert enough.figures.sensitivity.low >= 0.85 and enough.adequate
    assert validated(enough, enough.version)
    assert not validated(enough, "an earlier version")  # its predictions keep the notice
    assert evidence(version="an earlier version") is None
    strict = evidence(floor=0.99)  # a site that wants more than these cases show
    assert strict.figures.conclusive and not strict.adequate


@pytest.mark.sqlite_only
def test_the_result_page_and_reports_lift_the_notice_once_supported(
    alice, api, settings, champion_tracking_uri
):
    url, html = review(alice)
    form_url = f"/predict?measurement={url.rsplit('/', 1)[1]}"
    response = alice.post(form_url, data=_form_fields(alice.get(form_url).get_data(as_text=True)))
    result_url = response.headers["Location"]
    prediction_id = int(result_url.rsplit("/", 1)[1])

    before = alice.get(result_url).get_data(as_text=True)
    assert 'data-validated="false"' in before
    assert "No confirmed image-derived case has been adopted yet." in before
    report = " ".join(pdf_text(alice.get(result_url + "/report.pdf?lang=en").data).split())
    assert "Until this site's own confirmed image-derived cases show adequate" in report

    with session_scope(settings.database_url) as session:
        admin = session.scalars(sa.select(User).where(User.username == "admin")).one()
        adopt_image_cases(session, admin, champion_tracking_uri, per_class=90)

    after = alice.get(result_url).get_data(as_text=True)
    notice = re.search(r'id="image-notice" data-validated="(\w+)">(.*?)</div>', after, re.S)
    assert notice.group(1) == "true"
    assert "support the current model on such measurements" in notice.group(2)
    assert "on 90 malignant cases" in notice.group(2)
    report = " ".join(pdf_text(alice.get(result_url + "/report.pdf?lang=en").data).split())
    assert "support this model version on such measurements" in report
    assert "Until this site's own" not in report
    fhir = api.get(f"/predictions/{prediction_id}/fhir?lang=fr").get_data(as_text=True)
    assert "confirment cette version du modèle" in fhir
    french = alice.get(result_url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert 'data-validated="true"' in french and "sensibilité" in french
