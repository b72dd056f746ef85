"""Settings that hold secrets print them as ``'***'`` (a traceback or a log line shows a repr)."""

from __future__ import annotations

import dataclasses
import re

HIDDEN = "***"
_URL_PASSWORD = re.compile(r"(//[^/@:]*:)[^/@]*@")


def url_without_password(url: str) -> str:
    """``scheme://user:***@host/...``: the password of a URL's authority hidden."""
    return _URL_PASSWORD.sub(rf"\g<1>{HIDDEN}@", url)


def redacted_repr(instance, *, hidden: frozenset[str] = frozenset(), urls=frozenset()) -> str:
    """The dataclass's usual repr, with the ``hidden`` fields shown as ``'***'`` when set and the
    password of the ``urls`` fields hidden."""
    parts = []
    for item in dataclasses.fields(instance):
        if not item.repr:
            continue
        value = getattr(instance, item.name)
        if item.name in hidden and value:
            value = HIDDEN
        elif item.name in urls and isinstance(value, str):
            value = url_without_password(value)
        parts.append(f"{item.name}={value!r}")
    return f"{type(instance).__qualname__}({', '.join(parts)})"
