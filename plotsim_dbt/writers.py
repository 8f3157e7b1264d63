"""The reference generator's single-file writers: one table, config.yaml, validation_report.txt,
manifest.json. ``run`` and ``write_tables`` replace a whole output directory at once; these add or
refresh one file, atomically (a temporary file renamed into place).

A run directory (one holding plotsim_dbt's manifest.json) is one consistent whole: its manifest,
report and config describe its tables. These writers add to it but never break it: they refuse to
replace a table the run wrote, and they only rewrite config.yaml, the report or the manifest with
one describing the same config and seed. See docs/api.md."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from .api import Source, arrow_table
from .config import Config, dump_config
from .plan.resolve import Plan, config_hash
from .sinks import run_manifest, write_atomically, write_table_file
from .truth.manifest import dumps
from .validation import ValidationReport

TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _config_of(config: Source | None) -> Config | None:
    return config.config if isinstance(config, Plan) else config


def _run_tables(manifest: dict) -> set[str]:
    """Names of the tables a run wrote: its tables, their holdout splits and the entity features."""
    tables = set(manifest.get("table_row_counts") or {})
    return tables | {f"{t}_{split}" for t in tables for split in ("train", "holdout")} | {"_entity_features"}


def _run_format(directory: Path) -> str | None:
    """The file format of the run in ``directory``: its dim_date file, or parquet beside a warehouse.duckdb."""
    if (directory / "dim_date.csv").exists():
        return "csv"
    if (directory / "dim_date.parquet").exists() or (directory / "warehouse.duckdb").exists():
        return "parquet"
    return None


def write_single_table(name: str, df, output_dir: str | Path, config: Source | None = None) -> Path:
    """Write one table (a pandas DataFrame or Arrow table) as ``output_dir/<name>.<ext>`` and return
    the path. ``name`` must be a plain identifier (letters, digits, underscores), so the file cannot
    land outside ``output_dir``. The format is the config's ``output.format`` (a DuckDB output gets a
    Parquet file beside its database), else that of the run already in ``output_dir``, else CSV.
    In a run directory, the tables of the run (and their splits, entity features and truth tables)
    are refused: replacing one would leave the manifest and report describing other data."""
    directory = Path(output_dir)
    if not isinstance(name, str) or not TABLE_NAME.fullmatch(name):
        raise ValueError(
            f"write_single_table: table name {name!r} is not a plain identifier (letters, digits, underscores; "
            f"no path separators, dots or ..), so it could land outside {directory}"
        )
    cfg = _config_of(config)
    fmt = cfg.output.format if cfg is not None else (_run_format(directory) or "csv")
    fmt = "parquet" if fmt == "duckdb" else fmt
    path = directory / f"{name}.{fmt}"
    if path.resolve().parent != directory.resolve():
        raise ValueError(f"write_single_table: table name {name!r} resolves outside {directory}")
    manifest = run_manifest(directory)
    if manifest is not None and (name in _run_tables(manifest) or name.startswith("truth_")):
        raise ValueError(
            f"write_single_table: {name} is a table of the plotsim_dbt run in {directory}; replacing it would break "
            "the run's manifest and report (regenerate with run(), or write it under another name or directory)"
        )
    return write_table_file(fmt, arrow_table(name, df), path)


def _guard_run_file(directory: Path, what: str, config_sha256: str | None, seed: int | None) -> None:
    """In a run directory, only a file describing the same config (and seed, when known) may replace the run's."""
    manifest = run_manifest(directory)
    if manifest is None:
        return
    same_config = config_sha256 is not None and config_sha256 == manifest.get("config_sha256")
    same_seed = seed is None or seed == manifest.get("seed")
    if not (same_config and same_seed):
        raise ValueError(
            f"{directory} holds a plotsim_dbt run of another config or seed (config_sha256 {manifest.get('config_sha256')}, "
            f"seed {manifest.get('seed')}); writing this {what} there would contradict its tables. "
            "Choose another directory, or regenerate the run"
        )


def write_config_copy(config: Source, directory: str | Path) -> Path:
    """Write ``directory/config.yaml`` (the config as ``dump_config`` gives it, as a run writes it)."""
    cfg = _config_of(config)
    directory = Path(directory)
    _guard_run_file(directory, "config.yaml", config_hash(cfg), None)
    text = dump_config(cfg)
    return write_atomically(directory / "config.yaml", lambda p: p.write_text(text, encoding="utf-8", newline="\n"))


def write_validation_report(report: ValidationReport, directory: str | Path, config: Source | None = None) -> Path:
    """Write ``directory/validation_report.txt``: ``report.text()``, with no clock. ``config`` names the
    dataset in the header when the report does not (reports from ``validate`` carry it)."""
    directory = Path(directory)
    if report.config_sha256 is not None:
        sha, seed = report.config_sha256, report.seed
    elif config is not None:
        sha = config.config_sha256 if isinstance(config, Plan) else config_hash(config)
        seed = config.seed
    else:
        sha = seed = None
    _guard_run_file(directory, "validation report", sha, seed)
    text = ValidationReport(report.issues, report.checks_run, sha, seed).text()
    return write_atomically(directory / "validation_report.txt", lambda p: p.write_text(text, encoding="utf-8", newline="\n"))


def write_manifest(manifest: Mapping, path_or_dir: str | Path) -> Path:
    """Write a manifest (the dict ``build_manifest`` returns) as ``manifest.json`` in a directory, or
    to the given ``.json`` path, as a run writes it (sorted keys, indent 2, trailing newline)."""
    target = Path(path_or_dir)
    if target.is_dir() or target.suffix.lower() != ".json":
        target = target / "manifest.json"
    manifest = manifest.model_dump(mode="json") if hasattr(manifest, "model_dump") else dict(manifest)
    if target.name == "manifest.json":
        _guard_run_file(target.parent, "manifest", manifest.get("config_sha256"), manifest.get("seed"))
    text = dumps(manifest)
    return write_atomically(target, lambda p: p.write_text(text, encoding="utf-8", newline="\n"))


__all__ = ["write_config_copy", "write_manifest", "write_single_table", "write_validation_report"]
