"""The PDF report: what it says, in which language, to whom, and that it is reproducible."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from pinkbreast.db.models import AuditEvent, PredictionRecord
from pinkbreast.db.session import session_scope
from pinkbreast.reports.content import report_content
from pinkbreast.reports.wording import probability
from pinkbreast.services import reports
from pinkbreast.services.outcomes import record_outcome
from tests.clock import days_ago
from tests.reports.helpers import make_predictions, pdf_text

FIXED = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
DISCLAIMER = {
    "en": "Decision support only: this estimate does not make a diagnosis.",
    "fr": "Aide à la décision uniquement : cette estimation ne pose pas de diagnostic.",
}
ZONE = {"en": "Malignant", "fr": "Malin"}


@pytest.mark.sqlite_only  # PDF layout and wording, not SQL
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_report_states_probability_zone_reference_and_disclaimer(alice, clinic_settings, lang):
    """It downloads from the result page's button, in the requested language."""
    (prediction_id,) = make_predictions(clinic_settings, "alice")
    page = alice.get(f"/predictions/{prediction_id}").get_data(as_text=True)
    assert f"/predictions/{prediction_id}/report.pdf" in page
    response = alice.get(f"/predictions/{prediction_id}/report.pdf?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    with session_scope(clinic_settings.database_url) as session:
        record = session.get(PredictionRecord, prediction_id)
        shown = probability(record.probability, lang).replace("\xa0", " ")  # "> 99.9 %"
        assert record.zone == "malignant"
    assert shown in text and shown.endswith("%")
    assert ZONE[lang] in text
    assert "CYTO-0000" in text
    # the champion's evidence line, with predictive values (pinkbreast.ml.evidence)
    assert ("569 retrospective cases" if lang == "en" else "569 cas rétrospectifs") in text
    assert ("NPV" if lang == "en" else "VPN") in text
    assert DISCLAIMER[lang] in text
    assert DISCLAIMER["fr" if lang == "en" else "en"] not in text
    assert "Content SHA-256" in text if lang == "en" else "SHA-256 du contenu" in text


@pytest.mark.sqlite_only  # PDF layout and wording, not SQL
def test_same_prediction_and_time_give_the_same_bytes(app, clinic_settings, users):
    (prediction_id,) = make_predictions(clinic_settings, "alice")

    def render(at: datetime) -> bytes:
        with session_scope(clinic_settings.database_url) as session:
            return reports.report_pdf_for_operator(
                session=session, prediction_id=prediction_id, lang="fr", generated_at=at
            )

    first, second = render(FIXED), render(FIXED)
    assert first == second
    with session_scope(clinic_settings.database_url) as session:
        content = report_content(session.get(PredictionRecord, prediction_id), lang="fr")
    assert f"SHA-256 du contenu {content.sha256()}" in pdf_text(first)  # the footer's hash
    later = render(datetime(2026, 12, 2, tzinfo=UTC))
    assert later != first  # only the generation time differs...
    assert pdf_text(later).replace("2026-12-02 00:00", "2026-12-01 08:30") == pdf_text(first)


def test_another_clinicians_report_is_not_found_and_audited(alice, bruno, clinic_settings):
    (prediction_id,) = make_predictions(clinic_settings, "alice")
    assert bruno.get(f"/predictions/{prediction_id}/report.pdf").status_code == 404
    assert alice.get(f"/predictions/{prediction_id}/report.pdf").status_code == 200
    with session_scope(clinic_settings.database_url) as session:
        rows = session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "prediction.report")
            .order_by(AuditEvent.id)
        ).all()
        seen = [(r.actor_name, r.record_id, r.outcome) for r in rows]
    assert seen == [
        ("bruno", str(prediction_id), "denied"),
        ("alice", str(prediction_id), "allowed"),
    ]


def test_the_api_serves_the_same_report_under_the_same_rule(api, api_bruno, clinic_settings):
    (prediction_id,) = make_predictions(clinic_settings, "alice")
    response = api.get(f"/predictions/{prediction_id}/report.pdf?lang=fr")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert DISCLAIMER["fr"] in pdf_text(response.data)
    assert api_bruno.get(f"/predictions/{prediction_id}/report.pdf").status_code == 404
    bad = api.get(f"/predictions/{prediction_id}/report.pdf?lang=de")
    assert bad.status_code == 422
    assert bad.get_json()["error"]["details"] == [
        {"field": "lang", "problem": "expected one of en, fr"}
    ]


def test_a_confirmed_outcome_appears_and_marks_the_report_amended(alice, clinic_settings, users):
    (prediction_id,) = make_predictions(clinic_settings, "alice")
    with session_scope(clinic_settings.database_url) as session:
        from pinkbreast.db.models import User

        user = session.get(User, users["alice"])
        record_outcome(
            session=session, user=user, prediction_id=prediction_id, diagnosis="M",
            confirmed_on=days_ago(30), note="Core biopsy: carcinoma, Ki-67 ≥ 20 %, 3 µm.",
        )  # fmt: skip
    text = pdf_text(alice.get(f"/predictions/{prediction_id}/report.pdf?lang=en").data)
    assert f"Malignant, confirmed on {days_ago(30).isoformat()}, recorded by alice" in text
    assert "Core biopsy: carcinoma, Ki-67 ≥ 20 %, 3 µm." in text  # beyond Latin-1
    assert "Amended report" in text


@pytest.mark.sqlite_only  # PDF layout and wording, not SQL
def test_without_lang_the_report_speaks_the_interface_language(alice, clinic_settings):
    (prediction_id,) = make_predictions(clinic_settings, "alice")
    url = f"/predictions/{prediction_id}/report.pdf"
    french = alice.get(url, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert DISCLAIMER["fr"] in pdf_text(french.data)
    assert 'filename="pinkbreast-report-' in french.headers["Content-Disposition"]
    refused = alice.get(url + "?lang=de")
    assert refused.status_code == 400
    assert "The request could not be understood" in refused.get_data(as_text=True)
