"""The signal shapes (per-metric, heavy-tailed and heteroscedastic noise, blended and decaying
lags, connection phases) write the same bytes at any block size and worker count."""

from __future__ import annotations

import hashlib
from pathlib import Path

from plotsim_dbt import create, run


def _digest(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_signal_shapes_do_not_depend_on_block_size_or_workers(tmp_path):
    cfg = create(
        about="signal shapes determinism",
        unit="acct",
        window=("2024-01", "2024-12"),
        metrics=[
            {"name": "visits", "type": "score", "noise": {"gaussian_sigma": 0.1, "family": "student_t", "degrees_of_freedom": 3}},
            {
                "name": "spend",
                "type": "amount",
                "range": [10, 500],
                "follows": "visits",
                "delay": 1,
                "decay_window": 3,
                "decay_kernel": "linear",
                "blend_weight": 0.7,
            },
            {"name": "tickets", "type": "count", "polarity": "negative", "noise": {"gaussian_sigma": 0.2, "scale_with_trajectory": True}},
        ],
        segments=[{"name": "grow", "count": 1500, "archetype": "growth"}, {"name": "fall", "count": 1100, "archetype": "decline"}],
        connections=["visits related tickets"],
        connection_phases=[{"start_period": 3, "end_period": 7, "connections": ["visits inverts spend"]}],
        noise={"gaussian_sigma": 0.05, "family": "laplace", "outlier_rate": 0.01, "mcar_rate": 0.01},
        seed=21,
    )
    digests = {}
    for workers, block_size in ((1, 1024), (1, 4096), (2, 1024)):
        result = run(cfg, tmp_path / f"w{workers}_b{block_size}", workers=workers, block_size=block_size)
        digests[workers, block_size] = _digest(result.directory)
    first, *others = digests.values()
    assert {"fct_acct.csv", "truth/truth_correlations.csv", "truth/truth_lags.csv", "truth/truth_metrics.csv"} <= set(first)
    for label, other in zip(list(digests)[1:], others):
        assert other == first, label
