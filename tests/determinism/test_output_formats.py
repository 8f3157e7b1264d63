"""The outputs added in issue 15 (jsonl, a SQL script, partitioned Parquet, event logs, wide tables) are
byte-identical across block sizes and worker counts, like csv and parquet (test_byte_identical.py)."""

from __future__ import annotations

import pytest
from test_byte_identical import CONFIG, digest, several_key_blocks

from plotsim_dbt import create_from_yaml, run

OUTPUTS = {
    "jsonl": {"format": "jsonl", "denormalized": True},
    "sql": {"format": "sql", "sql_dialect": "sqlite"},
    "partitioned": {"format": "parquet", "partition_by": "date_key", "denormalized": True},
}


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_block_size_and_worker_count_do_not_change_a_byte(tmp_path, monkeypatch, name):
    from plotsim_dbt.sinks import parquet_files

    monkeypatch.setattr(parquet_files, "ROW_GROUP_ROWS", 1_000)  # several row groups per partition, cut across blocks
    visits = "{name: evt_visit, proportional: {driver: engagement, scale: 4},"
    assert visits in CONFIG
    (tmp_path / "config.yaml").write_text(CONFIG.replace(visits, visits + " log_format: '{visited_at} {visit_id} {user_id}',"))
    cfg = several_key_blocks(create_from_yaml(tmp_path / "config.yaml"))
    cfg = cfg.model_copy(update={"output": cfg.output.model_copy(update=OUTPUTS[name])})
    digests = {}
    for workers, block_size in ((1, 1024), (1, 4096), (2, 1024)):
        result = run(cfg, tmp_path / f"w{workers}_b{block_size}", workers=workers, block_size=block_size)
        digests[workers, block_size] = digest(result.directory)
    (first, *others) = digests.values()
    written = {"jsonl": "fct_account_wide.jsonl", "sql": "data.sql", "partitioned": "fct_account_wide/date_key=20240101/part-0.parquet"}[name]
    assert {"manifest.json", "validation_report.txt", "evt_visit.log", written} <= set(first)
    for label, other in zip(list(digests)[1:], others):
        assert other == first, label
