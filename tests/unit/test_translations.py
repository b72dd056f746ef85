"""The French catalogue is complete, compiled, and covers every text marked in the code."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "src/pinkbreast/web/translations/fr/LC_MESSAGES"


def _po():
    with open(CATALOG / "messages.po", "rb") as handle:
        return read_po(handle, locale="fr")


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def test_every_message_has_a_french_translation():
    catalog = _po()
    missing = [m.id for m in catalog if m.id and (not _translated(m) or m.fuzzy)]
    assert missing == [], "run `make translations` and translate these"


def test_the_compiled_catalogue_matches_the_po_file():
    with open(CATALOG / "messages.mo", "rb") as handle:
        compiled = read_mo(handle)
    source = {_key(m.id): _key(m.string) for m in _po() if m.id and not m.fuzzy}
    built = {_key(m.id): _key(m.string) for m in compiled if m.id}
    assert built == source, "run `make translations` (pybabel compile) and commit the .mo"


def test_every_text_marked_in_the_code_is_in_the_catalogue():
    with open(ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    extracted = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        extracted.add(message[0] if isinstance(message, tuple) else message)
    known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _po() if m.id}
    assert sorted(extracted - known) == [], "run `make translations` and translate the new text"
