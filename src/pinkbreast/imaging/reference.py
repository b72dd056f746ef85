"""What the 569 WDBC cases say about the formulas and the scale (docs/imaging.md quotes the
table that ``python -m pinkbreast.imaging.reference`` prints; a test keeps them equal).

WDBC holds per-image summaries, not single nuclei, so only relations that survive averaging
are checked: for a circle perimeter / radius = 2π and area / radius² = π, and, if compactness
is P² / (4πA) − 1, then (mean P)² / (mean A) / (mean compactness + 1) can never exceed 4π
(Cauchy–Schwarz), reaching it only when all nuclei in an image are alike.
"""

from __future__ import annotations

import pandas as pd

from pinkbreast.imaging.scale import REFERENCE_UNIT_UM

LOW, HIGH = 0.25, 0.45  # µm per reference unit: the range the docs argue for

ROWS = (
    ("perimeter_mean / radius_mean", "2π = 6.283"),
    ("area_mean / radius_mean²", "π = 3.142"),
    ("perimeter_mean² / area_mean / (compactness_mean + 1)", "at most 4π = 12.566"),
    ("radius_mean, benign", "—"),
    ("radius_mean, malignant", "—"),
    ("concavity_mean / concave_points_mean", "—"),
    ("smoothness_mean", "0"),
    ("symmetry_mean", "0"),
    ("fractal_dimension_mean", "0"),
)


def relations(frame: pd.DataFrame) -> dict[str, pd.Series]:
    radius, perimeter, area = frame["radius_mean"], frame["perimeter_mean"], frame["area_mean"]
    benign = frame["diagnosis"] == "B"
    return {
        ROWS[0][0]: perimeter / radius,
        ROWS[1][0]: area / radius**2,
        ROWS[2][0]: perimeter**2 / area / (frame["compactness_mean"] + 1),
        ROWS[3][0]: radius[benign],
        ROWS[4][0]: radius[~benign],
        ROWS[5][0]: (frame["concavity_mean"] / frame["concave_points_mean"]).dropna(),
        ROWS[6][0]: frame["smoothness_mean"],
        ROWS[7][0]: frame["symmetry_mean"],
        ROWS[8][0]: frame["fractal_dimension_mean"],
    }


def table(frame: pd.DataFrame) -> str:
    lines = [
        "| quantity (569 WDBC cases) | min | median | 5th–95th percentile | max | for a circle |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for (name, circle), values in zip(ROWS, relations(frame).values(), strict=True):
        low, mid, high = values.quantile([0.05, 0.5, 0.95])
        lines.append(
            f"| {name} | {values.min():.3f} | {mid:.3f} | {low:.3f}–{high:.3f} | "
            f"{values.max():.3f} | {circle} |"
        )
    return "\n".join(lines)


def scale_lines(frame: pd.DataFrame) -> str:
    """Median radii in micrometres at the assumed scale and at the ends of its range."""
    rows = relations(frame)
    lines = []
    for label, key in (("benign", ROWS[3][0]), ("malignant", ROWS[4][0])):
        median = rows[key].median()
        sizes = ", ".join(
            f"{median * unit:.1f} µm at {unit} µm/unit" for unit in (LOW, REFERENCE_UNIT_UM, HIGH)
        )
        lines.append(f"* median {label} radius {median:.1f} units: {sizes}")
    return "\n".join(lines)


def report(frame: pd.DataFrame) -> str:
    return table(frame) + "\n\n" + scale_lines(frame)


def sample_table(features: dict[str, float], frame: pd.DataFrame) -> str:
    """One image's ten means beside the reference cases' benign and malignant 5th–95th
    percentiles (docs/imaging.md quotes it for scikit-image's immunohistochemistry sample)."""
    from pinkbreast.features import PROPERTIES

    lines = [
        "| mean over the nuclei | this image | WDBC benign, 5th–95th | WDBC malignant, 5th–95th |",
        "| --- | ---: | ---: | ---: |",
    ]
    for prop in PROPERTIES:
        name = f"{prop.key}_mean"
        cells = [
            "{:.3f}–{:.3f}".format(*frame.loc[frame["diagnosis"] == d, name].quantile([0.05, 0.95]))
            for d in ("B", "M")
        ]
        lines.append(
            f"| {prop.key.replace('_', ' ')} | {features[name]:.3f} | {' | '.join(cells)} |"
        )
    return "\n".join(lines)


def sample_report() -> str:
    """The immunohistochemistry sample measured at the default pixel size, as a table."""
    from skimage import data

    from pinkbreast.imaging.measure import measure
    from pinkbreast.imaging.reading import read_image
    from pinkbreast.imaging.scale import DEFAULT_PIXEL_SIZE_UM
    from pinkbreast.ml.data import load_reference

    picture = read_image(_png(data.immunohistochemistry()))
    result = measure(picture, pixel_size_um=DEFAULT_PIXEL_SIZE_UM)
    return sample_table(result.features or {}, load_reference())


def _png(pixels) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def main() -> None:
    """``python -m pinkbreast.imaging.reference [--sample]``: the WDBC relations, or the
    immunohistochemistry sample beside the reference ranges."""
    import sys

    from pinkbreast.ml.data import load_reference

    print(sample_report() if "--sample" in sys.argv[1:] else report(load_reference()))


if __name__ == "__main__":
    main()
