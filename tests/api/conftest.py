"""API fixtures: the clinic app and users, plus bearer tokens made by the real service."""

from __future__ import annotations

import pytest

from pinkbreast.db.models import User
from pinkbreast.db.session import session_factory
from pinkbreast.services import tokens


def make_token(settings, username: str, days: int = 30) -> str:
    session = session_factory(settings.database_url)()
    try:
        user = session.query(User).filter_by(username=username).one()
        plain, _ = tokens.create_token(session=session, user=user, name="tests", days=days)
        return plain
    finally:
        session.close()


@pytest.fixture
def api(app, users, clinic_settings):
    """A client for alice's token: ``api.get/post/put(path, ...)`` with the header set."""
    return ApiClient(app.test_client(), make_token(clinic_settings, "alice"))


@pytest.fixture
def api_bruno(app, users, clinic_settings):
    return ApiClient(app.test_client(), make_token(clinic_settings, "bruno"))


class ApiClient:
    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path, headers=None, **kwargs):
        return self.client.get("/api/v1" + path, headers=self._headers(headers), **kwargs)

    def post(self, path, headers=None, **kwargs):
        return self.client.post("/api/v1" + path, headers=self._headers(headers), **kwargs)

    def put(self, path, headers=None, **kwargs):
        return self.client.put("/api/v1" + path, headers=self._headers(headers), **kwargs)
