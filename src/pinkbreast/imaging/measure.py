"""One image in, the nuclei and the 30 features out: detection, snakes, properties, summary."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

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


@dataclass(frozen=True)
class Found:
    """What detection found in one image at one pixel size, before the reviewer's choices:
    the outlined nuclei (numbered 1..n) and the labelled regions a seed must grow outside.
    Kept with a draft so that a click re-measures nothing that did not change."""

    nuclei: tuple[Nucleus, ...]
    labels: np.ndarray
    pixel_size_um: float
    version: str = VERSION


def find(picture: Picture, *, pixel_size_um: float = scale.DEFAULT_PIXEL_SIZE_UM) -> Found:
    """Detect and outline the nuclei of ``picture`` and measure each."""
    units = scale.units_per_pixel(pixel_size_um)
    signal = nuclear_signal(picture)
    labels = detect(signal, **_limits(units))
    regions = [(labels[box] == number, box, number)
               for number, box in enumerate(ndi.find_objects(labels), start=1) if box]  # fmt: skip
    nuclei: list[Nucleus] = []
    for region, box, number in regions:
        nucleus = _outlined(picture, signal, labels, region, box, number, units)
        if nucleus is not None:
            nuclei.append(replace(nucleus, number=len(nuclei) + 1))
    return Found(tuple(nuclei), labels, pixel_size_um)


def measure(
    picture: Picture,
    *,
    pixel_size_um: float = scale.DEFAULT_PIXEL_SIZE_UM,
    seeds: Sequence[tuple[float, float]] = (),
    excluded: Iterable[int] = (),
    found: Found | None = None,
) -> Measurement:
    """Detect and outline the nuclei of ``picture`` (or take ``found``, the same detection
    kept from before), plus one per ``seeds`` point (x, y pixels) where none was found, and
    measure each. ``excluded`` numbers are kept but left out of the features."""
    if found is None or (found.version, found.pixel_size_um) != (VERSION, pixel_size_um):
        found = find(picture, pixel_size_um=pixel_size_um)
    units = scale.units_per_pixel(pixel_size_um)
    nuclei = list(found.nuclei)
    if seeds:  # the signal to grow from is needed only then
        signal = nuclear_signal(picture)
        for seed in seeds:
            grown = grow(signal, found.labels, seed, **_limits(units))
            if grown is None:
                continue
            nucleus = _outlined(picture, signal, found.labels, *grown, 0, units)
            if nucleus is not None:
                nuclei.append(replace(nucleus, number=len(nuclei) + 1))
    height, width = picture.shape
    return Measurement(tuple(nuclei), pixel_size_um, picture.sha256, width, height).excluding(
        excluded
    )


def _limits(units: float) -> dict[str, float]:
    return {"min_radius_px": scale.MIN_RADIUS / units, "max_radius_px": scale.MAX_RADIUS / units}


def _outlined(picture, signal, labels, region, box, number: int, units: float) -> Nucleus | None:
    """The nucleus of ``region`` (label ``number``; 0: grown from a seed) outlined by its snake
    and measured, or None when no closed outline can be traced."""
    foreign = (labels != 0) & (labels != number)
    traced = contours.trace(region, box, signal, foreign)
    if traced is None:
        return None
    outline = contours.refine(traced, signal, foreign)
    values = measure_nucleus(outline, _inside(picture.grey, outline, region, box), units)
    return Nucleus(0, outline, values, seeded=number == 0)


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
