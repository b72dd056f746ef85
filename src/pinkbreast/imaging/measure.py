"""One image in, the nuclei and the 30 features out: detection, snakes, properties, summary."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage as ndi
from skimage.draw import polygon

from pinkbreast import __version__
from pinkbreast.imaging import contours, scale
from pinkbreast.imaging.detection import detect, nuclear_signal
from pinkbreast.imaging.properties import measure_nucleus
from pinkbreast.imaging.reading import Picture
from pinkbreast.imaging.seeds import grow
from pinkbreast.imaging.summary import summarise

VERSION = "1"  # of the measuring method: changes whenever a formula or parameter does
MIN_NUCLEI = 10  # fewer accepted nuclei and the summaries (above all "worst") are shaky
NOTICE = (
    "Measured from the image by Pink Breast, not by Xcyt: the model was trained on Xcyt's "
    "measurements, and another microscope, stain, camera, scale or program may shift them "
    "systematically. Until this site's own confirmed image-derived cases show adequate "
    "performance, read the result with that in mind."
)


@dataclass(frozen=True)
class Nucleus:
    number: int  # 1..n, as drawn on the overlay
    contour: np.ndarray  # ordered boundary, (x, y) pixels
    values: dict[str, float]  # the ten properties
    seeded: bool = False  # added by hand from a clicked point

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "seeded": self.seeded,
            "values": self.values,
            "contour": np.round(self.contour, 2).tolist(),
        }


@dataclass(frozen=True)
class Measurement:
    nuclei: tuple[Nucleus, ...]
    pixel_size_um: float
    sha256: str
    width: int
    height: int
    excluded: frozenset[int] = field(default_factory=frozenset)
    version: str = VERSION

    @property
    def accepted(self) -> tuple[Nucleus, ...]:
        return tuple(n for n in self.nuclei if n.number not in self.excluded)

    @property
    def features(self) -> dict[str, float] | None:
        """The 30 features over the accepted nuclei (None when none is accepted)."""
        accepted = self.accepted
        return summarise([n.values for n in accepted]) if accepted else None

    @property
    def too_few(self) -> bool:
        return len(self.accepted) < MIN_NUCLEI

    def to_dict(self) -> dict:
        """Everything a client needs to show and check the measurement (JSON-ready)."""
        features = self.features
        return {
            "image_sha256": self.sha256,
            "width": self.width,
            "height": self.height,
            "pixel_size_um": self.pixel_size_um,
            "method_version": self.version,
            "code_version": __version__,
            "nuclei": [n.to_dict() for n in self.nuclei],
            "excluded": sorted(self.excluded),
            "accepted": len(self.accepted),
            "minimum_nuclei": MIN_NUCLEI,
            "too_few_nuclei": self.too_few,
            "features": features,
            "notice": NOTICE,
        }

    def excluding(self, numbers: Iterable[int]) -> Measurement:
        known = {n.number for n in self.nuclei}
        return Measurement(self.nuclei, self.pixel_size_um, self.sha256, self.width,
                           self.height, frozenset(set(numbers) & known), self.version)  # fmt: skip


def measure(
    picture: Picture,
    *,
    pixel_size_um: float = scale.DEFAULT_PIXEL_SIZE_UM,
    seeds: Sequence[tuple[float, float]] = (),
    excluded: Iterable[int] = (),
) -> Measurement:
    """Detect and outline the nuclei of ``picture``, plus one per ``seeds`` point (x, y pixels)
    where none was found, and measure each. ``excluded`` numbers are kept but left out of the
    features."""
    units = scale.units_per_pixel(pixel_size_um)
    signal = nuclear_signal(picture)
    limits = {"min_radius_px": scale.MIN_RADIUS / units, "max_radius_px": scale.MAX_RADIUS / units}
    labels = detect(signal, **limits)
    regions = [(labels[box] == number, box, number)
               for number, box in enumerate(ndi.find_objects(labels), start=1) if box]  # fmt: skip
    for seed in seeds:
        grown = grow(signal, labels, seed, **limits)
        if grown is not None:
            regions.append((*grown, 0))
    nuclei = []
    for region, box, number in regions:
        foreign = (labels != 0) & (labels != number)
        traced = contours.trace(region, box, signal, foreign)
        if traced is None:
            continue
        outline = contours.refine(traced, signal, foreign)
        values = measure_nucleus(outline, _inside(picture.grey, outline, region, box), units)
        nuclei.append(Nucleus(len(nuclei) + 1, outline, values, seeded=number == 0))
    height, width = picture.shape
    return Measurement(tuple(nuclei), pixel_size_um, picture.sha256, width, height).excluding(
        excluded
    )


def _inside(grey: np.ndarray, outline: np.ndarray, region: np.ndarray, box) -> np.ndarray:
    """Grey levels of the pixels inside the outline that belong to the nucleus's region, less
    a one-pixel rim: a snake cutting across a concavity brings no background in, and the
    edge's blur (half nucleus, half background) does not count as texture."""
    own = np.zeros(grey.shape, dtype=bool)
    rows, cols = polygon(outline[:, 1], outline[:, 0], shape=grey.shape)
    own[rows, cols] = True
    own[box] &= region
    own[box] = ndi.binary_erosion(own[box], iterations=1, border_value=0)
    return grey[own]
