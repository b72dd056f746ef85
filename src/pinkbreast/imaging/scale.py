"""From image pixels to the units of the reference data (docs/imaging.md, "Scale").

WDBC gives lengths in the pixels of the images Xcyt measured, with no physical unit. We take
one reference unit to be :data:`REFERENCE_UNIT_UM` micrometres — an assumption, chosen so that
typical benign and malignant nuclear sizes land where WDBC's radii are, and uncertain by about
a third either way (see the docs). A measurement converts each image's pixels with its own
pixel size (µm per pixel), so the same nucleus gives the same numbers at any magnification.
"""

from __future__ import annotations

REFERENCE_UNIT_UM = 0.35  # assumed size of one WDBC length unit, in micrometres
DEFAULT_PIXEL_SIZE_UM = 0.25  # a 40x objective on a common camera; override per site/image
MIN_PIXEL_SIZE_UM = 0.01
MAX_PIXEL_SIZE_UM = 10.0
# nuclei are kept when their equivalent radius (sqrt(area / pi)) lies in this range, in
# reference units: WDBC's smallest per-image mean radius is about 7, its largest "worst" 36
MIN_RADIUS = 4.0
MAX_RADIUS = 45.0


class InvalidPixelSize(ValueError):
    pass


def units_per_pixel(pixel_size_um: float) -> float:
    """Reference units per image pixel."""
    return pixel_size_um / REFERENCE_UNIT_UM


def check_pixel_size(value: object) -> float:
    """``value`` as a pixel size in µm, or :class:`InvalidPixelSize` saying what is expected."""
    try:
        size = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidPixelSize(
            f"pixel size must be a number of micrometres per pixel, not {value!r}"
        ) from None
    if not MIN_PIXEL_SIZE_UM <= size <= MAX_PIXEL_SIZE_UM:
        raise InvalidPixelSize(
            f"pixel size must be between {MIN_PIXEL_SIZE_UM} and {MAX_PIXEL_SIZE_UM} µm per "
            f"pixel, not {size:g}"
        )
    return size
