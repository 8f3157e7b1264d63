"""One local Spark session (two cores) for the whole test session, and the run the Spark tests compare with; Spark tests skip, saying why,
without pyspark or Java."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from star_helpers import SEGMENTS, star_kwargs

import plotsim_dbt
import plotsim_dbt as ps
from plotsim_dbt.api import generate_arrow
from plotsim_dbt.config import dump_config
from plotsim_dbt.engine.streams import KEY_BLOCK


def _java() -> bool:
    home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is not None or (home is not None and (Path(home) / "bin" / "java").is_file())


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'plotsim-dbt[spark]')")
    if not _java():
        pytest.skip("Spark needs Java 17+ (java on PATH or JAVA_HOME)")
    from pyspark.sql import SparkSession

    # Spark's Python workers import the plotsim_dbt these tests import, not another installed copy.
    root = str(Path(plotsim_dbt.__file__).resolve().parents[1])
    os.environ["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("plotsim-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def run(tmp_path_factory):
    """(config file, config, local tables and truth) of 2,500 entities: three key blocks, the last partial."""
    segments = [{**s, "count": s["count"] * 25} for s in SEGMENTS]
    path = tmp_path_factory.mktemp("spark") / "star.yaml"
    path.write_text(dump_config(ps.create(**star_kwargs(segments=segments, window=("2024-01", "2024-03")))))
    config = ps.create_from_yaml(path)
    assert 2 * KEY_BLOCK < config.entity_count < 3 * KEY_BLOCK
    tables, state = generate_arrow(config)
    return path, config, tables | state.truth
