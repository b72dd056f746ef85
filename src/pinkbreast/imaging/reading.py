"""Reading an uploaded image safely: PNG, JPEG or TIFF, 8 or 16 bit, grey or RGB.

Anything else is refused with :class:`ImageRejected`, whose message says what was wrong and
what is accepted. The size is checked from the header before any pixel is decoded, so a
decompression bomb never reaches memory.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

FORMATS = ("PNG", "JPEG", "TIFF")
MAX_BYTES = 16 * 1024 * 1024  # the web app's request limit too
MAX_PIXELS = 4096 * 4096  # about 16.8 million: a 5-megapixel camera field with room to spare
MIN_SIDE = 32  # smaller cannot hold one nucleus with its surroundings
_MODES = {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16", "I;16B", "I;16L", "I;16N", "CMYK"}


class ImageRejected(ValueError):
    """The file is not an image this software measures; the message says why."""


@dataclass(frozen=True)
class Picture:
    """A decoded image: RGB and grey levels on the 0..255 scale, whatever the bit depth."""

    rgb: np.ndarray  # (height, width, 3) float64, 0..255
    grey: np.ndarray  # (height, width) float64, 0..255 (luminance)
    sha256: str
    format: str
    bit_depth: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.grey.shape

    @property
    def colour(self) -> bool:
        """True when the channels differ (a stained image), False for grey levels."""
        return bool(np.abs(self.rgb - self.rgb.mean(axis=2, keepdims=True)).mean() > 1.0)


def read_image(data: bytes, *, name: str = "image") -> Picture:
    """Decode ``data`` (the file's bytes) or raise :class:`ImageRejected` naming ``name``."""
    if len(data) > MAX_BYTES:
        raise ImageRejected(f"{name}: the file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if not data:
        raise ImageRejected(f"{name}: the file is empty.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            _check_header(image, name)
            image.load()
        except ImageRejected:
            raise
        except UnidentifiedImageError:
            raise ImageRejected(f"{name}: not an image ({_accepted()}).") from None
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ImageRejected(f"{name}: {_too_large()}") from None
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise ImageRejected(
                f"{name}: the image cannot be decoded (truncated or damaged file: {error})."
            ) from None
    rgb, depth = _pixels(image)
    grey = rgb @ np.array([0.2125, 0.7154, 0.0721])  # skimage.color.rgb2gray's weights
    return Picture(rgb, grey, hashlib.sha256(data).hexdigest(), image.format or "", depth)


def _accepted() -> str:
    return "PNG, JPEG or TIFF, 8 or 16 bit, grey or RGB"


def _too_large() -> str:
    return (
        f"the image has more than {MAX_PIXELS:,} pixels (at most 4096 × 4096); "
        "crop the field of interest."
    )


def _check_header(image: Image.Image, name: str) -> None:
    if image.format not in FORMATS:
        raise ImageRejected(f"{name}: {image.format} images are not accepted ({_accepted()}).")
    if getattr(image, "n_frames", 1) > 1 or getattr(image, "is_animated", False):
        raise ImageRejected(
            f"{name}: animated or multi-page images are not accepted; send one frame."
        )
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageRejected(f"{name}: {_too_large()}")
    if min(width, height) < MIN_SIDE:
        raise ImageRejected(
            f"{name}: the image is {width} × {height} pixels; at least {MIN_SIDE} × {MIN_SIDE} "
            "is needed."
        )
    if image.mode not in _MODES:
        raise ImageRejected(f"{name}: pixel mode {image.mode} is not accepted ({_accepted()}).")


def _pixels(image: Image.Image) -> tuple[np.ndarray, int]:
    """RGB float array on 0..255 and the source bit depth."""
    if image.mode.startswith("I"):
        grey = np.clip(np.asarray(image, dtype=np.float64), 0, 65535.0) / 257.0
        return np.repeat(grey[..., None], 3, axis=2), 16
    rgb = np.asarray(image.convert("RGB"), dtype=np.float64)
    return rgb, 8


def to_png(picture: Picture) -> bytes:
    """The picture as an 8-bit RGB PNG (what a browser shows, whatever the upload's format)."""
    buffer = io.BytesIO()
    rgb = np.clip(np.round(picture.rgb), 0, 255).astype(np.uint8)
    Image.fromarray(rgb, "RGB").save(buffer, format="PNG")
    return buffer.getvalue()
