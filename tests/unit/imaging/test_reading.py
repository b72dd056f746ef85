"""Only PNG, JPEG and TIFF images, 8 or 16 bit, grey or RGB, of sensible size are read."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from pinkbreast.imaging.reading import MAX_BYTES, ImageRejected, read_image
from tests.imaging_scenes import disc, encode, field

GREY = field([disc((100, 100), 20.0)])


def save(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_it_reads_grey_and_colour_in_each_format(fmt):
    grey = read_image(encode(GREY, fmt))
    colour = read_image(encode(np.stack([GREY, GREY // 2, GREY], axis=2), fmt))
    assert grey.shape == colour.shape == GREY.shape
    assert grey.format == fmt and not grey.colour and colour.colour
    assert abs(grey.grey.mean() - GREY.mean()) < 2  # JPEG is lossy


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_sixteen_bit_grey_is_put_on_the_same_scale_as_eight_bit(fmt):
    wide = GREY.astype(np.uint16) * 257
    picture = read_image(save(Image.fromarray(wide), fmt))
    assert picture.bit_depth == 16
    assert np.allclose(picture.grey, GREY, atol=0.01)


def test_the_digest_is_the_files_sha256():
    import hashlib

    data = encode(GREY)
    assert read_image(data).sha256 == hashlib.sha256(data).hexdigest()


def rejected(data: bytes) -> str:
    with pytest.raises(ImageRejected) as caught:
        read_image(data, name="slide.png")
    message = str(caught.value)
    assert message.startswith("slide.png: ")
    return message


def test_it_refuses_what_is_not_an_image():
    assert "not an image" in rejected(b"radius_mean,texture_mean\n1,2\n")
    assert "empty" in rejected(b"")


def test_it_refuses_a_truncated_image():
    data = encode(np.random.default_rng(0).integers(0, 255, (300, 300), dtype=np.uint8))
    assert "truncated or damaged" in rejected(data[: len(data) // 2])


def test_it_refuses_a_decompression_bomb_before_decoding_it():
    bomb = save(Image.new("L", (20_000, 20_000)), "PNG")  # a few kB that would be 400 MB
    assert len(bomb) < 1_000_000
    assert "more than 16,777,216 pixels" in rejected(bomb)


def test_it_refuses_an_animated_image():
    frames = [Image.fromarray(GREY), Image.fromarray(255 - GREY)]
    data = save(frames[0], "PNG", save_all=True, append_images=frames[1:])
    assert "animated" in rejected(data)
    gif = save(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert "GIF images are not accepted" in rejected(gif)


def test_it_refuses_a_tiny_image():
    assert "1 × 1 pixels" in rejected(encode(np.zeros((1, 1), dtype=np.uint8)))


def test_it_refuses_a_file_over_the_size_limit():
    assert "larger than 16 MB" in rejected(b"\x89PNG" + bytes(MAX_BYTES))


def test_it_refuses_other_formats():
    assert "BMP images are not accepted" in rejected(save(Image.fromarray(GREY), "BMP"))
