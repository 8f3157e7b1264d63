"""The written report: a self-contained page with every expected section and pictures that are
not blank, for saas (Python API) and hr (command line)."""

from __future__ import annotations

import base64
import io
import re
import sys

import numpy as np
import pytest
from PIL import Image

import plotsim_dbt as ps
from plotsim_dbt.report.sections import HEADINGS

EXPECTED = {
    "saas": [h for k, h in HEADINGS.items() if k != "treatment"],
    "hr": [h for k, h in HEADINGS.items() if k not in {"calendar", "treatment"}],
}


def images(html: str) -> list[np.ndarray]:
    return [
        np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("L"), dtype=float)
        for data in re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", html)
    ]


@pytest.mark.parametrize("template", ["saas", "hr"])
def test_the_report_has_every_section_and_no_blank_picture(reports, template):
    html = reports[template].read_text(encoding="utf-8")
    assert re.findall(r"<h2>(.*?)</h2>", html) == EXPECTED[template]
    pictures = images(html)
    assert len(pictures) >= len(EXPECTED[template])
    for picture in pictures:
        assert picture.shape[0] > 100 and picture.shape[1] > 300
        assert picture.std() > 10  # a blank (single-colour) figure has no spread
        assert (picture < 128).mean() > 0.005  # ink: lines, bars or cells, not only background


@pytest.mark.parametrize("template", ["saas", "hr"])
def test_the_report_is_self_contained_and_states_the_run(reports, template):
    html = reports[template].read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=['\"](https?:)?//", html)  # no network fetch
    assert "<script" not in html
    config = ps.load_template(template)
    assert f"<td>{config.seed}</td>" in html
    counts = dict(re.findall(r"<tr><td>(\w+)</td><td class='n'>([\d,]+)</td></tr>", html))
    tables, _ = ps.api.generate_arrow(config)
    assert {name: int(n.replace(",", "")) for name, n in counts.items()} == {name: t.num_rows for name, t in tables.items()}


def test_absent_features_are_named_in_the_header(reports):
    html = reports["hr"].read_text(encoding="utf-8")
    assert "not in this config</th><td>Weekly calendar, Treatment</td>" in html


def test_each_section_has_a_caption_with_its_numbers(reports):
    html = reports["saas"].read_text(encoding="utf-8")
    captions = re.findall(r"<p class='caption'>(.*?)</p>", html)
    assert len(captions) == len(EXPECTED["saas"]) and all(len(c) > 60 for c in captions)
    assert "1 of 1 lag(s) peak there" in html
    assert "equal to truth_scd_events" in html


def test_the_report_explains_a_missing_matplotlib(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    with pytest.raises(ImportError, match=r"pip install 'plotsim-dbt\[plot\]'"):
        ps.report(ps.load_template("hr"), tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_a_config_without_metric_facts_gets_one_clear_error_and_no_file(tmp_path):
    # only a variable fact: no fact with one row per entity and period to read the metrics from
    config = ps.create(
        about="no metric facts",
        unit="shop",
        window=("2023-01", "2023-06"),
        metrics=[{"name": "footfall", "type": "count"}],
        segments=[{"name": "busy", "count": 3, "archetype": "growth"}, {"name": "quiet", "count": 3, "archetype": "decline"}],
        dimensions=[{"name": "dim_shop", "columns": [{"shop_id": "id"}]}],
        facts=[
            {
                "name": "fct_sale",
                "row_count_driver": "footfall",
                "row_count_scale": 0.5,
                "columns": [{"sale_id": "id"}, {"shop_id": "ref.dim_shop"}, {"date_key": "ref.dim_date"}],
            }
        ],
    )
    with pytest.raises(ValueError, match="needs a fact table with one row per entity and period"):
        ps.report(config, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()
