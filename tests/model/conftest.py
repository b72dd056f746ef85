"""Model tests share the session's one quick training run (``tests/conftest.py``)."""

from __future__ import annotations

import pytest

from pinkbreast.ml import serving
from pinkbreast.ml.data import load_reference


@pytest.fixture(scope="session")
def reference():
    return load_reference()


@pytest.fixture(scope="session")
def trained(trained_champion):
    """``(tracking_uri, report)`` of the session's one ``train(..., quick=True)`` run."""
    return trained_champion


@pytest.fixture(scope="session")
def champion(trained):
    uri, _ = trained
    return serving.champion(uri)


@pytest.fixture
def case(reference):
    """Raw values of one case, by id."""

    def get(case_id: int) -> dict[str, float]:
        row = reference.loc[reference["id"] == case_id].iloc[0]
        return {name: float(row[name]) for name in reference.columns[2:]}

    return get
