"""The pyspark-free half of plotsim_dbt.spark: key block runs, table lookup and lazy pyspark."""

from __future__ import annotations

import subprocess
import sys

import pytest

from plotsim_dbt import ConfigError, load_template
from plotsim_dbt.spark.tables import TableJob, split_blocks


def test_key_blocks_split_into_contiguous_runs_that_cover_each_block_once():
    for blocks, partitions in ((3, 1), (3, 3), (3, 7), (10, 4), (1, 5)):
        runs = split_blocks(blocks, partitions)
        assert len(runs) == min(blocks, partitions)
        assert [b for run in runs for b in run] == list(range(blocks))
        assert max(map(len, runs)) - min(map(len, runs)) <= 1


def test_bad_partitions_and_unknown_tables_are_config_errors():
    with pytest.raises(ConfigError, match="partitions"):
        split_blocks(3, 0)
    with pytest.raises(ConfigError, match="no table named 'fct_nope'.*fct_revenue"):
        TableJob.of("saas", "fct_nope")


def test_a_job_knows_where_each_table_is_built():
    job = TableJob.of(load_template("saas"), "fct_revenue")
    assert job.per_block and job.schema == job.plan.tables["fct_revenue"].schema
    assert not TableJob.of("saas", "dim_date").per_block
    assert not TableJob.of("saas", "truth_run").per_block
    assert TableJob.of("saas", "truth_scd_versions").per_block


def test_importing_the_package_does_not_import_pyspark():
    code = "import sys, plotsim_dbt.spark; assert 'pyspark' not in sys.modules, 'pyspark imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
