"""Images being reviewed on the "Measure from an image" page, before a prediction uses them.

Patient data: kept in the instance folder (``measurements/``, mode 0700, files 0600), each
draft readable only by the account that uploaded it. A draft is the image's bytes and the
reviewer's choices (pixel size, nuclei left out, seeds added); the measurement is computed
from them. The detection (the costly part: every nucleus's snake) is kept beside the draft,
for the measuring method's version and the pixel size it was made with, so that leaving a
nucleus out re-measures nothing and adding one outlines only the added nuclei.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pinkbreast.private_files import FILE_MODE, private_folder

if TYPE_CHECKING:  # imaging (scikit-image) and SQLAlchemy load only when a draft needs them
    from sqlalchemy.orm import Session

    from pinkbreast.imaging.measure import Found

FOLDER = "measurements"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
MAX_SEEDS = 200


class DraftNotFound(LookupError):
    pass


@dataclass
class Draft:
    token: str
    user_id: int
    name: str
    pixel_size_um: float
    excluded: list[int] = field(default_factory=list)
    seeds: list[list[float]] = field(default_factory=list)


def _paths(instance: Path, token: str) -> tuple[Path, Path]:
    folder = instance / FOLDER
    return folder / f"{token}.image", folder / f"{token}.json"


def _write(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def save_draft(*, instance: Path, user_id: int, name: str, data: bytes,
               pixel_size_um: float) -> Draft:  # fmt: skip
    private_folder(instance / FOLDER)
    draft = Draft(secrets.token_urlsafe(16), user_id, name[:200], pixel_size_um)
    image, state = _paths(instance, draft.token)
    _write(image, data)
    _write(state, json.dumps(asdict(draft)).encode())
    return draft


def load_draft(*, instance: Path, token: str, user_id: int) -> tuple[Draft, bytes]:
    """The draft and its image, for its owner only (anyone else: :class:`DraftNotFound`)."""
    if not TOKEN.match(token):
        raise DraftNotFound(token)
    image, state = _paths(instance, token)
    try:
        draft = Draft(**json.loads(state.read_text()))
        data = image.read_bytes()
    except (OSError, ValueError, TypeError):
        raise DraftNotFound(token) from None
    if draft.user_id != user_id:
        raise DraftNotFound(token)
    return draft, data


def _found_path(instance: Path, token: str) -> Path:
    return instance / FOLDER / f"{token}.found.npz"


def keep_found(*, instance: Path, draft: Draft, found: Found) -> None:
    """Keep the detection of ``draft``'s image (a :class:`pinkbreast.imaging.measure.Found`)."""
    import io

    import numpy as np

    nuclei = [{"contour": n.contour.tolist(), "values": n.values} for n in found.nuclei]
    meta = {"pixel_size_um": found.pixel_size_um, "version": found.version, "nuclei": nuclei}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, labels=found.labels, meta=np.array(json.dumps(meta)))
    _write(_found_path(instance, draft.token), buffer.getvalue())


def kept_found(*, instance: Path, draft: Draft) -> Found | None:
    """The detection kept for ``draft``, or None (none kept, or unreadable: measured again)."""
    import numpy as np

    from pinkbreast.imaging.measure import Found, Nucleus

    try:
        with np.load(_found_path(instance, draft.token), allow_pickle=False) as stored:
            labels, meta = stored["labels"], json.loads(str(stored["meta"]))
    except (OSError, ValueError, KeyError):
        return None
    nuclei = tuple(
        Nucleus(number, np.asarray(n["contour"], dtype=float), n["values"])
        for number, n in enumerate(meta["nuclei"], start=1)
    )
    return Found(nuclei, labels, meta["pixel_size_um"], meta["version"])


def update_draft(*, instance: Path, draft: Draft, excluded: list[int],
                 seeds: list[list[float]]) -> Draft:  # fmt: skip
    draft.excluded = sorted(set(excluded))
    draft.seeds = seeds[:MAX_SEEDS]
    _write(_paths(instance, draft.token)[1], json.dumps(asdict(draft)).encode())
    return draft


IMAGES = "images"


def keep_image(*, instance: Path, sha256: str, data: bytes) -> Path:
    """Store the image a prediction was measured on, named by its SHA-256 (once)."""
    folder = instance / IMAGES
    private_folder(folder)
    path = folder / f"{sha256}.image"
    if not path.exists():
        _write(path, data)
    return path


def kept_image(*, instance: Path, sha256: str) -> bytes:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise DraftNotFound(sha256)
    try:
        return (instance / IMAGES / f"{sha256}.image").read_bytes()
    except OSError:
        raise DraftNotFound(sha256) from None


@dataclass(frozen=True)
class ImageProblem:
    prediction_id: int
    sha256: str
    problem: str  # "missing" or "altered"


def check_kept_images(*, session: Session, instance: Path) -> tuple[int, list[ImageProblem]]:
    """Every image a prediction was measured on, read back from the instance folder and hashed
    again: ``(images checked, problems)``. For a restore: the database dump holds the
    provenance rows, the folder ``images/`` the files (docs/backup.md)."""
    import hashlib

    import sqlalchemy as sa

    from pinkbreast.db.models import ImageProvenance

    rows = session.execute(
        sa.select(ImageProvenance.prediction_id, ImageProvenance.image_sha256).order_by(
            ImageProvenance.prediction_id
        )
    ).all()
    problems = []
    for prediction_id, sha256 in rows:
        try:
            data = (instance / IMAGES / f"{sha256}.image").read_bytes()
        except OSError:
            problems.append(ImageProblem(prediction_id, sha256, "missing"))
            continue
        if hashlib.sha256(data).hexdigest() != sha256:
            problems.append(ImageProblem(prediction_id, sha256, "altered"))
    return len(rows), problems
