"""Measuring an uploaded image: the one entry point the web page and the API share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from pinkbreast.imaging import scale
from pinkbreast.imaging.reading import ImageRejected, Picture, read_image

if TYPE_CHECKING:
    from pinkbreast.imaging.measure import Found, Measurement


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


MAX_NUCLEUS_NUMBER = 100_000
MAX_COORDINATE = 10_000  # pixels; no accepted image is this large (imaging.reading)


def reviewer_choices(excluded: object, seeds: object) -> tuple[list[int], list[list[float]]]:
    """The reviewer's choices, checked: nucleus numbers to leave out and ``[x, y]`` pixel
    points where a missed nucleus should be grown. The page and the API share this rule."""
    from pinkbreast.services.measure_drafts import MAX_SEEDS

    if not isinstance(excluded, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and 0 < n < MAX_NUCLEUS_NUMBER
        for n in excluded
    ):
        raise MeasurementRefused("excluded", "expected a list of nucleus numbers, e.g. [2, 5]")
    if not isinstance(seeds, list) or len(seeds) > MAX_SEEDS or not all(
        isinstance(s, list) and len(s) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool)
                and 0 <= v < MAX_COORDINATE for v in s)
        for s in seeds
    ):  # fmt: skip
        raise MeasurementRefused(
            "seeds", f"expected at most {MAX_SEEDS} [x, y] pixel positions, e.g. [[120, 80]]"
        )
    return excluded, [[float(x), float(y)] for x, y in seeds]


def checked_image(data: bytes, *, name: str) -> Picture:
    """The uploaded image, read and checked (size, format, frames) without measuring it."""
    try:
        return read_image(data, name=name)
    except ImageRejected as exc:
        raise MeasurementRefused("image", str(exc)) from None


def detection(data: bytes, *, name: str, pixel_size_um: float) -> Found:
    """The nuclei detected and outlined in an uploaded image (to keep with a draft)."""
    from pinkbreast.imaging.measure import find

    return find(checked_image(data, name=name), pixel_size_um=pixel_size_um)


def still_valid(found: Found | None, pixel_size_um: float) -> bool:
    """Whether a kept detection was made by this measuring method at this pixel size."""
    from pinkbreast.imaging.measure import VERSION

    return found is not None and found.version == VERSION and found.pixel_size_um == pixel_size_um


def measure_upload(
    data: bytes,
    *,
    name: str,
    pixel_size_um: float,
    seeds: Sequence[tuple[float, float]] = (),
    excluded: Iterable[int] = (),
    require_nuclei: bool = True,
    found: Found | None = None,
) -> Measurement:
    """The measurement of an uploaded image; ``found``: its detection kept from before (the
    same result, without outlining every nucleus again)."""
    from pinkbreast.imaging.measure import measure  # scikit-image: loaded on first use

    picture = checked_image(data, name=name)
    result = measure(
        picture, pixel_size_um=pixel_size_um, seeds=seeds, excluded=excluded, found=found
    )
    if require_nuclei and not result.nuclei:
        raise MeasurementRefused(
            "image", f"{name}: no whole nucleus was found (check the pixel size)."
        )
    return result
