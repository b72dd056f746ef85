"""Training from the admin page runs in a background process whose progress and end are in the
database; a failed training says so and leaves the champion untouched."""

import time

import pytest
import sqlalchemy as sa

from pinkbreast.db.models import TrainingJob
from pinkbreast.db.session import session_factory
from pinkbreast.ml import aliases
from pinkbreast.ml.data import load_reference
from pinkbreast.services.cases import import_cases


@pytest.fixture
def session(app_settings):
    session = session_factory(app_settings.database_url)()
    yield session
    session.close()


def test_a_failed_background_training_says_so_and_leaves_the_champion(
    app, app_settings, auth, actors, session
):
    import_cases(session=session, frame=load_reference().head(40), source="wdbc")
    champion = aliases.version_of(app_settings.mlflow_tracking_uri, "champion")
    client = auth.client_for("admin")
    token = auth.csrf_token(client, "/admin/challenger")

    form = {"csrf_token": token, "kind": "challenger", "quick": "y"}
    started = client.post("/admin/challenger/train", data=form, follow_redirects=True)
    assert "Training started in the background" in started.get_data(as_text=True)
    unnamed = client.post("/admin/challenger/train", data={"csrf_token": token})
    assert unnamed.status_code == 400  # the form names what it trains

    deadline = time.monotonic() + 120
    job = None
    while time.monotonic() < deadline:
        session.rollback()  # a fresh snapshot each time (MariaDB reads are repeatable)
        job = session.scalar(sa.select(TrainingJob).execution_options(populate_existing=True))
        if job.status != "running":
            break
        time.sleep(1)
    assert job.status == "failed", job.message
    assert "no adopted site cases" in job.message and "champion is untouched" in job.message
    assert aliases.version_of(app_settings.mlflow_tracking_uri, "champion") == champion
    page = client.get("/admin/challenger").get_data(as_text=True)
    assert "The last training failed. The champion is untouched." in page
