"""The ``next`` redirect only goes to paths on this site."""

import pytest

from pinkbreast.web.redirects import safe_next


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/ok\r\nSet-Cookie: x=y",
        "",
        None,
    ],
)
def test_foreign_or_malformed_targets_fall_back_to_the_default(target):
    assert safe_next(target, "/") == "/"


@pytest.mark.parametrize("target", ["/account", "/admin/audit?outcome=denied", "/"])
def test_local_paths_are_kept(target):
    assert safe_next(target, "/home") == target
