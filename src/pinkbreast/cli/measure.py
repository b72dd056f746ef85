"""``pinkbreast measure IMAGE...``: the 30 features of each aspirate image, as a CSV that
``pinkbreast predict`` reads as it is."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import IO

import click

from pinkbreast import sample_refs
from pinkbreast.config import load_settings
from pinkbreast.features import FEATURE_NAMES
from pinkbreast.imaging import scale


def _pixel_size(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return scale.check_pixel_size(value)
    except scale.InvalidPixelSize as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.argument("images", metavar="IMAGE...", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))  # fmt: skip
@click.option("-o", "--output", default="-", show_default=True,
              help="Where to write the features CSV ('-' is standard output).")  # fmt: skip
@click.option("--pixel-size", "pixel_size", metavar="UM", callback=_pixel_size,
              help="Micrometres per pixel of the images [default: PINKBREAST_PIXEL_SIZE_UM, "
              f"else {scale.DEFAULT_PIXEL_SIZE_UM}].")  # fmt: skip
@click.option("--overlay", "overlay_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write each image with its nuclei outlined and numbered to this folder "
              "(NAME.overlay.png).")  # fmt: skip
def measure(
    images: tuple[Path, ...], output: str, pixel_size: float | None, overlay_dir: Path | None
) -> None:
    """Detect and outline the nuclei of each IMAGE (PNG, JPEG or TIFF) and write one line of
    30 features per image, named by the file's name when it is a valid sample reference.

    Every image must be readable and show at least one whole nucleus, or nothing is written.
    Image-derived measurements may differ systematically from those the model was trained on
    (docs/imaging.md).
    """
    from pinkbreast.imaging.measure import MIN_NUCLEI
    from pinkbreast.imaging.overlay import overlay_png

    size = pixel_size if pixel_size is not None else load_settings().pixel_size_um
    results, problems = [], []
    with click.progressbar(
        images, label="Measuring", file=sys.stderr, show_pos=True, item_show_func=_name
    ) as bar:
        for path in bar:
            try:
                results.append((path, *_measure_one(path, size)))
            except _Refused as exc:
                problems.append(str(exc))
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        raise click.ClickException(
            f"{len(problems)} of {len(images)} images refused: nothing written."
        )
    if overlay_dir is not None:
        overlay_dir.mkdir(parents=True, exist_ok=True)
        for path, picture, result in results:
            (overlay_dir / f"{path.stem}.overlay.png").write_bytes(overlay_png(picture, result))
    with click.open_file(output, "w", lazy=True) as handle:
        write_features(handle, [(path, result) for path, _, result in results])
    for path, _, result in results:
        note = f" (fewer than {MIN_NUCLEI}: the summaries are shaky)" if result.too_few else ""
        click.echo(f"{path.name}: {len(result.accepted)} nuclei{note}", err=True)
    click.echo(f"Measured {len(results)} images at {size:g} µm per pixel.", err=True)


def _name(path: Path | None) -> str | None:
    return path.name if path else None


class _Refused(Exception):
    pass


def _measure_one(path: Path, pixel_size: float):
    from pinkbreast.imaging.measure import measure as measure_picture
    from pinkbreast.imaging.reading import ImageRejected, read_image

    try:
        picture = read_image(path.read_bytes(), name=path.name)
    except ImageRejected as exc:
        raise _Refused(str(exc)) from None
    except OSError as exc:
        raise _Refused(f"{path.name}: cannot be read ({exc.strerror}).") from None
    result = measure_picture(picture, pixel_size_um=pixel_size)
    if not result.accepted:
        raise _Refused(f"{path.name}: no whole nucleus was found (check the pixel size).")
    return picture, result


def write_features(handle: IO[str], rows) -> None:
    """``sample_ref`` and the 30 features, one line per image (values as Python writes them,
    so nothing is rounded on the way)."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(["sample_ref", *FEATURE_NAMES])
    for path, result in rows:
        ref = path.stem if sample_refs.problem(path.stem) is None else ""
        features = result.features
        writer.writerow([ref, *(repr(features[name]) for name in FEATURE_NAMES)])
