"""The administrators' dashboard renders live figures, and only for administrators."""

import re

from tests.clinic.helpers import MALIGNANT_ID, case_values, submit_form
from tests.clock import days_ago


def test_dashboard_shows_confirmed_performance_and_the_model(admin, alice):
    location = submit_form(alice, case_values(MALIGNANT_ID)).headers["Location"]
    page = alice.get(location).get_data(as_text=True)
    token = re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page)[-1]
    outcome = {"diagnosis": "M", "confirmed_on": days_ago(14).isoformat(), "csrf_token": token}
    assert alice.post(location + "/outcome", data=outcome).status_code == 303
    response = admin.get("/admin/monitoring")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[-3000:]
    assert 'id="recall">100.0%' in page.replace(" ", "").replace("\u202f", "")
    assert 'id="confusion"' in page and 'id="drift"' not in page  # too few inputs for drift
    assert "Model card" in page and 'id="trend-chart"' in page and 'id="volume-chart"' in page
    assert "<polyline" not in page  # one week with outcomes: a point, no line yet
    assert alice.get("/admin/monitoring").status_code == 403


def test_an_empty_dashboard_says_no_data_yet_instead_of_empty_charts(admin, alice):
    page = admin.get("/admin/monitoring").get_data(as_text=True)
    assert 'id="trend-empty"' in page and 'id="volume-empty"' in page
    assert 'id="trend-chart"' not in page and 'id="volume-chart"' not in page
    submit_form(alice, case_values(842302), sample_ref="DEMO-MALIGNANT")  # the example case
    page = admin.get("/admin/monitoring").get_data(as_text=True)
    assert 'id="volume-empty"' in page  # a demonstration is not counted
    submit_form(alice, case_values(MALIGNANT_ID))
    page = admin.get("/admin/monitoring").get_data(as_text=True)
    assert 'id="volume-empty"' not in page and 'id="trend-empty"' in page  # no outcome yet
