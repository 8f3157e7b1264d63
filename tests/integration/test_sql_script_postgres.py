"""The PostgreSQL script of output format sql loads into a real (throwaway) PostgreSQL with psql,
and every table reads back with the values of the run, awkward text included."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from pg_cluster import postgres_bin, start_cluster

import plotsim_dbt as ps

adbc = pytest.importorskip("adbc_driver_postgresql.dbapi", reason="the postgres extra (adbc-driver-postgresql) is not installed")
pytestmark = pytest.mark.slow

AWKWARD = ["O'Brien", "back\\slash", "two\nlines", "Zürich ✓"]


@pytest.fixture(scope="module")
def cluster():
    if postgres_bin() is None or shutil.which("psql") is None:
        pytest.skip("PostgreSQL (initdb, pg_ctl, psql) is not installed")
    server = start_cluster()
    yield server
    server.stop()


def test_the_postgresql_script_loads_with_psql_and_reads_back_exactly(cluster, tmp_path):
    cfg = ps.create(
        about="sql script",
        unit="account",
        window=("2024-01", "2024-06"),
        seed=8,
        metrics=[{"name": "engagement", "type": "score"}, {"name": "spend", "type": "amount", "range": [10, 500]}],
        segments=[{"name": "up", "count": 30, "archetype": "growth", "attributes": {"tier": AWKWARD}}],
        dimensions=[
            {
                "name": "dim_account",
                "columns": [
                    {"account_id": "id"},
                    {"tier": "pool.tier"},
                    {"opened_at": "timestamp"},
                    {"name": "level", "type": "scd", "tracks": "spend", "tiers": ["low", "high"], "at": [0.5]},
                ],
            },
        ],
        facts=[
            {
                "name": "fct_account",
                "columns": [
                    {"date_key": "ref.dim_date"},
                    {"account_id": "ref.dim_account"},
                    {"engagement": "metric.engagement"},
                    {"spend": "metric.spend"},
                ],
            }
        ],
    )
    ps.run(cfg, tmp_path / "parquet", format="parquet", validate=False)
    ps.run(cfg, tmp_path / "sql", format="sql", validate=False)
    psql = [shutil.which("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", cluster.url, "-f", str(tmp_path / "sql" / "data.sql")]
    subprocess.run(psql, check=True, capture_output=True)
    with adbc.connect(cluster.url) as con, con.cursor() as cursor:
        for table in ("dim_date", "dim_account", "fct_account", "truth_scd_versions"):
            expected = pq.read_table(tmp_path / "parquet" / ("truth" if table.startswith("truth_") else "") / f"{table}.parquet")
            cursor.execute(f'select * from "{table}"')  # one transaction of inserts: rows come back in insertion order
            loaded = cursor.fetch_arrow_table()
            assert loaded.column_names == expected.column_names, table
            # The driver reads NUMERIC as its exact text.
            wanted = [{k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()} for row in expected.to_pylist()]
            assert loaded.to_pylist() == wanted, table
