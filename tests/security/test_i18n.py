"""English and French: from the browser's Accept-Language, or the switch in the navbar."""

from __future__ import annotations

import pytest

FRENCH = "Aide à la décision pour la cytologie mammaire"
ENGLISH = "Decision support for breast fine-needle-aspirate cytology"

# The language comes from a header or the session cookie, not the database: SQLite only.
pytestmark = pytest.mark.sqlite_only


def test_french_comes_from_accept_language(client):
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    text = page.get_data(as_text=True)
    assert FRENCH in text and '<html lang="fr">' in text and "Se connecter" in text
    assert ENGLISH in client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)


def test_the_switch_sets_the_language_and_it_survives_login(app, auth, actors):
    client = app.test_client()
    token = auth.csrf_token(client, "/login")
    switched = client.post("/language", data={"csrf_token": token, "lang": "fr", "next": "/login"})
    assert switched.status_code == 302 and switched.location == "/login"
    english_browser = {"Accept-Language": "en"}
    assert "Se connecter" in client.get("/login", headers=english_browser).get_data(as_text=True)
    auth.login(client, "clinician-a")
    page = client.get("/account", headers=english_browser).get_data(as_text=True)
    assert "Votre compte" in page and "Se déconnecter" in page


def test_errors_and_form_messages_are_translated(app, auth, actors):
    client = app.test_client()
    french = {"Accept-Language": "fr"}
    assert "Page introuvable" in client.get("/nowhere", headers=french).get_data(as_text=True)
    token = auth.csrf_token(client, "/login")
    data = {"csrf_token": token, "username": "clinician-a", "password": "not the right one"}
    page = client.post("/login", data=data, headers=french).get_data(as_text=True)
    assert "Nom d’utilisateur ou mot de passe incorrect." in page


def test_an_unknown_language_choice_is_ignored(app, auth):
    client = app.test_client()
    token = auth.csrf_token(client, "/")
    client.post(
        "/language", data={"csrf_token": token, "lang": "xx", "next": "https://evil.example"}
    )
    assert client.get_cookie("pb_lang") is None
    assert ENGLISH in client.get("/").get_data(as_text=True)
