"""The image with every nucleus outlined and numbered, as a PNG (CLI ``--overlay``)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw

from pinkbreast.imaging.measure import Measurement
from pinkbreast.imaging.reading import Picture

ACCEPTED = (0, 200, 255)  # cyan: stands out on pink, purple and brown stains
EXCLUDED = (255, 160, 0)


def overlay_png(picture: Picture, measurement: Measurement) -> bytes:
    image = Image.fromarray(np.clip(picture.rgb, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for nucleus in measurement.nuclei:
        colour = EXCLUDED if nucleus.number in measurement.excluded else ACCEPTED
        points = [tuple(p) for p in nucleus.contour.tolist()]
        draw.line(points + points[:1], fill=colour, width=1)
        x, y = nucleus.contour.mean(axis=0)
        draw.text((float(x), float(y)), str(nucleus.number), fill=colour, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
