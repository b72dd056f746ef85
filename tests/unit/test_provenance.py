"""A training run records where it comes from: interpreter, versions, the package's commit."""

import hashlib
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from pinkbreast.ml import provenance

SOURCE = Path(provenance.__file__).resolve().parents[3]  # the checkout pip installed from


def _git(folder, *args):
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=True).stdout


def test_commit_comes_from_the_installed_package_not_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not a git work tree
    found = provenance.package_commit()
    assert found["git_commit"] == _git(SOURCE, "rev-parse", "HEAD").decode().strip()
    assert found["git_dirty"] in {"true", "false"}
    assert found["package_source"].startswith("file://")


def test_dirty_tree_is_flagged_with_the_hash_of_its_diff(tmp_path):
    _git(tmp_path, "init", "-q")
    (tmp_path / "a.txt").write_text("one\n")
    _git(tmp_path, "add", "a.txt")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "one")
    clean = provenance.source_commit(tmp_path)
    assert clean["git_dirty"] == "false" and clean["git_diff_sha256"] == ""
    (tmp_path / "a.txt").write_text("two\n")
    dirty = provenance.source_commit(tmp_path)
    diff = _git(tmp_path, "diff", "HEAD", "--binary")
    assert dirty["git_commit"] == clean["git_commit"]
    assert dirty["git_dirty"] == "true"
    assert dirty["git_diff_sha256"] == hashlib.sha256(diff).hexdigest()


def test_not_a_git_tree_is_unknown_not_an_error(tmp_path):
    assert provenance.source_commit(tmp_path)["git_commit"] == provenance.UNKNOWN


def test_versions_cover_python_runtime_requirements_and_the_whole_environment():
    assert provenance.python_version().endswith(sys.version.split()[0])
    versions = provenance.runtime_versions()
    for name in ("scikit-learn", "scipy", "numpy", "mlflow", "lightgbm", "imbalanced-learn"):
        assert versions[name] == metadata.version(name)
    assert provenance.environment()["scipy"] == metadata.version("scipy")
