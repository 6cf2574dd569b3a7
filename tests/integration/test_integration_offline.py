"""Nothing is downloaded: ``formocr process`` runs in a network namespace with no network.

The command runs in a fresh process under ``unshare -rn`` (a user namespace with an empty
network namespace: only a loopback device that is down), with a fresh data folder and a fresh
home directory, so no cache of an earlier run can hide a download.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ocr_pipeline.engines import available_engines

pytestmark = pytest.mark.ocr

RUN_CLI = "import sys; from ocr_pipeline.cli import main; sys.exit(main())"
PROBE = (
    "import socket\n"
    "try:\n"
    "    socket.create_connection(('192.0.2.1', 80), timeout=3)\n"
    "except OSError as exc:\n"
    "    print(exc.errno)\n"
    "else:\n"
    "    print('connected')\n"
)


def _unshare() -> list[str]:
    """The command prefix that cuts the network, or skip with the reason it is unavailable."""
    tool = shutil.which("unshare")
    if tool is None:
        pytest.skip("`unshare` (util-linux) is not installed: cannot cut the network")
    probe = subprocess.run([tool, "-rn", "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"`unshare -rn` is not permitted here: {probe.stderr.strip()}")
    return [tool, "-rn"]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMOCR_")}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_CACHE_HOME=str(tmp_path / "home" / ".cache"),
        FORMOCR_DATA_DIR=str(tmp_path / "data"),
    )
    (tmp_path / "home").mkdir()
    return env


def test_the_namespace_really_has_no_network(tmp_path: Path) -> None:
    prefix = _unshare()
    done = subprocess.run(
        [*prefix, sys.executable, "-c", PROBE], capture_output=True, text=True, check=True,
        env=_env(tmp_path), timeout=60,
    )  # fmt: skip
    # Refused at once for want of any route, not merely timed out.
    assert done.stdout.strip() == str(errno.ENETUNREACH)


@pytest.mark.parametrize("engine", sorted(available_engines()))
def test_process_runs_with_the_network_cut_off(
    synth_scans: Path, tmp_path: Path, engine: str
) -> None:
    prefix = _unshare()
    scans = [
        sorted(synth_scans.glob(f"{form}-*.*g"))[0]
        for form in ("water_service", "furusato_onestop")
    ]
    done = subprocess.run(
        [*prefix, sys.executable, "-c", RUN_CLI, "process", *map(str, scans), "--json",
         "--engine", engine],
        capture_output=True, text=True, env=_env(tmp_path), cwd=tmp_path, timeout=600,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    pages = [json.loads(line) for line in done.stdout.splitlines()]
    assert [p["source"] for p in pages] == [str(s) for s in scans]
    assert [p["status"] for p in pages] == ["ok", "ok"]
    assert [p["form"] for p in pages] == ["water_service", "furusato_onestop"]
    assert all(p["fields"] for p in pages)
