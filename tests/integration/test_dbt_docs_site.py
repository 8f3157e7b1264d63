"""The dbt docs site of the demo, looked at in headless Chromium: the overview tells the story,
a model page shows its descriptions, the lineage starts at the generation run and reaches the
practice models; every column of every model is described and every generic test documented."""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from dbt_helpers import ROOT, dbt

pytestmark = pytest.mark.slow

BROWSER = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("docs")
    database = work / "docs.duckdb"
    for args in (["run"], ["docs", "generate"]):
        done = dbt(args, ROOT, work, database)
        assert done.returncode == 0, done.stdout[-3000:]
    target = work / "target"
    return target, json.loads((target / "manifest.json").read_text()), json.loads((target / "catalog.json").read_text())


def test_every_column_of_every_model_is_described(site):
    _, manifest, catalog = site
    models = [uid for uid in catalog["nodes"] if uid.startswith("model.")]
    assert len(models) >= 30 and any(".truth_" in uid for uid in models)
    undescribed = [uid for uid in models if not manifest["nodes"][uid]["description"]]
    for uid in models:
        described = {name.lower(): column["description"] for name, column in manifest["nodes"][uid]["columns"].items()}
        undescribed += [f"{uid}.{name}" for name in catalog["nodes"][uid]["columns"] if not described.get(name.lower())]
    assert not undescribed


def test_generic_tests_are_documented_and_keys_labelled(site):
    _, manifest, _ = site
    tests = {uid: macro for uid, macro in manifest["macros"].items() if uid.startswith("macro.plotsim_dbt.test_")}
    assert len(tests) >= 15 and all(macro["description"] for macro in tests.values())
    nodes = manifest["nodes"]
    assert nodes["model.plotsim_dbt.dim_company"]["primary_key"] == ["dim_row_id"]  # company_id repeats per version
    assert sorted(nodes["model.plotsim_dbt.fct_revenue"]["primary_key"]) == ["company_id", "date_key"]


def test_lineage_runs_from_the_generation_to_the_practice_models(site):
    _, manifest, _ = site
    generated = [uid for uid, node in manifest["nodes"].items() if uid.startswith("model.") and "plotsim" in node["tags"]]
    assert len(generated) >= 30
    for uid in generated:
        if uid != "model.plotsim_dbt.truth_run":
            assert manifest["nodes"][uid]["depends_on"]["nodes"] == ["model.plotsim_dbt.truth_run"], uid
    assert "model.plotsim_dbt.dim_company" in manifest["nodes"]["model.plotsim_dbt.scd_join_by_row_id"]["depends_on"]["nodes"]
    checks = manifest["child_map"]["model.plotsim_dbt.truth_scd_versions"]
    assert any("scd2_matches_truth" in uid for uid in checks)  # the tests join the data to the truth


def _serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/index.html"


def _browse(url: str, *flags: str) -> str:
    command = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=20000", "--window-size=1400,900", *flags, url]
    return subprocess.run(command, capture_output=True, text=True, timeout=180).stdout


def _text(dom: str) -> str:
    dom = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", dom)))


@pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine (apt-get install -y chromium; .ci/run installs it)")
def test_the_site_in_headless_chromium(site, tmp_path):
    target, _, _ = site
    server, index = _serve(target)
    try:
        pages = {
            "overview": f"{index}#!/overview",
            "model": f"{index}#!/model/model.plotsim_dbt.dim_company",
            "lineage": f"{index}#!/model/model.plotsim_dbt.fct_revenue?g_v=1",
        }
        texts = {name: _text(_browse(url, "--dump-dom")) for name, url in pages.items()}
        for name, url in pages.items():
            _browse(url, f"--screenshot={tmp_path / name}.png")
    finally:
        server.shutdown()
    overview = texts["overview"]
    assert "The story" in overview and "The truth" in overview and "How to use it" in overview
    assert "rapid_adopter 120 sigmoid(low=0.45, high=0.95, steepness=6)" in overview and "| segment |" not in overview  # rendered table
    model = texts["model"]
    assert "One row per company and plan version (SCD2)" in model
    assert "it repeats on each of its SCD2 versions (the key is dim_row_id)" in model
    assert "Primary key of the version (SCD2 surrogate key)" in model
    assert "Lineage Graph" in texts["lineage"]
    from PIL import Image

    for name in pages:
        image = Image.open(tmp_path / f"{name}.png").convert("L")
        assert image.size == (1400, 900)
        low, high = image.getextrema()
        assert high - low > 100, name  # drawn, not a blank page
