"""Every name a package promises in ``__all__`` exists (``from ... import *`` and the readers
of ``__all__`` would otherwise fail on it)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "pinkbreast"


def _modules_with_all() -> list[str]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            for node in tree.body
        ):
            parts = path.relative_to(SOURCE.parent).with_suffix("").parts
            found.append(".".join(p for p in parts if p != "__init__"))
    return found


@pytest.mark.parametrize("module", _modules_with_all())
def test_every_name_in_all_exists(module):
    imported = importlib.import_module(module)
    assert [name for name in imported.__all__ if not hasattr(imported, name)] == []


def test_the_models_package_is_checked():
    assert "pinkbreast.db.models" in _modules_with_all()
