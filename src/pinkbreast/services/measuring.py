"""Measuring an uploaded image: the one entry point the web page and the API share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pinkbreast.imaging import scale
from pinkbreast.imaging.reading import ImageRejected, read_image

if TYPE_CHECKING:
    from pinkbreast.imaging.measure import Measurement


class MeasurementRefused(ValueError):
    """The upload cannot be measured; ``field`` and ``problem`` say why."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


def pixel_size(text: str | None, default: float) -> float:
    """The pixel size a form or request gave (blank: ``default``), checked."""
    if text is None or not str(text).strip():
        return default
    try:
        return scale.check_pixel_size(str(text).strip())
    except scale.InvalidPixelSize as exc:
        raise MeasurementRefused("pixel_size_um", str(exc)) from None


def measure_upload(
    data: bytes,
    *,
    name: str,
    pixel_size_um: float,
    seeds: Sequence[tuple[float, float]] = (),
    excluded: Iterable[int] = (),
    require_nuclei: bool = True,
) -> Measurement:
    from pinkbreast.imaging.measure import measure  # scikit-image: loaded on first use

    try:
        picture = read_image(data, name=name)
    except ImageRejected as exc:
        raise MeasurementRefused("image", str(exc)) from None
    result = measure(picture, pixel_size_um=pixel_size_um, seeds=seeds, excluded=excluded)
    if require_nuclei and not result.nuclei:
        raise MeasurementRefused(
            "image", f"{name}: no whole nucleus was found (check the pixel size)."
        )
    return result
