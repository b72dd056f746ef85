"""Reading one setting from the environment: a number within its range, a list of networks, or
a one-line :class:`ConfigError` naming the variable. Every settings module parses with these,
and ``pinkbreast check-config`` reports their messages as they are."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping


class ConfigError(RuntimeError):
    """The environment cannot run the application; the message is one line for a person."""


def integer(environ: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """An integer setting within ``[low, high]``, or a one-line ``ConfigError``."""
    return number(environ, name, default, low, high, int)


def number(environ: Mapping[str, str], name: str, default, low, high, kind=int):
    """A number setting (``int`` or ``float``) within ``[low, high]``, or a ``ConfigError``."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{name} must be {what} from {low} to {high} (got {raw!r}).")
    return value


def networks(environ: Mapping[str, str], name: str, default: str) -> tuple[str, ...]:
    """Comma-separated addresses or networks (CIDR), each checked."""
    found = tuple(part.strip() for part in environ.get(name, default).split(",") if part.strip())
    for network in found:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as exc:
            raise ConfigError(f"{name}: {network!r} is not an address or network.") from exc
    return found
