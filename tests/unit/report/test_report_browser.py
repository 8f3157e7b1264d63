"""The saas report as a browser renders it: headless Chromium (Debian package ``chromium``)
dumps the DOM with every section heading and takes a screenshot that is not blank."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from plotsim_dbt.report.sections import HEADINGS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt-get install chromium)")
# No sandbox: test containers often run as root, where Chromium refuses its sandbox.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--allow-file-access-from-files"]


def chromium(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, *args], capture_output=True, text=True, timeout=120)


def test_chromium_renders_every_section_heading(reports):
    done = chromium("--dump-dom", reports["saas"].as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    for key, heading in HEADINGS.items():
        if key not in {"treatment", "lifecycle"}:
            assert f"<h2>{heading}</h2>" in done.stdout
    assert done.stdout.count("<img ") >= 9


def test_chromium_screenshot_is_not_blank(reports, tmp_path):
    shot = tmp_path / "saas.png"
    done = chromium(f"--screenshot={shot}", "--window-size=1200,2400", reports["saas"].as_uri())
    assert shot.exists(), done.stderr[-2000:]
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape == (2400, 1200)
    assert pixels.std() > 20  # text and pictures, not a white page
    assert (pixels < 100).mean() > 0.01
