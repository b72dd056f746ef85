"""Files the application creates for itself are private: folders 0700, files 0600.

The instance folder holds the embedded databases (every account, audit row and prediction),
the development secret and the MLflow store: nobody else on the machine should read them.
Only what the application creates is set; an existing file or folder keeps its mode.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # config imports this module: `pinkbreast predict` must not load SQLAlchemy
    import sqlalchemy as sa

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> None:
    """Create ``path`` (and missing parents) with mode 0700 when it does not exist."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=FOLDER_MODE)
    except FileExistsError:
        return
    os.chmod(path, FOLDER_MODE)  # mkdir's mode is filtered by the umask


def private_sqlite(url: str | sa.URL) -> None:
    """Create the file of a SQLite URL with mode 0600 before SQLite does (it would use 0644);
    SQLite gives its -wal and -shm files the database file's mode."""
    import sqlalchemy as sa

    url = sa.make_url(url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return
    path = Path(url.database)
    if path.exists():
        return
    private_folder(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        return
    os.chmod(path, FILE_MODE)
