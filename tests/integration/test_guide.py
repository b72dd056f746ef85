"""The clinician's guide is served in the reader's language and linked from the home page."""


def test_the_guide_is_linked_from_home_and_served_in_english_and_french(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/guide" id="guide-link"' in home
    english = client.get("/guide")
    assert english.status_code == 200
    text = english.get_data(as_text=True)
    assert "<h1>Clinician&#x27;s guide</h1>" in text or "<h1>Clinician's guide</h1>" in text
    for heading in ("Entering a sample", "Reading a result", "Batch files"):
        assert heading in text
    french = client.get("/guide", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "<h1>Guide du clinicien</h1>" in french and "Indéterminé — à adresser" in french
