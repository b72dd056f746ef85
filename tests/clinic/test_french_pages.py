"""French pages write numbers the French way: no dot-decimal number in the text a reader sees
(result, review step, history, monitoring)."""

from __future__ import annotations

import re

from tests.clinic.helpers import MALIGNANT_ID, case_values, submit_form
from tests.workflow import csrf_token

FR = {"Accept-Language": "fr"}
DOT_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")


def visible_text(page: str) -> str:
    """The text inside <main>, without tags, scripts and attribute values."""
    main = page[page.index("<main") : page.index("</main>")]
    main = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", main, flags=re.S)
    main = re.sub(r'<[^>]+lang="en".*?</[a-z]+>', " ", main, flags=re.S)  # English, marked
    return re.sub(r"<[^>]+>", " ", main)


def test_no_dot_decimal_number_on_french_pages(alice, admin):
    values = case_values(MALIGNANT_ID)
    location = submit_form(alice, values, sample_ref="FR-1").headers["Location"]
    page = alice.get("/predict", headers=FR).get_data(as_text=True)
    data = {name: repr(v).replace(".", ",") for name, v in values.items()}
    token = re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)
    data.update(csrf_token=csrf_token(page), sample_ref="FR-2", token=token, action="review")
    pages = {
        "result": alice.get(location, headers=FR),
        "review": alice.post("/predict", data=data, headers=FR),
        "history": alice.get("/predictions", headers=FR),
        "monitoring": admin.get("/admin/monitoring", headers=FR),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = visible_text(response.get_data(as_text=True))
        assert 'lang="fr"' in response.get_data(as_text=True)
        assert DOT_DECIMAL.findall(text) == [], name
    assert re.search(r"\d+,\d+", visible_text(pages["result"].get_data(as_text=True)))
