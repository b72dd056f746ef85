"""Redirect targets: only paths on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a local path ("/..."), else ``default`` (no open redirect)."""
    if not target or any(ord(char) < 32 for char in target):
        return default
    target = target.strip()
    parts = urlsplit(target.replace("\\", "/"))
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if target.startswith("/\\"):
        return default
    return target
