"""A read-only or full instance folder at start: `pinkbreast prepare`, `pinkbreast serve` and
deploy/boot.sh each say so in one line naming the folder, exit non-zero, and start nothing.

The tests run as root, for whom permission bits change nothing, so the folder is made really
read-only (a read-only bind mount) or really full (a 64 KiB tmpfs filled up, or a nearly full
1 MiB one), inside a private mount namespace (`unshare --mount`) that disappears with the
command: nothing is mounted on the machine itself.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.servers import production_env

pytestmark = pytest.mark.reliability

BIN = Path(sys.executable).parent
MOUNTS = {
    "read-only": 'mount --bind -o ro "$0" "$0"',
    "full": 'mount -t tmpfs -o size=64k tmpfs "$0" && (cat /dev/zero > "$0/fill" 2>/dev/null; :)',
    "nearly full": 'mount -t tmpfs -o size=1m tmpfs "$0"',
}
EXPECTED = {  # what the line says, after the folder's name
    "read-only": "not writable: Read-only file system.",
    "full": "not writable: No space left on device.",
    "nearly full": "MiB free, at least 16 MiB needed.",
}
COMMANDS = {
    "prepare": [str(BIN / "pinkbreast"), "prepare"],
    "serve": [str(BIN / "pinkbreast"), "serve"],
    "boot.sh": [str(Path(__file__).resolve().parents[2] / "deploy" / "boot.sh")],
}


@pytest.fixture(scope="module")
def namespaces() -> None:
    """Private mount namespaces and mounts need root and CAP_SYS_ADMIN; skip without them."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed: cannot make a read-only folder")
    probe = subprocess.run(
        ["unshare", "--mount", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount in a private namespace here ({probe.stderr.strip()})")


@pytest.mark.parametrize("state", list(MOUNTS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_unusable_instance_folder_is_one_clear_line(
    namespaces, tmp_path, champion_tracking_uri, state, command
):
    instance = tmp_path / "instance"
    instance.mkdir()
    env = production_env(tmp_path, f"sqlite:///{tmp_path / 'app.db'}", champion_tracking_uri)
    env["PINKBREAST_INSTANCE"] = str(instance)
    script = f'{MOUNTS[state]} && exec "$@"'
    result = subprocess.run(
        ["unshare", "--mount", "sh", "-c", script, str(instance), *COMMANDS[command]],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert "Listening at" not in output and "Booting worker" not in output
    if command == "boot.sh":
        lines = [line for line in result.stdout.splitlines() if line.startswith("error")]
        assert "boot: the environment is not ready" in result.stderr
    else:
        lines = result.stderr.splitlines()
    assert len(lines) == 1, output
    assert str(instance) in lines[0] and EXPECTED[state] in lines[0]
