"""Where a training run comes from: interpreter, library versions and the package's own commit.

The commit is read from the *installed* ``pinkbreast`` distribution, never from the current
directory: ``direct_url.json`` (PEP 610) names the source a pip install came from — a VCS
commit, or a local folder (editable or not) whose git work tree is then asked for ``HEAD``,
whether tracked files differ from it (``dirty``) and the sha256 of that difference
(``git diff HEAD --binary``), so two dirty runs can be told apart.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

PACKAGE = "pinkbreast"
ALWAYS = ("scipy", "joblib", "shap", "threadpoolctl")  # used by training, pulled in indirectly
UNKNOWN = "unknown"


def python_version() -> str:
    return f"{platform.python_implementation()} {sys.version.split()[0]}"


def environment() -> dict[str, str]:
    """Every installed distribution and its version (the run's ``pip freeze``)."""
    found = {d.metadata["Name"]: d.version for d in metadata.distributions() if d.metadata["Name"]}
    return dict(sorted(found.items(), key=lambda item: item[0].lower()))


def runtime_versions() -> dict[str, str]:
    """The package's own runtime requirements (no extras) and :data:`ALWAYS`, by name."""
    names = []
    for requirement in metadata.requires(PACKAGE) or []:
        if "extra ==" not in requirement:
            names.append(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])
    out = {PACKAGE: metadata.version(PACKAGE)}
    for name in (*names, *ALWAYS):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def _direct_url() -> dict[str, Any]:
    """The PEP 610 ``direct_url.json`` of the installed package (JSON), or ``{}``."""
    try:
        text = metadata.distribution(PACKAGE).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return {}
    return json.loads(text) if text else {}


def _git(folder: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


def source_commit(folder: Path) -> dict[str, str]:
    """``git_commit``, ``git_dirty`` and ``git_diff_sha256`` of the work tree at ``folder``."""
    head = _git(folder, "rev-parse", "HEAD")
    if head is None:
        return {"git_commit": UNKNOWN, "git_dirty": UNKNOWN, "git_diff_sha256": ""}
    diff = _git(folder, "diff", "HEAD", "--binary") or b""
    return {
        "git_commit": head.decode().strip(),
        "git_dirty": str(bool(diff)).lower(),
        "git_diff_sha256": hashlib.sha256(diff).hexdigest() if diff else "",
    }


def package_commit() -> dict[str, str]:
    """The installed package's commit, dirty flag, diff hash and where they were read."""
    direct = _direct_url()
    vcs = direct.get("vcs_info") or {}
    if vcs.get("commit_id"):
        return {
            "git_commit": vcs["commit_id"],
            "git_dirty": "false",
            "git_diff_sha256": "",
            "package_source": direct.get("url", ""),
        }
    url = direct.get("url", "")
    if urlsplit(url).scheme == "file":
        folder = Path(unquote(urlsplit(url).path))
        return {**source_commit(folder), "package_source": url}
    return {
        "git_commit": UNKNOWN,
        "git_dirty": UNKNOWN,
        "git_diff_sha256": "",
        "package_source": "installed without a source location",
    }
