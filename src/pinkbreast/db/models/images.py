"""Where a prediction's measurements came from when they were measured on an image."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pinkbreast.db.models.base import Base, Timestamp, utcnow


class ImageProvenance(Base):
    """The image (by SHA-256; the file in the instance folder's ``images/``), the accepted
    contours, the pixel size and the measuring code's version behind one prediction."""

    __tablename__ = "prediction_images"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    prediction_id: Mapped[int] = mapped_column(sa.ForeignKey("predictions.id"), unique=True)
    image_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    image_name: Mapped[str] = mapped_column(sa.String(200))
    width: Mapped[int] = mapped_column(sa.Integer)  # pixels: the contours' frame
    height: Mapped[int] = mapped_column(sa.Integer)
    pixel_size_um: Mapped[float] = mapped_column(sa.Double)
    method_version: Mapped[str] = mapped_column(sa.String(16))
    code_version: Mapped[str] = mapped_column(sa.String(32))
    nuclei: Mapped[int] = mapped_column(sa.Integer)
    contours: Mapped[str] = mapped_column(sa.Text)  # JSON: [[[x, y], ...], ...] accepted, pixels
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
