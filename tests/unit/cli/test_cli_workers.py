"""`run --workers 2` under signals: Ctrl-C ends it with one line and exit 130 (no worker
tracebacks); a SIGKILLed parent leaves no worker behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(shutil.which("pgrep") is None or not os.path.isdir("/proc"), reason="needs pgrep and /proc")

# Long enough (about 20 s on two quiet cores) to be interrupted while both workers hold blocks.
CONFIG = """about: slow
unit: shop
window: ["2020-01", "2024-12"]
seed: 4
metrics: [{name: sales, type: amount, range: [1, 100]}, {name: visits, type: count, range: [0, 50]}]
segments: [{name: s, count: 30000, archetype: growth}, {name: t, count: 30000, archetype: decline}]
"""


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _start_run(tmp_path) -> tuple[subprocess.Popen, list[int]]:
    config = tmp_path / "slow.yaml"
    config.write_text(CONFIG)
    command = [
        sys.executable,
        "-m",
        "plotsim_dbt.cli.main",
        "run",
        str(config),
        "-o",
        str(tmp_path / "out"),
        "--workers",
        "2",
        "--block-size",
        "1024",
        "-q",
        "--allow-large-dataset",
    ]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(workers := _children(run.pid)) < 2:
        assert run.poll() is None and time.monotonic() < deadline, "the run ended before its workers started"
        time.sleep(0.1)
    time.sleep(1.0)  # both workers are generating blocks now
    assert run.poll() is None, "the run finished too early to be interrupted"
    return run, workers


def test_ctrl_c_with_workers_is_one_line_and_exit_130(tmp_path):
    run, workers = _start_run(tmp_path)
    os.killpg(run.pid, signal.SIGINT)  # what a terminal does: the whole foreground group
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip().splitlines()[-1] == "interrupted; nothing was written"
    assert not (tmp_path / "out").exists()
    assert not [w for w in workers if _alive(w)]


def test_workers_exit_when_the_parent_is_killed(tmp_path):
    run, workers = _start_run(tmp_path)
    os.kill(run.pid, signal.SIGKILL)
    run.communicate(timeout=30)
    deadline = time.monotonic() + 5
    while [w for w in workers if _alive(w)] and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for pid in left:  # do not leave them behind on failure either
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers {left} outlived their killed parent"
