"""The layers of docs/architecture.md ("Where the code lives"), kept true: each package of
``src/pinkbreast`` imports only the packages its row allows. A new import across a layer
fails here."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "pinkbreast"
CORE = {
    "features",
    "numbers",
    "sample_refs",
    "vocabulary",
    "private_files",
    "redaction",
    "spreadsheet",
}
FRAMEWORKS = {"flask", "flask_babel", "flask_login", "flask_wtf", "wtforms", "werkzeug"}

# package -> the pinkbreast packages it may import (itself always)
MAY_IMPORT = {
    "features": set(),
    "numbers": set(),
    "sample_refs": set(),
    "vocabulary": {"sample_refs"},  # the rule is re-exported, kept in its own module
    "redaction": set(),
    "spreadsheet": set(),
    "private_files": set(),
    "tables": CORE,
    "ml": CORE | {"tables"},
    "imaging": CORE | {"ml"},
    "spark": CORE | {"ml", "services", "tables"},
    "reports": CORE | {"ml", "db"},
    "db": CORE | {"ml", "config"},
    "services": CORE | {"ml", "db", "imaging", "reports", "config", "tables"},
    "config": CORE | {"imaging"},
    "web": CORE | {"ml", "db", "imaging", "reports", "services", "config", "tables"},
    "cli": CORE
    | {"ml", "db", "imaging", "reports", "services", "config", "spark", "web", "tables"},
    "wsgi": {"web"},
}
NO_FRAMEWORK = {"tables", "ml", "imaging", "db", "services", "reports", "spark", "config", *CORE}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _package(path: Path) -> tuple[str, str]:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__"), parts[1]


def test_every_package_imports_only_what_its_layer_allows():
    crossings = []
    for path in SOURCE.rglob("*.py"):
        module, package = _package(path)
        if package == "__init__":
            continue
        allowed = MAY_IMPORT[package] | {package}
        for name in _imports(path):
            top, _, rest = name.partition(".")
            if top == "pinkbreast" and rest and rest.split(".")[0] not in allowed:
                crossings.append(f"{module} imports {name}")
            if package in NO_FRAMEWORK and top in FRAMEWORKS:
                crossings.append(f"{module} imports {name} (no web framework in {package})")
    assert crossings == []


def test_the_table_names_every_package():
    packages = {_package(p)[1] for p in SOURCE.rglob("*.py")} - {"__init__"}
    assert packages == set(MAY_IMPORT)


def test_the_documented_table_has_a_row_for_every_package():
    """docs/architecture.md's "Where the code lives" names each package of MAY_IMPORT."""
    text = (SOURCE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Where the code lives", 1)[1].split("\n#", 1)[0]
    folders = {
        cell.strip("`/").removesuffix(".py")
        for line in section.splitlines()
        if line.startswith("| `")
        for cell in line.split("|")[1].replace(",", " ").split()
    }
    assert set(MAY_IMPORT) - folders == set()
