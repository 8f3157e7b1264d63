"""The runtime behind dbt models: one generation per process, and big facts streamed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa

from plotsim_dbt import create_from_yaml
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.dbt import runtime

CONFIG = """
about: runtime
unit: shop
window: ["2024-01", "2024-06"]
seed: 4
metrics: [{name: sales, type: amount, range: [1, 100]}]
segments: [{name: s, count: 1500, archetype: growth}]
"""


def test_threads_share_one_generation(tmp_path, capsys):
    path = tmp_path / "c.yaml"
    path.write_text(CONFIG)
    settings = {"config": str(path), "seed": 4}
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda name: runtime.table(settings, name), ["dim_date", "dim_shop", "fct_shop", "truth_run"] * 4))
    assert capsys.readouterr().out.count("plotsim_dbt: generated") == 1
    assert results[2] is results[6]  # the cached table itself, not a copy


def test_a_fact_above_stream_rows_is_streamed_with_the_same_rows(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(CONFIG)
    settings = {"config": str(path), "seed": "9", "stream_rows": 100}
    reader = runtime.table(settings, "fct_shop")
    assert isinstance(reader, pa.RecordBatchReader)
    streamed = reader.read_all()
    expected, _ = generate_arrow(create_from_yaml(path), seed=9)
    assert streamed.equals(expected["fct_shop"])
    truth = runtime.table(settings, "truth_run").to_pydict()
    assert dict(zip(truth["table_name"], truth["row_count"]))["fct_shop"] == 1500 * 6
    assert runtime.table(settings, "dim_shop").equals(expected["dim_shop"])


def test_a_relative_config_path_is_read_from_the_dbt_project_not_the_working_directory(tmp_path, monkeypatch):
    from argparse import Namespace

    from dbt.flags import get_flags, set_flags

    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "plotsim.yaml").write_text(CONFIG)
    (elsewhere / "plotsim.yaml").write_text(CONFIG.replace("seed: 4", "seed: 5").replace("about: runtime", "about: decoy"))
    monkeypatch.chdir(elsewhere)
    before = get_flags()
    set_flags(Namespace(PROJECT_DIR=str(project)))  # what `dbt build --project-dir project` sets
    try:
        config, seed = runtime.load_settings({"config": "plotsim.yaml"})
    finally:
        set_flags(before)
    assert (config.about, seed) == ("runtime", 4)
